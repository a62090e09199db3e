const { setBalance, impersonateAccount, setCode } = require("@nomicfoundation/hardhat-network-helpers");
const {
  ethers,
  expect,
  loadFixture,
  DEPOSIT,
  STAKE,
  deployFixture,
  stakedProvidersFixture,
  postedFastJobFixture,
  expectProvider,
} = require("./helpers/jobMarket");

describe("JobMarket: providers", function () {
  describe("register", function () {
    it("registers the caller bound to its miner id", async function () {
      const { market, providers: [p] } = await loadFixture(deployFixture);
      await expect(market.connect(p).register(1234))
        .to.emit(market, "ProviderRegistered")
        .withArgs(p.address, 1234);
      const rec = await market.providers(p.address);
      expect(rec.minerId).to.equal(1234n);
      expect(rec.registered).to.equal(true);
      expect(rec.stake).to.equal(0n);
      expect(rec.locked).to.equal(0n);
    });

    it("reverts AlreadyRegistered with the bound miner id", async function () {
      const { market, providers: [p] } = await loadFixture(deployFixture);
      await market.connect(p).register(1234);
      await expect(market.connect(p).register(99))
        .to.be.revertedWithCustomError(market, "JobMarketAlreadyRegistered")
        .withArgs(p.address, 1234);
    });
  });

  describe("stake", function () {
    it("reverts NotRegistered for an unregistered account", async function () {
      const { market, outsider } = await loadFixture(deployFixture);
      await expect(market.connect(outsider).stake({ value: 1n }))
        .to.be.revertedWithCustomError(market, "JobMarketNotRegistered")
        .withArgs(outsider.address);
    });

    it("reverts ZeroAmount when nothing is sent", async function () {
      const { market, providers: [p] } = await loadFixture(deployFixture);
      await market.connect(p).register(1);
      await expect(market.connect(p).stake({ value: 0n })).to.be.revertedWithCustomError(market, "JobMarketZeroAmount");
    });

    it("adds deposits up and reports the running total", async function () {
      const { market, providers: [p] } = await loadFixture(deployFixture);
      await market.connect(p).register(1);
      await expect(market.connect(p).stake({ value: 300n }))
        .to.emit(market, "StakeDeposited")
        .withArgs(p.address, 300n, 300n);
      await expect(market.connect(p).stake({ value: 45n }))
        .to.emit(market, "StakeDeposited")
        .withArgs(p.address, 45n, 345n);
      await expectProvider(market, p, { stake: 345n, locked: 0n });
      expect(await ethers.provider.getBalance(await market.getAddress())).to.equal(345n);
    });

    it("reverts AmountTooLarge for a deposit above 128 bits", async function () {
      const { market, providers: [p] } = await loadFixture(deployFixture);
      await market.connect(p).register(1);
      const tooLarge = 1n << 128n;
      await setBalance(p.address, tooLarge * 2n);
      await expect(market.connect(p).stake({ value: tooLarge }))
        .to.be.revertedWithCustomError(market, "JobMarketAmountTooLarge")
        .withArgs(tooLarge);
    });
  });

  describe("withdrawStake", function () {
    it("reverts ZeroAmount", async function () {
      const { market, providers: [p] } = await loadFixture(stakedProvidersFixture);
      await expect(market.connect(p).withdrawStake(0)).to.be.revertedWithCustomError(market, "JobMarketZeroAmount");
    });

    it("reverts InsufficientFreeStake for an account with no stake", async function () {
      const { market, outsider } = await loadFixture(stakedProvidersFixture);
      await expect(market.connect(outsider).withdrawStake(1))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(outsider.address, 1n, 0n);
    });

    it("reverts InsufficientFreeStake for stake locked by a bid", async function () {
      const { market, providers: [p], jobId } = await loadFixture(postedFastJobFixture);
      await market.connect(p).bid(jobId, 1n, 0);
      await expectProvider(market, p, { stake: DEPOSIT, locked: STAKE });
      await expect(market.connect(p).withdrawStake(DEPOSIT))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(p.address, DEPOSIT, DEPOSIT - STAKE);
      await expect(market.connect(p).withdrawStake(DEPOSIT - STAKE + 1n))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(p.address, DEPOSIT - STAKE + 1n, DEPOSIT - STAKE);
    });

    it("returns exactly the free stake to the provider", async function () {
      const { market, providers: [p], jobId } = await loadFixture(postedFastJobFixture);
      await market.connect(p).bid(jobId, 1n, 0);
      const free = DEPOSIT - STAKE;
      const tx = market.connect(p).withdrawStake(free);
      await expect(tx).to.changeEtherBalances([p, market], [free, -free]);
      await expect(tx).to.emit(market, "StakeWithdrawn").withArgs(p.address, free, STAKE);
      await expectProvider(market, p, { stake: STAKE, locked: STAKE });
    });

    it("can withdraw part of the stake, then the rest", async function () {
      const { market, providers: [p] } = await loadFixture(stakedProvidersFixture);
      await expect(market.connect(p).withdrawStake(1n))
        .to.emit(market, "StakeWithdrawn")
        .withArgs(p.address, 1n, DEPOSIT - 1n);
      await expect(market.connect(p).withdrawStake(DEPOSIT - 1n)).to.changeEtherBalances(
        [p, market],
        [DEPOSIT - 1n, -(DEPOSIT - 1n)],
      );
      await expectProvider(market, p, { stake: 0n, locked: 0n });
    });

    it("reverts TransferFailed when the provider refuses FIL, keeping its stake", async function () {
      const { market } = await loadFixture(deployFixture);
      const account = ethers.getAddress("0x00000000000000000000000000000000000c0de1");
      await setBalance(account, DEPOSIT);
      await impersonateAccount(account);
      const refuser = await ethers.getSigner(account);
      await market.connect(refuser).register(7);
      await market.connect(refuser).stake({ value: 100n });
      await setCode(account, "0x60006000fd"); // PUSH1 0 PUSH1 0 REVERT: rejects every call
      await expect(market.connect(refuser).withdrawStake(100n))
        .to.be.revertedWithCustomError(market, "JobMarketTransferFailed")
        .withArgs(account, 100n);
      expect((await market.providers(account)).stake).to.equal(100n);
    });
  });
});
