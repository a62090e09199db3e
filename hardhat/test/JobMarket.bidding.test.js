const {
  expect,
  loadFixture,
  time,
  State,
  ETH,
  MAX_PRICE,
  STAKE,
  DEPOSIT,
  EXECUTION_WINDOW,
  REVEAL_WINDOW,
  PRICES,
  postJob,
  deployFixture,
  stakedProvidersFixture,
  postedFastJobFixture,
  assignedJobFixture,
  auctionJobFixture,
  eventsIn,
  expectCredits,
  expectLedgerBalanced,
  expectProvider,
} = require("./helpers/jobMarket");

/** Seventeen registered, staked providers (one more than MAX_BIDS) and a 3/2 auction job. */
async function manyBiddersFixture() {
  const f = await deployFixture();
  const bidders = f.signers.slice(2, 19);
  for (const [i, p] of bidders.entries()) {
    await f.market.connect(p).register(2000 + i);
    await f.market.connect(p).stake({ value: STAKE });
  }
  const { jobId } = await postJob(f.market, f.client, { bidWindow: 600 });
  return { ...f, bidders, jobId };
}

/** Auction bids of providers[0..4]: [0.7, 0.5, 0.9, 0.7, 0.7]. */
const AUCTION_PRICES = [ETH("0.7"), ETH("0.5"), ETH("0.9"), ETH("0.7"), ETH("0.7")];

/** The auction job with five bids, AUCTION_PRICES, still inside its bid window. */
async function auctionWithBidsFixture() {
  const f = await auctionJobFixture();
  for (const [i, p] of f.providers.entries()) await f.market.connect(p).bid(f.jobId, AUCTION_PRICES[i], 100 + i);
  return f;
}

