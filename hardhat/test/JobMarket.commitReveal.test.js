const {
  ethers,
  expect,
  loadFixture,
  time,
  State,
  PRICES,
  RESULT,
  OTHER_RESULT,
  saltOf,
  commitmentFor,
  commitTo,
  revealBy,
  postedFastJobFixture,
  assignedJobFixture,
  allCommittedFixture,
  auctionJobFixture,
  eventsIn,
} = require("./helpers/jobMarket");

/** An auction job assigned to providers[0..2]; providers[3] tied providers[2]'s price, bid later and lost. */
async function auctionAssignedFixture() {
  const f = await auctionJobFixture();
  for (let i = 0; i < 3; i++) await f.market.connect(f.providers[i]).bid(f.jobId, PRICES[i], 0);
  await f.market.connect(f.providers[3]).bid(f.jobId, PRICES[2], 0);
  await time.increaseTo(f.bidDeadline);
  await f.market.assign(f.jobId);
  return { ...f, loser: f.providers[3] };
}

/** The assigned job after providers[0] and providers[1] committed to RESULT; providers[2] is silent. */
async function twoCommittedFixture() {
  const f = await assignedJobFixture();
  await commitTo(f.market, f.jobId, f.assigned[0], RESULT);
  await commitTo(f.market, f.jobId, f.assigned[1], RESULT);
  return f;
}

