// Data locality on the market, with the two test-double oracles (MockMinerOracle, MockDealOracle):
// registration bound to a miner the account controls, jobs naming an input piece, and bids that
// must name an active deal of the bidder's miner for that piece. The FVM adapters behind the same
// interfaces are tested in FvmOracles.test.js.
const { mine } = require("@nomicfoundation/hardhat-network-helpers");
const {
  ethers,
  expect,
  time,
  it,
  load,
  register,
  allowMiner,
  State,
  Slash,
  DealStatus: Deal,
  pieceOf,
  SPEC_CID,
  MAX_PRICE,
  STAKE,
  DEPOSIT,
  RESULT,
  OTHER_RESULT,
  BID_WINDOW,
  commitmentFor,
  fastBid,
  auctionBid,
  commitTo,
  revealBy,
  postTx,
  postJob,
  deployFixture,
  stakedProvidersFixture,
  eventsIn,
  expectProvider,
  providerSnapshot,
  expectSettlement,
  bidStorage,
  mappingSlot,
  PIECE_CID_HASHES_SLOT,
} = require("./helpers/jobMarket");

const PIECE = pieceOf("seattle-weather.car");
const OTHER_PIECE = pieceOf("another piece");
/** Deals run this many epochs (blocks here) from their start in the fixtures. */
const DEAL_EPOCHS = 100_000n;

/** The miner of providers[i] in the staked fixture, and the id of its deal for PIECE. */
const minerOf = (i) => 1000 + i;
const dealOf = (i) => 500 + i;

/** The latest block number, asked of the node each time (ethers caches getBlockNumber briefly). */
async function blockNumber() {
  return BigInt(await ethers.provider.send("eth_blockNumber", []));
}

/** Records an active deal of miner `miner` for `piece`, running [now, now + DEAL_EPOCHS). */
async function recordActiveDeal(f, dealId, piece, miner) {
  const now = await blockNumber();
  await f.dealOracle.recordDeal(dealId, piece, miner, now, now + DEAL_EPOCHS, true, false);
}

/** Staked providers, each of providers[0..4] with an active deal `dealOf(i)` of its miner for PIECE. */
async function dealsFixture() {
  const f = await stakedProvidersFixture();
  for (let i = 0; i < 5; i++) await recordActiveDeal(f, dealOf(i), PIECE, minerOf(i));
  return f;
}

/** The default 3/2 fast-path job naming PIECE as its input, open. */
async function pieceFastJobFixture() {
  const f = await dealsFixture();
  const { jobId } = await postJob(f.market, f.client, { inputPieceCid: PIECE });
  return { ...f, jobId };
}

/** A 3/2 auction naming PIECE as its input, open for bids. */
async function pieceAuctionFixture() {
  const f = await dealsFixture();
  const { jobId } = await postJob(f.market, f.client, { inputPieceCid: PIECE, bidWindow: BID_WINDOW });
  return { ...f, jobId, bidDeadline: BigInt((await f.market.getJob(jobId)).deadline) };
}

/** A bid of `provider` on the fixture's job naming `dealId`, on the job's path. */
async function bidWith(f, auction, provider, dealId) {
  return auction ? auctionBid(f.market, f.jobId, provider, MAX_PRICE / 2n, dealId) : fastBid(f.market, f.jobId, provider, RESULT, dealId);
}

