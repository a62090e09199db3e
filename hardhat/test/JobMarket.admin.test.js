// The market's admin powers: two-step ownership (Ownable2Step, the deployer owns the market),
// pause/unpause (stops postJob and bid only: everything already under way settles and every
// credit and balance can be withdrawn), and the two owner-set minimums that postJob enforces.
const { anyValue } = require("@nomicfoundation/hardhat-chai-matchers/withArgs");
const {
  ethers,
  expect,
  time,
  it,
  register,
  load,
  State,
  Slash,
  ETH,
  UINT96_MAX,
  MAX_PRICE,
  STAKE,
  NANO,
  DEPOSIT,
  BID_WINDOW,
  EXECUTION_WINDOW,
  REVEAL_WINDOW,
  MAX_WINDOW,
  AUCTION_PRICES,
  RESULT,
  OTHER_RESULT,
  fastBid,
  auctionBid,
  commitTo,
  revealBy,
  postTx,
  postJob,
  deployFixture,
  stakedProvidersFixture,
  fastFilledFixture,
  auctionJobFixture,
  auctionBidsFixture,
  eventsIn,
  expectProvider,
  providerSnapshot,
  expectSettlement,
} = require("./helpers/jobMarket");

const ESCROW = 3n * MAX_PRICE;
const UINT32_MAX = (1n << 32n) - 1n;
/** MAX_MIN_STAKE_PER_REPLICA: 1000 FIL. */
const MAX_MIN_STAKE = ETH("1000");
/** MAX_MIN_REVEAL_WINDOW: one day. */
const MAX_MIN_REVEAL = 24n * 3600n;

/** settings() as a plain object. */
async function settingsOf(market) {
  return (await market.settings()).toObject();
}

/** Every owner-only call, by `account`; each must revert OwnableUnauthorizedAccount(account). */
function adminCalls(market, account) {
  const m = market.connect(account);
  return {
    pause: () => m.pause(),
    unpause: () => m.unpause(),
    setMinStakePerReplica: () => m.setMinStakePerReplica(1n),
    setMinRevealWindow: () => m.setMinRevealWindow(1n),
    transferOwnership: () => m.transferOwnership(account.address),
    renounceOwnership: () => m.renounceOwnership(),
  };
}

async function expectNoAdminPowers(market, account) {
  for (const [name, call] of Object.entries(adminCalls(market, account))) {
    await expect(call(), `${name} by ${account.address}`)
      .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
      .withArgs(account.address);
  }
}

/**
 * A busy market, then paused: five jobs in every live situation.
 * 1. fast path 3/2 (client), filled by providers[0..2]; providers[2] committed to another result;
 * 2. auction 3/2 (client), bids of providers[3..6] at AUCTION_PRICES, bid window still open;
 * 3. fast path 3/2 (client), no bid;
 * 4. auction 3/2 (client2), bids of providers[7..8];
 * 5. fast path 3/2 (client2), one bid of providers[9]: it can never fill now.
 */
async function pausedBusyMarketFixture() {
  const f = await stakedProvidersFixture();
  const { market, client, client2, providers: p } = f;
  const fast = (await postJob(market, client)).jobId;
  await fastBid(market, fast, p[0], RESULT);
  await fastBid(market, fast, p[1], RESULT);
  await fastBid(market, fast, p[2], OTHER_RESULT);
  const auction = (await postJob(market, client, { bidWindow: BID_WINDOW })).jobId;
  for (let i = 0; i < 4; i++) await auctionBid(market, auction, p[3 + i], AUCTION_PRICES[i]);
  const idle = (await postJob(market, client)).jobId;
  const cancelled = (await postJob(market, client2, { bidWindow: BID_WINDOW })).jobId;
  await auctionBid(market, cancelled, p[7], 1n);
  await auctionBid(market, cancelled, p[8], 2n);
  const unfilled = (await postJob(market, client2)).jobId;
  await fastBid(market, unfilled, p[9], RESULT);
  await market.connect(f.deployer).pause();
  return { ...f, jobs: { fast, auction, idle, cancelled, unfilled } };
}

