const { setBalance } = require("@nomicfoundation/hardhat-network-helpers");
const {
  ethers,
  expect,
  time,
  it,
  register,
  load,
  State,
  UINT96_MAX,
  DEPOSIT,
  STAKE,
  MAX_PRICE,
  MAX_PROVIDERS,
  ETH,
  RESULT,
  fastBid,
  auctionBid,
  commitTo,
  revealBy,
  postJob,
  deployFixture,
  stakedProvidersFixture,
  fastJobFixture,
  fastFilledFixture,
  expectProvider,
  bidStorage,
  PROVIDER_COUNT_SLOT,
} = require("./helpers/jobMarket");

/** Overwrites providerCount (a uint16 alone in its slot, checked before each write). */
async function forgeProviderCount(market, count) {
  await ethers.provider.send("hardhat_setStorageAt", [
    await market.getAddress(),
    ethers.toQuantity(PROVIDER_COUNT_SLOT),
    ethers.toBeHex(count, 32),
  ]);
  expect(await market.providerCount()).to.equal(count);
}

describe("JobMarket: providers", function () {
  describe("register", function () {
    it("gives provider ids from 1 in registration order and binds each to its miner id", async function () {
      const { market, providers: [p1, p2] } = await load(deployFixture);
      expect(await market.providerCount()).to.equal(0n);
      await expect(register(market, p1, 1234))
        .to.emit(market, "ProviderRegistered")
        .withArgs(p1.address, 1234, 1);
      await expect(register(market, p2, 0)).to.emit(market, "ProviderRegistered").withArgs(p2.address, 0, 2);
      expect(await market.providerCount()).to.equal(2n);
      expect(await market.providerAccount(1)).to.equal(p1.address);
      expect(await market.providerAccount(2)).to.equal(p2.address);
      expect(await market.providerAccount(3)).to.equal(ethers.ZeroAddress);
      expect(await market.minerIdOf(p1.address)).to.equal(1234n);
      expect(await market.minerIdOf(p2.address)).to.equal(0n);
      const rec = await market.providers(p1.address);
      expect([rec.balance, rec.locked, rec.id]).to.deep.equal([0n, 0n, 1n]);
    });

    it("accepts the largest miner id (uint64 max)", async function () {
      const { market, providers: [p1] } = await load(deployFixture);
      const max = (1n << 64n) - 1n;
      await expect(register(market, p1, max)).to.emit(market, "ProviderRegistered").withArgs(p1.address, max, 1);
      expect(await market.minerIdOf(p1.address)).to.equal(max);
    });

    it("reverts AlreadyRegistered with the provider's id, keeping its miner id", async function () {
      const { market, providers: [p1, p2] } = await load(deployFixture);
      await register(market, p1, 1234);
      await register(market, p2, 99);
      await expect(register(market, p2, 7))
        .to.be.revertedWithCustomError(market, "JobMarketAlreadyRegistered")
        .withArgs(p2.address, 2);
      expect(await market.minerIdOf(p2.address)).to.equal(99n);
      expect(await market.providerCount()).to.equal(2n);
    });

    it("reverts TooManyProviders once MAX_PROVIDERS (2^16 − 1 = 65535) ids are taken", async function () {
      const { market, providers: [p1] } = await load(deployFixture);
      expect(await market.MAX_PROVIDERS()).to.equal(MAX_PROVIDERS);
      expect(MAX_PROVIDERS).to.equal(65535n);
      await register(market, p1, 1);
      const address = await market.getAddress();
      // providerCount lives alone in its slot: check the layout before writing to it
      expect(BigInt(await ethers.provider.getStorage(address, PROVIDER_COUNT_SLOT))).to.equal(1n);
      await forgeProviderCount(market, MAX_PROVIDERS - 1n);
      const signers = await ethers.getSigners();
      const [last, extra] = [signers[15], signers[16]]; // not among the fixture's providers
      await expect(register(market, last, 5))
        .to.emit(market, "ProviderRegistered")
        .withArgs(last.address, 5, MAX_PROVIDERS);
      expect(await market.providerAccount(MAX_PROVIDERS)).to.equal(last.address);
      expect((await market.providers(last.address)).id).to.equal(MAX_PROVIDERS);
      // the count is in the slot's low 16 bits and nothing else is: no wrap to id 0
      expect(BigInt(await ethers.provider.getStorage(address, PROVIDER_COUNT_SLOT))).to.equal(MAX_PROVIDERS);
      await expect(register(market, extra, 6)).to.be.revertedWithCustomError(
        market,
        "JobMarketTooManyProviders",
      );
      expect(await market.providerCount()).to.equal(MAX_PROVIDERS);
      expect((await market.providers(extra.address)).id).to.equal(0n);
      // a registered provider is refused as already registered, before the count is looked at
      await expect(register(market, last, 7))
        .to.be.revertedWithCustomError(market, "JobMarketAlreadyRegistered")
        .withArgs(last.address, MAX_PROVIDERS);
      // the count was forged: put it back so that the ledger check walks the real providers only
      await forgeProviderCount(market, 1n);
    });

    it("the highest provider ids keep all 16 bits in every place a bid's id is kept (job slot, terms slot, side word)", async function () {
      const { market, client, providers } = await load(deployFixture);
      const ps = providers.slice(0, 5);
      await forgeProviderCount(market, MAX_PROVIDERS - BigInt(ps.length));
      for (const p of ps) {
        await register(market, p, 1);
        await market.connect(p).stake({ value: DEPOSIT });
      }
      const ids = ps.map((_, i) => MAX_PROVIDERS - BigInt(ps.length - 1 - i)); // 65531 .. 65535
      for (const [i, p] of ps.entries()) expect((await market.providers(p.address)).id).to.equal(ids[i]);
      const { jobId } = await postJob(market, client, { bidWindow: 600 });
      const prices = [ETH("0.9"), ETH("0.8"), ETH("0.3"), ETH("0.2"), ETH("0.1")];
      for (const [i, p] of ps.entries()) await auctionBid(market, jobId, p, prices[i]);
      const words = await bidStorage(market, jobId);
      expect(words.bidderIds).to.deep.equal(ids);
      expect(words.bidders).to.equal(ids[3] | (ids[4] << 16n));
      expect((await market.getBids(jobId)).map((b) => b.provider)).to.deep.equal(ps.map((p) => p.address));
      for (const p of ps) {
        await expect(auctionBid(market, jobId, p, 1n))
          .to.be.revertedWithCustomError(market, "JobMarketAlreadyBid")
          .withArgs(jobId, p.address);
      }
      await time.increaseTo((await market.getJob(jobId)).deadline);
      await market.assign(jobId); // the cheapest: indexes 2, 3, 4
      for (const i of [2, 3, 4]) await commitTo(market, jobId, ps[i], i, RESULT);
      for (const i of [2, 3, 4]) await revealBy(market, jobId, ps[i], i, RESULT);
      expect((await market.getJob(jobId)).state).to.equal(State.Finalized);
      for (const i of [2, 3, 4]) await expectProvider(market, ps[i], { balance: DEPOSIT + prices[i], locked: 0n });
      for (const i of [0, 1]) await expectProvider(market, ps[i], { balance: DEPOSIT, locked: 0n });
      // the forged count: back to the providers the ledger check can walk (the fixture's signers are checked anyway)
      await forgeProviderCount(market, 0n);
    });
  });

  describe("stake", function () {
    it("reverts NotRegistered for an account that did not register", async function () {
      const { market, outsider } = await load(deployFixture);
      await expect(market.connect(outsider).stake({ value: 1n }))
        .to.be.revertedWithCustomError(market, "JobMarketNotRegistered")
        .withArgs(outsider.address);
    });

    it("reverts ZeroAmount when nothing is sent", async function () {
      const { market, providers: [p] } = await load(deployFixture);
      await register(market, p, 1);
      await expect(market.connect(p).stake({ value: 0n })).to.be.revertedWithCustomError(market, "JobMarketZeroAmount");
    });

    it("adds deposits up, reports the running balance and holds the FIL", async function () {
      const { market, providers: [p] } = await load(deployFixture);
      await register(market, p, 1);
      await expect(market.connect(p).stake({ value: 300n }))
        .to.emit(market, "StakeDeposited")
        .withArgs(p.address, 300n, 300n);
      await expect(market.connect(p).stake({ value: 45n })).to.changeEtherBalances([p, market], [-45n, 45n]);
      await expectProvider(market, p, { balance: 345n, locked: 0n });
      expect(await ethers.provider.getBalance(await market.getAddress())).to.equal(345n);
    });

    it("accepts a balance of exactly uint96 max, reverts AmountTooLarge one attoFIL above", async function () {
      const { market, providers: [p] } = await load(deployFixture);
      await register(market, p, 1);
      await setBalance(p.address, UINT96_MAX * 4n);
      await expect(market.connect(p).stake({ value: UINT96_MAX - 1n }))
        .to.emit(market, "StakeDeposited")
        .withArgs(p.address, UINT96_MAX - 1n, UINT96_MAX - 1n);
      await expect(market.connect(p).stake({ value: 2n }))
        .to.be.revertedWithCustomError(market, "JobMarketAmountTooLarge")
        .withArgs(UINT96_MAX + 1n, UINT96_MAX);
      await expect(market.connect(p).stake({ value: 1n }))
        .to.emit(market, "StakeDeposited")
        .withArgs(p.address, 1n, UINT96_MAX);
      await expect(market.connect(p).stake({ value: 1n }))
        .to.be.revertedWithCustomError(market, "JobMarketAmountTooLarge")
        .withArgs(UINT96_MAX + 1n, UINT96_MAX);
      await expectProvider(market, p, { balance: UINT96_MAX, locked: 0n });
    });

    it("reverts AmountTooLarge for a single deposit above uint96 (no truncation)", async function () {
      const { market, providers: [p] } = await load(deployFixture);
      await register(market, p, 1);
      const tooLarge = 1n << 96n; // truncates to 0 in 96 bits
      await setBalance(p.address, tooLarge * 2n);
      await expect(market.connect(p).stake({ value: tooLarge }))
        .to.be.revertedWithCustomError(market, "JobMarketAmountTooLarge")
        .withArgs(tooLarge, UINT96_MAX);
      await expectProvider(market, p, { balance: 0n, locked: 0n });
    });

    it("stays backed after a deposit at uint96 max is withdrawn in full", async function () {
      const { market, providers: [p] } = await load(deployFixture);
      await register(market, p, 1);
      await setBalance(p.address, UINT96_MAX * 2n);
      await market.connect(p).stake({ value: UINT96_MAX });
      await expect(market.connect(p).withdrawStake(UINT96_MAX)).to.changeEtherBalances(
        [p, market],
        [UINT96_MAX, -UINT96_MAX],
      );
      await expectProvider(market, p, { balance: 0n, locked: 0n });
    });
  });

  describe("withdrawStake", function () {
    it("reverts ZeroAmount", async function () {
      const { market, providers: [p] } = await load(stakedProvidersFixture);
      await expect(market.connect(p).withdrawStake(0)).to.be.revertedWithCustomError(market, "JobMarketZeroAmount");
    });

    it("reverts InsufficientFreeStake for an account that never staked", async function () {
      const { market, outsider } = await load(stakedProvidersFixture);
      await expect(market.connect(outsider).withdrawStake(1))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(outsider.address, 1n, 0n);
    });

    it("reverts InsufficientFreeStake for an amount above the balance, even one that truncates in 96 bits", async function () {
      const { market, providers: [p] } = await load(stakedProvidersFixture);
      await expect(market.connect(p).withdrawStake(DEPOSIT + 1n))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(p.address, DEPOSIT + 1n, DEPOSIT);
      const wraps = (1n << 96n) + 1n; // uint96(wraps) == 1
      await expect(market.connect(p).withdrawStake(wraps))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(p.address, wraps, DEPOSIT);
      await expect(market.connect(p).withdrawStake(ethers.MaxUint256))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(p.address, ethers.MaxUint256, DEPOSIT);
    });

    it("reverts InsufficientFreeStake for stake locked by a bid (free = balance − locked)", async function () {
      const { market, providers: [p], jobId } = await load(fastJobFixture);
      await fastBid(market, jobId, p, RESULT);
      await expectProvider(market, p, { balance: DEPOSIT, locked: STAKE });
      const free = DEPOSIT - STAKE;
      await expect(market.connect(p).withdrawStake(DEPOSIT))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(p.address, DEPOSIT, free);
      await expect(market.connect(p).withdrawStake(free + 1n))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(p.address, free + 1n, free);
    });

    it("returns exactly the free balance and keeps the locked stake", async function () {
      const { market, providers: [p], jobId } = await load(fastJobFixture);
      await fastBid(market, jobId, p, RESULT);
      const free = DEPOSIT - STAKE;
      const tx = market.connect(p).withdrawStake(free);
      await expect(tx).to.changeEtherBalances([p, market], [free, -free]);
      await expect(tx).to.emit(market, "StakeWithdrawn").withArgs(p.address, free, STAKE);
      await expectProvider(market, p, { balance: STAKE, locked: STAKE });
      await expect(market.connect(p).withdrawStake(1n))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(p.address, 1n, 0n);
    });

    it("withdraws part of the balance, then the rest", async function () {
      const { market, providers: [p] } = await load(stakedProvidersFixture);
      await expect(market.connect(p).withdrawStake(1n))
        .to.emit(market, "StakeWithdrawn")
        .withArgs(p.address, 1n, DEPOSIT - 1n);
      await expect(market.connect(p).withdrawStake(DEPOSIT - 1n)).to.changeEtherBalances(
        [p, market],
        [DEPOSIT - 1n, -(DEPOSIT - 1n)],
      );
      await expectProvider(market, p, { balance: 0n, locked: 0n });
      // still registered: may stake again
      await expect(market.connect(p).stake({ value: 1n }))
        .to.emit(market, "StakeDeposited")
        .withArgs(p.address, 1n, 1n);
    });

    it("pays out earnings with the stake once a job settles", async function () {
      const { market, winners, jobId } = await load(fastFilledFixture);
      for (const [i, p] of winners.entries()) await revealBy(market, jobId, p, i, RESULT);
      const [p1] = winners;
      await expectProvider(market, p1, { balance: DEPOSIT + MAX_PRICE, locked: 0n });
      await expect(market.connect(p1).withdrawStake(DEPOSIT + MAX_PRICE)).to.changeEtherBalances(
        [p1, market],
        [DEPOSIT + MAX_PRICE, -(DEPOSIT + MAX_PRICE)],
      );
      await expectProvider(market, p1, { balance: 0n, locked: 0n });
    });

    it("a provider that registered but never staked can bid on a zero-stake job and withdraw its pay", async function () {
      const { market, client, outsider } = await load(deployFixture);
      await register(market, outsider, 77);
      const { jobId } = await postJob(market, client, { replicas: 1, quorum: 1, stake: 0n });
      await market.connect(outsider).bid(jobId, 0, 0, ethers.ZeroHash);
      await revealBy(market, jobId, outsider, 0, RESULT);
      await expectProvider(market, outsider, { balance: MAX_PRICE, locked: 0n });
      await expect(market.connect(outsider).withdrawStake(MAX_PRICE)).to.changeEtherBalance(outsider, MAX_PRICE);
    });
  });
});
