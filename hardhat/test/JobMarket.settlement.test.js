const {
  ethers,
  expect,
  time,
  it,
  load,
  State,
  Slash,
  ETH,
  MAX_PRICE,
  STAKE,
  NANO,
  DEPOSIT,
  BID_WINDOW,
  EXECUTION_WINDOW,
  REVEAL_WINDOW,
  MAX_BIDS,
  RESULT,
  OTHER_RESULT,
  THIRD_RESULT,
  fastBid,
  auctionBid,
  commitTo,
  revealBy,
  postJob,
  stakedProvidersFixture,
  fastJobFixture,
  fastFilledFixture,
  noVerificationFixture,
  auctionJobFixture,
  auctionBidsFixture,
  auctionAssignedFixture,
  auctionCommittedFixture,
  eventsIn,
  expectProvider,
  providerSnapshot,
  expectSettlement,
  bidStorage,
  sideBidderId,
  JOB_LAYOUT,
  TERMS_LAYOUT,
} = require("./helpers/jobMarket");

const ESCROW = 3n * MAX_PRICE;
/**
 * Each winner's share of one slashed stake when two providers win. A stake in whole nanoFIL is
 * even, so it halves exactly: ODD, the remainder the client gets, is 0 here (checked below); the
 * rounding cases are three winners sharing one or two stakes.
 */
const HALF_STAKE = STAKE / 2n;
const ODD = STAKE - 2n * HALF_STAKE;

/** Fast path: providers[i] bids committed to results[i]. */
async function fill(f, results) {
  for (const [i, cid] of results.entries()) await fastBid(f.market, f.jobId, f.providers[i], cid);
}

/** Each [provider, index, cid] reveals in turn; resolves to the last transaction. */
async function revealAll(f, entries) {
  for (const [p, index, cid] of entries.slice(0, -1)) await revealBy(f.market, f.jobId, p, index, cid);
  const [p, index, cid] = entries[entries.length - 1];
  return revealBy(f.market, f.jobId, p, index, cid);
}

/**
 * Asserts that no raw bid slot of the job (bidders word, digests, prices) is left set, except the
 * digest slots named in `kept` ({index: value}).
 */
async function expectSlotsCleared(market, jobId, kept = {}) {
  const words = await bidStorage(market, jobId);
  expect([words.job.bidder0, words.job.bidder1], "bidder ids in the job slot").to.deep.equal([0n, 0n]);
  expect(words.bidders, "side word of bidder ids").to.equal(0n);
  const digests = Array(MAX_BIDS).fill(0n);
  for (const [index, value] of Object.entries(kept)) digests[Number(index)] = BigInt(value);
  expect(words.digests, "digest slots").to.deep.equal(digests);
  expect(words.prices, "price slots").to.deep.equal(Array(MAX_BIDS).fill(0n));
}