describe("JobMarket: commit and reveal", function () {
  describe("commitments", function () {
    it("the JS commitment helper matches commitmentOf", async function () {
      const { market, jobId, assigned } = await loadFixture(assignedJobFixture);
      const salt = saltOf("x");
      for (const p of assigned) {
        expect(await commitmentFor(market, jobId, p, RESULT, salt)).to.equal(
          await market.commitmentOf(jobId, p.address, RESULT, salt),
        );
      }
    });

    it("binds the provider, job, result and salt", async function () {
      const { market, jobId, assigned: [p1, p2] } = await loadFixture(assignedJobFixture);
      const salt = saltOf("x");
      const base = await market.commitmentOf(jobId, p1.address, RESULT, salt);
      expect(await market.commitmentOf(jobId, p2.address, RESULT, salt)).not.to.equal(base);
      expect(await market.commitmentOf(jobId + 1n, p1.address, RESULT, salt)).not.to.equal(base);
      expect(await market.commitmentOf(jobId, p1.address, OTHER_RESULT, salt)).not.to.equal(base);
      expect(await market.commitmentOf(jobId, p1.address, RESULT, saltOf("y"))).not.to.equal(base);
    });
  });

  describe("commit", function () {
    it("records a commitment and emits ResultCommitted, staying Assigned", async function () {
      const { market, jobId, assigned: [p1] } = await loadFixture(assignedJobFixture);
      const c = await commitmentFor(market, jobId, p1, RESULT, saltOf(p1.address));
      const tx = market.connect(p1).commit(jobId, c);
      await expect(tx).to.emit(market, "ResultCommitted").withArgs(jobId, p1.address, c);
      await expect(tx).not.to.emit(market, "JobStateChanged");
      const job = await market.getJob(jobId);
      expect(job.state).to.equal(State.Assigned);
      expect(job.commitCount).to.equal(1n);
      expect((await market.getBids(jobId))[0].commitment).to.equal(c);
    });

    it("the last commit moves Assigned → Revealing", async function () {
      const { market, jobId, assigned } = await loadFixture(twoCommittedFixture);
      await expect(commitTo(market, jobId, assigned[2], RESULT))
        .to.emit(market, "JobStateChanged")
        .withArgs(jobId, State.Assigned, State.Revealing);
      expect((await market.getJob(jobId)).commitCount).to.equal(3n);
    });

    it("reverts NotAssigned for a provider that did not bid", async function () {
      const { market, jobId, providers, outsider } = await loadFixture(assignedJobFixture);
      for (const who of [providers[3], outsider]) {
        await expect(commitTo(market, jobId, who, RESULT))
          .to.be.revertedWithCustomError(market, "JobMarketNotAssigned")
          .withArgs(jobId, who.address);
      }
    });

    it("reverts NotAssigned for a losing bidder", async function () {
      const { market, jobId, loser } = await loadFixture(auctionAssignedFixture);
      await expect(commitTo(market, jobId, loser, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketNotAssigned")
        .withArgs(jobId, loser.address);
    });

    it("reverts EmptyCommitment for a zero commitment", async function () {
      const { market, jobId, assigned: [p1] } = await loadFixture(assignedJobFixture);
      await expect(market.connect(p1).commit(jobId, ethers.ZeroHash)).to.be.revertedWithCustomError(
        market,
        "JobMarketEmptyCommitment",
      );
    });

    it("reverts AlreadyCommitted for a second commit", async function () {
      const { market, jobId, assigned: [p1] } = await loadFixture(twoCommittedFixture);
      await expect(commitTo(market, jobId, p1, OTHER_RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketAlreadyCommitted")
        .withArgs(jobId, p1.address);
    });

    it("accepts a commit at T − 1 and reverts CommitDeadlinePassed at T = commitDeadline", async function () {
      const { market, jobId, assigned: [p1, p2], commitDeadline } = await loadFixture(assignedJobFixture);
      // Pin each transaction's block timestamp: increaseTo(T − 2) alone would let a slow machine drift past T − 1.
      await time.increaseTo(commitDeadline - 2n);
      await time.setNextBlockTimestamp(commitDeadline - 1n);
      await expect(commitTo(market, jobId, p1, RESULT)).to.emit(market, "ResultCommitted");
      expect(await time.latest()).to.equal(Number(commitDeadline - 1n));
      await time.setNextBlockTimestamp(commitDeadline);
      await expect(commitTo(market, jobId, p2, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketCommitDeadlinePassed")
        .withArgs(jobId, commitDeadline);
      expect(await time.latest()).to.equal(Number(commitDeadline));
    });

    it("reverts WrongState before assignment and once reveals opened", async function () {
      const open = await loadFixture(postedFastJobFixture);
      await expect(commitTo(open.market, open.jobId, open.providers[0], RESULT))
        .to.be.revertedWithCustomError(open.market, "JobMarketWrongState")
        .withArgs(open.jobId, State.Open);
      const { market, jobId, assigned } = await loadFixture(allCommittedFixture);
      await expect(commitTo(market, jobId, assigned[0], OTHER_RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Revealing);
    });
  });

  describe("reveal", function () {
    it("records the result and emits ResultRevealed; earlier reveals do not settle", async function () {
      const { market, jobId, assigned: [p1] } = await loadFixture(allCommittedFixture);
      const tx = revealBy(market, jobId, p1, RESULT);
      await expect(tx).to.emit(market, "ResultRevealed").withArgs(jobId, p1.address, RESULT);
      await expect(tx).not.to.emit(market, "JobStateChanged");
      const job = await market.getJob(jobId);
      expect(job.state).to.equal(State.Revealing);
      expect(job.revealCount).to.equal(1n);
      const b = (await market.getBids(jobId))[0];
      expect(b.revealed).to.equal(true);
      expect(b.resultHash).to.equal(ethers.keccak256(RESULT));
    });

    it("the last reveal settles the job in the same transaction", async function () {
      const { market, jobId, assigned } = await loadFixture(allCommittedFixture);
      await revealBy(market, jobId, assigned[0], RESULT);
      await revealBy(market, jobId, assigned[1], RESULT);
      const tx = revealBy(market, jobId, assigned[2], RESULT);
      await expect(tx).to.emit(market, "ResultRevealed").withArgs(jobId, assigned[2].address, RESULT);
      await expect(tx).to.emit(market, "JobStateChanged").withArgs(jobId, State.Revealing, State.Finalized);
      expect((await market.getJob(jobId)).state).to.equal(State.Finalized);
    });

    it("reverts RevealNotOpen while some provider has not committed and the commit deadline is ahead", async function () {
      const { market, jobId, assigned: [p1], commitDeadline } = await loadFixture(twoCommittedFixture);
      await time.setNextBlockTimestamp(commitDeadline - 1n);
      await expect(revealBy(market, jobId, p1, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealNotOpen")
        .withArgs(jobId, commitDeadline);
    });

    it("reverts RevealNotOpen at the commit deadline with fewer than quorum commits", async function () {
      const { market, jobId, assigned: [p1], commitDeadline } = await loadFixture(assignedJobFixture);
      await commitTo(market, jobId, p1, RESULT);
      await time.setNextBlockTimestamp(commitDeadline);
      await expect(revealBy(market, jobId, p1, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealNotOpen")
        .withArgs(jobId, commitDeadline);
      await time.increase(600);
      await expect(revealBy(market, jobId, p1, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealNotOpen")
        .withArgs(jobId, commitDeadline);
    });

    it("at the commit deadline with a quorum of commits, the first reveal moves Assigned → Revealing", async function () {
      const { market, jobId, assigned: [p1], commitDeadline } = await loadFixture(twoCommittedFixture);
      await time.setNextBlockTimestamp(commitDeadline);
      const tx = revealBy(market, jobId, p1, RESULT);
      await expect(tx).to.emit(market, "JobStateChanged").withArgs(jobId, State.Assigned, State.Revealing);
      await expect(tx).to.emit(market, "ResultRevealed").withArgs(jobId, p1.address, RESULT);
      expect((await market.getJob(jobId)).state).to.equal(State.Revealing);
    });

    it("reverts NotCommitted for an assigned provider that did not commit", async function () {
      const { market, jobId, assigned: [, , p3], commitDeadline } = await loadFixture(twoCommittedFixture);
      await time.increaseTo(commitDeadline);
      await expect(revealBy(market, jobId, p3, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketNotCommitted")
        .withArgs(jobId, p3.address);
    });

    it("reverts NotAssigned for a provider that is not assigned", async function () {
      const { market, jobId, providers, outsider } = await loadFixture(allCommittedFixture);
      for (const who of [providers[3], outsider]) {
        await expect(revealBy(market, jobId, who, RESULT))
          .to.be.revertedWithCustomError(market, "JobMarketNotAssigned")
          .withArgs(jobId, who.address);
      }
    });

    it("reverts AlreadyRevealed for a second reveal", async function () {
      const { market, jobId, assigned: [p1] } = await loadFixture(allCommittedFixture);
      await revealBy(market, jobId, p1, RESULT);
      await expect(revealBy(market, jobId, p1, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketAlreadyRevealed")
        .withArgs(jobId, p1.address);
    });

    it("reverts CommitmentMismatch for a wrong salt", async function () {
      const { market, jobId, assigned: [p1] } = await loadFixture(allCommittedFixture);
      await expect(market.connect(p1).reveal(jobId, RESULT, saltOf("guess")))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(jobId, p1.address);
    });

    it("reverts CommitmentMismatch for a CID other than the committed one", async function () {
      const { market, jobId, assigned: [p1] } = await loadFixture(allCommittedFixture);
      await expect(revealBy(market, jobId, p1, OTHER_RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(jobId, p1.address);
    });

    it("reverts CommitmentMismatch for a commitment copied from another provider", async function () {
      const { market, jobId, assigned: [p1, p2, p3] } = await loadFixture(assignedJobFixture);
      const salt = saltOf(p1.address);
      const tx = await commitTo(market, jobId, p1, RESULT);
      const [[, , copied]] = await eventsIn(market, tx, "ResultCommitted");
      await market.connect(p2).commit(jobId, copied); // the copier sees p1's commitment on chain
      await commitTo(market, jobId, p3, RESULT);
      // Even once p1 reveals its CID and salt, the copy does not open for p2: the commitment binds p1's address.
      await market.connect(p1).reveal(jobId, RESULT, salt);
      await expect(market.connect(p2).reveal(jobId, RESULT, salt))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(jobId, p2.address);
    });

    it("reverts InvalidCid for an empty or too long result CID", async function () {
      const { market, jobId, assigned: [p1] } = await loadFixture(allCommittedFixture);
      await expect(market.connect(p1).reveal(jobId, "0x", saltOf(p1.address)))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidCid")
        .withArgs(0);
      await expect(market.connect(p1).reveal(jobId, ethers.hexlify(new Uint8Array(129)), saltOf(p1.address)))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidCid")
        .withArgs(129);
    });

    it("accepts a reveal at T − 1 and reverts RevealDeadlinePassed at T = revealDeadline", async function () {
      const { market, jobId, assigned: [p1, p2], revealDeadline } = await loadFixture(allCommittedFixture);
      await time.setNextBlockTimestamp(revealDeadline - 1n);
      await expect(revealBy(market, jobId, p1, RESULT)).to.emit(market, "ResultRevealed");
      await time.setNextBlockTimestamp(revealDeadline);
      await expect(revealBy(market, jobId, p2, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealDeadlinePassed")
        .withArgs(jobId, revealDeadline);
    });

    it("reverts RevealDeadlinePassed after the reveal deadline even if reveals never opened by a reveal", async function () {
      const { market, jobId, assigned: [p1], revealDeadline } = await loadFixture(twoCommittedFixture);
      await time.increaseTo(revealDeadline);
      await expect(revealBy(market, jobId, p1, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketRevealDeadlinePassed")
        .withArgs(jobId, revealDeadline);
      expect((await market.getJob(jobId)).state).to.equal(State.Assigned);
    });

    it("reverts WrongState on an open job and on a settled job", async function () {
      const open = await loadFixture(postedFastJobFixture);
      await expect(open.market.connect(open.providers[0]).reveal(open.jobId, RESULT, saltOf("s")))
        .to.be.revertedWithCustomError(open.market, "JobMarketWrongState")
        .withArgs(open.jobId, State.Open);
      const { market, jobId, assigned } = await loadFixture(allCommittedFixture);
      for (const p of assigned) await revealBy(market, jobId, p, RESULT);
      await expect(revealBy(market, jobId, assigned[0], RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Finalized);
    });
  });
});
