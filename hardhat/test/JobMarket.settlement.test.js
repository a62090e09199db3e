const { setBalance, impersonateAccount, setCode } = require("@nomicfoundation/hardhat-network-helpers");
const {
  ethers,
  expect,
  loadFixture,
  time,
  State,
  Slash,
  ETH,
  MAX_PRICE,
  STAKE,
  DEPOSIT,
  PRICES,
  RESULT,
  OTHER_RESULT,
  THIRD_RESULT,
  commitTo,
  revealBy,
  postJob,
  stakedProvidersFixture,
  postedFastJobFixture,
  assignedJobFixture,
  allCommittedFixture,
  eventsIn,
  expectCredits,
  expectLedgerBalanced,
  expectProvider,
} = require("./helpers/jobMarket");

const ESCROW = 3n * MAX_PRICE;
/** Each winner's share of one slashed stake when two providers win (the odd attoFIL goes to the client). */
const HALF_STAKE = STAKE / 2n;

/**
 * Asserts everything a settling transaction did: Credited (exactly `credits`), ProviderSlashed
 * (exactly `slashed`: [provider, reason]), StakeUnlocked (exactly `unlocked`), ResultAccepted
 * (`accepted`: [cid, agreeing], or null for none), and the one JobStateChanged `from` → `to`;
 * then the job's stored state, every provider's stake and lock, and the ledger.
 */
async function expectSettlement(f, tx, { from, to, credits, slashed = [], unlocked = [], accepted = null }) {
  const { market, jobId, signers, providers } = f;
  await expectCredits(market, tx, jobId, credits);
  expect(await eventsIn(market, tx, "ProviderSlashed"), "ProviderSlashed").to.have.deep.members(
    slashed.map(([p, reason]) => [jobId, p.address, STAKE, reason]),
  );
  expect(await eventsIn(market, tx, "ProviderSlashed")).to.have.lengthOf(slashed.length);
  expect(await eventsIn(market, tx, "StakeUnlocked"), "StakeUnlocked").to.have.deep.members(
    unlocked.map((p) => [jobId, p.address, STAKE]),
  );
  expect(await eventsIn(market, tx, "StakeUnlocked")).to.have.lengthOf(unlocked.length);
  const acceptedEvents = await eventsIn(market, tx, "ResultAccepted");
  expect(acceptedEvents, "ResultAccepted").to.deep.equal(
    accepted ? [[jobId, ethers.keccak256(accepted[0]), BigInt(accepted[1])]] : [],
  );
  expect(await eventsIn(market, tx, "JobStateChanged")).to.deep.equal([[jobId, from, to]]);

  const job = await market.getJob(jobId);
  expect(job.state).to.equal(to);
  expect(job.acceptedResultHash).to.equal(accepted ? ethers.keccak256(accepted[0]) : ethers.ZeroHash);
  for (const p of providers) {
    const lost = slashed.some(([s]) => s === p) ? STAKE : 0n;
    await expectProvider(market, p, { stake: DEPOSIT - lost, locked: 0n });
  }
  for (const [account, amount] of credits) expect(await market.credits(account.address)).to.equal(amount);
  await expectLedgerBalanced(market, signers);
}

/** Each [provider, cid] commits to its cid. */
async function commitAll(market, jobId, entries) {
  for (const [p, cid] of entries) await commitTo(market, jobId, p, cid);
}

/** Each [provider, cid] reveals its cid; returns the last transaction. */
async function revealAll(market, jobId, entries) {
  let tx;
  for (const [p, cid] of entries) tx = await revealBy(market, jobId, p, cid);
  return tx;
}

/** The all-honest 3/2 job, settled by the third reveal. */
async function honestSettledFixture() {
  const f = await allCommittedFixture();
  const [p1, p2, p3] = f.assigned;
  await revealAll(f.market, f.jobId, [[p1, RESULT], [p2, RESULT], [p3, RESULT]]);
  return f;
}