describe("JobMarket: settlement", function () {
  describe("a dissenter", function () {
    it("fast path: is slashed (Dissent); the three winners share its stake, the odd attoFIL go to the client", async function () {
      const f = await load(stakedProvidersFixture);
      const { jobId } = await postJob(f.market, f.client, { replicas: 4, quorum: 3 });
      const g = { ...f, jobId };
      const [p1, p2, p3, p4] = f.providers;
      await fill(g, [RESULT, RESULT, OTHER_RESULT, RESULT]);
      await revealBy(f.market, jobId, p3, 2, OTHER_RESULT);
      await revealBy(f.market, jobId, p1, 0, RESULT);
      await revealBy(f.market, jobId, p4, 3, RESULT);
      const before = await providerSnapshot(f.market, [p1, p2, p3, p4]);
      const tx = revealBy(f.market, jobId, p2, 1, RESULT);
      // a stake of whole nanoFIL does not split in three: the client gets the remainder
      const share = STAKE / 3n;
      const odd = STAKE - 3n * share;
      expect(odd).to.equal(2n);
      await expectSettlement(g, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, MAX_PRICE], [p2, MAX_PRICE], [p4, MAX_PRICE]],
        slashed: [[p3, Slash.Dissent]],
        credits: [[f.client, MAX_PRICE + odd]],
        accepted: [RESULT, 3, share],
      });
      expect(await f.market.credits(f.client.address)).to.equal(MAX_PRICE + 2n);
    });

    it("fast path: two winners share the dissenter's stake exactly (a stake of whole nanoFIL is even)", async function () {
      const f = await load(fastJobFixture);
      const [p1, p2, p3] = f.providers;
      await fill(f, [RESULT, RESULT, OTHER_RESULT]);
      await revealBy(f.market, f.jobId, p3, 2, OTHER_RESULT);
      await revealBy(f.market, f.jobId, p1, 0, RESULT);
      const before = await providerSnapshot(f.market, [p1, p2, p3]);
      const tx = revealBy(f.market, f.jobId, p2, 1, RESULT);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, MAX_PRICE], [p2, MAX_PRICE]],
        slashed: [[p3, Slash.Dissent]],
        credits: [[f.client, ESCROW - 2n * MAX_PRICE + ODD]],
        accepted: [RESULT, 2, HALF_STAKE],
      });
      expect([HALF_STAKE, ODD]).to.deep.equal([ETH("0.5") + NANO / 2n, 0n]);
    });

    it("auction: is slashed; winners get their own price plus half its stake", async function () {
      const f = await load(auctionAssignedFixture);
      const [[p1, i1, price1], [p2, i2, price2], [p4, i4]] = f.winners;
      await commitTo(f.market, f.jobId, p1, i1, RESULT);
      await commitTo(f.market, f.jobId, p2, i2, RESULT);
      await commitTo(f.market, f.jobId, p4, i4, OTHER_RESULT);
      const before = await providerSnapshot(f.market, [p1, p2, p4]);
      const tx = await revealAll(f, [[p1, i1, RESULT], [p4, i4, OTHER_RESULT], [p2, i2, RESULT]]);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, price1], [p2, price2]],
        slashed: [[p4, Slash.Dissent]],
        credits: [[f.client, ESCROW - price1 - price2 + ODD]],
        accepted: [RESULT, 2, HALF_STAKE],
      });
    });

    it("the settling reveal may be the dissenter's own", async function () {
      const f = await load(fastJobFixture);
      const [p1, p2, p3] = f.providers;
      await fill(f, [RESULT, RESULT, OTHER_RESULT]);
      const before = await providerSnapshot(f.market, [p1, p2, p3]);
      const tx = await revealAll(f, [[p1, 0, RESULT], [p2, 1, RESULT], [p3, 2, OTHER_RESULT]]);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, MAX_PRICE], [p2, MAX_PRICE]],
        slashed: [[p3, Slash.Dissent]],
        credits: [[f.client, MAX_PRICE + ODD]],
        accepted: [RESULT, 2, HALF_STAKE],
      });
    });

    it("5/3 with two dissenters who agree with each other: three winners share two stakes", async function () {
      const f = await load(stakedProvidersFixture);
      const { jobId } = await postJob(f.market, f.client, { replicas: 5, quorum: 3 });
      const g = { ...f, jobId };
      const results = [OTHER_RESULT, RESULT, OTHER_RESULT, RESULT, RESULT];
      await fill(g, results);
      const ps = f.providers.slice(0, 5);
      const before = await providerSnapshot(f.market, ps);
      const tx = await revealAll(g, results.map((cid, i) => [ps[i], i, cid]));
      const share = (2n * STAKE) / 3n;
      expect(2n * STAKE - 3n * share, "the odd attoFIL of two stakes shared by three").to.equal(1n);
      await expectSettlement(g, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[ps[1], MAX_PRICE], [ps[3], MAX_PRICE], [ps[4], MAX_PRICE]],
        slashed: [[ps[0], Slash.Dissent], [ps[2], Slash.Dissent]],
        credits: [[f.client, 2n * MAX_PRICE + (2n * STAKE - 3n * share)]],
        accepted: [RESULT, 3, share],
      });
    });

    it("7/4 at MAX_REPLICAS: one dissenter and two silent providers, four winners share three stakes", async function () {
      const f = await load(stakedProvidersFixture);
      const { jobId } = await postJob(f.market, f.client, { replicas: 7, quorum: 4 });
      const g = { ...f, jobId };
      const results = [RESULT, RESULT, THIRD_RESULT, RESULT, OTHER_RESULT, RESULT, OTHER_RESULT];
      await fill(g, results);
      const ps = f.providers.slice(0, 7);
      for (const i of [0, 1, 2, 3, 5]) await revealBy(f.market, jobId, ps[i], i, results[i]);
      const revealDeadline = (await f.market.getJob(jobId)).deadline;
      await time.increaseTo(revealDeadline);
      const before = await providerSnapshot(f.market, ps);
      const tx = f.market.finalize(jobId);
      const share = (3n * STAKE) / 4n;
      await expectSettlement(g, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [0, 1, 3, 5].map((i) => [ps[i], MAX_PRICE]),
        slashed: [
          [ps[2], Slash.Dissent],
          [ps[4], Slash.NoReveal],
          [ps[6], Slash.NoReveal],
        ],
        credits: [[f.client, 3n * MAX_PRICE + (3n * STAKE - 4n * share)]],
        accepted: [RESULT, 4, share],
      });
    });
  });

  describe("a silent provider", function () {
    it("auction: one winner never commits; two commit, reveal after the commit deadline, and win (NoCommit)", async function () {
      const f = await load(auctionAssignedFixture);
      const [[p1, i1, price1], [p2, i2, price2], [p4]] = f.winners;
      await commitTo(f.market, f.jobId, p1, i1, RESULT);
      await commitTo(f.market, f.jobId, p2, i2, RESULT);
      await time.setNextBlockTimestamp(f.commitDeadline);
      await revealBy(f.market, f.jobId, p1, i1, RESULT); // opens the reveals
      const before = await providerSnapshot(f.market, [p1, p2, p4]);
      const tx = revealBy(f.market, f.jobId, p2, i2, RESULT);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, price1], [p2, price2]],
        slashed: [[p4, Slash.NoCommit]],
        credits: [[f.client, ESCROW - price1 - price2 + ODD]],
        accepted: [RESULT, 2, HALF_STAKE],
      });
    });

    it("fast path: one commits but never reveals; finalize at the reveal deadline (T − 1 reverts) slashes it (NoReveal)", async function () {
      const f = await load(fastFilledFixture);
      const [p1, p2, p3] = f.winners;
      await revealBy(f.market, f.jobId, p1, 0, RESULT);
      await revealBy(f.market, f.jobId, p2, 1, RESULT);
      await time.setNextBlockTimestamp(f.revealDeadline - 1n);
      await expect(f.market.finalize(f.jobId))
        .to.be.revertedWithCustomError(f.market, "JobMarketDeadlineNotReached")
        .withArgs(f.jobId, f.revealDeadline);
      await time.setNextBlockTimestamp(f.revealDeadline);
      const before = await providerSnapshot(f.market, f.winners);
      const tx = f.market.connect(f.outsider).finalize(f.jobId);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, MAX_PRICE], [p2, MAX_PRICE]],
        slashed: [[p3, Slash.NoReveal]],
        credits: [[f.client, MAX_PRICE + ODD]],
        accepted: [RESULT, 2, HALF_STAKE],
      });
    });

    it("auction: one commits but never reveals (NoReveal)", async function () {
      const f = await load(auctionCommittedFixture);
      const [[p1, i1, price1], [p2, i2, price2], [p4]] = f.winners;
      await revealBy(f.market, f.jobId, p2, i2, RESULT);
      await revealBy(f.market, f.jobId, p1, i1, RESULT);
      await time.increaseTo(f.revealDeadline);
      const before = await providerSnapshot(f.market, [p1, p2, p4]);
      const tx = f.market.finalize(f.jobId);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, price1], [p2, price2]],
        slashed: [[p4, Slash.NoReveal]],
        credits: [[f.client, ESCROW - price1 - price2 + ODD]],
        accepted: [RESULT, 2, HALF_STAKE],
      });
    });

    it("no verification: the bidder never reveals; finalize slashes it and refunds the client escrow + stake", async function () {
      const f = await load(noVerificationFixture);
      const [p1] = f.providers;
      await time.setNextBlockTimestamp(f.revealDeadline - 1n);
      await expect(f.market.finalize(f.jobId))
        .to.be.revertedWithCustomError(f.market, "JobMarketDeadlineNotReached")
        .withArgs(f.jobId, f.revealDeadline);
      await time.setNextBlockTimestamp(f.revealDeadline);
      const before = await providerSnapshot(f.market, [p1]);
      const tx = f.market.finalize(f.jobId);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Failed,
        slashed: [[p1, Slash.NoReveal]],
        credits: [[f.client, MAX_PRICE + STAKE]],
      });
    });
  });

  describe("no quorum", function () {
    it("fast path: three different results; the last reveal fails the job, revealers unlocked, client refunded", async function () {
      const f = await load(fastJobFixture);
      const ps = f.providers.slice(0, 3);
      const results = [RESULT, OTHER_RESULT, THIRD_RESULT];
      await fill(f, results);
      await revealBy(f.market, f.jobId, ps[0], 0, RESULT);
      await revealBy(f.market, f.jobId, ps[1], 1, OTHER_RESULT);
      const before = await providerSnapshot(f.market, ps);
      const tx = revealBy(f.market, f.jobId, ps[2], 2, THIRD_RESULT);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Failed,
        unlocked: ps,
        credits: [[f.client, ESCROW]],
      });
    });

    it("auction: two revealers disagree, one is silent; the client gets escrow + the silent stake", async function () {
      const f = await load(auctionAssignedFixture);
      const [[p1, i1], [p2, i2], [p4, i4]] = f.winners;
      await commitTo(f.market, f.jobId, p1, i1, RESULT);
      await commitTo(f.market, f.jobId, p2, i2, OTHER_RESULT);
      await commitTo(f.market, f.jobId, p4, i4, RESULT);
      await revealBy(f.market, f.jobId, p1, i1, RESULT);
      await revealBy(f.market, f.jobId, p2, i2, OTHER_RESULT);
      await time.increaseTo(f.revealDeadline);
      const before = await providerSnapshot(f.market, [p1, p2, p4]);
      const tx = f.market.finalize(f.jobId);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Failed,
        unlocked: [p1, p2],
        slashed: [[p4, Slash.NoReveal]],
        credits: [[f.client, ESCROW + STAKE]],
      });
    });

    it("5/3 split 2–2–1: no result reaches the quorum", async function () {
      const f = await load(stakedProvidersFixture);
      const { jobId } = await postJob(f.market, f.client, { replicas: 5, quorum: 3 });
      const g = { ...f, jobId };
      const results = [RESULT, OTHER_RESULT, RESULT, OTHER_RESULT, THIRD_RESULT];
      await fill(g, results);
      const ps = f.providers.slice(0, 5);
      const before = await providerSnapshot(f.market, ps);
      const tx = await revealAll(g, results.map((cid, i) => [ps[i], i, cid]));
      await expectSettlement(g, tx, before, {
        from: State.Revealing,
        to: State.Failed,
        unlocked: ps,
        credits: [[f.client, 5n * MAX_PRICE]],
      });
    });

    it("auction: a quorum committed but nobody reveals; finalize after the reveal deadline slashes them all", async function () {
      const f = await load(auctionAssignedFixture);
      const [[p1, i1], [p2, i2], [p4]] = f.winners;
      await commitTo(f.market, f.jobId, p1, i1, RESULT);
      await commitTo(f.market, f.jobId, p2, i2, RESULT);
      // reveals could open at the commit deadline: finalize waits for the reveal deadline too
      await time.setNextBlockTimestamp(f.commitDeadline);
      await expect(f.market.finalize(f.jobId))
        .to.be.revertedWithCustomError(f.market, "JobMarketDeadlineNotReached")
        .withArgs(f.jobId, f.revealDeadline);
      await time.setNextBlockTimestamp(f.revealDeadline - 1n);
      await expect(f.market.finalize(f.jobId))
        .to.be.revertedWithCustomError(f.market, "JobMarketDeadlineNotReached")
        .withArgs(f.jobId, f.revealDeadline);
      await time.setNextBlockTimestamp(f.revealDeadline);
      const before = await providerSnapshot(f.market, [p1, p2, p4]);
      const tx = f.market.finalize(f.jobId);
      await expectSettlement(f, tx, before, {
        from: State.Assigned,
        to: State.Failed,
        slashed: [[p1, Slash.NoReveal], [p2, Slash.NoReveal], [p4, Slash.NoCommit]],
        credits: [[f.client, ESCROW + 3n * STAKE]],
      });
    });
  });

  describe("fewer than a quorum of commits at the commit deadline", function () {
    it("auction: finalize at T (T − 1 reverts) fails the job; the committer is unlocked, the silent slashed (NoCommit)", async function () {
      const f = await load(auctionAssignedFixture);
      const [[p1, i1], [p2], [p4]] = f.winners;
      await commitTo(f.market, f.jobId, p1, i1, RESULT);
      await time.setNextBlockTimestamp(f.commitDeadline - 1n);
      await expect(f.market.finalize(f.jobId))
        .to.be.revertedWithCustomError(f.market, "JobMarketDeadlineNotReached")
        .withArgs(f.jobId, f.commitDeadline);
      await time.setNextBlockTimestamp(f.commitDeadline);
      const before = await providerSnapshot(f.market, [p1, p2, p4]);
      const tx = f.market.finalize(f.jobId);
      await expectSettlement(f, tx, before, {
        from: State.Assigned,
        to: State.Failed,
        unlocked: [p1],
        slashed: [[p2, Slash.NoCommit], [p4, Slash.NoCommit]],
        credits: [[f.client, ESCROW + 2n * STAKE]],
      });
    });

    it("auction: nobody commits; every winner is slashed (NoCommit)", async function () {
      const f = await load(auctionAssignedFixture);
      const ps = f.winners.map(([p]) => p);
      await time.increaseTo(f.commitDeadline);
      const before = await providerSnapshot(f.market, ps);
      const tx = f.market.finalize(f.jobId);
      await expectSettlement(f, tx, before, {
        from: State.Assigned,
        to: State.Failed,
        slashed: ps.map((p) => [p, Slash.NoCommit]),
        credits: [[f.client, ESCROW + 3n * STAKE]],
      });
    });
  });

  describe("a fast-path job not filled by its commit deadline", function () {
    it("with a quorum of bids: reveals open at the deadline, the bidders reveal and are paid; unfilled escrow refunded", async function () {
      const f = await load(fastJobFixture);
      const [p1, p2] = f.providers;
      await fill(f, [RESULT, RESULT]);
      await time.setNextBlockTimestamp(f.commitDeadline);
      await expect(revealBy(f.market, f.jobId, p2, 1, RESULT))
        .to.emit(f.market, "JobStateChanged")
        .withArgs(f.jobId, State.Open, State.Revealing);
      const before = await providerSnapshot(f.market, [p1, p2]);
      const tx = revealBy(f.market, f.jobId, p1, 0, RESULT);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, MAX_PRICE], [p2, MAX_PRICE]],
        credits: [[f.client, MAX_PRICE]],
        accepted: [RESULT, 2, 0n],
      });
    });

    it("with a quorum of bids that disagree: the job fails, both unlocked, the client refunded", async function () {
      const f = await load(fastJobFixture);
      const [p1, p2] = f.providers;
      await fill(f, [RESULT, OTHER_RESULT]);
      await time.increaseTo(f.commitDeadline);
      await revealBy(f.market, f.jobId, p1, 0, RESULT);
      const before = await providerSnapshot(f.market, [p1, p2]);
      const tx = revealBy(f.market, f.jobId, p2, 1, OTHER_RESULT);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Failed,
        unlocked: [p1, p2],
        credits: [[f.client, ESCROW]],
      });
    });

    it("with a quorum of bids and no reveal: finalize waits for the reveal deadline, then slashes them (NoReveal)", async function () {
      const f = await load(fastJobFixture);
      const [p1, p2] = f.providers;
      await fill(f, [RESULT, RESULT]);
      const revealDeadline = f.commitDeadline + BigInt(REVEAL_WINDOW);
      await time.setNextBlockTimestamp(f.commitDeadline);
      await expect(f.market.finalize(f.jobId))
        .to.be.revertedWithCustomError(f.market, "JobMarketDeadlineNotReached")
        .withArgs(f.jobId, revealDeadline);
      await time.setNextBlockTimestamp(revealDeadline);
      const before = await providerSnapshot(f.market, [p1, p2]);
      const tx = f.market.finalize(f.jobId);
      await expectSettlement(f, tx, before, {
        from: State.Open,
        to: State.Failed,
        slashed: [[p1, Slash.NoReveal], [p2, Slash.NoReveal]],
        credits: [[f.client, ESCROW + 2n * STAKE]],
      });
    });

    it("with fewer bids than the quorum: finalize at T (T − 1 reverts) fails the job, the bidder unlocked", async function () {
      const f = await load(fastJobFixture);
      const [p1] = f.providers;
      await fill(f, [RESULT]);
      await time.setNextBlockTimestamp(f.commitDeadline - 1n);
      await expect(f.market.finalize(f.jobId))
        .to.be.revertedWithCustomError(f.market, "JobMarketDeadlineNotReached")
        .withArgs(f.jobId, f.commitDeadline);
      await time.setNextBlockTimestamp(f.commitDeadline);
      const before = await providerSnapshot(f.market, [p1]);
      const tx = f.market.finalize(f.jobId);
      await expectSettlement(f, tx, before, {
        from: State.Open,
        to: State.Failed,
        unlocked: [p1],
        credits: [[f.client, ESCROW]],
      });
    });

    it("with no bid at all: finalize at the commit deadline refunds the client", async function () {
      const f = await load(fastJobFixture);
      await time.increaseTo(f.commitDeadline);
      const tx = f.market.finalize(f.jobId);
      await expectSettlement(f, tx, new Map(), {
        from: State.Open,
        to: State.Failed,
        credits: [[f.client, ESCROW]],
      });
    });
  });

  describe("finalize", function () {
    it("reverts DeadlineNotReached on a revealing job before its reveal deadline", async function () {
      const { market, jobId, revealDeadline } = await load(fastFilledFixture);
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketDeadlineNotReached")
        .withArgs(jobId, revealDeadline);
    });

    it("reverts DeadlineNotReached on an assigned job before its commit deadline", async function () {
      const { market, jobId, commitDeadline } = await load(auctionAssignedFixture);
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketDeadlineNotReached")
        .withArgs(jobId, commitDeadline);
    });

    it("reverts WrongState for a second finalize (double finalize)", async function () {
      const { market, jobId, revealDeadline } = await load(fastFilledFixture);
      await time.increaseTo(revealDeadline);
      await market.finalize(jobId);
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Failed);
    });

    it("reverts WrongState on a job the last reveal finalized, even after its deadline", async function () {
      const { market, jobId, winners, revealDeadline } = await load(fastFilledFixture);
      for (const [i, p] of winners.entries()) await revealBy(market, jobId, p, i, RESULT);
      await time.increaseTo(revealDeadline + 1n);
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Finalized);
    });

    it("reverts WrongState on an open auction (assign settles it) and on a cancelled job", async function () {
      const { market, client, jobId, bidDeadline } = await load(auctionBidsFixture);
      await time.increaseTo(bidDeadline + 1n);
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Open);
      await market.connect(client).cancel(jobId);
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Cancelled);
    });
  });

  describe("cancel", function () {
    it("reverts NotClient for anyone but the job's client", async function () {
      const { market, jobId, outsider, client2, providers: [p1] } = await load(fastJobFixture);
      for (const caller of [outsider, client2, p1]) {
        await expect(market.connect(caller).cancel(jobId))
          .to.be.revertedWithCustomError(market, "JobMarketNotClient")
          .withArgs(jobId, caller.address);
      }
    });

    it("fast path: refunds the escrow of a job nobody bid on yet", async function () {
      const f = await load(fastJobFixture);
      const tx = f.market.connect(f.client).cancel(f.jobId);
      await expectSettlement(f, tx, new Map(), {
        from: State.Open,
        to: State.Cancelled,
        credits: [[f.client, ESCROW]],
      });
      await expectSlotsCleared(f.market, f.jobId);
    });

    it("fast path: reverts HasBids once a provider bid (it ran the job to bid)", async function () {
      const f = await load(fastJobFixture);
      await fill(f, [RESULT]);
      await expect(f.market.connect(f.client).cancel(f.jobId))
        .to.be.revertedWithCustomError(f.market, "JobMarketHasBids")
        .withArgs(f.jobId, 1);
    });

    it("auction: refunds the escrow and unlocks every bidder, also after the bid deadline while unassigned", async function () {
      const f = await load(auctionBidsFixture);
      const bidders = f.providers.slice(0, 4);
      await time.increaseTo(f.bidDeadline + 1n);
      const before = await providerSnapshot(f.market, bidders);
      const tx = f.market.connect(f.client).cancel(f.jobId);
      await expectSettlement(f, tx, before, {
        from: State.Open,
        to: State.Cancelled,
        unlocked: bidders,
        credits: [[f.client, ESCROW]],
      });
      await expectSlotsCleared(f.market, f.jobId);
    });

    it("refunds a job without bids", async function () {
      const f = await load(auctionJobFixture);
      const tx = f.market.connect(f.client).cancel(f.jobId);
      await expectSettlement(f, tx, new Map(), {
        from: State.Open,
        to: State.Cancelled,
        credits: [[f.client, ESCROW]],
      });
    });

    it("reverts WrongState once the job left Open (revealing, assigned, finalized, failed, cancelled)", async function () {
      const filled = await load(fastFilledFixture);
      await expect(filled.market.connect(filled.client).cancel(filled.jobId))
        .to.be.revertedWithCustomError(filled.market, "JobMarketWrongState")
        .withArgs(filled.jobId, State.Revealing);
      for (const [i, p] of filled.winners.entries()) await revealBy(filled.market, filled.jobId, p, i, RESULT);
      await expect(filled.market.connect(filled.client).cancel(filled.jobId))
        .to.be.revertedWithCustomError(filled.market, "JobMarketWrongState")
        .withArgs(filled.jobId, State.Finalized);

      const assigned = await load(auctionAssignedFixture);
      await expect(assigned.market.connect(assigned.client).cancel(assigned.jobId))
        .to.be.revertedWithCustomError(assigned.market, "JobMarketWrongState")
        .withArgs(assigned.jobId, State.Assigned);
      await time.increaseTo(assigned.commitDeadline);
      await assigned.market.finalize(assigned.jobId);
      await expect(assigned.market.connect(assigned.client).cancel(assigned.jobId))
        .to.be.revertedWithCustomError(assigned.market, "JobMarketWrongState")
        .withArgs(assigned.jobId, State.Failed);

      const open = await load(fastJobFixture);
      await open.market.connect(open.client).cancel(open.jobId);
      await expect(open.market.connect(open.client).cancel(open.jobId))
        .to.be.revertedWithCustomError(open.market, "JobMarketWrongState")
        .withArgs(open.jobId, State.Cancelled);
    });

    it("an unfilled fast-path job with bids cannot be cancelled after its commit deadline either: the bidders reveal", async function () {
      const f = await load(fastJobFixture);
      const [p1] = f.providers;
      await fill(f, [RESULT, RESULT]);
      await time.increaseTo(f.commitDeadline + 1n);
      await expect(f.market.connect(f.client).cancel(f.jobId))
        .to.be.revertedWithCustomError(f.market, "JobMarketHasBids")
        .withArgs(f.jobId, 2);
      await revealBy(f.market, f.jobId, p1, 0, RESULT);
      expect((await f.market.getJob(f.jobId)).state).to.equal(State.Revealing);
    });

    it("after the first reveal opened them, the client can no longer cancel", async function () {
      const f = await load(fastJobFixture);
      await fill(f, [RESULT, RESULT]);
      await time.increaseTo(f.commitDeadline);
      await revealBy(f.market, f.jobId, f.providers[0], 0, RESULT);
      await expect(f.market.connect(f.client).cancel(f.jobId))
        .to.be.revertedWithCustomError(f.market, "JobMarketWrongState")
        .withArgs(f.jobId, State.Revealing);
    });
  });

  describe("bid slots after settlement", function () {
    it("the declared job and terms layouts fill their slot exactly, field after field", async function () {
      for (const [name, layout] of [["Job", JOB_LAYOUT], ["Terms", TERMS_LAYOUT]]) {
        let next = 0;
        for (const [field, offset, bytes] of layout) {
          expect(offset, `${name}.${field} follows the field before it`).to.equal(next);
          next = offset + bytes;
        }
        expect(next, `${name} fills one 32-byte slot`).to.equal(32);
      }
    });

    it("the slots are in the declared layout while the job is live: every job and terms field, bidders 0–2 in the slots, later ones in the side word", async function () {
      const f = await load(auctionJobFixture);
      const { market, jobId, client } = f;
      const ps = f.providers.slice(0, 5);
      const prices = [ETH("0.9"), ETH("0.5"), ETH("0.8"), ETH("0.4"), ETH("0.3")];
      for (const [i, p] of ps.entries()) await auctionBid(market, jobId, p, prices[i]);
      await time.increaseTo(f.bidDeadline);
      await market.assign(jobId); // the cheapest: indexes 1, 3, 4
      for (const i of [1, 3, 4]) await commitTo(market, jobId, ps[i], i, RESULT);
      await revealBy(market, jobId, ps[3], 3, RESULT);
      // every field of the job slot is set now, and each must read back as getJob shows it
      const job = await market.getJob(jobId);
      const words = await bidStorage(market, jobId);
      // every field but hasPiece (this job names no input piece; the oracle tests cover the flag)
      const { hasPiece, ...others } = words.job;
      expect(Object.values(others).every((v) => v !== 0n), "every job field set").to.equal(true);
      expect(hasPiece).to.equal(0n);
      expect(words.job).to.deep.equal({
        state: job.state,
        auction: 1n,
        replicas: job.replicas,
        quorum: job.quorum,
        bidCount: job.bidCount,
        commitCount: job.commitCount,
        deadline: job.deadline,
        assignedMask: job.assignedMask,
        revealedMask: job.revealedMask,
        executionWindow: job.executionWindow,
        revealWindow: job.revealWindow,
        stakeNano: job.stake / NANO,
        hasPiece: 0n,
        bidder0: 1n,
        bidder1: 2n,
      });
      const counts = [job.state, job.bidCount, job.commitCount, job.revealCount, job.assignedMask, job.revealedMask];
      expect(counts).to.deep.equal([State.Revealing, 5n, 3n, 1n, 0b11010n, 0b01000n]);
      expect(words.job.stakeNano * NANO).to.equal(STAKE);
      expect([job.executionWindow, job.revealWindow]).to.deep.equal([BigInt(EXECUTION_WINDOW), BigInt(REVEAL_WINDOW)]);
      expect(words.terms).to.deep.equal({ client: BigInt(client.address), maxPrice: MAX_PRICE, bidder2: 3n });
      expect(ethers.getAddress(ethers.toBeHex(words.terms.client, 20))).to.equal(job.client);
      expect(words.terms.maxPrice).to.equal(job.maxPrice);
      // bids 3 and 4 in the side word, 16 bits each from bit 0
      expect(words.bidders).to.equal(4n | (5n << 16n));
      expect([sideBidderId(words.bidders, 3), sideBidderId(words.bidders, 4)]).to.deep.equal([4n, 5n]);
      expect(words.bidderIds).to.deep.equal([1n, 2n, 3n, 4n, 5n]);
      const bids = await market.getBids(jobId);
      for (const [i, b] of bids.entries()) {
        expect(await market.providerAccount(words.bidderIds[i]), `bidder of bid ${i}`).to.equal(b.provider);
        expect((await market.providers(b.provider)).id, `id of bid ${i}`).to.equal(words.bidderIds[i]);
        expect(ethers.toBeHex(words.digests[i], 32), `digest of bid ${i}`).to.equal(b.digest);
        expect(words.prices[i], `price of bid ${i}`).to.equal(b.price);
      }
      // the losers' prices were cleared at assignment, the winners' are kept
      expect(words.prices.slice(0, 5)).to.deep.equal([0n, prices[1], 0n, prices[3], prices[4]]);
      expect(bids[3].digest).to.equal(ethers.keccak256(RESULT)); // revealed: the result hash
    });

    it("a filled 3-replica job keeps its bidders in the job and terms slots and never writes the side word", async function () {
      const f = await load(fastFilledFixture);
      const words = await bidStorage(f.market, f.jobId);
      expect([words.job.bidder0, words.job.bidder1, words.terms.bidder2]).to.deep.equal([1n, 2n, 3n]);
      expect(words.bidders).to.equal(0n);
      expect(words.job).to.include({ state: State.Revealing, auction: 0n, bidCount: 3n, commitCount: 3n });
      expect(words.job.stakeNano).to.equal(STAKE / NANO);
      const bids = await f.market.getBids(f.jobId);
      expect(bids.map((b) => b.provider)).to.deep.equal(f.winners.map((p) => p.address));
      for (const [i, b] of bids.entries()) expect(ethers.toBeHex(words.digests[i], 32)).to.equal(b.digest);
      // settled: the job slot's bidders are cleared, bidder2 stays in the terms with client and maxPrice
      await revealAll(f, f.winners.map((p, i) => [p, i, RESULT]));
      const after = await bidStorage(f.market, f.jobId);
      expect([after.job.bidder0, after.job.bidder1, after.bidders]).to.deep.equal([0n, 0n, 0n]);
      expect(after.terms).to.deep.equal({ client: BigInt(f.client.address), maxPrice: MAX_PRICE, bidder2: 3n });
      expect(after.job).to.include({ state: State.Finalized, bidCount: 3n, revealedMask: 7n });
    });

    // Settlement skips clearing the settling reveal's own digest slot, which still holds that
    // provider's commitment. Nothing reads it once the job is terminal (every entry point checks
    // the state first), so it is stale data, not a hazard; it contradicts "Bid slots are cleared".
    // Clearing it too saves gas at N <= 3 and costs ~2.6k at N >= 5 (refund cap): left to the
    // contract's owner, and pinned here so that a change is noticed.
    it("fast path settled by the last reveal: getBids is empty; every slot but the settling commitment is cleared", async function () {
      const f = await load(fastFilledFixture);
      const settling = (await f.market.getBids(f.jobId))[2].digest;
      await revealAll(f, f.winners.map((p, i) => [p, i, RESULT]));
      expect(await f.market.getBids(f.jobId)).to.deep.equal([]);
      await expectSlotsCleared(f.market, f.jobId, { 2: settling });
    });

    it("auction settled by the last reveal: getBids is empty; every slot but the settling commitment is cleared", async function () {
      const f = await load(auctionCommittedFixture);
      const [, , [, last]] = f.winners;
      const settling = (await f.market.getBids(f.jobId))[last].digest;
      await revealAll(f, f.winners.map(([p, i]) => [p, i, RESULT]));
      expect(await f.market.getBids(f.jobId)).to.deep.equal([]);
      await expectSlotsCleared(f.market, f.jobId, { [last]: settling });
    });

    it("the stale commitment of a settled job is unreachable: every call on the job reverts WrongState", async function () {
      const f = await load(fastFilledFixture);
      await revealAll(f, f.winners.map((p, i) => [p, i, RESULT]));
      const p3 = f.winners[2];
      await expect(revealBy(f.market, f.jobId, p3, 2, RESULT))
        .to.be.revertedWithCustomError(f.market, "JobMarketWrongState")
        .withArgs(f.jobId, State.Finalized);
      await expect(f.market.connect(p3).commit(f.jobId, 2, ethers.id("c")))
        .to.be.revertedWithCustomError(f.market, "JobMarketWrongState")
        .withArgs(f.jobId, State.Finalized);
      await expect(f.market.connect(f.client).cancel(f.jobId))
        .to.be.revertedWithCustomError(f.market, "JobMarketWrongState")
        .withArgs(f.jobId, State.Finalized);
    });

    it("settled by finalize: every slot is cleared", async function () {
      const f = await load(auctionAssignedFixture);
      const [[p1, i1], [p2, i2], [p4, i4]] = f.winners;
      await commitTo(f.market, f.jobId, p1, i1, RESULT);
      await commitTo(f.market, f.jobId, p2, i2, OTHER_RESULT);
      await commitTo(f.market, f.jobId, p4, i4, RESULT);
      await revealBy(f.market, f.jobId, p1, i1, RESULT);
      await revealBy(f.market, f.jobId, p2, i2, OTHER_RESULT);
      await time.increaseTo(f.revealDeadline);
      await f.market.finalize(f.jobId);
      await expectSlotsCleared(f.market, f.jobId);
    });

    it("no-verification job settled by its reveal: every slot is cleared", async function () {
      const f = await load(noVerificationFixture);
      await f.market.connect(f.providers[0]).reveal(f.jobId, 0, RESULT, ethers.ZeroHash);
      await expectSlotsCleared(f.market, f.jobId);
    });
  });

  describe("bids past the third: the side word", function () {
    it("auction with five bids: bids 3 and 4 go to the side word, duplicates are found in every slot, winners there commit, reveal, are paid; settlement clears it", async function () {
      const f = await load(auctionJobFixture);
      const { market, jobId, client } = f;
      const ps = f.providers.slice(0, 5);
      const prices = [ETH("0.9"), ETH("0.5"), ETH("0.8"), ETH("0.4"), ETH("0.3")];
      for (const [i, p] of ps.entries()) {
        await expect(auctionBid(market, jobId, p, prices[i]))
          .to.emit(market, "BidPlaced")
          .withArgs(jobId, p.address, i, prices[i], 0, ethers.ZeroHash);
      }
      const ids = [];
      for (const p of ps) ids.push((await market.providers(p.address)).id);
      const words = await bidStorage(market, jobId);
      expect([words.job.bidder0, words.job.bidder1, words.terms.bidder2]).to.deep.equal(ids.slice(0, 3));
      expect(words.bidders).to.equal(ids[3] | (ids[4] << 16n));
      // a second bid by any bidder is refused, wherever its id is kept (job slot, terms slot, side word)
      for (const p of ps) {
        await expect(auctionBid(market, jobId, p, 1n))
          .to.be.revertedWithCustomError(market, "JobMarketAlreadyBid")
          .withArgs(jobId, p.address);
      }
      const bids = await market.getBids(jobId);
      expect(bids.map((b) => [b.provider, b.price])).to.deep.equal(ps.map((p, i) => [p.address, prices[i]]));
      await expectProvider(market, ps[4], { balance: DEPOSIT, locked: STAKE });

      await time.increaseTo(f.bidDeadline);
      const assignTx = market.assign(jobId);
      const commitDeadline = BigInt(await time.latest()) + 1n + BigInt(EXECUTION_WINDOW);
      expect(await eventsIn(market, assignTx, "ProviderAssigned")).to.deep.equal(
        [1, 3, 4].map((i) => [jobId, ps[i].address, BigInt(i), commitDeadline]),
      );
      expect(await eventsIn(market, assignTx, "StakeUnlocked")).to.deep.equal([
        [jobId, ps[0].address, STAKE],
        [jobId, ps[2].address, STAKE],
      ]);
      // commit checks the caller against the id kept for its index: in the side word for 3 and 4
      for (const [caller, index] of [[ps[3], 4], [ps[4], 3], [ps[2], 3], [ps[0], 0], [ps[2], 2]]) {
        await expect(market.connect(caller).commit(jobId, index, ethers.id("c")), `${caller.address} at ${index}`)
          .to.be.revertedWithCustomError(market, "JobMarketNotAssigned")
          .withArgs(jobId, caller.address);
      }
      await commitTo(market, jobId, ps[1], 1, RESULT);
      await commitTo(market, jobId, ps[3], 3, RESULT);
      await commitTo(market, jobId, ps[4], 4, OTHER_RESULT);
      await revealBy(market, jobId, ps[4], 4, OTHER_RESULT);
      await revealBy(market, jobId, ps[1], 1, RESULT);
      const settling = (await market.getBids(jobId))[3].digest;
      const before = await providerSnapshot(market, ps);
      const tx = revealBy(market, jobId, ps[3], 3, RESULT); // the settling reveal, at a side-word index
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[ps[1], prices[1]], [ps[3], prices[3]]],
        slashed: [[ps[4], Slash.Dissent]],
        credits: [[client, ESCROW - prices[1] - prices[3] + ODD]],
        accepted: [RESULT, 2, HALF_STAKE],
      });
      await expectSlotsCleared(market, jobId, { 3: settling });
      // the terms slot keeps client, maxPrice and bidder2 for the record
      expect((await bidStorage(market, jobId)).terms).to.deep.equal({
        client: BigInt(client.address),
        maxPrice: MAX_PRICE,
        bidder2: ids[2],
      });
    });

    it("fast path with five replicas: the fourth bid's duplicate is found in the side word, the fifth opens the reveals, settlement pays and slashes side-word bidders and clears it", async function () {
      const f = await load(stakedProvidersFixture);
      const { market, client } = f;
      const { jobId } = await postJob(market, client, { replicas: 5, quorum: 3 });
      const g = { ...f, jobId };
      const ps = f.providers.slice(0, 5);
      const results = [RESULT, OTHER_RESULT, RESULT, RESULT, OTHER_RESULT];
      for (let i = 0; i < 4; i++) await fastBid(market, jobId, ps[i], results[i]);
      expect((await bidStorage(market, jobId)).bidders).to.equal(4n); // bid 3's provider id, at bit 0
      // the fourth bid's provider bidding again: only the side word names it
      await expect(fastBid(market, jobId, ps[3], RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketAlreadyBid")
        .withArgs(jobId, ps[3].address);
      for (const p of ps.slice(0, 3)) {
        await expect(fastBid(market, jobId, p, RESULT))
          .to.be.revertedWithCustomError(market, "JobMarketAlreadyBid")
          .withArgs(jobId, p.address);
      }
      expect((await market.getJob(jobId)).bidCount).to.equal(4n);
      const tx5 = fastBid(market, jobId, ps[4], results[4]);
      await expect(tx5).to.emit(market, "BidPlaced").withArgs(jobId, ps[4].address, 4, 0, 0, (c) => c !== ethers.ZeroHash);
      expect(await eventsIn(market, tx5, "JobStateChanged")).to.deep.equal([[jobId, State.Open, State.Revealing]]);
      const words = await bidStorage(market, jobId);
      expect(words.bidders).to.equal(4n | (5n << 16n));
      expect(words.bidderIds).to.deep.equal([1n, 2n, 3n, 4n, 5n]);
      expect((await market.getBids(jobId)).map((b) => b.provider)).to.deep.equal(ps.map((p) => p.address));
      const job = await market.getJob(jobId);
      expect([job.bidCount, job.commitCount, job.assignedMask]).to.deep.equal([5n, 5n, 0b11111n]);

      for (const i of [0, 1, 2, 3]) await revealBy(market, jobId, ps[i], i, results[i]);
      expect((await market.getJob(jobId)).revealCount).to.equal(4n);
      const settling = (await market.getBids(jobId))[4].digest;
      const before = await providerSnapshot(market, ps);
      const tx = revealBy(market, jobId, ps[4], 4, results[4]); // the settling reveal: a side-word dissenter
      const share = (2n * STAKE) / 3n;
      await expectSettlement(g, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [0, 2, 3].map((i) => [ps[i], MAX_PRICE]),
        slashed: [[ps[1], Slash.Dissent], [ps[4], Slash.Dissent]],
        credits: [[client, 2n * MAX_PRICE + 1n]], // two stakes shared by three leave 1 attoFIL
        accepted: [RESULT, 3, share],
      });
      expect(2n * STAKE - 3n * share).to.equal(1n);
      await expectSlotsCleared(market, jobId, { 4: settling });
    });

    it("fast path with five replicas settled by finalize: a silent side-word bidder is slashed (NoReveal) and every slot is cleared", async function () {
      const f = await load(stakedProvidersFixture);
      const { market, client } = f;
      const { jobId } = await postJob(market, client, { replicas: 5, quorum: 3 });
      const g = { ...f, jobId };
      const ps = f.providers.slice(0, 5);
      for (const p of ps) await fastBid(market, jobId, p, RESULT);
      for (const i of [0, 1, 2, 4]) await revealBy(market, jobId, ps[i], i, RESULT);
      await time.increaseTo((await market.getJob(jobId)).deadline);
      const before = await providerSnapshot(market, ps);
      const share = STAKE / 4n;
      await expectSettlement(g, market.finalize(jobId), before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [0, 1, 2, 4].map((i) => [ps[i], MAX_PRICE]),
        slashed: [[ps[3], Slash.NoReveal]],
        credits: [[client, MAX_PRICE + (STAKE - 4n * share)]],
        accepted: [RESULT, 4, share],
      });
      await expectSlotsCleared(market, jobId);
    });

    it("auction with MAX_BIDS bids: the winners at indexes 7–9 (side word, bits 64–111) commit, reveal and are paid; every slot is cleared", async function () {
      const f = await load(auctionJobFixture);
      const { market, jobId, client } = f;
      const ps = f.providers.slice(0, MAX_BIDS);
      const prices = ps.map((_, i) => MAX_PRICE - BigInt(i) * ETH("0.01"));
      for (const [i, p] of ps.entries()) await auctionBid(market, jobId, p, prices[i]);
      const words = await bidStorage(market, jobId);
      expect(words.bidderIds).to.deep.equal(ps.map((_, i) => BigInt(i + 1)));
      expect(words.bidders >> 112n, "nothing above bid 9").to.equal(0n);
      await time.increaseTo(f.bidDeadline);
      await market.assign(jobId);
      expect((await market.getJob(jobId)).assignedMask).to.equal(0b1110000000n);
      for (const i of [7, 8, 9]) await commitTo(market, jobId, ps[i], i, RESULT);
      for (const i of [7, 8]) await revealBy(market, jobId, ps[i], i, RESULT);
      const before = await providerSnapshot(market, ps);
      const tx = revealBy(market, jobId, ps[9], 9, RESULT);
      const paid = [7, 8, 9].map((i) => [ps[i], prices[i]]);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid,
        credits: [[client, ESCROW - prices[7] - prices[8] - prices[9]]],
        accepted: [RESULT, 3, 0n],
      });
      const after = await bidStorage(market, jobId);
      expect([after.job.bidder0, after.job.bidder1, after.bidders]).to.deep.equal([0n, 0n, 0n]);
      expect(after.prices).to.deep.equal(Array(MAX_BIDS).fill(0n));
    });

    it("auction cancelled with five bids: every bidder is unlocked (side-word ones too) and the side word deleted", async function () {
      const f = await load(auctionJobFixture);
      const ps = f.providers.slice(0, 5);
      for (const [i, p] of ps.entries()) await auctionBid(f.market, f.jobId, p, ETH("0.1") * BigInt(i + 1));
      expect((await bidStorage(f.market, f.jobId)).bidders).to.equal(4n | (5n << 16n));
      const before = await providerSnapshot(f.market, ps);
      const tx = f.market.connect(f.client).cancel(f.jobId);
      await expectSettlement(f, tx, before, {
        from: State.Open,
        to: State.Cancelled,
        unlocked: ps,
        credits: [[f.client, ESCROW]],
      });
      await expectSlotsCleared(f.market, f.jobId);
    });

    it("auction of five replicas with four bids: assign fails it, unlocks the four (the fourth from the side word) and deletes the side word", async function () {
      const f = await load(stakedProvidersFixture);
      const { market, client } = f;
      const { jobId } = await postJob(market, client, { replicas: 5, quorum: 3, bidWindow: BID_WINDOW });
      const g = { ...f, jobId };
      const ps = f.providers.slice(0, 4);
      for (const p of ps) await auctionBid(market, jobId, p, ETH("0.5"));
      expect((await bidStorage(market, jobId)).bidders).to.equal(4n);
      await time.increaseTo((await market.getJob(jobId)).deadline);
      const before = await providerSnapshot(market, ps);
      await expectSettlement(g, market.assign(jobId), before, {
        from: State.Open,
        to: State.Failed,
        unlocked: ps,
        credits: [[client, 5n * MAX_PRICE]],
      });
      await expectSlotsCleared(market, jobId);
    });
  });

  describe("providers on several jobs", function () {
    it("settling one job releases only that job's stake", async function () {
      const f = await load(stakedProvidersFixture);
      const { market, client, client2, providers: [p1, p2, p3, p4] } = f;
      const a = (await postJob(market, client)).jobId;
      const b = (await postJob(market, client2, { bidWindow: 60 })).jobId;
      for (const [p, cid] of [[p1, RESULT], [p2, RESULT], [p3, OTHER_RESULT]]) await fastBid(market, a, p, cid);
      for (const [i, p] of [p1, p2, p4].entries()) await auctionBid(market, b, p, ETH("0.1") * BigInt(i + 1));
      await expectProvider(market, p1, { locked: 2n * STAKE });
      await revealAll({ market, jobId: a }, [[p1, 0, RESULT], [p2, 1, RESULT], [p3, 2, OTHER_RESULT]]);
      await expectProvider(market, p1, { locked: STAKE });
      await expectProvider(market, p3, { locked: 0n });
      expect((await market.getJob(b)).state).to.equal(State.Open);
      const events = await eventsIn(market, market.connect(client2).cancel(b), "StakeUnlocked");
      expect(events).to.have.lengthOf(3);
      await expectProvider(market, p1, { locked: 0n });
    });
  });
});