describe("JobMarket: data locality", function () {
  describe("deployment", function () {
    it("keeps the two oracles it was deployed with", async function () {
      const { market, dealOracle, minerOracle } = await load(deployFixture);
      expect(await market.DEAL_ORACLE()).to.equal(await dealOracle.getAddress());
      expect(await market.MINER_ORACLE()).to.equal(await minerOracle.getAddress());
    });

    it("reverts OracleNotContract for an oracle address that holds no code (an account, or zero)", async function () {
      const { dealOracle, minerOracle, outsider } = await load(deployFixture);
      const factory = await ethers.getContractFactory("JobMarket");
      const [deal, miner] = [await dealOracle.getAddress(), await minerOracle.getAddress()];
      for (const [d, m, bad] of [
        [outsider.address, miner, outsider.address],
        [ethers.ZeroAddress, miner, ethers.ZeroAddress],
        [deal, outsider.address, outsider.address],
        [deal, ethers.ZeroAddress, ethers.ZeroAddress],
      ]) {
        await expect(factory.deploy(d, m))
          .to.be.revertedWithCustomError(factory, "JobMarketOracleNotContract")
          .withArgs(bad);
      }
    });
  });

  describe("register", function () {
    it("reverts NotMinerController for an account the miner oracle does not name, and records nothing", async function () {
      const { market, outsider } = await load(deployFixture);
      await expect(market.connect(outsider).register(1234))
        .to.be.revertedWithCustomError(market, "JobMarketNotMinerController")
        .withArgs(outsider.address, 1234);
      expect(await market.providerCount()).to.equal(0n);
      expect(await market.minerIdOf(outsider.address)).to.equal(0n);
      expect((await market.providers(outsider.address)).id).to.equal(0n);
    });

    it("reverts NotMinerController for a miner the account does not control, though it controls another", async function () {
      const { market, providers: [p1, p2] } = await load(deployFixture);
      await allowMiner(market, p1, 1001);
      await allowMiner(market, p2, 1002);
      await expect(market.connect(p1).register(1002))
        .to.be.revertedWithCustomError(market, "JobMarketNotMinerController")
        .withArgs(p1.address, 1002);
      await expect(market.connect(p1).register(1001)).to.emit(market, "ProviderRegistered").withArgs(p1.address, 1001, 1);
    });

    it("reverts NotMinerController once the miner's control was taken back, and registers once it is given", async function () {
      const { market, minerOracle, providers: [p1] } = await load(deployFixture);
      await minerOracle.setController(77, p1.address, true);
      await minerOracle.setController(77, p1.address, false);
      await expect(market.connect(p1).register(77))
        .to.be.revertedWithCustomError(market, "JobMarketNotMinerController")
        .withArgs(p1.address, 77);
      await minerOracle.setController(77, p1.address, true);
      await expect(market.connect(p1).register(77)).to.emit(market, "ProviderRegistered").withArgs(p1.address, 77, 1);
      expect(await market.minerIdOf(p1.address)).to.equal(77n);
    });

    it("two accounts controlling the same miner may both register with it", async function () {
      const { market, providers: [owner, worker] } = await load(deployFixture);
      await expect(register(market, owner, 1500)).to.emit(market, "ProviderRegistered").withArgs(owner.address, 1500, 1);
      await expect(register(market, worker, 1500)).to.emit(market, "ProviderRegistered").withArgs(worker.address, 1500, 2);
    });

    it("the binding is for good: a provider whose control was taken back stays bound and bids with its miner's deals", async function () {
      const f = await load(pieceFastJobFixture);
      const [p1] = f.providers;
      await f.minerOracle.setController(minerOf(0), p1.address, false);
      expect(await f.market.minerIdOf(p1.address)).to.equal(BigInt(minerOf(0)));
      await expect(fastBid(f.market, f.jobId, p1, RESULT, dealOf(0))).to.emit(f.market, "BidPlaced");
    });
  });

  describe("postJob with an input piece", function () {
    it("emits the piece CID in JobPosted, flags the job slot and keeps the piece CID's keccak256 in its own slot", async function () {
      const { market, client } = await load(deployFixture);
      const { jobId, tx } = await postJob(market, client, { inputPieceCid: PIECE });
      const [posted] = await eventsIn(market, tx, "JobPosted");
      expect(posted.slice(0, 4)).to.deep.equal([jobId, client.address, SPEC_CID, PIECE]);
      const words = await bidStorage(market, jobId);
      expect(words.job.hasPiece).to.equal(1n);
      const stored = await ethers.provider.getStorage(await market.getAddress(), mappingSlot(jobId, PIECE_CID_HASHES_SLOT));
      expect(stored).to.equal(ethers.keccak256(PIECE));
      // the flag takes the byte freed by narrowing the stake: the other fields are unchanged
      expect(words.job.stakeNano * 1_000_000_000n).to.equal(STAKE);
      expect(words.job.bidder0).to.equal(0n);
    });

    it("a job without a piece emits an empty piece CID, leaves the flag clear and writes no piece slot", async function () {
      const { market, client } = await load(deployFixture);
      const { jobId, tx } = await postJob(market, client);
      const [posted] = await eventsIn(market, tx, "JobPosted");
      expect(posted[3]).to.equal("0x");
      expect((await bidStorage(market, jobId)).job.hasPiece).to.equal(0n);
      const stored = await ethers.provider.getStorage(await market.getAddress(), mappingSlot(jobId, PIECE_CID_HASHES_SLOT));
      expect(BigInt(stored)).to.equal(0n);
    });

    it("accepts a piece CID of MAX_CID_LENGTH (128) bytes, reverts InvalidPieceCid at 129", async function () {
      const { market, client } = await load(deployFixture);
      const long = ethers.hexlify(new Uint8Array(129).fill(0xcd));
      await expect(postTx(market, client, { inputPieceCid: long }))
        .to.be.revertedWithCustomError(market, "JobMarketInvalidPieceCid")
        .withArgs(129);
      expect(await market.jobCount()).to.equal(0n);
      const longest = ethers.hexlify(new Uint8Array(128).fill(0xcd));
      const { jobId } = await postJob(market, client, { inputPieceCid: longest, bidWindow: BID_WINDOW });
      const stored = await ethers.provider.getStorage(await market.getAddress(), mappingSlot(jobId, PIECE_CID_HASHES_SLOT));
      expect(stored).to.equal(ethers.keccak256(longest));
    });
  });

  for (const auction of [false, true]) {
    const path = auction ? "auction" : "fast path";
    const fixture = auction ? pieceAuctionFixture : pieceFastJobFixture;

    describe(`a bid on a job with an input piece (${path})`, function () {
      /** Expects the bid of providers[0] naming `dealId` to revert DealRejected(status), leaving no bid. */
      async function expectRejected(f, dealId, status) {
        const [p1] = f.providers;
        await expect(bidWith(f, auction, p1, dealId))
          .to.be.revertedWithCustomError(f.market, "JobMarketDealRejected")
          .withArgs(f.jobId, dealId, status);
        expect((await f.market.getJob(f.jobId)).bidCount).to.equal(0n);
        await expectProvider(f.market, p1, { balance: DEPOSIT, locked: 0n });
      }

      it("is placed with an active deal of the bidder's miner for the piece, and BidPlaced names the deal", async function () {
        const f = await load(fixture);
        const [p1] = f.providers;
        const tx = bidWith(f, auction, p1, dealOf(0));
        const commitment = auction ? ethers.ZeroHash : await commitmentFor(f.market, f.jobId, p1, RESULT);
        await expect(tx)
          .to.emit(f.market, "BidPlaced")
          .withArgs(f.jobId, p1.address, 0, auction ? MAX_PRICE / 2n : 0n, dealOf(0), commitment);
        await expectProvider(f.market, p1, { balance: DEPOSIT, locked: STAKE });
      });

      it("reverts DealRequired for deal ID 0 (no deal named)", async function () {
        const f = await load(fixture);
        await expect(bidWith(f, auction, f.providers[0], 0))
          .to.be.revertedWithCustomError(f.market, "JobMarketDealRequired")
          .withArgs(f.jobId);
      });

      it("reverts NotRegistered for an account bound to no miner, before the deal is looked at", async function () {
        const f = await load(fixture);
        await expect(bidWith(f, auction, f.outsider, dealOf(0)))
          .to.be.revertedWithCustomError(f.market, "JobMarketNotRegistered")
          .withArgs(f.outsider.address);
      });

      it("reverts DealRejected(Unknown) for a deal ID the market actor never gave", async function () {
        const f = await load(fixture);
        await expectRejected(f, 999, Deal.Unknown);
      });

      it("reverts DealRejected(Expired) for a deal the market actor no longer holds", async function () {
        const f = await load(fixture);
        await f.dealOracle.expireDeal(dealOf(0));
        await expectRejected(f, dealOf(0), Deal.Expired);
      });

      it("reverts DealRejected(WrongPiece) for a deal of the bidder's miner for another piece", async function () {
        const f = await load(fixture);
        await recordActiveDeal(f, 700, OTHER_PIECE, minerOf(0));
        await expectRejected(f, 700, Deal.WrongPiece);
      });

      it("reverts DealRejected(WrongProvider) for another miner's deal for the piece", async function () {
        const f = await load(fixture);
        await expectRejected(f, dealOf(1), Deal.WrongProvider);
        // the same deal is good for the provider bound to that miner
        await expect(bidWith(f, auction, f.providers[1], dealOf(1))).to.emit(f.market, "BidPlaced");
      });

      it("reverts DealRejected(WrongProvider) for a deal stored by a miner no provider is bound to", async function () {
        const f = await load(fixture);
        await recordActiveDeal(f, 701, PIECE, 4242);
        await expectRejected(f, 701, Deal.WrongProvider);
      });

      it("reverts DealRejected(NotActivated) for a published deal whose sector was never proven", async function () {
        const f = await load(fixture);
        const now = await blockNumber();
        await f.dealOracle.recordDeal(702, PIECE, minerOf(0), now, now + DEAL_EPOCHS, false, false);
        await expectRejected(f, 702, Deal.NotActivated);
      });

      it("reverts DealRejected(Terminated) for a deal terminated early (slashed)", async function () {
        const f = await load(fixture);
        const now = await blockNumber();
        await f.dealOracle.recordDeal(703, PIECE, minerOf(0), now, now + DEAL_EPOCHS, true, true);
        await expectRejected(f, 703, Deal.Terminated);
      });

      it("reverts DealRejected(NotStarted) one epoch before the deal's start; accepts a bid in its start epoch", async function () {
        const f = await load(fixture);
        const start = (await blockNumber()) + 3n;
        await f.dealOracle.recordDeal(704, PIECE, minerOf(0), start, start + DEAL_EPOCHS, true, false);
        expect((await blockNumber()) + 1n, "the bid's block").to.equal(start - 1n);
        await expectRejected(f, 704, Deal.NotStarted);
        // the rejected bid may have taken a block (Hardhat mines reverted transactions): mine up to the start
        const next = (await blockNumber()) + 1n;
        if (next < start) await mine(start - next);
        expect((await blockNumber()) + 1n, "the bid's block").to.equal(start);
        await expect(bidWith(f, auction, f.providers[0], 704)).to.emit(f.market, "BidPlaced");
      });

      it("reverts DealRejected(Ended) at the deal's end epoch and after; accepts a bid in its last epoch", async function () {
        const f = await load(fixture);
        const end = (await blockNumber()) + 2n;
        await f.dealOracle.recordDeal(706, PIECE, minerOf(0), end - 10n, end, true, false);
        expect((await blockNumber()) + 1n, "the bid's block").to.equal(end);
        await expectRejected(f, 706, Deal.Ended);
        await mine(5);
        await expectRejected(f, 706, Deal.Ended);
        // the same deal with one more epoch: the bid's block is its last
        const last = (await blockNumber()) + 2n;
        await f.dealOracle.recordDeal(706, PIECE, minerOf(0), end - 10n, last + 1n, true, false);
        expect((await blockNumber()) + 1n, "the bid's block").to.equal(last);
        await expect(bidWith(f, auction, f.providers[0], 706)).to.emit(f.market, "BidPlaced");
      });

      it("checks the piece before the provider, activation, termination and term (the first failing check is named)", async function () {
        const f = await load(fixture);
        const now = await blockNumber();
        // everything wrong: another piece, another miner, never activated, terminated, not started
        await f.dealOracle.recordDeal(708, OTHER_PIECE, 4242, now + 100n, now + 200n, false, true);
        await expectRejected(f, 708, Deal.WrongPiece);
        await f.dealOracle.recordDeal(708, PIECE, 4242, now + 100n, now + 200n, false, true);
        await expectRejected(f, 708, Deal.WrongProvider);
        await f.dealOracle.recordDeal(708, PIECE, minerOf(0), now + 100n, now + 200n, false, true);
        await expectRejected(f, 708, Deal.NotActivated);
        await f.dealOracle.recordDeal(708, PIECE, minerOf(0), now + 100n, now + 200n, true, true);
        await expectRejected(f, 708, Deal.Terminated);
        await f.dealOracle.recordDeal(708, PIECE, minerOf(0), now + 100n, now + 200n, true, false);
        await expectRejected(f, 708, Deal.NotStarted);
      });
    });
  }

  describe("a job with an input piece, end to end", function () {
    it("fast path: three providers bid with their own deals, the third bid opens the reveals, the quorum is paid", async function () {
      const f = await load(pieceFastJobFixture);
      const winners = f.providers.slice(0, 3);
      for (const [i, p] of winners.entries()) {
        await expect(fastBid(f.market, f.jobId, p, i === 2 ? OTHER_RESULT : RESULT, dealOf(i)))
          .to.emit(f.market, "BidPlaced")
          .withArgs(f.jobId, p.address, i, 0, dealOf(i), await commitmentFor(f.market, f.jobId, p, i === 2 ? OTHER_RESULT : RESULT));
      }
      expect((await f.market.getJob(f.jobId)).state).to.equal(State.Revealing);
      await revealBy(f.market, f.jobId, winners[0], 0, RESULT);
      await revealBy(f.market, f.jobId, winners[2], 2, OTHER_RESULT);
      const before = await providerSnapshot(f.market, winners);
      await expectSettlement(f, revealBy(f.market, f.jobId, winners[1], 1, RESULT), before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: [[winners[0], MAX_PRICE], [winners[1], MAX_PRICE]],
        slashed: [[winners[2], Slash.Dissent]],
        credits: [[f.client, MAX_PRICE]],
        accepted: [RESULT, 2, STAKE / 2n],
      });
    });

    it("auction: providers bid with their deals, the cheapest are assigned, commit and reveal, each paid its bid", async function () {
      const f = await load(pieceAuctionFixture);
      const prices = [ethers.parseEther("0.8"), ethers.parseEther("0.6"), ethers.parseEther("1"), ethers.parseEther("0.7")];
      for (let i = 0; i < 4; i++) {
        await expect(auctionBid(f.market, f.jobId, f.providers[i], prices[i], dealOf(i)))
          .to.emit(f.market, "BidPlaced")
          .withArgs(f.jobId, f.providers[i].address, i, prices[i], dealOf(i), ethers.ZeroHash);
      }
      await time.increaseTo(f.bidDeadline);
      await f.market.assign(f.jobId);
      const winners = [[f.providers[0], 0, prices[0]], [f.providers[1], 1, prices[1]], [f.providers[3], 3, prices[3]]];
      for (const [p, index] of winners) await commitTo(f.market, f.jobId, p, index, RESULT);
      for (const [p, index] of winners.slice(0, 2)) await revealBy(f.market, f.jobId, p, index, RESULT);
      const before = await providerSnapshot(f.market, winners.map(([p]) => p));
      const [last, lastIndex] = winners[2];
      await expectSettlement(f, revealBy(f.market, f.jobId, last, lastIndex, RESULT), before, {
        from: State.Revealing,
        to: State.Finalized,
        paid: winners.map(([p, , price]) => [p, price]),
        credits: [[f.client, 3n * MAX_PRICE - prices[0] - prices[1] - prices[3]]],
        accepted: [RESULT, 3, 0n],
      });
    });

    it("a single replica without verification: the one bid with a deal, then its reveal", async function () {
      const f = await load(dealsFixture);
      const { jobId } = await postJob(f.market, f.client, { inputPieceCid: PIECE, replicas: 1, quorum: 1 });
      const [p1] = f.providers;
      await f.market.connect(p1).bid(jobId, 0, dealOf(0), ethers.ZeroHash);
      await expect(revealBy(f.market, jobId, p1, 0, RESULT)).to.emit(f.market, "ResultAccepted");
      await expectProvider(f.market, p1, { balance: DEPOSIT + MAX_PRICE, locked: 0n });
    });
  });

  describe("a job without an input piece", function () {
    it("does not check the deal ID: any ID is taken and reported as given, on both paths", async function () {
      const f = await load(stakedProvidersFixture);
      const [p1, p2] = f.providers;
      const fast = (await postJob(f.market, f.client)).jobId;
      await expect(fastBid(f.market, fast, p1, RESULT, 999))
        .to.emit(f.market, "BidPlaced")
        .withArgs(fast, p1.address, 0, 0, 999, await commitmentFor(f.market, fast, p1, RESULT));
      const auction = (await postJob(f.market, f.client, { bidWindow: BID_WINDOW })).jobId;
      await expect(auctionBid(f.market, auction, p2, 5n, 12345))
        .to.emit(f.market, "BidPlaced")
        .withArgs(auction, p2.address, 0, 5n, 12345, ethers.ZeroHash);
    });

    it("never calls the deal oracle: with one that cannot answer, bids on jobs without a piece go on and a bid on a piece job fails", async function () {
      const f = await load(deployFixture);
      // a "deal oracle" without dealStatus: the mock miner oracle's address
      const factory = await ethers.getContractFactory("JobMarket");
      const market = await factory.deploy(await f.minerOracle.getAddress(), await f.minerOracle.getAddress());
      const [p1, p2] = f.providers;
      for (const [i, p] of [p1, p2].entries()) {
        await register(market, p, 2000 + i);
        await market.connect(p).stake({ value: DEPOSIT });
      }
      const fast = (await postJob(market, f.client, { replicas: 1, quorum: 1 })).jobId;
      await expect(fastBid(market, fast, p1, RESULT, 0)).to.emit(market, "BidPlaced");
      const auction = (await postJob(market, f.client, { bidWindow: BID_WINDOW })).jobId;
      await expect(auctionBid(market, auction, p1, 1n, 0)).to.emit(market, "BidPlaced");
      const piece = (await postJob(market, f.client, { inputPieceCid: PIECE })).jobId;
      await expect(fastBid(market, piece, p2, RESULT, 7)).to.be.revertedWithoutReason();
      await revealBy(market, fast, p1, 0, RESULT);
      expect((await market.getJob(fast)).state).to.equal(State.Finalized);
    });
  });

  describe("the test doubles", function () {
    it("only their deployer sets MockMinerOracle controllers and MockDealOracle deals", async function () {
      const { dealOracle, minerOracle, outsider } = await load(deployFixture);
      await expect(minerOracle.connect(outsider).setController(1, outsider.address, true))
        .to.be.revertedWithCustomError(minerOracle, "MockMinerOracleNotDeployer")
        .withArgs(outsider.address);
      await expect(dealOracle.connect(outsider).recordDeal(1, PIECE, 1, 0, 10, true, false))
        .to.be.revertedWithCustomError(dealOracle, "MockDealOracleNotDeployer")
        .withArgs(outsider.address);
      await expect(dealOracle.connect(outsider).expireDeal(1))
        .to.be.revertedWithCustomError(dealOracle, "MockDealOracleNotDeployer")
        .withArgs(outsider.address);
      await expect(dealOracle.expireDeal(1)).to.be.revertedWithCustomError(dealOracle, "MockDealOracleUnknownDeal").withArgs(1);
    });

    it("MockMinerOracle and MockDealOracle report what they were told, with events", async function () {
      const { dealOracle, minerOracle, providers: [p1] } = await load(deployFixture);
      await expect(minerOracle.setController(9, p1.address, true)).to.emit(minerOracle, "ControllerSet").withArgs(9, p1.address, true);
      expect(await minerOracle.isControllingAddress(9, p1.address)).to.equal(true);
      expect(await minerOracle.isControllingAddress(10, p1.address)).to.equal(false);
      await expect(dealOracle.recordDeal(3, PIECE, 9, 1, 1_000_000, true, false))
        .to.emit(dealOracle, "DealRecorded")
        .withArgs(3, PIECE, 9, 1, 1_000_000, true, false);
      expect(await dealOracle.dealStatus(3, ethers.keccak256(PIECE), 9)).to.equal(Deal.Active);
      expect(await dealOracle.dealStatus(4, ethers.keccak256(PIECE), 9)).to.equal(Deal.Unknown);
      await expect(dealOracle.expireDeal(3)).to.emit(dealOracle, "DealExpired").withArgs(3);
      expect(await dealOracle.dealStatus(3, ethers.keccak256(PIECE), 9)).to.equal(Deal.Expired);
    });
  });
});