describe("JobMarket: settlement", function () {
  describe("with a winning result", function () {
    it("all honest (3/2): each provider is paid its bid, the client gets the rest of the escrow", async function () {
      const f = await loadFixture(allCommittedFixture);
      const { market, jobId, client, assigned: [p1, p2, p3] } = f;
      const tx = await revealAll(market, jobId, [[p1, RESULT], [p2, RESULT], [p3, RESULT]]);
      await expectSettlement(f, tx, {
        from: State.Revealing,
        to: State.Finalized,
        credits: [[p1, PRICES[0]], [p2, PRICES[1]], [p3, PRICES[2]], [client, ESCROW - PRICES[0] - PRICES[1] - PRICES[2]]],
        unlocked: [p1, p2, p3],
        accepted: [RESULT, 3],
      });
    });

    it("a dissenter is slashed; the two winners share its stake, the odd attoFIL goes to the client", async function () {
      const f = await loadFixture(assignedJobFixture);
      const { market, jobId, client, assigned: [p1, p2, p3] } = f;
      await commitAll(market, jobId, [[p1, RESULT], [p2, RESULT], [p3, OTHER_RESULT]]);
      const tx = await revealAll(market, jobId, [[p3, OTHER_RESULT], [p1, RESULT], [p2, RESULT]]);
      await expectSettlement(f, tx, {
        from: State.Revealing,
        to: State.Finalized,
        credits: [
          [p1, PRICES[0] + HALF_STAKE],
          [p2, PRICES[1] + HALF_STAKE],
          [client, ESCROW - PRICES[0] - PRICES[1] + (STAKE - 2n * HALF_STAKE)],
        ],
        slashed: [[p3, Slash.Dissent]],
        unlocked: [p1, p2],
        accepted: [RESULT, 2],
      });
      expect(STAKE - 2n * HALF_STAKE).to.equal(1n);
    });

    it("a provider that never commits is slashed NoCommit; the last committed reveal settles", async function () {
      const f = await loadFixture(assignedJobFixture);
      const { market, jobId, client, assigned: [p1, p2, p3], commitDeadline } = f;
      await commitAll(market, jobId, [[p1, RESULT], [p2, RESULT]]);
      await time.setNextBlockTimestamp(commitDeadline);
      await expect(revealBy(market, jobId, p1, RESULT))
        .to.emit(market, "JobStateChanged")
        .withArgs(jobId, State.Assigned, State.Revealing);
      const tx = await revealBy(market, jobId, p2, RESULT);
      await expectSettlement(f, tx, {
        from: State.Revealing,
        to: State.Finalized,
        credits: [
          [p1, PRICES[0] + HALF_STAKE],
          [p2, PRICES[1] + HALF_STAKE],
          [client, ESCROW - PRICES[0] - PRICES[1] + 1n],
        ],
        slashed: [[p3, Slash.NoCommit]],
        unlocked: [p1, p2],
        accepted: [RESULT, 2],
      });
    });

    it("a provider that commits but never reveals is slashed NoReveal by finalize at the reveal deadline", async function () {
      const f = await loadFixture(allCommittedFixture);
      const { market, jobId, client, outsider, assigned: [p1, p2, p3], revealDeadline } = f;
      await revealAll(market, jobId, [[p1, RESULT], [p2, RESULT]]);
      await time.setNextBlockTimestamp(revealDeadline - 1n);
      await expect(market.connect(outsider).finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketDeadlineNotReached")
        .withArgs(jobId, revealDeadline);
      await time.setNextBlockTimestamp(revealDeadline);
      const tx = await market.connect(outsider).finalize(jobId); // anyone may finalize
      await expectSettlement(f, tx, {
        from: State.Revealing,
        to: State.Finalized,
        credits: [
          [p1, PRICES[0] + HALF_STAKE],
          [p2, PRICES[1] + HALF_STAKE],
          [client, ESCROW - PRICES[0] - PRICES[1] + 1n],
        ],
        slashed: [[p3, Slash.NoReveal]],
        unlocked: [p1, p2],
        accepted: [RESULT, 2],
      });
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Finalized);
    });

    it("N = 1, M = 1: one provider commits, reveals and is paid; the client gets the rest", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const { market, client, providers: [p1] } = f;
      const price = ETH("0.25");
      const { jobId } = await postJob(market, client, { replicas: 1, quorum: 1 });
      await expect(market.connect(p1).bid(jobId, price, 0))
        .to.emit(market, "JobStateChanged")
        .withArgs(jobId, State.Open, State.Assigned);
      await expect(commitTo(market, jobId, p1, RESULT))
        .to.emit(market, "JobStateChanged")
        .withArgs(jobId, State.Assigned, State.Revealing);
      const tx = await revealBy(market, jobId, p1, RESULT);
      await expectSettlement({ ...f, jobId }, tx, {
        from: State.Revealing,
        to: State.Finalized,
        credits: [[p1, price], [client, MAX_PRICE - price]],
        unlocked: [p1],
        accepted: [RESULT, 1],
      });
    });

    it("a slashed stake shared by three winners (4/3) leaves the remainder to the client", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const { market, client, providers } = f;
      const [p1, p2, p3, p4] = providers;
      const { jobId } = await postJob(market, client, { replicas: 4, quorum: 3 });
      for (const p of [p1, p2, p3, p4]) await market.connect(p).bid(jobId, MAX_PRICE, 0);
      await commitAll(market, jobId, [[p1, RESULT], [p2, RESULT], [p3, RESULT], [p4, OTHER_RESULT]]);
      const tx = await revealAll(market, jobId, [[p1, RESULT], [p2, RESULT], [p3, RESULT], [p4, OTHER_RESULT]]);
      const share = STAKE / 3n;
      await expectSettlement({ ...f, jobId }, tx, {
        from: State.Revealing,
        to: State.Finalized,
        credits: [[p1, MAX_PRICE + share], [p2, MAX_PRICE + share], [p3, MAX_PRICE + share], [client, MAX_PRICE + STAKE - 3n * share]],
        slashed: [[p4, Slash.Dissent]],
        unlocked: [p1, p2, p3],
        accepted: [RESULT, 3],
      });
    });
  });

  describe("without a quorum", function () {
    it("three different results: the job fails, the client gets its escrow, every revealer is unlocked", async function () {
      const f = await loadFixture(assignedJobFixture);
      const { market, jobId, client, assigned: [p1, p2, p3] } = f;
      const entries = [[p1, RESULT], [p2, OTHER_RESULT], [p3, THIRD_RESULT]];
      await commitAll(market, jobId, entries);
      const tx = await revealAll(market, jobId, entries);
      await expectSettlement(f, tx, {
        from: State.Revealing,
        to: State.Failed,
        credits: [[client, ESCROW]],
        unlocked: [p1, p2, p3],
      });
    });

    it("quorum 3 of 3 with one dissent: the job fails, nobody is slashed", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const { market, client, providers: [p1, p2, p3] } = f;
      const { jobId } = await postJob(market, client, { replicas: 3, quorum: 3 });
      for (const [i, p] of [p1, p2, p3].entries()) await market.connect(p).bid(jobId, PRICES[i], 0);
      const entries = [[p1, RESULT], [p2, RESULT], [p3, OTHER_RESULT]];
      await commitAll(market, jobId, entries);
      const tx = await revealAll(market, jobId, entries);
      await expectSettlement({ ...f, jobId }, tx, {
        from: State.Revealing,
        to: State.Failed,
        credits: [[client, ESCROW]],
        unlocked: [p1, p2, p3],
      });
    });

    it("one reveal of three (quorum 2) at the reveal deadline: the job fails, silent stakes go to the client", async function () {
      const f = await loadFixture(allCommittedFixture);
      const { market, jobId, client, assigned: [p1, p2, p3], revealDeadline } = f;
      await revealBy(market, jobId, p1, RESULT);
      await time.increaseTo(revealDeadline);
      const tx = await market.finalize(jobId);
      await expectSettlement(f, tx, {
        from: State.Revealing,
        to: State.Failed,
        credits: [[client, ESCROW + 2n * STAKE]],
        slashed: [[p2, Slash.NoReveal], [p3, Slash.NoReveal]],
        unlocked: [p1],
      });
    });

    it("a quorum of commits but no reveal at all: the job fails from Assigned at the reveal deadline", async function () {
      const f = await loadFixture(assignedJobFixture);
      const { market, jobId, client, assigned: [p1, p2, p3], commitDeadline, revealDeadline } = f;
      await commitAll(market, jobId, [[p1, RESULT], [p2, RESULT]]);
      await time.increaseTo(commitDeadline);
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketDeadlineNotReached")
        .withArgs(jobId, revealDeadline);
      await time.increaseTo(revealDeadline);
      const tx = await market.finalize(jobId);
      await expectSettlement(f, tx, {
        from: State.Assigned,
        to: State.Failed,
        credits: [[client, ESCROW + 3n * STAKE]],
        slashed: [[p1, Slash.NoReveal], [p2, Slash.NoReveal], [p3, Slash.NoCommit]],
      });
    });

    it("fewer than quorum commits at the commit deadline: finalize fails the job; the committer, who could not reveal, is unlocked", async function () {
      const f = await loadFixture(assignedJobFixture);
      const { market, jobId, client, assigned: [p1, p2, p3], commitDeadline } = f;
      await commitTo(market, jobId, p1, RESULT);
      await time.setNextBlockTimestamp(commitDeadline - 1n);
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketDeadlineNotReached")
        .withArgs(jobId, commitDeadline);
      await time.setNextBlockTimestamp(commitDeadline);
      const tx = await market.finalize(jobId);
      await expectSettlement(f, tx, {
        from: State.Assigned,
        to: State.Failed,
        credits: [[client, ESCROW + 2n * STAKE]],
        slashed: [[p2, Slash.NoCommit], [p3, Slash.NoCommit]],
        unlocked: [p1],
      });
    });

    it("no commit at all: every assigned provider is slashed NoCommit", async function () {
      const f = await loadFixture(assignedJobFixture);
      const { market, jobId, client, assigned: [p1, p2, p3], commitDeadline } = f;
      await time.increaseTo(commitDeadline);
      const tx = await market.finalize(jobId);
      await expectSettlement(f, tx, {
        from: State.Assigned,
        to: State.Failed,
        credits: [[client, ESCROW + 3n * STAKE]],
        slashed: [[p1, Slash.NoCommit], [p2, Slash.NoCommit], [p3, Slash.NoCommit]],
      });
    });
  });

  describe("finalize", function () {
    it("reverts DeadlineNotReached while revealing, before the reveal deadline", async function () {
      const { market, jobId, revealDeadline } = await loadFixture(allCommittedFixture);
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketDeadlineNotReached")
        .withArgs(jobId, revealDeadline);
    });

    it("reverts DeadlineNotReached for an assigned job before the commit deadline", async function () {
      const { market, jobId, commitDeadline } = await loadFixture(assignedJobFixture);
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketDeadlineNotReached")
        .withArgs(jobId, commitDeadline);
    });

    it("reverts WrongState for an open, a cancelled, a finalized and a failed job", async function () {
      const { market, client, jobId } = await loadFixture(postedFastJobFixture);
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Open);
      await market.connect(client).cancel(jobId);
      await expect(market.finalize(jobId))
        .to.be.revertedWithCustomError(market, "JobMarketWrongState")
        .withArgs(jobId, State.Cancelled);

      const honest = await loadFixture(honestSettledFixture);
      await expect(honest.market.finalize(honest.jobId))
        .to.be.revertedWithCustomError(honest.market, "JobMarketWrongState")
        .withArgs(honest.jobId, State.Finalized);

      const silent = await loadFixture(assignedJobFixture);
      await time.increaseTo(silent.commitDeadline);
      await silent.market.finalize(silent.jobId);
      await expect(silent.market.finalize(silent.jobId))
        .to.be.revertedWithCustomError(silent.market, "JobMarketWrongState")
        .withArgs(silent.jobId, State.Failed);
    });
  });

  describe("withdraw", function () {
    it("reverts NothingToWithdraw for an account without credit", async function () {
      const { market, outsider } = await loadFixture(honestSettledFixture);
      await expect(market.connect(outsider).withdraw())
        .to.be.revertedWithCustomError(market, "JobMarketNothingToWithdraw")
        .withArgs(outsider.address);
    });

    it("pays every account exactly its credit, once", async function () {
      const { market, client, assigned, signers } = await loadFixture(honestSettledFixture);
      for (const account of [...assigned, client]) {
        const credit = await market.credits(account.address);
        expect(credit).to.be.greaterThan(0n);
        const tx = market.connect(account).withdraw();
        await expect(tx).to.changeEtherBalances([account, market], [credit, -credit]);
        await expect(tx).to.emit(market, "Withdrawn").withArgs(account.address, credit);
        expect(await market.credits(account.address)).to.equal(0n);
        await expect(market.connect(account).withdraw())
          .to.be.revertedWithCustomError(market, "JobMarketNothingToWithdraw")
          .withArgs(account.address);
        await expectLedgerBalanced(market, signers);
      }
      // Only the providers' stakes are left.
      expect(await ethers.provider.getBalance(await market.getAddress())).to.equal(5n * DEPOSIT);
    });

    it("credits from several jobs add up into one withdrawal", async function () {
      const { market, client, signers } = await loadFixture(stakedProvidersFixture);
      await postJob(market, client);
      await postJob(market, client, { replicas: 1, quorum: 1, maxPrice: 7n });
      await market.connect(client).cancel(1n);
      await market.connect(client).cancel(2n);
      const total = ESCROW + 7n;
      expect(await market.credits(client.address)).to.equal(total);
      await expect(market.connect(client).withdraw()).to.changeEtherBalances([client, market], [total, -total]);
      await expectLedgerBalanced(market, signers);
    });

    it("reverts TransferFailed when the account refuses FIL, keeping its credit", async function () {
      const { market } = await loadFixture(stakedProvidersFixture);
      const account = ethers.getAddress("0x00000000000000000000000000000000000c0de2");
      await setBalance(account, ETH("10"));
      await impersonateAccount(account);
      const refuser = await ethers.getSigner(account);
      const { jobId } = await postJob(market, refuser);
      await market.connect(refuser).cancel(jobId);
      await setCode(account, "0x60006000fd"); // PUSH1 0 PUSH1 0 REVERT: rejects every call
      await expect(market.connect(refuser).withdraw())
        .to.be.revertedWithCustomError(market, "JobMarketTransferFailed")
        .withArgs(account, ESCROW);
      expect(await market.credits(account)).to.equal(ESCROW);
    });
  });

  describe("ledger", function () {
    it("stays balanced across concurrent jobs settled in different ways, and withdrawals", async function () {
      const { market, client, providers, signers } = await loadFixture(stakedProvidersFixture);
      const [p1, p2, p3, p4, p5] = providers;
      const honest = (await postJob(market, client)).jobId;
      const dissent = (await postJob(market, client)).jobId;
      const silent = (await postJob(market, client, { replicas: 1, quorum: 1 })).jobId;
      const cancelled = (await postJob(market, client)).jobId;
      await market.connect(p5).bid(cancelled, 1n, 0);
      for (const p of [p1, p2, p3]) await market.connect(p).bid(honest, ETH("0.3"), 0);
      for (const p of [p2, p3, p4]) await market.connect(p).bid(dissent, ETH("0.9"), 0);
      await market.connect(p1).bid(silent, ETH("0.1"), 0);
      await market.connect(client).cancel(cancelled);

      await commitAll(market, honest, [[p1, RESULT], [p2, RESULT], [p3, RESULT]]);
      await commitAll(market, dissent, [[p2, OTHER_RESULT], [p3, OTHER_RESULT], [p4, RESULT]]);
      await revealAll(market, honest, [[p1, RESULT], [p2, RESULT], [p3, RESULT]]);
      await revealAll(market, dissent, [[p2, OTHER_RESULT], [p3, OTHER_RESULT], [p4, RESULT]]);
      await time.increaseTo((await market.getJob(silent)).commitDeadline);
      await market.finalize(silent);
      for (const id of [honest, dissent, silent, cancelled]) {
        expect((await market.getJob(id)).state).to.be.oneOf([State.Finalized, State.Failed, State.Cancelled]);
      }
      await expectLedgerBalanced(market, signers);
      await expectProvider(market, p1, { stake: DEPOSIT - STAKE, locked: 0n });
      await expectProvider(market, p4, { stake: DEPOSIT - STAKE, locked: 0n });
      for (const account of [client, ...providers]) {
        if ((await market.credits(account.address)) > 0n) await market.connect(account).withdraw();
        await expectLedgerBalanced(market, signers);
      }
      for (const p of providers) {
        const { stake } = await market.providers(p.address);
        await market.connect(p).withdrawStake(stake);
      }
      expect(await ethers.provider.getBalance(await market.getAddress())).to.equal(0n);
    });
  });
});
