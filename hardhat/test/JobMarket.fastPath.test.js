const {
  ethers,
  expect,
  time,
  it,
  register,
  load,
  State,
  MAX_PRICE,
  STAKE,
  DEPOSIT,
  REVEAL_WINDOW,
  RESULT,
  OTHER_RESULT,
  saltOf,
  commitmentFor,
  fastBid,
  revealBy,
  postJob,
  deployFixture,
  fastJobFixture,
  fastFilledFixture,
  noVerificationFixture,
  stakedProvidersFixture,
  eventsIn,
  expectProvider,
  providerSnapshot,
  expectSettlement,
} = require("./helpers/jobMarket");

/** The fast-path job with two of its three bids in (p1, p2 committed to RESULT): still open. */
async function twoBidsFixture() {
  const f = await fastJobFixture();
  for (const p of f.providers.slice(0, 2)) await fastBid(f.market, f.jobId, p, RESULT);
  return f;
}

/** A 1/1 fast-path job whose bidder (providers[0]) did commit to RESULT: Revealing. */
async function singleCommittedFixture() {
  const f = await stakedProvidersFixture();
  const { jobId } = await postJob(f.market, f.client, { replicas: 1, quorum: 1 });
  await fastBid(f.market, jobId, f.providers[0], RESULT);
  return { ...f, jobId };
}

