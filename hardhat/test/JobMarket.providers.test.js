const { setBalance } = require("@nomicfoundation/hardhat-network-helpers");
const {
  ethers,
  expect,
  it,
  load,
  UINT96_MAX,
  DEPOSIT,
  STAKE,
  MAX_PRICE,
  RESULT,
  fastBid,
  revealBy,
  postJob,
  deployFixture,
  stakedProvidersFixture,
  fastJobFixture,
  fastFilledFixture,
  expectProvider,
  PROVIDER_COUNT_SLOT,
} = require("./helpers/jobMarket");

const MAX_PROVIDERS = (1n << 24n) - 1n;

describe("JobMarket: providers", function () {
  describe("register", function () {
    it("gives provider ids from 1 in registration order and binds each to its miner id", async function () {
      const { market, providers: [p1, p2] } = await load(deployFixture);
      expect(await market.providerCount()).to.equal(0n);
      await expect(market.connect(p1).register(1234))
        .to.emit(market, "ProviderRegistered")
        .withArgs(p1.address, 1234, 1);
      await expect(market.connect(p2).register(0)).to.emit(market, "ProviderRegistered").withArgs(p2.address, 0, 2);
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
      await expect(market.connect(p1).register(max)).to.emit(market, "ProviderRegistered").withArgs(p1.address, max, 1);
      expect(await market.minerIdOf(p1.address)).to.equal(max);
    });

    it("reverts AlreadyRegistered with the provider's id, keeping its miner id", async function () {
      const { market, providers: [p1, p2] } = await load(deployFixture);
      await market.connect(p1).register(1234);
      await market.connect(p2).register(99);
      await expect(market.connect(p2).register(7))
        .to.be.revertedWithCustomError(market, "JobMarketAlreadyRegistered")
        .withArgs(p2.address, 2);
      expect(await market.minerIdOf(p2.address)).to.equal(99n);
      expect(await market.providerCount()).to.equal(2n);
    });

    it("reverts TooManyProviders once MAX_PROVIDERS (2^24 − 1) ids are taken", async function () {
      const { market, providers: [p1] } = await load(deployFixture);
      expect(await market.MAX_PROVIDERS()).to.equal(MAX_PROVIDERS);
      await market.connect(p1).register(1);
      const address = await market.getAddress();
      // providerCount lives alone in its slot: check the layout before writing to it
      expect(BigInt(await ethers.provider.getStorage(address, PROVIDER_COUNT_SLOT))).to.equal(1n);
      await ethers.provider.send("hardhat_setStorageAt", [
        address,
        ethers.toQuantity(PROVIDER_COUNT_SLOT),
        ethers.toBeHex(MAX_PROVIDERS - 1n, 32),
      ]);
      expect(await market.providerCount()).to.equal(MAX_PROVIDERS - 1n);
      const signers = await ethers.getSigners();
      const [last, extra] = [signers[15], signers[16]]; // not among the fixture's providers
      await expect(market.connect(last).register(5))
        .to.emit(market, "ProviderRegistered")
        .withArgs(last.address, 5, MAX_PROVIDERS);
      expect(await market.providerAccount(MAX_PROVIDERS)).to.equal(last.address);
      await expect(market.connect(extra).register(6)).to.be.revertedWithCustomError(
        market,
        "JobMarketTooManyProviders",
      );
      // the count was forged: put it back so that the ledger check walks the real providers only
      await ethers.provider.send("hardhat_setStorageAt", [
        address,
        ethers.toQuantity(PROVIDER_COUNT_SLOT),
        ethers.toBeHex(1n, 32),
      ]);
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
      await market.connect(p).register(1);
      await expect(market.connect(p).stake({ value: 0n })).to.be.revertedWithCustomError(market, "JobMarketZeroAmount");
    });

    it("adds deposits up, reports the running balance and holds the FIL", async function () {
      const { market, providers: [p] } = await load(deployFixture);
      await market.connect(p).register(1);
      await expect(market.connect(p).stake({ value: 300n }))
        .to.emit(market, "StakeDeposited")
        .withArgs(p.address, 300n, 300n);
      await expect(market.connect(p).stake({ value: 45n })).to.changeEtherBalances([p, market], [-45n, 45n]);
      await expectProvider(market, p, { balance: 345n, locked: 0n });
      expect(await ethers.provider.getBalance(await market.getAddress())).to.equal(345n);
    });

    it("accepts a balance of exactly uint96 max, reverts AmountTooLarge one attoFIL above", async function () {
      const { market, providers: [p] } = await load(deployFixture);
      await market.connect(p).register(1);
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
      await market.connect(p).register(1);
      const tooLarge = 1n << 96n; // truncates to 0 in 96 bits
      await setBalance(p.address, tooLarge * 2n);
      await expect(market.connect(p).stake({ value: tooLarge }))
        .to.be.revertedWithCustomError(market, "JobMarketAmountTooLarge")
        .withArgs(tooLarge, UINT96_MAX);
      await expectProvider(market, p, { balance: 0n, locked: 0n });
    });

    it("stays backed after a deposit at uint96 max is withdrawn in full", async function () {
      const { market, providers: [p] } = await load(deployFixture);
      await market.connect(p).register(1);
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
      await market.connect(outsider).register(77);
      const { jobId } = await postJob(market, client, { replicas: 1, quorum: 1, stake: 0n });
      await market.connect(outsider).bid(jobId, 0, 0, ethers.ZeroHash);
      await revealBy(market, jobId, outsider, 0, RESULT);
      await expectProvider(market, outsider, { balance: MAX_PRICE, locked: 0n });
      await expect(market.connect(outsider).withdrawStake(MAX_PRICE)).to.changeEtherBalance(outsider, MAX_PRICE);
    });
  });
});
