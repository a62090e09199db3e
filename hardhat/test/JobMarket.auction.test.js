const {
  ethers,
  expect,
  time,
  it,
  register,
  load,
  State,
  ETH,
  MAX_PRICE,
  STAKE,
  DEPOSIT,
  EXECUTION_WINDOW,
  REVEAL_WINDOW,
  MAX_BIDS,
  AUCTION_PRICES,
  RESULT,
  commitmentFor,
  auctionBid,
  commitTo,
  revealBy,
  postJob,
  stakedProvidersFixture,
  fastJobFixture,
  auctionJobFixture,
  auctionBidsFixture,
  auctionAssignedFixture,
  auctionCommittedFixture,
  eventsIn,
  expectProvider,
  providerSnapshot,
  expectSettlement,
  bidStorage,
} = require("./helpers/jobMarket");

const ESCROW = 3n * MAX_PRICE;

/** An auction with `prices.length` bids by providers[0..], then assigned at the bid deadline. */
async function assignWith(f, prices) {
  for (const [i, price] of prices.entries()) await auctionBid(f.market, f.jobId, f.providers[i], price);
  await time.increaseTo(f.bidDeadline);
  return f.market.assign(f.jobId);
}

function assignedIndexes(mask) {
  return [...Array(16).keys()].filter((i) => (mask >> BigInt(i)) & 1n);
}