describe("JobMarket: fast path", function () {
  describe("bid", function () {
    it("records the bid with its commitment, locks the stake, assigns it, and counts it as a commit", async function () {
      const { market, providers: [p1], jobId } = await load(fastJobFixture);
      const c = await commitmentFor(market, jobId, p1, RESULT);
      const tx = market.connect(p1).bid(jobId, 0, 42, c);
      await expect(tx).to.emit(market, "BidPlaced").withArgs(jobId, p1.address, 0, 0, 42, c);
      await expect(tx).not.to.emit(market, "JobStateChanged");
      await expectProvider(market, p1, { balance: DEPOSIT, locked: STAKE });
      const job = await market.getJob(jobId);
      expect([job.state, job.bidCount, job.commitCount, job.assignedMask, job.revealCount]).to.deep.equal([
        State.Open,
        1n,
        1n,
        1n,
        0n,
      ]);
      const bids = await market.getBids(jobId);
      expect(bids.map((b) => b.toObject())).to.deep.equal([
        { provider: p1.address, price: MAX_PRICE, assigned: true, revealed: false, digest: c },
      ]);
    });

    it("the commitment is the one commitmentOf computes (chain id, market, job, provider, CID, salt)", async function () {
      const { market, providers: [p1], jobId } = await load(fastJobFixture);
      const salt = saltOf(p1);
      expect(await market.commitmentOf(jobId, p1.address, RESULT, salt)).to.equal(
        await commitmentFor(market, jobId, p1, RESULT, salt),
      );
    });

    it("reverts WrongPath for a nonzero price (the fast path pays maxPrice)", async function () {
      const { market, providers: [p1], jobId } = await load(fastJobFixture);
      const c = await commitmentFor(market, jobId, p1, RESULT);
      for (const price of [1n, MAX_PRICE]) {
        await expect(market.connect(p1).bid(jobId, price, 0, c))
          .to.be.revertedWithCustomError(market, "JobMarketWrongPath")
          .withArgs(jobId, false);
      }
    });

    it("reverts EmptyCommitment for a zero commitment when replicas > 1", async function () {
      const { market, providers: [p1], jobId } = await load(fastJobFixture);
      await expect(market.connect(p1).bid(jobId, 0, 0, ethers.ZeroHash)).to.be.revertedWithCustomError(
        market,
        "JobMarketEmptyCommitment",
      );
    });

    it("accepts a zero commitment when replicas is 1: the bid opens the reveals at once", async function () {
      const { market, client, providers: [p1] } = await load(stakedProvidersFixture);
      const { jobId } = await postJob(market, client, { replicas: 1, quorum: 1 });
      const commitDeadline = (await market.getJob(jobId)).deadline;
      const tx = market.connect(p1).bid(jobId, 0, 0, ethers.ZeroHash);
      await expect(tx).to.emit(market, "BidPlaced").withArgs(jobId, p1.address, 0, 0, 0, ethers.ZeroHash);
      await expect(tx).to.emit(market, "JobStateChanged").withArgs(jobId, State.Open, State.Revealing);
      const job = await market.getJob(jobId);
      expect([job.state, job.deadline, job.commitCount]).to.deep.equal([
        State.Revealing,
        commitDeadline + BigInt(REVEAL_WINDOW),
        1n,
      ]);
      expect((await market.getBids(jobId))[0].digest).to.equal(ethers.ZeroHash);
    });

    it("reverts AlreadyBid for a second bid by the same provider", async function () {
      const { market, providers: [p1], jobId } = await load(fastJobFixture);
      await fastBid(market, jobId, p1, RESULT);
      await expect(fastBid(market, jobId, p1, OTHER_RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketAlreadyBid")
        .withArgs(jobId, p1.address);
    });

    it("reverts NotRegistered for an account that did not register", async function () {
      const { market, outsider, jobId } = await load(fastJobFixture);
      await expect(fastBid(market, jobId, outsider, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketNotRegistered")
        .withArgs(outsider.address);
    });

    it("reverts InsufficientFreeStake for a provider whose free balance is below the job's stake", async function () {
      const { market, outsider, jobId } = await load(fastJobFixture);
      await register(market, outsider, 9);
      await market.connect(outsider).stake({ value: STAKE - 1n });
      await expect(fastBid(market, jobId, outsider, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(outsider.address, STAKE, STAKE - 1n);
      await market.connect(outsider).stake({ value: 1n });
      await expect(fastBid(market, jobId, outsider, RESULT)).to.emit(market, "BidPlaced");
    });

    it("reverts InsufficientFreeStake once other bids lock the provider's balance", async function () {
      const { market, client, providers: [p1] } = await load(stakedProvidersFixture);
      // DEPOSIT = 5 FIL covers four stakes of 1 FIL + 1 nanoFIL, not five
      for (let i = 0; i < 4; i++) {
        const { jobId } = await postJob(market, client);
        await fastBid(market, jobId, p1, RESULT);
      }
      await expectProvider(market, p1, { balance: DEPOSIT, locked: 4n * STAKE });
      const { jobId } = await postJob(market, client);
      await expect(fastBid(market, jobId, p1, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(p1.address, STAKE, DEPOSIT - 4n * STAKE);
    });

    it("accepts a bid at T − 1 and reverts BidWindowClosed at T = commit deadline and after", async function () {
      const { market, providers: [p1, p2], jobId, commitDeadline } = await load(fastJobFixture);
      await time.setNextBlockTimestamp(commitDeadline - 1n);
      await expect(fastBid(market, jobId, p1, RESULT)).to.emit(market, "BidPlaced");
      expect(await time.latest()).to.equal(Number(commitDeadline - 1n));
      await time.setNextBlockTimestamp(commitDeadline);
      await expect(fastBid(market, jobId, p2, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketBidWindowClosed")
        .withArgs(jobId, commitDeadline);
      await time.increaseTo(commitDeadline + 1n);
      await expect(fastBid(market, jobId, p2, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketBidWindowClosed")
        .withArgs(jobId, commitDeadline);
    });

    it("the N-th bid moves Open → Revealing with the reveal deadline = commit deadline + revealWindow", async function () {
      const { market, providers: [p1, p2, p3], jobId, commitDeadline } = await load(fastJobFixture);
      await fastBid(market, jobId, p1, RESULT);
      await expect(fastBid(market, jobId, p2, RESULT)).not.to.emit(market, "JobStateChanged");
      const tx = fastBid(market, jobId, p3, OTHER_RESULT);
      await expect(tx).to.emit(market, "BidPlaced").withArgs(jobId, p3.address, 2, 0, 0, (c) => c !== ethers.ZeroHash);
      expect(await eventsIn(market, tx, "JobStateChanged")).to.deep.equal([[jobId, State.Open, State.Revealing]]);
      const job = await market.getJob(jobId);
      expect([job.state, job.deadline, job.bidCount, job.commitCount, job.assignedMask]).to.deep.equal([
        State.Revealing,
        commitDeadline + BigInt(REVEAL_WINDOW),
        3n,
        3n,
        7n,
      ]);
    });

    it("reverts WrongState for a bid once the job is filled", async function () {
      const { market, providers, jobId } = await load(fastFilledFixture);
      await expect(fastBid(market, jobId, providers[3], RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Revealing);
    });

    it("reverts WrongState for a bid on a cancelled job", async function () {
      const { market, client, providers: [p1], jobId } = await load(fastJobFixture);
      await market.connect(client).cancel(jobId);
      await expect(fastBid(market, jobId, p1, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Cancelled);
    });
  });

  describe("reveal", function () {
    it("records the result hash in place of the commitment; an earlier reveal does not settle", async function () {
      const { market, jobId, winners: [p1] } = await load(fastFilledFixture);
      const tx = revealBy(market, jobId, p1, 0, RESULT);
      await expect(tx).to.emit(market, "ResultRevealed").withArgs(jobId, p1.address, RESULT);
      await expect(tx).not.to.emit(market, "JobStateChanged");
      const job = await market.getJob(jobId);
      expect([job.state, job.revealCount, job.revealedMask]).to.deep.equal([State.Revealing, 1n, 1n]);
      const b = (await market.getBids(jobId))[0];
      expect([b.revealed, b.digest]).to.deep.equal([true, ethers.keccak256(RESULT)]);
    });

    it("reverts CommitmentMismatch for a wrong salt", async function () {
      const { market, jobId, winners: [p1] } = await load(fastFilledFixture);
      await expect(market.connect(p1).reveal(jobId, 0, RESULT, saltOf("someone else")))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(jobId, p1.address);
    });

    it("reverts CommitmentMismatch for a CID other than the committed one", async function () {
      const { market, jobId, winners: [p1] } = await load(fastFilledFixture);
      await expect(revealBy(market, jobId, p1, 0, OTHER_RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(jobId, p1.address);
    });

    it("reverts CommitmentMismatch when a provider reveals at another provider's index", async function () {
      const { market, jobId, winners: [p1, p2] } = await load(fastFilledFixture);
      await expect(revealBy(market, jobId, p2, 0, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(jobId, p2.address);
      // not even with the owner's salt
      await expect(market.connect(p2).reveal(jobId, 0, RESULT, saltOf(p1)))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(jobId, p2.address);
    });

    it("reverts CommitmentMismatch for a commitment made for another chain id", async function () {
      const { market, providers: [p1, p2, p3], jobId } = await load(fastJobFixture);
      const foreign = await commitmentFor(market, jobId, p1, RESULT, saltOf(p1), { chainId: 314n });
      await market.connect(p1).bid(jobId, 0, 0, foreign);
      await fastBid(market, jobId, p2, RESULT);
      await fastBid(market, jobId, p3, RESULT);
      await expect(revealBy(market, jobId, p1, 0, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(jobId, p1.address);
    });

    it("reverts CommitmentMismatch for a commitment copied from another provider's bid", async function () {
      const { market, providers: [p1, p2, p3], jobId } = await load(fastJobFixture);
      const tx = await fastBid(market, jobId, p1, RESULT);
      const [[, , , , , copied]] = await eventsIn(market, tx, "BidPlaced");
      await market.connect(p2).bid(jobId, 0, 0, copied); // the copier
      await fastBid(market, jobId, p3, RESULT);
      // p2 saw p1's reveal (CID and salt) and replays it at its own index
      await revealBy(market, jobId, p1, 0, RESULT);
      await expect(market.connect(p2).reveal(jobId, 1, RESULT, saltOf(p1)))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(jobId, p2.address);
      await expect(revealBy(market, jobId, p2, 1, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(jobId, p2.address);
    });

    it("reverts NotAssigned for an index at or beyond the bid count", async function () {
      const { market, jobId, winners: [p1] } = await load(fastFilledFixture);
      for (const index of [3, 9, 255]) {
        await expect(revealBy(market, jobId, p1, index, RESULT))
          .to.be.revertedWithCustomError(market, "JobMarketNotAssigned")
          .withArgs(jobId, p1.address);
      }
    });

    it("reverts NotAssigned for the empty index of a job that was not filled", async function () {
      const { market, providers: [p1, , p3], jobId, commitDeadline } = await load(twoBidsFixture);
      await time.increaseTo(commitDeadline);
      await expect(revealBy(market, jobId, p3, 2, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketNotAssigned")
        .withArgs(jobId, p3.address);
      await expect(revealBy(market, jobId, p1, 0, RESULT)).to.emit(market, "ResultRevealed");
    });

    it("reverts AlreadyRevealed for a second reveal", async function () {
      const { market, jobId, winners: [p1] } = await load(fastFilledFixture);
      await revealBy(market, jobId, p1, 0, RESULT);
      await expect(revealBy(market, jobId, p1, 0, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketAlreadyRevealed")
        .withArgs(jobId, p1.address);
    });

    it("reverts InvalidCid for an empty CID and for one longer than MAX_CID_LENGTH", async function () {
      const { market, jobId, winners: [p1] } = await load(fastFilledFixture);
      await expect(market.connect(p1).reveal(jobId, 0, "0x", saltOf(p1)))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidCid")
        .withArgs(0);
      const long = ethers.hexlify(new Uint8Array(129).fill(7));
      await expect(market.connect(p1).reveal(jobId, 0, long, saltOf(p1)))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidCid")
        .withArgs(129);
    });

    it("accepts a reveal at T − 1 and reverts RevealDeadlinePassed at T = reveal deadline and after", async function () {
      const { market, jobId, winners: [p1, p2], revealDeadline } = await load(fastFilledFixture);
      expect((await market.getJob(jobId)).deadline).to.equal(revealDeadline);
      await time.setNextBlockTimestamp(revealDeadline - 1n);
      await expect(revealBy(market, jobId, p1, 0, RESULT)).to.emit(market, "ResultRevealed");
      await time.setNextBlockTimestamp(revealDeadline);
      await expect(revealBy(market, jobId, p2, 1, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealDeadlinePassed")
        .withArgs(jobId, revealDeadline);
      await time.increaseTo(revealDeadline + 1n);
      await expect(revealBy(market, jobId, p2, 1, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealDeadlinePassed")
        .withArgs(jobId, revealDeadline);
    });

    it("reverts RevealNotOpen on an open job before its commit deadline (T − 1)", async function () {
      const { market, providers: [p1], jobId, commitDeadline } = await load(twoBidsFixture);
      await time.setNextBlockTimestamp(commitDeadline - 1n);
      await expect(revealBy(market, jobId, p1, 0, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealNotOpen")
        .withArgs(jobId, commitDeadline);
    });

    it("reverts RevealNotOpen at the commit deadline with fewer bids than the quorum", async function () {
      const { market, providers: [p1], jobId, commitDeadline } = await load(fastJobFixture);
      await fastBid(market, jobId, p1, RESULT);
      await time.setNextBlockTimestamp(commitDeadline);
      await expect(revealBy(market, jobId, p1, 0, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealNotOpen")
        .withArgs(jobId, commitDeadline);
    });

    it("at T = commit deadline with a quorum of bids, the first reveal moves Open → Revealing", async function () {
      const { market, providers: [p1], jobId, commitDeadline } = await load(twoBidsFixture);
      await time.setNextBlockTimestamp(commitDeadline);
      const tx = revealBy(market, jobId, p1, 0, RESULT);
      await expect(tx).to.emit(market, "ResultRevealed").withArgs(jobId, p1.address, RESULT);
      expect(await eventsIn(market, tx, "JobStateChanged")).to.deep.equal([[jobId, State.Open, State.Revealing]]);
      const job = await market.getJob(jobId);
      expect([job.state, job.deadline]).to.deep.equal([State.Revealing, commitDeadline + BigInt(REVEAL_WINDOW)]);
    });

    it("a reveal that would open the reveals after the reveal deadline reverts, leaving the job open", async function () {
      const { market, providers: [p1], jobId, commitDeadline } = await load(twoBidsFixture);
      const revealDeadline = commitDeadline + BigInt(REVEAL_WINDOW);
      await time.setNextBlockTimestamp(revealDeadline);
      await expect(revealBy(market, jobId, p1, 0, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealDeadlinePassed")
        .withArgs(jobId, revealDeadline);
      expect((await market.getJob(jobId)).state).to.equal(State.Open);
    });

    it("the last reveal settles: Finalized, each winner paid maxPrice, no refund credited when none is due", async function () {
      const f = await load(fastFilledFixture);
      const { market, jobId, winners: [p1, p2, p3] } = f;
      await revealBy(market, jobId, p1, 0, RESULT);
      await revealBy(market, jobId, p2, 1, RESULT);
      const before = await providerSnapshot(market, f.winners);
      const tx = revealBy(market, jobId, p3, 2, RESULT);
      await expect(tx).to.emit(market, "ResultRevealed").withArgs(jobId, p3.address, RESULT);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, MAX_PRICE], [p2, MAX_PRICE], [p3, MAX_PRICE]],
        accepted: [RESULT, 3, 0n],
      });
      const job = await market.getJob(jobId);
      expect([job.revealCount, job.revealedMask]).to.deep.equal([3n, 7n]);
    });

    it("reverts WrongState once the job is settled", async function () {
      const { market, jobId, winners } = await load(fastFilledFixture);
      for (const [i, p] of winners.entries()) await revealBy(market, jobId, p, i, RESULT);
      await expect(revealBy(market, jobId, winners[0], 0, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Finalized);
    });
  });

  describe("single replica", function () {
    it("no verification: the bidder reveals without a commitment and is paid in the same transaction", async function () {
      const f = await load(noVerificationFixture);
      const { market, jobId, providers: [p1] } = f;
      const before = await providerSnapshot(market, [p1]);
      const tx = market.connect(p1).reveal(jobId, 0, RESULT, ethers.ZeroHash);
      await expect(tx).to.emit(market, "ResultRevealed").withArgs(jobId, p1.address, RESULT);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, MAX_PRICE]],
        accepted: [RESULT, 1, 0n],
      });
    });

    it("no verification: any salt is accepted, any CID is the result", async function () {
      const f = await load(noVerificationFixture);
      const { market, jobId, providers: [p1] } = f;
      await expect(market.connect(p1).reveal(jobId, 0, OTHER_RESULT, ethers.id("anything")))
        .to.emit(market, "ResultAccepted")
        .withArgs(jobId, ethers.keccak256(OTHER_RESULT), 1, 0);
    });

    it("no verification: only the bidder may reveal (NotAssigned for a provider, a stranger, another index)", async function () {
      const { market, jobId, providers: [p1, p2], outsider } = await load(noVerificationFixture);
      for (const caller of [p2, outsider]) {
        await expect(market.connect(caller).reveal(jobId, 0, RESULT, ethers.ZeroHash))
          .to.be.revertedWithCustomError(market, "JobMarketNotAssigned")
          .withArgs(jobId, caller.address);
      }
      await expect(market.connect(p1).reveal(jobId, 1, RESULT, ethers.ZeroHash))
        .to.be.revertedWithCustomError(market, "JobMarketNotAssigned")
        .withArgs(jobId, p1.address);
    });

    it("with a commitment, a single-replica job checks it like any other", async function () {
      const f = await load(singleCommittedFixture);
      const { market, jobId, providers: [p1] } = f;
      await expect(market.connect(p1).reveal(jobId, 0, RESULT, ethers.ZeroHash))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(jobId, p1.address);
      await expect(revealBy(market, jobId, p1, 0, OTHER_RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(jobId, p1.address);
      const before = await providerSnapshot(market, [p1]);
      const tx = revealBy(market, jobId, p1, 0, RESULT);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, MAX_PRICE]],
        accepted: [RESULT, 1, 0n],
      });
    });

    it("a zero-price, zero-stake job settles without moving FIL and credits nothing", async function () {
      const f = await load(deployFixture);
      const { market, client, outsider } = f;
      await register(market, outsider, 5);
      const { jobId } = await postJob(market, client, { replicas: 1, quorum: 1, maxPrice: 0n, stake: 0n, value: 0n });
      await market.connect(outsider).bid(jobId, 0, 0, ethers.ZeroHash);
      const tx = market.connect(outsider).reveal(jobId, 0, RESULT, ethers.ZeroHash);
      await expect(tx).to.emit(market, "ResultAccepted").withArgs(jobId, ethers.keccak256(RESULT), 1, 0);
      await expect(tx).not.to.emit(market, "Credited");
      await expectProvider(market, outsider, { balance: 0n, locked: 0n });
    });
  });
});
