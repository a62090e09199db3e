const {
  ethers,
  expect,
  time,
  it,
  register,
  allowMiner,
  deployMarket,
  load,
  track,
  expectLedger,
  State,
  Slash,
  MAX_PRICE,
  STAKE,
  DEPOSIT,
  RESULT,
  OTHER_RESULT,
  saltOf,
  commitmentFor,
  fastBid,
  commitTo,
  revealBy,
  jobTerms,
  postJob,
  deployFixture,
  stakedProvidersFixture,
  fastJobFixture,
  auctionAssignedFixture,
  eventsIn,
  expectProvider,
  providerSnapshot,
  expectSettlement,
} = require("./helpers/jobMarket");

const ESCROW = 3n * MAX_PRICE;
const HALF_STAKE = STAKE / 2n;

function calldata(market, name, args = []) {
  return market.interface.encodeFunctionData(name, args);
}

/** postJob calldata with the default terms (`opts` overrides), and the escrow to send with it. */
function postJobCall(market, opts = {}) {
  const o = jobTerms(opts);
  return [
    calldata(market, "postJob", [
      o.specCid,
      o.inputPieceCid,
      o.replicas,
      o.quorum,
      o.maxPrice,
      o.stake,
      o.bidWindow,
      o.executionWindow,
      o.revealWindow,
    ]),
    o.maxPrice * BigInt(o.replicas),
  ];
}

/** A contract account registered as provider 12 on `market` with {DEPOSIT} staked. */
async function contractProvider(market, name, extraArgs = []) {
  const account = await ethers.deployContract(name, [await market.getAddress(), ...extraArgs]);
  await allowMiner(market, account, 4242);
  await account.execute(calldata(market, "register", [4242]));
  await account.execute(calldata(market, "stake"), { value: DEPOSIT });
  return account;
}

/** A ReentrantReceiver that is a registered provider with {DEPOSIT} staked and also has {ESCROW} of credit. */
async function reentrantFixture() {
  const f = await stakedProvidersFixture();
  const attacker = await contractProvider(f.market, "ReentrantReceiver");
  const [post, escrow] = postJobCall(f.market);
  await attacker.execute(post, { value: escrow });
  const jobId = await f.market.jobCount();
  await attacker.execute(calldata(f.market, "cancel", [jobId]));
  return { ...f, attacker, attackerAddress: await attacker.getAddress() };
}

/** Decodes revert data recorded by the ReentrantReceiver into [name, args]. */
function decodeError(market, data) {
  const parsed = market.interface.parseError(data);
  return [parsed.name, parsed.args.toArray()];
}