describe("JobMarket: bidding", function () {
  describe("bid", function () {
    it("locks the job's stake and records the bid without assigning before the N-th bid", async function () {
      const { market, providers: [p1, p2], jobId } = await loadFixture(postedFastJobFixture);
      await expect(market.connect(p1).bid(jobId, PRICES[0], 77))
        .to.emit(market, "BidPlaced")
        .withArgs(jobId, p1.address, PRICES[0], 77);
      const tx = await market.connect(p2).bid(jobId, PRICES[1], 0);
      await expect(tx).not.to.emit(market, "ProviderAssigned");
      await expect(tx).not.to.emit(market, "JobStateChanged");
      await expectProvider(market, p1, { stake: DEPOSIT, locked: STAKE });
      const job = await market.getJob(jobId);
      expect(job.state).to.equal(State.Open);
      expect(job.bidCount).to.equal(2n);
      const bids = await market.getBids(jobId);
      expect(bids.map((b) => [b.provider, b.dealId, b.assigned, b.revealed, b.price])).to.deep.equal([
        [p1.address, 77n, false, false, PRICES[0]],
        [p2.address, 0n, false, false, PRICES[1]],
      ]);
    });

    it("fast path: the N-th bid assigns every bidder and starts execution", async function () {
      const { market, providers, jobId } = await loadFixture(postedFastJobFixture);
      await market.connect(providers[0]).bid(jobId, PRICES[0], 0);
      await market.connect(providers[1]).bid(jobId, PRICES[1], 0);
      const tx = await market.connect(providers[2]).bid(jobId, PRICES[2], 0);
      const now = BigInt(await time.latest());
      const commitDeadline = now + BigInt(EXECUTION_WINDOW);
      for (let i = 0; i < 3; i++) {
        await expect(tx)
          .to.emit(market, "ProviderAssigned")
          .withArgs(jobId, providers[i].address, PRICES[i], commitDeadline);
      }
      await expect(tx).to.emit(market, "JobStateChanged").withArgs(jobId, State.Open, State.Assigned);
      expect(await eventsIn(market, tx, "JobStateChanged")).to.have.lengthOf(1);
      const job = await market.getJob(jobId);
      expect(job.state).to.equal(State.Assigned);
      expect(job.commitDeadline).to.equal(commitDeadline);
      expect(job.revealDeadline).to.equal(commitDeadline + BigInt(REVEAL_WINDOW));
      expect((await market.getBids(jobId)).map((b) => b.assigned)).to.deep.equal([true, true, true]);
    });

    it("reverts NotRegistered for an unregistered bidder", async function () {
      const { market, outsider, jobId } = await loadFixture(postedFastJobFixture);
      await expect(market.connect(outsider).bid(jobId, 1n, 0))
        .to.be.revertedWithCustomError(market, "JobMarketNotRegistered")
        .withArgs(outsider.address);
    });

    it("reverts PriceTooHigh above maxPrice, accepts maxPrice", async function () {
      const { market, providers: [p], jobId } = await loadFixture(postedFastJobFixture);
      await expect(market.connect(p).bid(jobId, MAX_PRICE + 1n, 0))
        .to.be.revertedWithCustomError(market, "JobMarketPriceTooHigh")
        .withArgs(MAX_PRICE + 1n, MAX_PRICE);
      await expect(market.connect(p).bid(jobId, MAX_PRICE, 0)).not.to.be.reverted;
    });

    it("reverts AlreadyBid for a second bid by the same provider", async function () {
      const { market, providers: [p], jobId } = await loadFixture(postedFastJobFixture);
      await market.connect(p).bid(jobId, 1n, 0);
      await expect(market.connect(p).bid(jobId, 2n, 0))
        .to.be.revertedWithCustomError(market, "JobMarketAlreadyBid")
        .withArgs(jobId, p.address);
    });

    it("reverts InsufficientFreeStake when the free stake is below the job's stake", async function () {
      const { market, outsider, jobId } = await loadFixture(postedFastJobFixture);
      await market.connect(outsider).register(9);
      await market.connect(outsider).stake({ value: STAKE - 1n });
      await expect(market.connect(outsider).bid(jobId, 1n, 0))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(outsider.address, STAKE, STAKE - 1n);
    });

    it("reverts InsufficientFreeStake when other bids lock the stake", async function () {
      const { market, client, providers: [p] } = await loadFixture(stakedProvidersFixture);
      // DEPOSIT = 5 ETH backs four bids of STAKE = 1 ETH + 1 wei, not five.
      for (let i = 0; i < 5; i++) await postJob(market, client);
      for (let jobId = 1n; jobId <= 4n; jobId++) await market.connect(p).bid(jobId, 1n, 0);
      await expect(market.connect(p).bid(5n, 1n, 0))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(p.address, STAKE, DEPOSIT - 4n * STAKE);
    });

    it("reverts TooManyBids for the bid after MAX_BIDS", async function () {
      const { market, bidders, jobId } = await loadFixture(manyBiddersFixture);
      for (const p of bidders.slice(0, 16)) await market.connect(p).bid(jobId, 1n, 0);
      expect((await market.getJob(jobId)).bidCount).to.equal(16n);
      await expect(market.connect(bidders[16]).bid(jobId, 1n, 0))
        .to.be.revertedWithCustomError(market, "JobMarketTooManyBids")
        .withArgs(jobId);
    });

    it("assigns three of sixteen bids and unlocks thirteen", async function () {
      const { market, bidders, jobId } = await loadFixture(manyBiddersFixture);
      for (const [i, p] of bidders.slice(0, 16).entries()) await market.connect(p).bid(jobId, 1000n - BigInt(i), 0);
      await time.increase(600);
      const tx = await market.assign(jobId);
      const winners = (await eventsIn(market, tx, "ProviderAssigned")).map((e) => e[1]);
      expect(winners).to.have.members([bidders[15].address, bidders[14].address, bidders[13].address]);
      expect(await eventsIn(market, tx, "StakeUnlocked")).to.have.lengthOf(13);
    });

    it("reverts WrongState once the job is assigned", async function () {
      const { market, providers, jobId } = await loadFixture(assignedJobFixture);
      await expect(market.connect(providers[3]).bid(jobId, 1n, 0))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Assigned);
    });

    it("reverts WrongState on a cancelled job", async function () {
      const { market, client, providers, jobId } = await loadFixture(postedFastJobFixture);
      await market.connect(client).cancel(jobId);
      await expect(market.connect(providers[0]).bid(jobId, 1n, 0))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Cancelled);
    });
  });

  describe("auction (bid window)", function () {
    it("takes more than N bids during the window without assigning", async function () {
      const { market, jobId } = await loadFixture(auctionWithBidsFixture);
      const job = await market.getJob(jobId);
      expect(job.state).to.equal(State.Open);
      expect(job.bidCount).to.equal(5n);
    });

    it("takes a bid one second before the deadline", async function () {
      const { market, providers: [p], jobId, bidDeadline } = await loadFixture(auctionJobFixture);
      await time.setNextBlockTimestamp(bidDeadline - 1n);
      await expect(market.connect(p).bid(jobId, 1n, 0)).to.emit(market, "BidPlaced");
    });

    it("reverts BidWindowClosed at the deadline and after", async function () {
      const { market, providers: [p], jobId, bidDeadline } = await loadFixture(auctionJobFixture);
      await time.setNextBlockTimestamp(bidDeadline);
      await expect(market.connect(p).bid(jobId, 1n, 0))
        .to.be.revertedWithCustomError(market, "JobMarketBidWindowClosed")
        .withArgs(jobId, bidDeadline);
      await time.increase(3600);
      await expect(market.connect(p).bid(jobId, 1n, 0))
        .to.be.revertedWithCustomError(market, "JobMarketBidWindowClosed")
        .withArgs(jobId, bidDeadline);
    });

    it("reverts BidWindowOpen for assign one second before the deadline", async function () {
      const { market, outsider, jobId, bidDeadline } = await loadFixture(auctionWithBidsFixture);
      await time.setNextBlockTimestamp(bidDeadline - 1n);
      await expect(market.connect(outsider).assign(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketBidWindowOpen")
        .withArgs(jobId, bidDeadline);
    });

    it("assign at the deadline: the N cheapest win, ties go to the earlier bid, losers are unlocked", async function () {
      const { market, outsider, providers, jobId, bidDeadline } = await loadFixture(auctionWithBidsFixture);
      await time.setNextBlockTimestamp(bidDeadline);
      const tx = await market.connect(outsider).assign(jobId); // anyone may assign
      const commitDeadline = bidDeadline + BigInt(EXECUTION_WINDOW);
      // Prices [0.7, 0.5, 0.9, 0.7, 0.7]: 0.5 (bid 1), then 0.7 (bids 0 and 3, earlier than bid 4).
      const winners = [1, 0, 3];
      expect(await eventsIn(market, tx, "ProviderAssigned")).to.deep.equal(
        winners.map((i) => [jobId, providers[i].address, AUCTION_PRICES[i], commitDeadline]),
      );
      expect(await eventsIn(market, tx, "StakeUnlocked")).to.have.deep.members([
        [jobId, providers[2].address, STAKE],
        [jobId, providers[4].address, STAKE],
      ]);
      await expect(tx).to.emit(market, "JobStateChanged").withArgs(jobId, State.Open, State.Assigned);
      for (const i of winners) await expectProvider(market, providers[i], { stake: DEPOSIT, locked: STAKE });
      for (const i of [2, 4]) await expectProvider(market, providers[i], { stake: DEPOSIT, locked: 0n });
      expect((await market.getBids(jobId)).map((b) => b.assigned)).to.deep.equal([true, true, false, true, false]);
      const job = await market.getJob(jobId);
      expect(job.state).to.equal(State.Assigned);
      expect(job.commitDeadline).to.equal(commitDeadline);
      expect(job.revealDeadline).to.equal(commitDeadline + BigInt(REVEAL_WINDOW));
    });

    it("assign with exactly N bids assigns them all", async function () {
      const { market, providers, jobId, bidDeadline } = await loadFixture(auctionJobFixture);
      for (let i = 0; i < 3; i++) await market.connect(providers[i]).bid(jobId, PRICES[i], 0);
      expect((await market.getJob(jobId)).state).to.equal(State.Open); // no fast path
      await time.increaseTo(bidDeadline);
      const tx = await market.assign(jobId);
      expect(await eventsIn(market, tx, "ProviderAssigned")).to.have.lengthOf(3);
      await expect(tx).not.to.emit(market, "StakeUnlocked");
    });

    it("assign with too few bids fails the job, credits the client the full escrow and unlocks the bidders", async function () {
      const { market, client, providers, jobId, bidDeadline, signers } = await loadFixture(auctionJobFixture);
      await market.connect(providers[0]).bid(jobId, PRICES[0], 0);
      await market.connect(providers[1]).bid(jobId, PRICES[1], 0);
      await time.increaseTo(bidDeadline);
      const tx = await market.assign(jobId);
      await expectCredits(market, tx, jobId, [[client, 3n * MAX_PRICE]]);
      expect(await eventsIn(market, tx, "StakeUnlocked")).to.deep.equal([
        [jobId, providers[0].address, STAKE],
        [jobId, providers[1].address, STAKE],
      ]);
      await expect(tx).to.emit(market, "JobStateChanged").withArgs(jobId, State.Open, State.Failed);
      await expect(tx).not.to.emit(market, "ProviderAssigned");
      expect(await market.credits(client.address)).to.equal(3n * MAX_PRICE);
      for (const p of providers.slice(0, 2)) await expectProvider(market, p, { stake: DEPOSIT, locked: 0n });
      await expectLedgerBalanced(market, signers);
    });

    it("assign with no bid at all fails the job", async function () {
      const { market, client, jobId, bidDeadline, signers } = await loadFixture(auctionJobFixture);
      await time.increaseTo(bidDeadline);
      const tx = await market.assign(jobId);
      await expectCredits(market, tx, jobId, [[client, 3n * MAX_PRICE]]);
      await expect(tx).to.emit(market, "JobStateChanged").withArgs(jobId, State.Open, State.Failed);
      await expectLedgerBalanced(market, signers);
    });

    it("reverts BidWindowOpen for assign on a fast-path job", async function () {
      const { market, providers, jobId } = await loadFixture(postedFastJobFixture);
      await market.connect(providers[0]).bid(jobId, 1n, 0);
      await time.increase(365 * 24 * 3600);
      await expect(market.assign(jobId)).to.be.revertedWithCustomError(market, "JobMarketBidWindowOpen").withArgs(jobId, 0);
    });

    it("reverts WrongState for assign on an assigned job", async function () {
      const { market, jobId, bidDeadline } = await loadFixture(auctionWithBidsFixture);
      await time.increaseTo(bidDeadline);
      await market.assign(jobId);
      await expect(market.assign(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Assigned);
    });
  });

  describe("cancel", function () {
    it("reverts NotClient for anyone but the client", async function () {
      const { market, outsider, providers, jobId } = await loadFixture(postedFastJobFixture);
      await expect(market.connect(outsider).cancel(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketNotClient")
        .withArgs(jobId, outsider.address);
      await expect(market.connect(providers[0]).cancel(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketNotClient")
        .withArgs(jobId, providers[0].address);
    });

    it("credits the escrow back, unlocks the bidders and moves Open → Cancelled", async function () {
      const { market, client, providers, jobId, signers } = await loadFixture(postedFastJobFixture);
      await market.connect(providers[0]).bid(jobId, PRICES[0], 0);
      await market.connect(providers[1]).bid(jobId, PRICES[1], 0);
      const tx = await market.connect(client).cancel(jobId);
      await expectCredits(market, tx, jobId, [[client, 3n * MAX_PRICE]]);
      expect(await eventsIn(market, tx, "StakeUnlocked")).to.deep.equal([
        [jobId, providers[0].address, STAKE],
        [jobId, providers[1].address, STAKE],
      ]);
      await expect(tx).to.emit(market, "JobStateChanged").withArgs(jobId, State.Open, State.Cancelled);
      expect(await market.credits(client.address)).to.equal(3n * MAX_PRICE);
      for (const p of providers.slice(0, 2)) await expectProvider(market, p, { stake: DEPOSIT, locked: 0n });
      expect((await market.getJob(jobId)).state).to.equal(State.Cancelled);
      await expectLedgerBalanced(market, signers);
    });

    it("works on an auction job with bids, even after its bid window", async function () {
      const { market, client, providers, jobId, bidDeadline } = await loadFixture(auctionWithBidsFixture);
      await time.increaseTo(bidDeadline);
      const tx = await market.connect(client).cancel(jobId);
      expect(await eventsIn(market, tx, "StakeUnlocked")).to.have.lengthOf(5);
      for (const p of providers) await expectProvider(market, p, { stake: DEPOSIT, locked: 0n });
    });

    it("reverts WrongState once assigned, and once cancelled", async function () {
      const { market, client, jobId } = await loadFixture(assignedJobFixture);
      await expect(market.connect(client).cancel(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Assigned);
      const { jobId: other } = await postJob(market, client);
      await market.connect(client).cancel(other);
      await expect(market.connect(client).cancel(other))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(other, State.Cancelled);
    });
  });
});