describe("JobMarket: admin", function () {
  describe("ownership", function () {
    it("the deployer owns the market (OwnershipTransferred(0, deployer) at deployment); no transfer pending", async function () {
      const { market, deployer } = await load(deployFixture);
      expect(await market.owner()).to.equal(deployer.address);
      expect(await market.pendingOwner()).to.equal(ethers.ZeroAddress);
      const events = await market.queryFilter(market.filters.OwnershipTransferred());
      expect(events.map((e) => e.args.toArray())).to.deep.equal([[ethers.ZeroAddress, deployer.address]]);
    });

    it("transferOwnership by anyone but the owner reverts OwnableUnauthorizedAccount", async function () {
      const {
        market,
        client,
        outsider,
        providers: [p1],
      } = await load(stakedProvidersFixture);
      for (const account of [client, outsider, p1]) {
        await expect(market.connect(account).transferOwnership(account.address))
          .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
          .withArgs(account.address);
      }
      expect(await market.pendingOwner()).to.equal(ethers.ZeroAddress);
    });

    it("transferOwnership only names a pending owner (OwnershipTransferStarted): the owner keeps its powers until acceptance", async function () {
      const { market, deployer, client } = await load(deployFixture);
      const tx = market.connect(deployer).transferOwnership(client.address);
      await expect(tx).to.emit(market, "OwnershipTransferStarted").withArgs(deployer.address, client.address);
      await expect(tx).not.to.emit(market, "OwnershipTransferred");
      expect(await market.owner()).to.equal(deployer.address);
      expect(await market.pendingOwner()).to.equal(client.address);
      // the pending owner has no power yet; the owner still has all of them
      await expectNoAdminPowers(market, client);
      await expect(market.connect(deployer).pause()).to.emit(market, "MarketPaused").withArgs(deployer.address);
      await expect(market.connect(deployer).unpause()).to.emit(market, "MarketUnpaused").withArgs(deployer.address);
      await expect(market.connect(deployer).setMinStakePerReplica(5n))
        .to.emit(market, "ParameterChanged")
        .withArgs("minStakePerReplica", 0n, 5n);
    });

    it("only the pending owner can acceptOwnership: the owner and others revert OwnableUnauthorizedAccount", async function () {
      const { market, deployer, client, outsider } = await load(deployFixture);
      await expect(market.connect(client).acceptOwnership())
        .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
        .withArgs(client.address);
      await market.connect(deployer).transferOwnership(client.address);
      for (const account of [deployer, outsider]) {
        await expect(market.connect(account).acceptOwnership())
          .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
          .withArgs(account.address);
      }
      expect(await market.owner()).to.equal(deployer.address);
      expect(await market.pendingOwner()).to.equal(client.address);
    });

    it("acceptOwnership hands over (OwnershipTransferred): the old owner loses every admin power, the new owner has them", async function () {
      const { market, deployer, client } = await load(deployFixture);
      await market.connect(deployer).transferOwnership(client.address);
      await expect(market.connect(client).acceptOwnership())
        .to.emit(market, "OwnershipTransferred")
        .withArgs(deployer.address, client.address);
      expect(await market.owner()).to.equal(client.address);
      expect(await market.pendingOwner()).to.equal(ethers.ZeroAddress);
      await expect(market.connect(client).acceptOwnership())
        .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
        .withArgs(client.address);

      await expectNoAdminPowers(market, deployer);
      await expect(market.connect(client).pause()).to.emit(market, "MarketPaused").withArgs(client.address);
      // the old owner cannot lift the new owner's pause
      await expect(market.connect(deployer).unpause())
        .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
        .withArgs(deployer.address);
      await expect(market.connect(client).unpause()).to.emit(market, "MarketUnpaused").withArgs(client.address);
      await expect(market.connect(client).setMinStakePerReplica(7n))
        .to.emit(market, "ParameterChanged")
        .withArgs("minStakePerReplica", 0n, 7n);
      await expect(market.connect(client).setMinRevealWindow(60n))
        .to.emit(market, "ParameterChanged")
        .withArgs("minRevealWindow", 0n, 60n);
      // and it can hand the market back, in two steps again
      await expect(market.connect(client).transferOwnership(deployer.address))
        .to.emit(market, "OwnershipTransferStarted")
        .withArgs(client.address, deployer.address);
      await expect(market.connect(deployer).acceptOwnership())
        .to.emit(market, "OwnershipTransferred")
        .withArgs(client.address, deployer.address);
    });

    it("a new transferOwnership replaces the pending owner; transferOwnership(0) cancels the transfer", async function () {
      const { market, deployer, client, client2 } = await load(deployFixture);
      await market.connect(deployer).transferOwnership(client.address);
      await expect(market.connect(deployer).transferOwnership(client2.address))
        .to.emit(market, "OwnershipTransferStarted")
        .withArgs(deployer.address, client2.address);
      await expect(market.connect(client).acceptOwnership())
        .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
        .withArgs(client.address);
      await expect(market.connect(deployer).transferOwnership(ethers.ZeroAddress))
        .to.emit(market, "OwnershipTransferStarted")
        .withArgs(deployer.address, ethers.ZeroAddress);
      expect(await market.pendingOwner()).to.equal(ethers.ZeroAddress);
      await expect(market.connect(client2).acceptOwnership())
        .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
        .withArgs(client2.address);
      expect(await market.owner()).to.equal(deployer.address);
    });

    it("renounceOwnership is refused while paused (JobMarketPaused), only the owner may try, and it works once unpaused", async function () {
      const { market, deployer, outsider } = await load(deployFixture);
      await market.connect(deployer).pause();
      await expect(market.connect(deployer).renounceOwnership()).to.be.revertedWithCustomError(
        market,
        "JobMarketPaused",
      );
      await expect(market.connect(outsider).renounceOwnership())
        .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
        .withArgs(outsider.address);
      expect(await market.owner()).to.equal(deployer.address);
      expect((await market.settings()).paused).to.equal(true);
      await market.connect(deployer).unpause();
      await expect(market.connect(deployer).renounceOwnership())
        .to.emit(market, "OwnershipTransferred")
        .withArgs(deployer.address, ethers.ZeroAddress);
    });

    it("renounceOwnership when not paused leaves no owner: nobody can pause or set a parameter, a pending transfer is dropped, the market goes on", async function () {
      const f = await load(stakedProvidersFixture);
      const {
        market,
        deployer,
        client,
        outsider,
        providers: [p1, p2, p3],
      } = f;
      await market.connect(deployer).setMinStakePerReplica(STAKE);
      await market.connect(deployer).transferOwnership(client.address);
      await expect(market.connect(deployer).renounceOwnership())
        .to.emit(market, "OwnershipTransferred")
        .withArgs(deployer.address, ethers.ZeroAddress);
      expect(await market.owner()).to.equal(ethers.ZeroAddress);
      expect(await market.pendingOwner()).to.equal(ethers.ZeroAddress);
      await expect(market.connect(client).acceptOwnership())
        .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
        .withArgs(client.address);
      for (const account of [deployer, client, outsider]) await expectNoAdminPowers(market, account);
      expect(await settingsOf(market)).to.deep.equal({
        nextJobId: 1n,
        paused: false,
        minStakePerReplica: STAKE,
        minRevealWindow: 0n,
      });
      // the market itself is unaffected, and the minimum set before stays in force (one nanoFIL
      // below it is too low; one attoFIL below it is not whole nanoFIL)
      await expect(postTx(market, client, { stake: STAKE - NANO }))
        .to.be.revertedWithCustomError(market, "JobMarketStakeTooLow")
        .withArgs(STAKE - NANO, STAKE);
      await expect(postTx(market, client, { stake: STAKE - 1n }))
        .to.be.revertedWithCustomError(market, "JobMarketNotWholeNanoFil")
        .withArgs(STAKE - 1n);
      const { jobId } = await postJob(market, client);
      for (const p of [p1, p2, p3]) await fastBid(market, jobId, p, RESULT);
      for (const [i, p] of [p1, p2, p3].entries()) await revealBy(market, jobId, p, i, RESULT);
      expect((await market.getJob(jobId)).state).to.equal(State.Finalized);
    });
  });

  describe("pause", function () {
    it("only the owner pauses and unpauses (OwnableUnauthorizedAccount)", async function () {
      const {
        market,
        deployer,
        client,
        outsider,
        providers: [p1],
      } = await load(stakedProvidersFixture);
      for (const account of [client, outsider, p1]) {
        await expect(market.connect(account).pause())
          .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
          .withArgs(account.address);
      }
      await market.connect(deployer).pause();
      for (const account of [client, outsider, p1]) {
        await expect(market.connect(account).unpause())
          .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
          .withArgs(account.address);
      }
      expect((await market.settings()).paused).to.equal(true);
    });

    it("pause emits MarketPaused(owner) and sets settings().paused; pausing again reverts JobMarketPaused", async function () {
      const { market, deployer } = await load(deployFixture);
      expect((await market.settings()).paused).to.equal(false);
      await expect(market.connect(deployer).pause()).to.emit(market, "MarketPaused").withArgs(deployer.address);
      expect((await market.settings()).paused).to.equal(true);
      await expect(market.connect(deployer).pause()).to.be.revertedWithCustomError(market, "JobMarketPaused");
      expect((await market.settings()).paused).to.equal(true);
    });

    it("unpause when not paused reverts JobMarketNotPaused; unpause emits MarketUnpaused(owner) and clears paused", async function () {
      const { market, deployer } = await load(deployFixture);
      await expect(market.connect(deployer).unpause()).to.be.revertedWithCustomError(market, "JobMarketNotPaused");
      await market.connect(deployer).pause();
      await expect(market.connect(deployer).unpause()).to.emit(market, "MarketUnpaused").withArgs(deployer.address);
      expect((await market.settings()).paused).to.equal(false);
      await expect(market.connect(deployer).unpause()).to.be.revertedWithCustomError(market, "JobMarketNotPaused");
      // and the cycle repeats
      await expect(market.connect(deployer).pause()).to.emit(market, "MarketPaused").withArgs(deployer.address);
      await expect(market.connect(deployer).unpause()).to.emit(market, "MarketUnpaused").withArgs(deployer.address);
    });

    it("while paused postJob reverts JobMarketPaused on both paths: no job, no escrow taken", async function () {
      const { market, deployer, client } = await load(stakedProvidersFixture);
      await market.connect(deployer).pause();
      const address = await market.getAddress();
      const held = await ethers.provider.getBalance(address);
      await expect(postTx(market, client)).to.be.revertedWithCustomError(market, "JobMarketPaused");
      await expect(postTx(market, client, { bidWindow: BID_WINDOW })).to.be.revertedWithCustomError(
        market,
        "JobMarketPaused",
      );
      await expect(postTx(market, client, { replicas: 1, quorum: 1 })).to.be.revertedWithCustomError(
        market,
        "JobMarketPaused",
      );
      expect(await market.jobCount()).to.equal(0n);
      expect((await market.settings()).nextJobId).to.equal(1n);
      expect(await ethers.provider.getBalance(address)).to.equal(held);
    });

    it("while paused bid reverts JobMarketPaused on a fast-path job and on an auction posted before: nothing is locked", async function () {
      const f = await load(stakedProvidersFixture);
      const {
        market,
        deployer,
        client,
        providers: [p1, p2],
      } = f;
      const fast = (await postJob(market, client)).jobId;
      const single = (await postJob(market, client, { replicas: 1, quorum: 1 })).jobId;
      const auction = (await postJob(market, client, { bidWindow: BID_WINDOW })).jobId;
      await fastBid(market, fast, p2, RESULT); // a bid placed before the pause stays
      await market.connect(deployer).pause();
      await expect(fastBid(market, fast, p1, RESULT)).to.be.revertedWithCustomError(market, "JobMarketPaused");
      await expect(market.connect(p1).bid(single, 0, 0, ethers.ZeroHash)).to.be.revertedWithCustomError(
        market,
        "JobMarketPaused",
      );
      await expect(auctionBid(market, auction, p1, ETH("0.5"))).to.be.revertedWithCustomError(
        market,
        "JobMarketPaused",
      );
      await expectProvider(market, p1, { balance: DEPOSIT, locked: 0n });
      await expectProvider(market, p2, { balance: DEPOSIT, locked: STAKE });
      expect((await market.getJob(fast)).bidCount).to.equal(1n);
      expect((await market.getJob(single)).bidCount).to.equal(0n);
      expect((await market.getJob(auction)).bidCount).to.equal(0n);
    });

    it("while paused a fast-path job filled before the pause is revealed and settles; the winners withdraw their pay", async function () {
      const f = await load(fastFilledFixture);
      const { market, deployer, jobId, winners } = f;
      await market.connect(deployer).pause();
      const before = await providerSnapshot(market, winners);
      await revealBy(market, jobId, winners[0], 0, RESULT);
      await revealBy(market, jobId, winners[1], 1, RESULT);
      const tx = revealBy(market, jobId, winners[2], 2, RESULT);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: winners.map((p) => [p, MAX_PRICE]),
        accepted: [RESULT, 3, 0n],
      });
      for (const p of winners) {
        await expect(market.connect(p).withdrawStake(DEPOSIT + MAX_PRICE))
          .to.emit(market, "StakeWithdrawn")
          .withArgs(p.address, DEPOSIT + MAX_PRICE, 0n);
      }
    });

    it("while paused assign closes an auction bid on before the pause; winners commit and reveal; it settles", async function () {
      const f = await load(auctionBidsFixture);
      const { market, deployer, client, jobId, bidDeadline, winners, loser } = f;
      await market.connect(deployer).pause();
      await time.increaseTo(bidDeadline);
      const tx = market.assign(jobId);
      await expect(tx).to.emit(market, "JobStateChanged").withArgs(jobId, State.Open, State.Assigned);
      await expect(tx).to.emit(market, "StakeUnlocked").withArgs(jobId, loser.address, STAKE);
      const commitDeadline = BigInt((await market.getJob(jobId)).deadline);
      expect(await eventsIn(market, tx, "ProviderAssigned")).to.deep.equal(
        winners.map(([p, index]) => [jobId, p.address, BigInt(index), commitDeadline]),
      );
      await expectProvider(market, loser, { balance: DEPOSIT, locked: 0n });

      for (const [p, index] of winners.slice(0, 2)) {
        await expect(commitTo(market, jobId, p, index, RESULT)).to.emit(market, "ResultCommitted");
      }
      const [p4, index4] = winners[2];
      await expect(commitTo(market, jobId, p4, index4, RESULT))
        .to.emit(market, "JobStateChanged")
        .withArgs(jobId, State.Assigned, State.Revealing);
      const before = await providerSnapshot(
        market,
        winners.map(([p]) => p),
      );
      for (const [p, index] of winners.slice(0, 2)) await revealBy(market, jobId, p, index, RESULT);
      const paid = winners.map(([p, , price]) => [p, price]);
      const refund = ESCROW - paid.reduce((sum, [, price]) => sum + price, 0n);
      await expectSettlement(f, revealBy(market, jobId, p4, index4, RESULT), before, {
        from: State.Revealing,
        to: State.Finalized,
        paid,
        credits: [[client, refund]],
        accepted: [RESULT, 3, 0n],
      });
      await expect(market.connect(client).withdraw()).to.changeEtherBalances([client, market], [refund, -refund]);
      await expect(market.connect(loser).withdrawStake(DEPOSIT)).to.changeEtherBalance(loser, DEPOSIT);
    });

    it("while paused assign fails an auction with too few bids and refunds the client", async function () {
      const f = await load(auctionJobFixture);
      const {
        market,
        deployer,
        client,
        jobId,
        bidDeadline,
        providers: [p1],
      } = f;
      await auctionBid(market, jobId, p1, 1n);
      await market.connect(deployer).pause();
      await time.increaseTo(bidDeadline);
      const tx = market.assign(jobId);
      await expect(tx).to.emit(market, "JobStateChanged").withArgs(jobId, State.Open, State.Failed);
      await expect(tx).to.emit(market, "StakeUnlocked").withArgs(jobId, p1.address, STAKE);
      await expect(tx).to.emit(market, "Credited").withArgs(client.address, jobId, ESCROW);
      await expect(market.connect(client).withdraw()).to.changeEtherBalances([client, market], [ESCROW, -ESCROW]);
    });

    it("while paused finalize settles after the deadlines: an unfilled fast-path job fails, a job with a silent provider is finalized", async function () {
      const f = await load(fastFilledFixture);
      const { market, deployer, client, jobId, winners, commitDeadline, revealDeadline } = f;
      const idle = (await postJob(market, client, { maxPrice: 3n })).jobId;
      const idleDeadline = BigInt((await market.getJob(idle)).deadline);
      await revealBy(market, jobId, winners[0], 0, RESULT);
      await market.connect(deployer).pause();
      await revealBy(market, jobId, winners[1], 1, RESULT);

      await time.setNextBlockTimestamp(idleDeadline - 1n);
      await expect(market.finalize(idle))
        .to.be.revertedWithCustomError(market, "JobMarketDeadlineNotReached")
        .withArgs(idle, idleDeadline);
      await time.setNextBlockTimestamp(idleDeadline);
      await expect(market.finalize(idle))
        .to.emit(market, "JobStateChanged")
        .withArgs(idle, State.Open, State.Failed)
        .and.to.emit(market, "Credited")
        .withArgs(client.address, idle, 9n);
      expect(commitDeadline).to.be.lessThan(idleDeadline);

      await time.setNextBlockTimestamp(revealDeadline);
      const before = await providerSnapshot(market, winners);
      const share = STAKE / 2n;
      await expectSettlement(f, market.finalize(jobId), before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [
          [winners[0], MAX_PRICE],
          [winners[1], MAX_PRICE],
        ],
        slashed: [[winners[2], Slash.NoReveal]],
        // the silent provider's price and what of its stake the two winners' shares leave (none:
        // a stake of whole nanoFIL halves exactly) go back to the client
        credits: [[client, MAX_PRICE + STAKE - 2n * share]],
        accepted: [RESULT, 2, share],
      });
      await expect(market.connect(client).withdraw()).to.changeEtherBalance(
        client,
        9n + MAX_PRICE + STAKE - 2n * share,
      );
      await expect(market.connect(winners[2]).withdrawStake(DEPOSIT - STAKE)).to.changeEtherBalance(
        winners[2],
        DEPOSIT - STAKE,
      );
    });

    it("while paused the client cancels open jobs (fast path without bids, auction with bids) and withdraws the escrow", async function () {
      const f = await load(auctionBidsFixture);
      const { market, deployer, client, jobId, providers } = f;
      const fast = (await postJob(market, client, { maxPrice: 5n })).jobId;
      await market.connect(deployer).pause();
      const tx = market.connect(client).cancel(jobId);
      await expect(tx).to.emit(market, "JobStateChanged").withArgs(jobId, State.Open, State.Cancelled);
      await expect(tx).to.emit(market, "Credited").withArgs(client.address, jobId, ESCROW);
      expect(await eventsIn(market, tx, "StakeUnlocked")).to.deep.equal(
        providers.slice(0, 4).map((p) => [jobId, p.address, STAKE]),
      );
      await expect(market.connect(client).cancel(fast))
        .to.emit(market, "JobStateChanged")
        .withArgs(fast, State.Open, State.Cancelled);
      await expect(market.connect(client).withdraw())
        .to.emit(market, "Withdrawn")
        .withArgs(client.address, ESCROW + 15n);
      for (const p of providers.slice(0, 4)) await expectProvider(market, p, { balance: DEPOSIT, locked: 0n });
    });

    it("while paused providers register, stake and withdraw free stake (neither is a new job or bid)", async function () {
      const {
        market,
        deployer,
        outsider,
        providers: [p1],
      } = await load(stakedProvidersFixture);
      await market.connect(deployer).pause();
      await expect(register(market, outsider, 42))
        .to.emit(market, "ProviderRegistered")
        .withArgs(outsider.address, 42, 12);
      await expect(market.connect(outsider).stake({ value: 10n }))
        .to.emit(market, "StakeDeposited")
        .withArgs(outsider.address, 10n, 10n);
      await expect(market.connect(outsider).withdrawStake(10n)).to.changeEtherBalance(outsider, 10n);
      await expect(market.connect(p1).withdrawStake(DEPOSIT))
        .to.emit(market, "StakeWithdrawn")
        .withArgs(p1.address, DEPOSIT, 0n);
    });

    it("a paused market settles every job under way and pays out everything: it ends holding nothing", async function () {
      const f = await load(pausedBusyMarketFixture);
      const { market, client, client2, providers: p, jobs } = f;
      // job 1: revealed, p[2] dissents and is slashed
      await revealBy(market, jobs.fast, p[0], 0, RESULT);
      await revealBy(market, jobs.fast, p[1], 1, RESULT);
      await revealBy(market, jobs.fast, p[2], 2, OTHER_RESULT);
      // job 4: cancelled, its bidders unlocked
      await market.connect(client2).cancel(jobs.cancelled);
      // job 2: assigned at its bid deadline (p[3], p[4], p[6] win), committed, revealed
      await time.increaseTo((await market.getJob(jobs.auction)).deadline);
      await market.assign(jobs.auction);
      const auctionWinners = [
        [p[3], 0],
        [p[4], 1],
        [p[6], 3],
      ];
      for (const [w, index] of auctionWinners) await commitTo(market, jobs.auction, w, index, RESULT);
      for (const [w, index] of auctionWinners) await revealBy(market, jobs.auction, w, index, RESULT);
      // jobs 3 and 5: failed at their commit deadline
      await time.increaseTo((await market.getJob(jobs.unfilled)).deadline);
      await market.finalize(jobs.idle);
      await market.finalize(jobs.unfilled);

      const states = [];
      for (const id of Object.values(jobs)) states.push((await market.getJob(id)).state);
      expect(states).to.deep.equal([State.Finalized, State.Finalized, State.Failed, State.Cancelled, State.Failed]);
      expect((await market.settings()).paused).to.equal(true);

      for (const account of [client, client2]) {
        const credit = await market.credits(account.address);
        expect(credit).to.be.greaterThan(0n);
        await expect(market.connect(account).withdraw()).to.changeEtherBalance(account, credit);
      }
      await expectProvider(market, p[2], { balance: DEPOSIT - STAKE, locked: 0n });
      for (const provider of p) {
        const { balance, locked } = await market.providers(provider.address);
        expect(locked).to.equal(0n);
        await expect(market.connect(provider).withdrawStake(balance)).to.changeEtherBalance(provider, balance);
      }
      expect(await ethers.provider.getBalance(await market.getAddress())).to.equal(0n);
    });

    it("after unpause everything works again: posting on both paths and bidding, on jobs posted before the pause too", async function () {
      const f = await load(stakedProvidersFixture);
      const {
        market,
        deployer,
        client,
        providers: [p1, p2, p3, p4],
      } = f;
      const fast = (await postJob(market, client)).jobId;
      const auction = (await postJob(market, client, { bidWindow: BID_WINDOW })).jobId;
      await market.connect(deployer).pause();
      await expect(fastBid(market, fast, p1, RESULT)).to.be.revertedWithCustomError(market, "JobMarketPaused");
      await market.connect(deployer).unpause();

      await expect(fastBid(market, fast, p1, RESULT)).to.emit(market, "BidPlaced");
      await fastBid(market, fast, p2, RESULT);
      await expect(fastBid(market, fast, p3, RESULT))
        .to.emit(market, "JobStateChanged")
        .withArgs(fast, State.Open, State.Revealing);
      await expect(auctionBid(market, auction, p4, ETH("0.5")))
        .to.emit(market, "BidPlaced")
        .withArgs(auction, p4.address, 0, ETH("0.5"), 0, ethers.ZeroHash);
      await expect(postTx(market, client)).to.emit(market, "JobPosted");
      await expect(postTx(market, client, { bidWindow: BID_WINDOW }))
        .to.emit(market, "JobStateChanged")
        .withArgs(4n, State.None, State.Open);
      await expect(auctionBid(market, 4n, p1, 1n)).to.emit(market, "BidPlaced");
      expect(await market.jobCount()).to.equal(4n);
    });
  });

  describe("parameters", function () {
    it("exposes the bounds: MAX_MIN_STAKE_PER_REPLICA is 1000 FIL, MAX_MIN_REVEAL_WINDOW one day; both minimums start at 0", async function () {
      const { market } = await load(deployFixture);
      expect(await market.MAX_MIN_STAKE_PER_REPLICA()).to.equal(MAX_MIN_STAKE);
      expect(await market.MAX_MIN_REVEAL_WINDOW()).to.equal(MAX_MIN_REVEAL);
      expect(await settingsOf(market)).to.deep.equal({
        nextJobId: 1n,
        paused: false,
        minStakePerReplica: 0n,
        minRevealWindow: 0n,
      });
    });

    it("only the owner sets them (OwnableUnauthorizedAccount)", async function () {
      const {
        market,
        client,
        outsider,
        providers: [p1],
      } = await load(stakedProvidersFixture);
      for (const account of [client, outsider, p1]) {
        await expect(market.connect(account).setMinStakePerReplica(1n))
          .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
          .withArgs(account.address);
        await expect(market.connect(account).setMinRevealWindow(1n))
          .to.be.revertedWithCustomError(market, "OwnableUnauthorizedAccount")
          .withArgs(account.address);
      }
      expect((await market.settings()).minStakePerReplica).to.equal(0n);
      expect((await market.settings()).minRevealWindow).to.equal(0n);
    });

    it("setMinStakePerReplica accepts its maximum and rejects max + 1 with ParameterOutOfBounds", async function () {
      const { market, deployer } = await load(deployFixture);
      const owner = market.connect(deployer);
      for (const value of [MAX_MIN_STAKE + 1n, UINT96_MAX]) {
        await expect(owner.setMinStakePerReplica(value))
          .to.be.revertedWithCustomError(market, "JobMarketParameterOutOfBounds")
          .withArgs("minStakePerReplica", value, MAX_MIN_STAKE);
      }
      await expect(owner.setMinStakePerReplica(MAX_MIN_STAKE))
        .to.emit(market, "ParameterChanged")
        .withArgs("minStakePerReplica", 0n, MAX_MIN_STAKE);
      expect((await market.settings()).minStakePerReplica).to.equal(MAX_MIN_STAKE);
      await expect(owner.setMinStakePerReplica(MAX_MIN_STAKE + 1n))
        .to.be.revertedWithCustomError(market, "JobMarketParameterOutOfBounds")
        .withArgs("minStakePerReplica", MAX_MIN_STAKE + 1n, MAX_MIN_STAKE);
      expect((await market.settings()).minStakePerReplica).to.equal(MAX_MIN_STAKE);
    });

    it("setMinRevealWindow accepts its maximum and rejects max + 1 with ParameterOutOfBounds", async function () {
      const { market, deployer } = await load(deployFixture);
      const owner = market.connect(deployer);
      for (const value of [MAX_MIN_REVEAL + 1n, UINT32_MAX]) {
        await expect(owner.setMinRevealWindow(value))
          .to.be.revertedWithCustomError(market, "JobMarketParameterOutOfBounds")
          .withArgs("minRevealWindow", value, MAX_MIN_REVEAL);
      }
      await expect(owner.setMinRevealWindow(MAX_MIN_REVEAL))
        .to.emit(market, "ParameterChanged")
        .withArgs("minRevealWindow", 0n, MAX_MIN_REVEAL);
      expect((await market.settings()).minRevealWindow).to.equal(MAX_MIN_REVEAL);
      await expect(owner.setMinRevealWindow(MAX_MIN_REVEAL + 1n))
        .to.be.revertedWithCustomError(market, "JobMarketParameterOutOfBounds")
        .withArgs("minRevealWindow", MAX_MIN_REVEAL + 1n, MAX_MIN_REVEAL);
      expect((await market.settings()).minRevealWindow).to.equal(MAX_MIN_REVEAL);
    });

    it("ParameterChanged carries the previous and the new value, also when unchanged or set back to 0", async function () {
      const { market, deployer } = await load(deployFixture);
      const owner = market.connect(deployer);
      await expect(owner.setMinStakePerReplica(10n))
        .to.emit(market, "ParameterChanged")
        .withArgs("minStakePerReplica", 0n, 10n);
      await expect(owner.setMinStakePerReplica(25n))
        .to.emit(market, "ParameterChanged")
        .withArgs("minStakePerReplica", 10n, 25n);
      await expect(owner.setMinStakePerReplica(25n))
        .to.emit(market, "ParameterChanged")
        .withArgs("minStakePerReplica", 25n, 25n);
      await expect(owner.setMinStakePerReplica(0n))
        .to.emit(market, "ParameterChanged")
        .withArgs("minStakePerReplica", 25n, 0n);
      await expect(owner.setMinRevealWindow(600n))
        .to.emit(market, "ParameterChanged")
        .withArgs("minRevealWindow", 0n, 600n);
      await expect(owner.setMinRevealWindow(60n))
        .to.emit(market, "ParameterChanged")
        .withArgs("minRevealWindow", 600n, 60n);
      await expect(owner.setMinRevealWindow(0n))
        .to.emit(market, "ParameterChanged")
        .withArgs("minRevealWindow", 60n, 0n);
      // one setter never touches the other parameter
      expect(await eventsIn(market, owner.setMinRevealWindow(5n), "ParameterChanged")).to.deep.equal([
        ["minRevealWindow", 0n, 5n],
      ]);
      expect((await market.settings()).minStakePerReplica).to.equal(0n);
    });

    it("postJob below the minimum stake reverts StakeTooLow(stake, min) on both paths; at the minimum it is accepted", async function () {
      const { market, deployer, client } = await load(stakedProvidersFixture);
      await market.connect(deployer).setMinStakePerReplica(STAKE);
      for (const bidWindow of [0, BID_WINDOW]) {
        // one nanoFIL (the least step a stake can take) below the minimum, and nothing
        for (const stake of [STAKE - NANO, NANO, 0n]) {
          await expect(postTx(market, client, { stake, bidWindow }))
            .to.be.revertedWithCustomError(market, "JobMarketStakeTooLow")
            .withArgs(stake, STAKE);
        }
        // below the minimum and not whole nanoFIL: the nanoFIL check comes first
        await expect(postTx(market, client, { stake: STAKE - 1n, bidWindow }))
          .to.be.revertedWithCustomError(market, "JobMarketNotWholeNanoFil")
          .withArgs(STAKE - 1n);
      }
      expect(await market.jobCount()).to.equal(0n);
      await expect(postTx(market, client)).to.emit(market, "JobPosted");
      await expect(postTx(market, client, { bidWindow: BID_WINDOW })).to.emit(market, "JobPosted");
      await expect(postTx(market, client, { stake: STAKE + NANO })).to.emit(market, "JobPosted");
      // above the minimum but not whole nanoFIL is still refused
      await expect(postTx(market, client, { stake: STAKE + 1n }))
        .to.be.revertedWithCustomError(market, "JobMarketNotWholeNanoFil")
        .withArgs(STAKE + 1n);
      expect((await market.getJob(1n)).stake).to.equal(STAKE);
      expect((await market.getJob(3n)).stake).to.equal(STAKE + NANO);
      expect(await market.jobCount()).to.equal(3n);
    });

    it("with the minimum stake at its maximum, a job asking exactly 1000 FIL per replica is posted, one nanoFIL less is not (one attoFIL less is not whole nanoFIL)", async function () {
      const { market, deployer, client } = await load(deployFixture);
      await market.connect(deployer).setMinStakePerReplica(MAX_MIN_STAKE);
      await expect(postTx(market, client, { stake: MAX_MIN_STAKE - NANO }))
        .to.be.revertedWithCustomError(market, "JobMarketStakeTooLow")
        .withArgs(MAX_MIN_STAKE - NANO, MAX_MIN_STAKE);
      await expect(postTx(market, client, { stake: MAX_MIN_STAKE - 1n }))
        .to.be.revertedWithCustomError(market, "JobMarketNotWholeNanoFil")
        .withArgs(MAX_MIN_STAKE - 1n);
      await expect(postTx(market, client, { stake: MAX_MIN_STAKE })).to.emit(market, "JobPosted");
      expect((await market.getJob(1n)).stake).to.equal(MAX_MIN_STAKE);
    });

    it("setting the minimum stake back to 0 lets any stake in again", async function () {
      const { market, deployer, client } = await load(deployFixture);
      await market.connect(deployer).setMinStakePerReplica(STAKE);
      for (const stake of [NANO, 0n]) {
        await expect(postTx(market, client, { stake }))
          .to.be.revertedWithCustomError(market, "JobMarketStakeTooLow")
          .withArgs(stake, STAKE);
      }
      await market.connect(deployer).setMinStakePerReplica(0n);
      await expect(postTx(market, client, { stake: 0n })).to.emit(market, "JobPosted");
      await expect(postTx(market, client, { stake: NANO })).to.emit(market, "JobPosted");
      expect([(await market.getJob(1n)).stake, (await market.getJob(2n)).stake]).to.deep.equal([0n, NANO]);
    });

    it("postJob with a reveal window below the minimum reverts InvalidWindow(window); at the minimum it is accepted", async function () {
      const { market, deployer, client } = await load(deployFixture);
      const min = 2n * BigInt(REVEAL_WINDOW);
      await market.connect(deployer).setMinRevealWindow(min);
      for (const bidWindow of [0, BID_WINDOW]) {
        for (const revealWindow of [min - 1n, BigInt(REVEAL_WINDOW), 1n]) {
          await expect(postTx(market, client, { revealWindow, bidWindow }))
            .to.be.revertedWithCustomError(market, "JobMarketInvalidWindow")
            .withArgs(revealWindow);
        }
      }
      // zero and above MAX_WINDOW stay invalid
      for (const revealWindow of [0n, BigInt(MAX_WINDOW) + 1n]) {
        await expect(postTx(market, client, { revealWindow }))
          .to.be.revertedWithCustomError(market, "JobMarketInvalidWindow")
          .withArgs(revealWindow);
      }
      await expect(postTx(market, client, { revealWindow: min })).to.emit(market, "JobPosted");
      await expect(postTx(market, client, { revealWindow: min, bidWindow: BID_WINDOW })).to.emit(market, "JobPosted");
      await expect(postTx(market, client, { revealWindow: MAX_WINDOW })).to.emit(market, "JobPosted");
      expect((await market.getJob(1n)).revealWindow).to.equal(min);
    });

    it("with the minimum reveal window at one day, a one-day window is accepted and one second less is not", async function () {
      const { market, deployer, client } = await load(deployFixture);
      await market.connect(deployer).setMinRevealWindow(MAX_MIN_REVEAL);
      await expect(postTx(market, client, { revealWindow: MAX_MIN_REVEAL - 1n }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidWindow")
        .withArgs(MAX_MIN_REVEAL - 1n);
      await expect(postTx(market, client, { revealWindow: MAX_MIN_REVEAL })).to.emit(market, "JobPosted");
    });

    it("a fast-path job posted before a change keeps its stake and reveal window: bid, revealed and finalized at its own terms", async function () {
      const f = await load(stakedProvidersFixture);
      const {
        market,
        deployer,
        client,
        providers: [p1, p2, p3],
      } = f;
      const fast = (await postJob(market, client)).jobId;
      const owner = market.connect(deployer);
      await owner.setMinStakePerReplica(STAKE + NANO);
      await owner.setMinRevealWindow(2n * BigInt(REVEAL_WINDOW));
      await expect(postTx(market, client))
        .to.be.revertedWithCustomError(market, "JobMarketStakeTooLow")
        .withArgs(STAKE, STAKE + NANO);

      // fast path: bids lock the job's own stake, reveals close at its own reveal window
      const commitDeadline = BigInt((await market.getJob(fast)).deadline);
      for (const p of [p1, p2, p3]) await fastBid(market, fast, p, RESULT);
      const job = await market.getJob(fast);
      expect([job.stake, job.revealWindow, job.deadline]).to.deep.equal([
        STAKE,
        BigInt(REVEAL_WINDOW),
        commitDeadline + BigInt(REVEAL_WINDOW),
      ]);
      await expectProvider(market, p1, { locked: STAKE });
      await revealBy(market, fast, p1, 0, RESULT);
      await revealBy(market, fast, p2, 1, RESULT);
      // the reveal deadline is the job's own (commit deadline + REVEAL_WINDOW), not the new minimum
      const revealDeadline = commitDeadline + BigInt(REVEAL_WINDOW);
      await time.setNextBlockTimestamp(revealDeadline);
      await expect(revealBy(market, fast, p3, 2, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealDeadlinePassed")
        .withArgs(fast, revealDeadline);
      await expect(market.finalize(fast))
        .to.emit(market, "ProviderSlashed")
        .withArgs(fast, p3.address, STAKE, Slash.NoReveal)
        .and.to.emit(market, "ResultAccepted")
        .withArgs(fast, ethers.keccak256(RESULT), 2, STAKE / 2n);
      expect((await market.getJob(fast)).state).to.equal(State.Finalized);
      // a new job must meet the new minimums
      await expect(postTx(market, client, { stake: STAKE + NANO, revealWindow: 2 * REVEAL_WINDOW }))
        .to.emit(market, "JobPosted")
        .withArgs(
          2n,
          client.address,
          anyValue,
          "0x",
          3,
          2,
          MAX_PRICE,
          STAKE + NANO,
          0,
          EXECUTION_WINDOW,
          2 * REVEAL_WINDOW,
          anyValue,
        );
    });

    it("an auction posted before a change takes bids, is assigned, committed and revealed at its own terms", async function () {
      const f = await load(auctionJobFixture);
      const {
        market,
        deployer,
        client,
        jobId,
        bidDeadline,
        providers: [p1, p2, p3],
      } = f;
      await market.connect(deployer).setMinStakePerReplica(MAX_MIN_STAKE);
      await market.connect(deployer).setMinRevealWindow(MAX_MIN_REVEAL);
      for (const [i, p] of [p1, p2, p3].entries()) {
        await expect(auctionBid(market, jobId, p, AUCTION_PRICES[i]))
          .to.emit(market, "BidPlaced")
          .withArgs(jobId, p.address, i, AUCTION_PRICES[i], 0, ethers.ZeroHash);
        await expectProvider(market, p, { locked: STAKE });
      }
      await time.increaseTo(bidDeadline);
      await market.assign(jobId);
      for (const [i, p] of [p1, p2, p3].entries()) await commitTo(market, jobId, p, i, RESULT);
      const job = await market.getJob(jobId);
      expect(job.revealWindow).to.equal(BigInt(REVEAL_WINDOW));
      const before = await providerSnapshot(market, [p1, p2, p3]);
      await revealBy(market, jobId, p1, 0, RESULT);
      await revealBy(market, jobId, p2, 1, RESULT);
      const paid = [p1, p2, p3].map((p, i) => [p, AUCTION_PRICES[i]]);
      const refund = ESCROW - AUCTION_PRICES.slice(0, 3).reduce((a, b) => a + b, 0n);
      await expectSettlement(f, revealBy(market, jobId, p3, 2, RESULT), before, {
        from: State.Revealing,
        to: State.Finalized,
        paid,
        credits: [[client, refund]],
        accepted: [RESULT, 3, 0n],
      });
    });

    it("settings() reflects every change: job counter, pause, both minimums; reverted calls change nothing", async function () {
      const { market, deployer, client, outsider } = await load(deployFixture);
      const owner = market.connect(deployer);
      const expected = { nextJobId: 1n, paused: false, minStakePerReplica: 0n, minRevealWindow: 0n };
      expect(await settingsOf(market)).to.deep.equal(expected);

      await postJob(market, client);
      await postJob(market, client, { bidWindow: BID_WINDOW });
      expected.nextJobId = 3n;
      expect(await settingsOf(market)).to.deep.equal(expected);
      expect(await market.jobCount()).to.equal(2n);

      await owner.setMinStakePerReplica(123n);
      expected.minStakePerReplica = 123n;
      expect(await settingsOf(market)).to.deep.equal(expected);

      await owner.setMinRevealWindow(900n);
      expected.minRevealWindow = 900n;
      expect(await settingsOf(market)).to.deep.equal(expected);

      await owner.pause();
      expected.paused = true;
      expect(await settingsOf(market)).to.deep.equal(expected);

      // the parameters can be changed while paused, and the pause leaves them alone
      await owner.setMinStakePerReplica(MAX_MIN_STAKE);
      await owner.setMinRevealWindow(MAX_MIN_REVEAL);
      expected.minStakePerReplica = MAX_MIN_STAKE;
      expected.minRevealWindow = MAX_MIN_REVEAL;
      expect(await settingsOf(market)).to.deep.equal(expected);

      // refused calls: nothing moves
      await expect(owner.pause()).to.be.revertedWithCustomError(market, "JobMarketPaused");
      await expect(owner.setMinStakePerReplica(MAX_MIN_STAKE + 1n)).to.be.revertedWithCustomError(
        market,
        "JobMarketParameterOutOfBounds",
      );
      await expect(owner.setMinRevealWindow(MAX_MIN_REVEAL + 1n)).to.be.revertedWithCustomError(
        market,
        "JobMarketParameterOutOfBounds",
      );
      await expect(market.connect(outsider).setMinStakePerReplica(0n)).to.be.revertedWithCustomError(
        market,
        "OwnableUnauthorizedAccount",
      );
      await expect(
        postTx(market, client, { stake: MAX_MIN_STAKE, revealWindow: MAX_MIN_REVEAL }),
      ).to.be.revertedWithCustomError(market, "JobMarketPaused");
      await expect(owner.renounceOwnership()).to.be.revertedWithCustomError(market, "JobMarketPaused");
      expect(await settingsOf(market)).to.deep.equal(expected);

      await owner.unpause();
      expected.paused = false;
      await postJob(market, client, { stake: MAX_MIN_STAKE, revealWindow: MAX_MIN_REVEAL });
      expected.nextJobId = 4n;
      expect(await settingsOf(market)).to.deep.equal(expected);
      expect(await market.jobCount()).to.equal(3n);
    });
  });
});