describe("JobMarket: auction", function () {
  describe("bid", function () {
    it("records the price, locks the stake, assigns nothing yet", async function () {
      const { market, providers: [p1, p2], jobId } = await load(auctionJobFixture);
      await expect(auctionBid(market, jobId, p1, ETH("0.3"), 77))
        .to.emit(market, "BidPlaced")
        .withArgs(jobId, p1.address, 0, ETH("0.3"), 77, ethers.ZeroHash);
      await expect(auctionBid(market, jobId, p2, 0n)).not.to.emit(market, "JobStateChanged");
      await expectProvider(market, p1, { balance: DEPOSIT, locked: STAKE });
      const job = await market.getJob(jobId);
      expect([job.state, job.bidCount, job.commitCount, job.assignedMask]).to.deep.equal([State.Open, 2n, 0n, 0n]);
      const bids = await market.getBids(jobId);
      expect(bids.map((b) => b.toObject())).to.deep.equal([
        { provider: p1.address, price: ETH("0.3"), assigned: false, revealed: false, digest: ethers.ZeroHash },
        { provider: p2.address, price: 0n, assigned: false, revealed: false, digest: ethers.ZeroHash },
      ]);
    });

    it("accepts a price of exactly maxPrice, reverts PriceTooHigh one attoFIL above", async function () {
      const { market, providers: [p1, p2], jobId } = await load(auctionJobFixture);
      await expect(auctionBid(market, jobId, p1, MAX_PRICE + 1n))
        .to.be.revertedWithCustomError(market, "JobMarketPriceTooHigh")
        .withArgs(MAX_PRICE + 1n, MAX_PRICE);
      const max96 = (1n << 96n) - 1n;
      await expect(auctionBid(market, jobId, p1, max96))
        .to.be.revertedWithCustomError(market, "JobMarketPriceTooHigh")
        .withArgs(max96, MAX_PRICE);
      await expect(auctionBid(market, jobId, p2, MAX_PRICE)).to.emit(market, "BidPlaced");
    });

    it("reverts WrongPath for a bid with a commitment", async function () {
      const { market, providers: [p1], jobId } = await load(auctionJobFixture);
      const c = await commitmentFor(market, jobId, p1, RESULT);
      await expect(market.connect(p1).bid(jobId, ETH("0.5"), 0, c))
        .to.be.revertedWithCustomError(market, "JobMarketWrongPath")
        .withArgs(jobId, true);
    });

    it("reverts AlreadyBid, NotRegistered and InsufficientFreeStake as on the fast path", async function () {
      const { market, providers: [p1], outsider, jobId } = await load(auctionJobFixture);
      await auctionBid(market, jobId, p1, 1n);
      await expect(auctionBid(market, jobId, p1, 2n))
        .to.be.revertedWithCustomError(market, "JobMarketAlreadyBid")
        .withArgs(jobId, p1.address);
      await expect(auctionBid(market, jobId, outsider, 1n))
        .to.be.revertedWithCustomError(market, "JobMarketNotRegistered")
        .withArgs(outsider.address);
      await register(market, outsider, 1);
      await expect(auctionBid(market, jobId, outsider, 1n))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(outsider.address, STAKE, 0n);
    });

    it("takes MAX_BIDS (10) bids and reverts TooManyBids on the eleventh", async function () {
      const { market, providers, jobId } = await load(auctionJobFixture);
      expect(providers).to.have.lengthOf(MAX_BIDS + 1);
      for (let i = 0; i < MAX_BIDS; i++) await auctionBid(market, jobId, providers[i], BigInt(i));
      expect((await market.getJob(jobId)).bidCount).to.equal(BigInt(MAX_BIDS));
      await expect(auctionBid(market, jobId, providers[MAX_BIDS], 0n))
        .to.be.revertedWithCustomError(market, "JobMarketTooManyBids")
        .withArgs(jobId);
      const bids = await market.getBids(jobId);
      expect(bids.map((b) => b.provider)).to.deep.equal(providers.slice(0, MAX_BIDS).map((p) => p.address));
      expect(bids.map((b) => b.price)).to.deep.equal([...Array(MAX_BIDS).keys()].map(BigInt));
    });

    it("accepts a bid at T − 1 and reverts BidWindowClosed at T = bid deadline", async function () {
      const { market, providers: [p1, p2], jobId, bidDeadline } = await load(auctionJobFixture);
      await time.setNextBlockTimestamp(bidDeadline - 1n);
      await expect(auctionBid(market, jobId, p1, 1n)).to.emit(market, "BidPlaced");
      await time.setNextBlockTimestamp(bidDeadline);
      await expect(auctionBid(market, jobId, p2, 1n))
        .to.be.revertedWithCustomError(market, "JobMarketBidWindowClosed")
        .withArgs(jobId, bidDeadline);
    });

    it("reverts WrongState for a bid once the job is assigned", async function () {
      const { market, providers, jobId } = await load(auctionAssignedFixture);
      await expect(auctionBid(market, jobId, providers[5], 1n))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Assigned);
    });
  });

  describe("assign", function () {
    it("reverts BidWindowOpen before the bid deadline (T − 1); anyone may assign at T", async function () {
      const { market, outsider, jobId, bidDeadline } = await load(auctionBidsFixture);
      await time.setNextBlockTimestamp(bidDeadline - 1n);
      await expect(market.connect(outsider).assign(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketBidWindowOpen")
        .withArgs(jobId, bidDeadline);
      await time.setNextBlockTimestamp(bidDeadline);
      await expect(market.connect(outsider).assign(jobId))
        .to.emit(market, "JobStateChanged")
        .withArgs(jobId, State.Open, State.Assigned);
    });

    it("reverts BidWindowOpen on a fast-path job, before and after its commit deadline", async function () {
      const { market, jobId, commitDeadline } = await load(fastJobFixture);
      await expect(market.assign(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketBidWindowOpen")
        .withArgs(jobId, commitDeadline);
      await time.increaseTo(commitDeadline + 1n);
      await expect(market.assign(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketBidWindowOpen")
        .withArgs(jobId, commitDeadline);
    });

    it("assigns the N cheapest bids, unlocks the others, and starts the commit window", async function () {
      const { market, jobId, bidDeadline, winners, loser } = await load(auctionBidsFixture);
      await time.setNextBlockTimestamp(bidDeadline + 10n);
      const tx = market.assign(jobId);
      const commitDeadline = bidDeadline + 10n + BigInt(EXECUTION_WINDOW);
      expect(await eventsIn(market, tx, "ProviderAssigned")).to.deep.equal(
        winners.map(([p, index]) => [jobId, p.address, BigInt(index), commitDeadline]),
      );
      expect(await eventsIn(market, tx, "StakeUnlocked")).to.deep.equal([[jobId, loser.address, STAKE]]);
      expect(await eventsIn(market, tx, "JobStateChanged")).to.deep.equal([[jobId, State.Open, State.Assigned]]);
      const job = await market.getJob(jobId);
      expect([job.state, job.deadline, job.assignedMask]).to.deep.equal([State.Assigned, commitDeadline, 0b1011n]);
      await expectProvider(market, loser, { balance: DEPOSIT, locked: 0n });
      for (const [p] of winners) await expectProvider(market, p, { balance: DEPOSIT, locked: STAKE });
      const bids = await market.getBids(jobId);
      expect(bids.map((b) => b.assigned)).to.deep.equal([true, true, false, true]);
      // the winners' prices stay, the loser's is cleared
      expect(bids.map((b) => b.price)).to.deep.equal([AUCTION_PRICES[0], AUCTION_PRICES[1], 0n, AUCTION_PRICES[3]]);
    });

    it("breaks ties to the earlier bid", async function () {
      const f = await load(auctionJobFixture);
      await assignWith(f, [ETH("0.7"), ETH("0.5"), ETH("0.7"), ETH("0.7"), ETH("0.5")]);
      expect(assignedIndexes((await f.market.getJob(f.jobId)).assignedMask)).to.deep.equal([0, 1, 4]);
    });

    it("with equal prices the first N bids win", async function () {
      const f = await load(auctionJobFixture);
      await assignWith(f, Array(MAX_BIDS).fill(ETH("0.5")));
      expect(assignedIndexes((await f.market.getJob(f.jobId)).assignedMask)).to.deep.equal([0, 1, 2]);
    });

    it("with MAX_BIDS bids in falling prices the last three win, and seven stakes are unlocked", async function () {
      const f = await load(auctionJobFixture);
      const prices = [...Array(MAX_BIDS).keys()].map((i) => MAX_PRICE - BigInt(i));
      const tx = await assignWith(f, prices);
      expect(assignedIndexes((await f.market.getJob(f.jobId)).assignedMask)).to.deep.equal([7, 8, 9]);
      expect(await eventsIn(f.market, tx, "StakeUnlocked")).to.have.lengthOf(7);
    });

    it("a zero-price bid wins", async function () {
      const f = await load(auctionJobFixture);
      await assignWith(f, [ETH("0.5"), 0n, ETH("0.4"), ETH("0.9")]);
      expect(assignedIndexes((await f.market.getJob(f.jobId)).assignedMask)).to.deep.equal([0, 1, 2]);
    });

    it("with exactly N bids every bidder is assigned and nothing is unlocked", async function () {
      const f = await load(auctionJobFixture);
      const tx = await assignWith(f, [ETH("0.9"), ETH("0.1"), ETH("0.5")]);
      expect(assignedIndexes((await f.market.getJob(f.jobId)).assignedMask)).to.deep.equal([0, 1, 2]);
      await expect(tx).not.to.emit(f.market, "StakeUnlocked");
    });

    it("with fewer bids than replicas the job fails: bidders unlocked, client credited the escrow", async function () {
      const f = await load(auctionJobFixture);
      const { market, jobId, client, providers: [p1, p2] } = f;
      await auctionBid(market, jobId, p1, ETH("0.2"));
      await auctionBid(market, jobId, p2, ETH("0.3"));
      const before = await providerSnapshot(market, [p1, p2]);
      const tx = await assignWith(f, []);
      await expectSettlement(f, tx, before, {
        from: State.Open,
        to: State.Failed,
        unlocked: [p1, p2],
        credits: [[client, ESCROW]],
      });
      await expect(tx).not.to.emit(market, "ProviderAssigned");
      expect(await market.credits(client.address)).to.equal(ESCROW);
      const words = await bidStorage(market, jobId);
      expect(words.bidders).to.equal(0n);
      expect(words.prices).to.deep.equal(Array(MAX_BIDS).fill(0n));
    });

    it("with no bid at all the job fails and the client is credited the escrow", async function () {
      const f = await load(auctionJobFixture);
      const tx = await assignWith(f, []);
      await expectSettlement(f, tx, new Map(), {
        from: State.Open,
        to: State.Failed,
        credits: [[f.client, ESCROW]],
      });
    });

    it("reverts WrongState for a second assign and for an assign after cancel", async function () {
      const { market, jobId } = await load(auctionAssignedFixture);
      await expect(market.assign(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Assigned);
      const g = await load(auctionBidsFixture);
      await g.market.connect(g.client).cancel(g.jobId);
      await time.increaseTo(g.bidDeadline);
      await expect(g.market.assign(g.jobId))
        .to.be.revertedWithCustomError(g.market, "JobMarketWrongState")
        .withArgs(g.jobId, State.Cancelled);
    });
  });

  describe("commit", function () {
    it("records the commitment; the job stays Assigned until the last commit", async function () {
      const { market, jobId, winners: [[p1, i1]] } = await load(auctionAssignedFixture);
      const c = await commitmentFor(market, jobId, p1, RESULT);
      const tx = market.connect(p1).commit(jobId, i1, c);
      await expect(tx).to.emit(market, "ResultCommitted").withArgs(jobId, p1.address, i1, c);
      await expect(tx).not.to.emit(market, "JobStateChanged");
      const job = await market.getJob(jobId);
      expect([job.state, job.commitCount]).to.deep.equal([State.Assigned, 1n]);
      expect((await market.getBids(jobId))[i1].digest).to.equal(c);
    });

    it("the last commit moves Assigned → Revealing with the reveal deadline = commit deadline + revealWindow", async function () {
      const { market, jobId, winners, commitDeadline } = await load(auctionAssignedFixture);
      await commitTo(market, jobId, winners[0][0], winners[0][1], RESULT);
      await commitTo(market, jobId, winners[1][0], winners[1][1], RESULT);
      const tx = commitTo(market, jobId, winners[2][0], winners[2][1], RESULT);
      expect(await eventsIn(market, tx, "JobStateChanged")).to.deep.equal([[jobId, State.Assigned, State.Revealing]]);
      const job = await market.getJob(jobId);
      expect([job.state, job.deadline, job.commitCount]).to.deep.equal([
        State.Revealing,
        commitDeadline + BigInt(REVEAL_WINDOW),
        3n,
      ]);
    });

    it("reverts NotAssigned for another winner's index, a loser, a stranger and an out-of-range index", async function () {
      const { market, jobId, winners: [[p1], [, i2]], loser, outsider } = await load(auctionAssignedFixture);
      const c = ethers.id("commitment");
      for (const [caller, index] of [
        [p1, i2], // another winner's index
        [loser, 2], // the loser at its own index
        [outsider, 0], // a stranger
        [p1, 4], // beyond the bid count
        [p1, 255],
      ]) {
        await expect(market.connect(caller).commit(jobId, index, c), `${caller.address} at ${index}`)
          .to.be.revertedWithCustomError(market, "JobMarketNotAssigned")
          .withArgs(jobId, caller.address);
      }
    });

    it("reverts EmptyCommitment for a zero commitment", async function () {
      const { market, jobId, winners: [[p1, i1]] } = await load(auctionAssignedFixture);
      await expect(market.connect(p1).commit(jobId, i1, ethers.ZeroHash)).to.be.revertedWithCustomError(
        market,
        "JobMarketEmptyCommitment",
      );
    });

    it("reverts AlreadyCommitted for a second commit", async function () {
      const { market, jobId, winners: [[p1, i1]] } = await load(auctionAssignedFixture);
      await commitTo(market, jobId, p1, i1, RESULT);
      await expect(market.connect(p1).commit(jobId, i1, ethers.id("again")))
        .to.be.revertedWithCustomError(market, "JobMarketAlreadyCommitted")
        .withArgs(jobId, p1.address);
    });

    it("accepts a commit at T − 1 and reverts CommitDeadlinePassed at T = commit deadline", async function () {
      const { market, jobId, winners: [[p1, i1], [p2, i2]], commitDeadline } = await load(auctionAssignedFixture);
      await time.setNextBlockTimestamp(commitDeadline - 1n);
      await expect(commitTo(market, jobId, p1, i1, RESULT)).to.emit(market, "ResultCommitted");
      await time.setNextBlockTimestamp(commitDeadline);
      await expect(commitTo(market, jobId, p2, i2, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketCommitDeadlinePassed")
        .withArgs(jobId, commitDeadline);
    });

    it("reverts WrongState before assignment, once reveals opened, and on a fast-path job", async function () {
      const open = await load(auctionBidsFixture);
      await expect(open.market.connect(open.providers[0]).commit(open.jobId, 0, ethers.id("c")))
        .to.be.revertedWithCustomError(open.market, "JobMarketWrongState")
        .withArgs(open.jobId, State.Open);
      const fast = await load(fastJobFixture);
      await expect(fast.market.connect(fast.providers[0]).commit(fast.jobId, 0, ethers.id("c")))
        .to.be.revertedWithCustomError(fast.market, "JobMarketWrongState")
        .withArgs(fast.jobId, State.Open);
      const { market, jobId, winners: [[p1, i1]] } = await load(auctionCommittedFixture);
      await expect(market.connect(p1).commit(jobId, i1, ethers.id("c")))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Revealing);
    });
  });

  describe("reveal", function () {
    it("reverts RevealNotOpen on an open auction, before and after its bid deadline", async function () {
      const { market, jobId, providers: [p1], bidDeadline } = await load(auctionBidsFixture);
      await expect(revealBy(market, jobId, p1, 0, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealNotOpen")
        .withArgs(jobId, bidDeadline);
      await time.increaseTo(bidDeadline + 1n);
      await expect(revealBy(market, jobId, p1, 0, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealNotOpen")
        .withArgs(jobId, bidDeadline);
    });

    it("reverts RevealNotOpen while a winner has not committed and the commit deadline is ahead (T − 1)", async function () {
      const { market, jobId, winners: [[p1, i1], [p2, i2]], commitDeadline } = await load(auctionAssignedFixture);
      await commitTo(market, jobId, p1, i1, RESULT);
      await commitTo(market, jobId, p2, i2, RESULT);
      await time.setNextBlockTimestamp(commitDeadline - 1n);
      await expect(revealBy(market, jobId, p1, i1, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealNotOpen")
        .withArgs(jobId, commitDeadline);
    });

    it("reverts RevealNotOpen at the commit deadline with fewer commits than the quorum", async function () {
      const { market, jobId, winners: [[p1, i1]], commitDeadline } = await load(auctionAssignedFixture);
      await commitTo(market, jobId, p1, i1, RESULT);
      await time.setNextBlockTimestamp(commitDeadline);
      await expect(revealBy(market, jobId, p1, i1, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealNotOpen")
        .withArgs(jobId, commitDeadline);
    });

    it("at the commit deadline with a quorum of commits, the first reveal moves Assigned → Revealing", async function () {
      const { market, jobId, winners: [[p1, i1], [p2, i2]], commitDeadline } = await load(auctionAssignedFixture);
      await commitTo(market, jobId, p1, i1, RESULT);
      await commitTo(market, jobId, p2, i2, RESULT);
      await time.setNextBlockTimestamp(commitDeadline);
      const tx = revealBy(market, jobId, p1, i1, RESULT);
      expect(await eventsIn(market, tx, "JobStateChanged")).to.deep.equal([[jobId, State.Assigned, State.Revealing]]);
      expect((await market.getJob(jobId)).deadline).to.equal(commitDeadline + BigInt(REVEAL_WINDOW));
    });

    it("reverts NotCommitted for a winner that did not commit, once reveals opened", async function () {
      const { market, jobId, winners: [[p1, i1], [p2, i2], [p4, i4]], commitDeadline } = await load(
        auctionAssignedFixture,
      );
      await commitTo(market, jobId, p1, i1, RESULT);
      await commitTo(market, jobId, p2, i2, RESULT);
      await time.increaseTo(commitDeadline);
      await expect(revealBy(market, jobId, p4, i4, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketNotCommitted")
        .withArgs(jobId, p4.address);
    });

    it("reverts NotAssigned for the loser and a stranger", async function () {
      const { market, jobId, loser, outsider } = await load(auctionCommittedFixture);
      for (const [caller, index] of [[loser, 2], [outsider, 2], [outsider, 7]]) {
        await expect(revealBy(market, jobId, caller, index, RESULT))
          .to.be.revertedWithCustomError(market, "JobMarketNotAssigned")
          .withArgs(jobId, caller.address);
      }
    });

    it("the last reveal settles: each winner paid its own bid, the client credited escrow − Σ prices", async function () {
      const f = await load(auctionCommittedFixture);
      const { market, jobId, client, winners } = f;
      const before = await providerSnapshot(market, winners.map(([p]) => p));
      for (const [p, index] of winners.slice(0, 2)) await revealBy(market, jobId, p, index, RESULT);
      const tx = revealBy(market, jobId, winners[2][0], winners[2][1], RESULT);
      const prices = winners.map(([, , price]) => price);
      const refund = ESCROW - prices.reduce((a, b) => a + b, 0n);
      expect(refund).to.equal(ETH("0.9"));
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: winners.map(([p, , price]) => [p, price]),
        credits: [[client, refund]],
        accepted: [RESULT, 3, 0n],
      });
      const words = await bidStorage(market, jobId);
      expect(words.prices).to.deep.equal(Array(MAX_BIDS).fill(0n));
    });

    it("winners bidding maxPrice leave no refund, and none is credited", async function () {
      const f = await load(auctionJobFixture);
      const { market, jobId } = f;
      await assignWith(f, [MAX_PRICE, MAX_PRICE, MAX_PRICE]);
      for (let i = 0; i < 3; i++) await commitTo(market, jobId, f.providers[i], i, RESULT);
      await revealBy(market, jobId, f.providers[0], 0, RESULT);
      await revealBy(market, jobId, f.providers[1], 1, RESULT);
      const tx = revealBy(market, jobId, f.providers[2], 2, RESULT);
      await expect(tx).to.emit(market, "ResultAccepted");
      await expect(tx).not.to.emit(market, "Credited");
    });

    it("runs a single-replica auction with a two-second bid window", async function () {
      const f = await load(stakedProvidersFixture);
      const { market, client, providers: [p1] } = f;
      const { jobId } = await postJob(market, client, { replicas: 1, quorum: 1, bidWindow: 2 });
      const deadline = (await market.getJob(jobId)).deadline;
      await time.setNextBlockTimestamp(deadline - 1n);
      await auctionBid(market, jobId, p1, 5n);
      await market.assign(jobId);
      await commitTo(market, jobId, p1, 0, RESULT);
      await expect(revealBy(market, jobId, p1, 0, RESULT))
        .to.emit(market, "Credited")
        .withArgs(client.address, jobId, MAX_PRICE - 5n);
    });
  });
});