describe("JobMarket: attacks", function () {
  describe("re-entrancy", function () {
    it("withdraw → withdraw: the inner call reverts, so the transfer fails and nothing is paid", async function () {
      const { market, attacker, attackerAddress } = await load(reentrantFixture);
      track({ accounts: [attackerAddress] });
      expect(await market.credits(attackerAddress)).to.equal(ESCROW);
      await attacker.arm(calldata(market, "withdraw"), false);
      await expect(attacker.execute(calldata(market, "withdraw")))
        .to.be.revertedWithCustomError(market, "JobMarketTransferFailed")
        .withArgs(attackerAddress, ESCROW);
      expect(await market.credits(attackerAddress)).to.equal(ESCROW);
      expect(await ethers.provider.getBalance(attackerAddress)).to.equal(0n);
    });

    it("withdraw → withdraw: the inner call fails with ReentrancyGuardReentrantCall; the credit is paid once", async function () {
      const { market, attacker, attackerAddress } = await load(reentrantFixture);
      track({ accounts: [attackerAddress] });
      await attacker.arm(calldata(market, "withdraw"), true);
      const tx = attacker.execute(calldata(market, "withdraw"));
      await expect(tx).to.changeEtherBalances([attacker, market], [ESCROW, -ESCROW]);
      expect(await eventsIn(market, tx, "Withdrawn")).to.deep.equal([[attackerAddress, ESCROW]]);
      expect(decodeError(market, await attacker.reentryError())).to.deep.equal(["ReentrancyGuardReentrantCall", []]);
      expect(await attacker.receipts()).to.equal(1n);
      expect(await attacker.reentriesSucceeded()).to.equal(0n);
      expect(await market.credits(attackerAddress)).to.equal(0n);
    });

    it("withdrawStake → withdrawStake: the transfer fails and the balance is kept", async function () {
      const { market, attacker, attackerAddress } = await load(reentrantFixture);
      track({ accounts: [attackerAddress] });
      await attacker.arm(calldata(market, "withdrawStake", [1n]), false);
      await expect(attacker.execute(calldata(market, "withdrawStake", [DEPOSIT])))
        .to.be.revertedWithCustomError(market, "JobMarketTransferFailed")
        .withArgs(attackerAddress, DEPOSIT);
      await expectProvider(market, attackerAddress, { balance: DEPOSIT, locked: 0n });
    });

    it("withdrawStake → withdrawStake: the inner call fails with ReentrancyGuardReentrantCall; paid once", async function () {
      const { market, attacker, attackerAddress } = await load(reentrantFixture);
      track({ accounts: [attackerAddress] });
      const half = DEPOSIT / 2n;
      await attacker.arm(calldata(market, "withdrawStake", [half]), true);
      await expect(attacker.execute(calldata(market, "withdrawStake", [half]))).to.changeEtherBalances(
        [attacker, market],
        [half, -half],
      );
      expect(decodeError(market, await attacker.reentryError())).to.deep.equal(["ReentrancyGuardReentrantCall", []]);
      await expectProvider(market, attackerAddress, { balance: DEPOSIT - half, locked: 0n });
    });

    it("withdrawStake → withdraw and withdraw → withdrawStake share the guard", async function () {
      const { market, attacker, attackerAddress } = await load(reentrantFixture);
      track({ accounts: [attackerAddress] });
      await attacker.arm(calldata(market, "withdraw"), true);
      await attacker.execute(calldata(market, "withdrawStake", [1n]));
      expect(decodeError(market, await attacker.reentryError())).to.deep.equal(["ReentrancyGuardReentrantCall", []]);
      expect(await market.credits(attackerAddress)).to.equal(ESCROW);

      await attacker.arm(calldata(market, "withdrawStake", [1n]), true);
      await expect(attacker.execute(calldata(market, "withdraw"))).to.changeEtherBalance(attacker, ESCROW);
      expect(decodeError(market, await attacker.reentryError())).to.deep.equal(["ReentrancyGuardReentrantCall", []]);
      await expectProvider(market, attackerAddress, { balance: DEPOSIT - 1n, locked: 0n });
    });

    it("a re-entrant bid during withdrawStake sees the balance already reduced (effects before the transfer)", async function () {
      const { market, client, attacker, attackerAddress } = await load(reentrantFixture);
      track({ accounts: [attackerAddress] });
      const { jobId } = await postJob(market, client, { replicas: 1, quorum: 1 });
      await attacker.arm(calldata(market, "bid", [jobId, 0, 0, ethers.id("c")]), true);
      await attacker.execute(calldata(market, "withdrawStake", [DEPOSIT]));
      expect(decodeError(market, await attacker.reentryError())).to.deep.equal([
        "JobMarketInsufficientFreeStake",
        [attackerAddress, STAKE, 0n],
      ]);
      expect((await market.getJob(jobId)).bidCount).to.equal(0n);
    });

    it("a re-entrant bid that the balance still covers is an ordinary bid", async function () {
      const { market, client, attacker, attackerAddress } = await load(reentrantFixture);
      track({ accounts: [attackerAddress] });
      const { jobId } = await postJob(market, client, { replicas: 1, quorum: 1 });
      await attacker.arm(calldata(market, "bid", [jobId, 0, 0, ethers.ZeroHash]), false);
      await attacker.execute(calldata(market, "withdrawStake", [DEPOSIT - STAKE]));
      expect(await attacker.reentriesSucceeded()).to.equal(1n);
      await expectProvider(market, attackerAddress, { balance: STAKE, locked: STAKE });
    });
  });

  describe("payees that refuse FIL", function () {
    /** Job 3/2 whose client reverts on receipt; providers: a gas burner, p2 (honest), p3 (dissents). */
    async function hostileJobFixture() {
      const f = await stakedProvidersFixture();
      const rejectingClient = await ethers.deployContract("RejectingReceiver", [await f.market.getAddress(), false]);
      const burner = await contractProvider(f.market, "RejectingReceiver", [true]);
      const [post, escrow] = postJobCall(f.market);
      await rejectingClient.execute(post, { value: escrow });
      const jobId = await f.market.jobCount();
      const [, p2, p3] = f.providers;
      const burnerAddress = await burner.getAddress();
      const c = await commitmentFor(f.market, jobId, burnerAddress, RESULT);
      await burner.execute(calldata(f.market, "bid", [jobId, 0, 0, c]));
      await fastBid(f.market, jobId, p2, RESULT);
      await fastBid(f.market, jobId, p3, OTHER_RESULT);
      await revealBy(f.market, jobId, p3, 2, OTHER_RESULT);
      await revealBy(f.market, jobId, p2, 1, RESULT);
      await burner.execute(calldata(f.market, "reveal", [jobId, 0, RESULT, saltOf(burnerAddress)]));
      return { ...f, jobId, rejectingClient, burner, clientAddress: await rejectingClient.getAddress(), burnerAddress };
    }

    it("settlement does not depend on them: the job finalizes and everyone is credited", async function () {
      const { market, jobId, clientAddress, burnerAddress, providers: [, p2, p3] } = await load(hostileJobFixture);
      track({ accounts: [clientAddress, burnerAddress] });
      expect((await market.getJob(jobId)).state).to.equal(State.Finalized);
      expect(await market.credits(clientAddress)).to.equal(MAX_PRICE + (STAKE - 2n * HALF_STAKE));
      await expectProvider(market, burnerAddress, { balance: DEPOSIT + MAX_PRICE + HALF_STAKE, locked: 0n });
      await expectProvider(market, p2, { balance: DEPOSIT + MAX_PRICE + HALF_STAKE, locked: 0n });
      await expectProvider(market, p3, { balance: DEPOSIT - STAKE, locked: 0n });
    });

    it("a client that reverts cannot withdraw, keeps its credit, and others still get paid", async function () {
      const { market, rejectingClient, clientAddress, burnerAddress, providers: [, p2, p3] } = await load(
        hostileJobFixture,
      );
      track({ accounts: [clientAddress, burnerAddress] });
      const credit = await market.credits(clientAddress);
      await expect(rejectingClient.execute(calldata(market, "withdraw")))
        .to.be.revertedWithCustomError(market, "JobMarketTransferFailed")
        .withArgs(clientAddress, credit);
      expect(await market.credits(clientAddress)).to.equal(credit);
      const pay2 = DEPOSIT + MAX_PRICE + HALF_STAKE;
      await expect(market.connect(p2).withdrawStake(pay2)).to.changeEtherBalances([p2, market], [pay2, -pay2]);
      await expect(market.connect(p3).withdrawStake(DEPOSIT - STAKE)).to.changeEtherBalance(p3, DEPOSIT - STAKE);
    });

    it("a provider that burns all gas cannot withdraw, keeps its balance, and others still get paid", async function () {
      const { market, burner, burnerAddress, clientAddress, providers: [, p2] } = await load(hostileJobFixture);
      track({ accounts: [clientAddress, burnerAddress] });
      const balance = DEPOSIT + MAX_PRICE + HALF_STAKE;
      await expect(burner.execute(calldata(market, "withdrawStake", [balance]), { gasLimit: 3_000_000 }))
        .to.be.revertedWithCustomError(market, "JobMarketTransferFailed")
        .withArgs(burnerAddress, balance);
      await expectProvider(market, burnerAddress, { balance, locked: 0n });
      await expect(market.connect(p2).withdrawStake(balance)).to.changeEtherBalance(p2, balance);
    });
  });

  describe("FIL forced into the market", function () {
    /** The staked providers, a finalized job with a dissenter, a cancelled job, then 3 FIL forced in. */
    async function forcedFixture() {
      const f = await fastJobFixture();
      const [p1, p2, p3] = f.providers;
      await fastBid(f.market, f.jobId, p1, RESULT);
      await fastBid(f.market, f.jobId, p2, RESULT);
      await fastBid(f.market, f.jobId, p3, OTHER_RESULT);
      for (const [i, p, cid] of [[0, p1, RESULT], [1, p2, RESULT], [2, p3, OTHER_RESULT]]) {
        await revealBy(f.market, f.jobId, p, i, cid);
      }
      const other = (await postJob(f.market, f.client2, { bidWindow: 60 })).jobId;
      await f.market.connect(f.client2).cancel(other);
      const forced = ethers.parseEther("3");
      const before = await ethers.provider.getBalance(await f.market.getAddress());
      await ethers.deployContract("ForceSender", [await f.market.getAddress()], { value: forced });
      return { ...f, forced, before };
    }

    it("the balance grows but no credit or provider balance changes", async function () {
      const { market, forced, before, client, client2, providers } = await load(forcedFixture);
      track({ forced });
      const address = await market.getAddress();
      expect(await ethers.provider.getBalance(address)).to.equal(before + forced);
      expect(await market.credits(client.address)).to.equal(MAX_PRICE + (STAKE - 2n * HALF_STAKE));
      expect(await market.credits(client2.address)).to.equal(ESCROW);
      await expectProvider(market, providers[0], { balance: DEPOSIT + MAX_PRICE + HALF_STAKE, locked: 0n });
      await expectProvider(market, providers[3], { balance: DEPOSIT, locked: 0n });
      expect(await ethers.provider.getCode(address)).to.not.equal("0x");
    });

    it("the ledger check counts forced FIL separately (it fails when the surplus is not declared)", async function () {
      const f = await load(forcedFixture);
      track({ forced: f.forced });
      let failure = null;
      try {
        await expectLedger({ market: f.market, accounts: f.signers.map((s) => s.address) });
      } catch (e) {
        failure = e;
      }
      expect(failure, "an undeclared surplus must fail the ledger check").to.not.equal(null);
      const { balance, owed } = await expectLedger({ market: f.market, accounts: [], forced: f.forced });
      expect(balance - owed).to.equal(f.forced);
    });

    it("every account withdraws exactly its due; the forced FIL alone stays behind", async function () {
      const { market, forced, client, client2, providers } = await load(forcedFixture);
      track({ forced });
      for (const c of [client, client2]) {
        const due = await market.credits(c.address);
        await expect(market.connect(c).withdraw()).to.changeEtherBalances([c, market], [due, -due]);
        await expect(market.connect(c).withdraw()).to.be.revertedWithCustomError(market, "JobMarketNothingToWithdraw");
      }
      for (const p of providers) {
        const { balance } = await market.providers(p.address);
        await expect(market.connect(p).withdrawStake(balance + 1n)).to.be.revertedWithCustomError(
          market,
          "JobMarketInsufficientFreeStake",
        );
        await expect(market.connect(p).withdrawStake(balance)).to.changeEtherBalances([p, market], [balance, -balance]);
      }
      expect(await ethers.provider.getBalance(await market.getAddress())).to.equal(forced);
    });
  });

  describe("commitments", function () {
    it("a commitment replayed on another job id does not match", async function () {
      const { market, client, providers: [p1] } = await load(stakedProvidersFixture);
      const a = (await postJob(market, client, { replicas: 1, quorum: 1 })).jobId;
      const b = (await postJob(market, client, { replicas: 1, quorum: 1 })).jobId;
      const forA = await commitmentFor(market, a, p1, RESULT);
      await market.connect(p1).bid(a, 0, 0, forA);
      await market.connect(p1).bid(b, 0, 0, forA); // replayed on job b
      await expect(revealBy(market, b, p1, 0, RESULT))
        .to.be.revertedWithCustomError(market, "JobMarketCommitmentMismatch")
        .withArgs(b, p1.address);
      await expect(revealBy(market, a, p1, 0, RESULT)).to.emit(market, "ResultAccepted");
    });

    it("a commitment replayed on another market deployment does not match", async function () {
      const f = await load(stakedProvidersFixture);
      const [p1] = f.providers;
      const { market: other } = await deployMarket();
      await register(other, p1, 1000);
      await other.connect(p1).stake({ value: DEPOSIT });
      const jobHere = (await postJob(f.market, f.client, { replicas: 1, quorum: 1 })).jobId;
      const jobThere = (await postJob(other, f.client, { replicas: 1, quorum: 1 })).jobId;
      expect(jobThere).to.equal(jobHere); // same id, same provider, same CID and salt
      const c = await commitmentFor(f.market, jobHere, p1, RESULT);
      await f.market.connect(p1).bid(jobHere, 0, 0, c);
      await other.connect(p1).bid(jobThere, 0, 0, c);
      await expect(revealBy(other, jobThere, p1, 0, RESULT))
        .to.be.revertedWithCustomError(other, "JobMarketCommitmentMismatch")
        .withArgs(jobThere, p1.address);
      await expect(revealBy(f.market, jobHere, p1, 0, RESULT)).to.emit(f.market, "ResultAccepted");
      await expectLedger({ market: other });
    });

    it("fast path: a provider that copies another's commitment cannot reveal it and is slashed (NoReveal)", async function () {
      const f = await load(fastJobFixture);
      const [p1, p2, copier] = f.providers;
      const tx = await fastBid(f.market, f.jobId, p1, RESULT);
      const [[, , , , , seen]] = await eventsIn(f.market, tx, "BidPlaced");
      await fastBid(f.market, f.jobId, p2, RESULT);
      await f.market.connect(copier).bid(f.jobId, 0, 0, seen);
      await revealBy(f.market, f.jobId, p1, 0, RESULT);
      await expect(f.market.connect(copier).reveal(f.jobId, 2, RESULT, saltOf(p1)))
        .to.be.revertedWithCustomError(f.market, "JobMarketCommitmentMismatch")
        .withArgs(f.jobId, copier.address);
      await revealBy(f.market, f.jobId, p2, 1, RESULT);
      await time.increaseTo((await f.market.getJob(f.jobId)).deadline);
      const before = await providerSnapshot(f.market, [p1, p2, copier]);
      await expectSettlement(f, f.market.finalize(f.jobId), before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, MAX_PRICE], [p2, MAX_PRICE]],
        slashed: [[copier, Slash.NoReveal]],
        credits: [[f.client, MAX_PRICE + (STAKE - 2n * HALF_STAKE)]],
        accepted: [RESULT, 2, HALF_STAKE],
      });
    });

    it("auction: a winner that commits another winner's commitment cannot reveal it", async function () {
      const f = await load(auctionAssignedFixture);
      const [[p1, i1, price1], [copier, iCopier], [p4, i4, price4]] = f.winners;
      const tx = await commitTo(f.market, f.jobId, p1, i1, RESULT);
      const [[, , , seen]] = await eventsIn(f.market, tx, "ResultCommitted");
      await f.market.connect(copier).commit(f.jobId, iCopier, seen);
      await commitTo(f.market, f.jobId, p4, i4, RESULT);
      await revealBy(f.market, f.jobId, p1, i1, RESULT);
      await expect(f.market.connect(copier).reveal(f.jobId, iCopier, RESULT, saltOf(p1)))
        .to.be.revertedWithCustomError(f.market, "JobMarketCommitmentMismatch")
        .withArgs(f.jobId, copier.address);
      await revealBy(f.market, f.jobId, p4, i4, RESULT);
      await time.increaseTo(f.revealDeadline);
      const before = await providerSnapshot(f.market, [p1, copier, p4]);
      await expectSettlement(f, f.market.finalize(f.jobId), before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p1, price1], [p4, price4]],
        slashed: [[copier, Slash.NoReveal]],
        credits: [[f.client, ESCROW - price1 - price4 + (STAKE - 2n * HALF_STAKE)]],
        accepted: [RESULT, 2, HALF_STAKE],
      });
    });
  });

  describe("a commitment bound to another account", function () {
    // A bidder chooses its commitment freely, so it can bind it to another account X; then X (and
    // only X) can reveal at the bidder's index. Whoever reveals, settlement must pay and unlock the
    // bidder, whose stake backs the bid, and leave X's stake (which backs X's own bids) alone.

    /**
     * Job 1 (3/2, client2): victim job; providers[1] ("accomplice") bid on it with p3, p4.
     * Job 2 (1/1, client): providers[0] ("bidder") bids a commitment bound to the accomplice.
     */
    async function boundElsewhereFixture() {
      const f = await stakedProvidersFixture();
      const [bidder, accomplice, p3, p4] = f.providers;
      const victimJob = (await postJob(f.market, f.client2)).jobId;
      await fastBid(f.market, victimJob, accomplice, RESULT);
      await fastBid(f.market, victimJob, p3, RESULT);
      await fastBid(f.market, victimJob, p4, RESULT);
      const jobId = (await postJob(f.market, f.client, { replicas: 1, quorum: 1 })).jobId;
      const bound = await commitmentFor(f.market, jobId, accomplice, RESULT);
      await f.market.connect(bidder).bid(jobId, 0, 0, bound);
      return { ...f, jobId, victimJob, bidder, accomplice };
    }

    it("the settling reveal by the bound account pays and unlocks the bidder, not the revealer", async function () {
      const f = await load(boundElsewhereFixture);
      const { market, jobId, bidder, accomplice } = f;
      await expectProvider(market, accomplice, { balance: DEPOSIT, locked: STAKE });
      const before = await providerSnapshot(market, [bidder, accomplice]);
      const tx = revealBy(market, jobId, accomplice, 0, RESULT);
      await expect(tx).to.emit(market, "ResultRevealed").withArgs(jobId, accomplice.address, RESULT);
      await expectSettlement(f, tx, before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[bidder, MAX_PRICE]],
        accepted: [RESULT, 1, 0n],
      });
      // the accomplice's stake still backs its bid on the victim job
      await expectProvider(market, accomplice, { balance: DEPOSIT, locked: STAKE });
      await expect(market.connect(accomplice).withdrawStake(DEPOSIT))
        .to.be.revertedWithCustomError(market, "JobMarketInsufficientFreeStake")
        .withArgs(accomplice.address, DEPOSIT, DEPOSIT - STAKE);
    });

    it("so the accomplice cannot dodge its slash on the victim job, and the victim job still settles", async function () {
      const f = await load(boundElsewhereFixture);
      const { market, jobId, victimJob, accomplice, client2, providers: [, , p3, p4] } = f;
      await revealBy(market, jobId, accomplice, 0, RESULT);
      await market.connect(accomplice).withdrawStake(DEPOSIT - STAKE); // all it may take
      await revealBy(market, victimJob, p3, 1, RESULT);
      await revealBy(market, victimJob, p4, 2, RESULT);
      await time.increaseTo((await market.getJob(victimJob)).deadline);
      const before = await providerSnapshot(market, [accomplice, p3, p4]);
      await expectSettlement({ market, jobId: victimJob }, market.finalize(victimJob), before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[p3, MAX_PRICE], [p4, MAX_PRICE]],
        slashed: [[accomplice, Slash.NoReveal]],
        credits: [[client2, MAX_PRICE + (STAKE - 2n * HALF_STAKE)]],
        accepted: [RESULT, 2, HALF_STAKE],
      });
    });

    it("an account without a lock revealing a bound commitment cannot take the pay either", async function () {
      const f = await load(deployFixture);
      const { market, client, outsider, providers: [bidder] } = f;
      await register(market, bidder, 1);
      const { jobId } = await postJob(market, client, { replicas: 1, quorum: 1, stake: 0n });
      await market.connect(bidder).bid(jobId, 0, 0, await commitmentFor(market, jobId, outsider, RESULT));
      await revealBy(market, jobId, outsider, 0, RESULT);
      await expectProvider(market, bidder, { balance: MAX_PRICE, locked: 0n });
      await expectProvider(market, outsider, { balance: 0n, locked: 0n });
    });

    it("a non-settling reveal by the bound account is credited to the bidder as well", async function () {
      const f = await load(fastJobFixture);
      const [bidder, p2, p3, other] = f.providers;
      await f.market.connect(bidder).bid(f.jobId, 0, 0, await commitmentFor(f.market, f.jobId, other, RESULT));
      await fastBid(f.market, f.jobId, p2, RESULT);
      await fastBid(f.market, f.jobId, p3, RESULT);
      await revealBy(f.market, f.jobId, other, 0, RESULT);
      await revealBy(f.market, f.jobId, p2, 1, RESULT);
      const before = await providerSnapshot(f.market, [bidder, p2, p3, other]);
      await expectSettlement(f, revealBy(f.market, f.jobId, p3, 2, RESULT), before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[bidder, MAX_PRICE], [p2, MAX_PRICE], [p3, MAX_PRICE]],
        accepted: [RESULT, 3, 0n],
      });
      await expectProvider(f.market, other, { balance: DEPOSIT, locked: 0n });
    });
  });
});
