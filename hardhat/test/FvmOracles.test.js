// The FVM adapters, FvmDealOracle and FvmMinerOracle, run for real on the Hardhat chain: the code
// of MockActorPrecompile, a double of the FEVM call_actor_id precompile and of the storage market
// and miner actors behind it, is put at the precompile's address (0xfe00…0005) with
// hardhat_setCode. filecoin-solidity's MarketAPI and MinerAPI then DELEGATECALL it exactly as they
// do on Filecoin, and decode its CBOR answers.
//
// Why not filecoin-solidity's own mocks (MarketMockAPI, MinerMockAPI): they are plain contracts
// with the actor methods as Solidity functions; the library never calls them (it calls the
// precompile with the actor call encoding), MarketMockAPI answers a fixed "0x111111" as every
// deal's piece CID and MinerMockAPI.isControllingAddress always answers false.
const crypto = require("crypto");
const { mine } = require("@nomicfoundation/hardhat-network-helpers");
const {
  ethers,
  expect,
  it,
  load,
  State,
  MAX_PRICE,
  DEPOSIT,
  RESULT,
  BID_WINDOW,
  DealStatus,
  pieceOf,
  fastBid,
  auctionBid,
  revealBy,
  postJob,
  expectProvider,
} = require("./helpers/jobMarket");

const CALL_ACTOR_ID = "0xfe00000000000000000000000000000000000005";
const MARKET_ACTOR_ID = 5;
const READ_ONLY = 1;
const CBOR = 0x51;
const coder = ethers.AbiCoder.defaultAbiCoder();

const PIECE = pieceOf("piece held by miner f01000");
const OTHER_PIECE = pieceOf("another piece");
const PIECE_SIZE = 2048;
/** The miner of providers[i]. */
const minerOf = (i) => 1000 + i;
/** The deal of providers[i]'s miner for PIECE. */
const dealOf = (i) => 600 + i;
const DURATION = 100_000n;

/** FRC-0042 method number: the first 4 bytes (big-endian) of blake2b-512("1|" + name) that are at least 2^24. */
function frc42(name) {
  const digest = crypto.createHash("blake2b512").update(`1|${name}`).digest();
  for (let i = 0; i + 4 <= digest.length; i += 4) {
    const n = digest.readUInt32BE(i);
    if (n >= 1 << 24) return BigInt(n);
  }
  throw new Error(`no FRC-0042 method number for ${name}`);
}

/** The latest block number, asked of the node each time. */
async function blockNumber() {
  return BigInt(await ethers.provider.send("eth_blockNumber", []));
}

/** Puts `code` at the call_actor_id precompile's address. */
async function setPrecompileCode(code) {
  await ethers.provider.send("hardhat_setCode", [CALL_ACTOR_ID, code]);
}

/**
 * The actor double at the precompile address, the two FVM adapters, and a market on them.
 * Signers as in the market fixtures: deployer, client, outsider, client2, providers.
 */
async function fvmFixture() {
  const signers = await ethers.getSigners();
  const [deployer, client, outsider] = signers;
  const providers = signers.slice(4, 9);
  const double = await ethers.deployContract("MockActorPrecompile");
  await setPrecompileCode(await ethers.provider.getCode(await double.getAddress()));
  const actors = await ethers.getContractAt("MockActorPrecompile", CALL_ACTOR_ID);
  const dealOracle = await ethers.deployContract("FvmDealOracle");
  const minerOracle = await ethers.deployContract("FvmMinerOracle");
  const market = await ethers.deployContract("JobMarket", [
    await dealOracle.getAddress(),
    await minerOracle.getAddress(),
  ]);
  return { signers, deployer, client, outsider, providers, actors, dealOracle, minerOracle, market };
}

/** Publishes and activates deal `dealId` of `miner` for `piece`, running [now, now + DURATION). */
async function activeDeal(actors, dealId, piece, miner) {
  const now = await blockNumber();
  await actors.publishDeal(dealId, piece, PIECE_SIZE, miner, now, DURATION);
  await actors.setDealActivation(dealId, now, -1);
}

/** Providers[0..4] control their miners (on the actors) and registered on the market with them; each miner has an active deal for PIECE. */
async function fvmProvidersFixture() {
  const f = await fvmFixture();
  for (const [i, p] of f.providers.entries()) {
    await f.actors.setController(minerOf(i), p.address, true);
    await f.market.connect(p).register(minerOf(i));
    await f.market.connect(p).stake({ value: DEPOSIT });
    await activeDeal(f.actors, dealOf(i), PIECE, minerOf(i));
  }
  return f;
}

/** Calls the precompile double directly, as the library does; returns [exitCode, codec, data]. */
async function callActor(method, params, actorId, { flags = READ_ONLY, codec = CBOR, value = 0n } = {}) {
  const data = coder.encode(
    ["uint64", "uint256", "uint64", "uint64", "bytes", "uint64"],
    [method, value, flags, codec, params, actorId],
  );
  const ret = await ethers.provider.call({ to: CALL_ACTOR_ID, data });
  return coder.decode(["int256", "uint64", "bytes"], ret).toArray();
}

describe("FVM adapters on the actor precompile double", function () {
  describe("MockActorPrecompile", function () {
    it("answers the FRC-0042 method numbers of the actor methods the adapters call", async function () {
      const { actors } = await load(fvmFixture);
      expect(await actors.GET_DEAL_DATA_COMMITMENT()).to.equal(frc42("GetDealDataCommitment"));
      expect(await actors.GET_DEAL_PROVIDER()).to.equal(frc42("GetDealProvider"));
      expect(await actors.GET_DEAL_TERM()).to.equal(frc42("GetDealTerm"));
      expect(await actors.GET_DEAL_ACTIVATION()).to.equal(frc42("GetDealActivation"));
      expect(await actors.IS_CONTROLLING_ADDRESS()).to.equal(frc42("IsControllingAddress"));
    });

    it("encodes the market actor's answers in CBOR as the actor does (RFC 8949; DAG-CBOR tag 42 with the 0x00 prefix)", async function () {
      const { actors } = await load(fvmFixture);
      await actors.publishDeal(500, PIECE, PIECE_SIZE, 1234, 100, 500);
      const dealParam = "0x1901f4"; // CBOR unsigned 500
      const answer = async (method) => callActor(await actors[method](), dealParam, MARKET_ACTOR_ID);
      // [tag 42 (bytes(0x00 ‖ CID), 40 bytes), 2048]
      expect(await answer("GET_DEAL_DATA_COMMITMENT")).to.deep.equal([
        0n,
        BigInt(CBOR),
        ethers.concat(["0x82d82a5828", "0x00", PIECE, "0x190800"]),
      ]);
      expect(await answer("GET_DEAL_PROVIDER")).to.deep.equal([0n, BigInt(CBOR), "0x1904d2"]); // 1234
      expect(await answer("GET_DEAL_TERM")).to.deep.equal([0n, BigInt(CBOR), "0x82186419" + "01f4"]); // [100, 500]
      // not activated: [-1, -1], a negative integer -1 - 0
      expect(await answer("GET_DEAL_ACTIVATION")).to.deep.equal([0n, BigInt(CBOR), "0x822020"]);
      await actors.setDealActivation(500, 300, -1);
      expect(await answer("GET_DEAL_ACTIVATION")).to.deep.equal([0n, BigInt(CBOR), "0x8219012c20"]);
    });

    it("answers the actors' exit codes with no data: unknown deal 17, not read-only 18, no such method 22, bad params 16, slashed 32 on activation, cleaned up 32", async function () {
      const { actors } = await load(fvmFixture);
      const failed = (exitCode) => [BigInt(exitCode), 0n, "0x"];
      const activation = await actors.GET_DEAL_ACTIVATION();
      const provider = await actors.GET_DEAL_PROVIDER();
      expect(await callActor(provider, "0x07", MARKET_ACTOR_ID)).to.deep.equal(failed(17));
      await actors.publishDeal(7, PIECE, PIECE_SIZE, 1234, 100, 500);
      expect(await callActor(provider, "0x07", MARKET_ACTOR_ID, { flags: 0 })).to.deep.equal(failed(18));
      expect(await callActor(12345, "0x07", MARKET_ACTOR_ID)).to.deep.equal(failed(22)); // no such method
      expect(await callActor(provider, "0x", MARKET_ACTOR_ID)).to.deep.equal(failed(16)); // no deal ID
      await actors.setDealGone(7, true, false);
      expect(await callActor(provider, "0x07", MARKET_ACTOR_ID)).to.deep.equal([0n, BigInt(CBOR), "0x1904d2"]);
      expect(await callActor(activation, "0x07", MARKET_ACTOR_ID)).to.deep.equal(failed(32));
      await actors.setDealGone(7, false, true);
      expect(await callActor(provider, "0x07", MARKET_ACTOR_ID)).to.deep.equal(failed(32));
    });

    it("answers IsControllingAddress for an f410 address (protocol 4, namespace 10, the account's 20 bytes) as a CBOR byte string", async function () {
      const { actors, providers: [p1, p2] } = await load(fvmFixture);
      await actors.setController(1000, p1.address, true);
      const method = await actors.IS_CONTROLLING_ADDRESS();
      const f410 = (account) => ethers.concat(["0x56", "0x040a", account.address]); // bytes(22)
      expect(await callActor(method, f410(p1), 1000)).to.deep.equal([0n, BigInt(CBOR), "0xf5"]);
      expect(await callActor(method, f410(p2), 1000)).to.deep.equal([0n, BigInt(CBOR), "0xf4"]);
      expect(await callActor(method, f410(p1), 1001)).to.deep.equal([5n, 0n, "0x"]); // no such actor
    });
  });

  describe("FvmDealOracle", function () {
    /** An actor double with deal 9 of miner 1000 for PIECE published; `start` its first epoch. */
    async function dealFixture() {
      const f = await fvmFixture();
      const start = (await blockNumber()) + 10n;
      await f.actors.publishDeal(9, PIECE, PIECE_SIZE, 1000, start, DURATION);
      return { ...f, start };
    }

    const status = (f, dealId = 9, piece = PIECE, miner = 1000) =>
      f.dealOracle.dealStatus(dealId, ethers.keccak256(piece), miner);

    it("reads the proposal: the piece CID's hash without the 0x00 prefix, the provider, end = start + duration", async function () {
      const f = await load(dealFixture);
      const [hash, provider, start, end] = await f.dealOracle.readProposal.staticCall(9);
      expect(hash).to.equal(ethers.keccak256(PIECE));
      expect([provider, start, end]).to.deep.equal([1000n, f.start, f.start + DURATION]);
    });

    it("reads the activation epochs; -1 arrives as 0 (filecoin-solidity 4.0.3 reads a negative CBOR integer as its argument), so only positive epochs count", async function () {
      const f = await load(dealFixture);
      expect(await f.dealOracle.readActivation.staticCall(9)).to.deep.equal([0n, 0n]);
      await f.actors.setDealActivation(9, f.start, -1);
      expect(await f.dealOracle.readActivation.staticCall(9)).to.deep.equal([f.start, 0n]);
      await f.actors.setDealActivation(9, f.start, f.start + 5n);
      expect(await f.dealOracle.readActivation.staticCall(9)).to.deep.equal([f.start, f.start + 5n]);
    });

    it("Active within [start, start + duration) for the deal's piece and miner", async function () {
      const f = await load(dealFixture);
      await f.actors.setDealActivation(9, f.start - 5n, -1);
      expect(await status(f)).to.equal(DealStatus.NotStarted); // eth_call runs at the latest block, before start
      await mine(f.start - (await blockNumber()));
      expect(await blockNumber()).to.equal(f.start);
      expect(await status(f)).to.equal(DealStatus.Active);
      await mine(DURATION - 1n);
      expect(await blockNumber()).to.equal(f.start + DURATION - 1n);
      expect(await status(f)).to.equal(DealStatus.Active);
      await mine(1);
      expect(await status(f)).to.equal(DealStatus.Ended);
    });

    it("Unknown for a deal ID never used (USR_NOT_FOUND), Expired for a deal cleaned up (EX_DEAL_EXPIRED)", async function () {
      const f = await load(dealFixture);
      expect(await status(f, 10)).to.equal(DealStatus.Unknown);
      await f.actors.setDealGone(9, false, true);
      expect(await status(f)).to.equal(DealStatus.Expired);
    });

    it("WrongPiece for another piece, WrongProvider for another miner", async function () {
      const f = await load(dealFixture);
      expect(await status(f, 9, OTHER_PIECE)).to.equal(DealStatus.WrongPiece);
      // the piece CID with the DAG-CBOR prefix is not the piece CID
      expect(await status(f, 9, ethers.concat(["0x00", PIECE]))).to.equal(DealStatus.WrongPiece);
      expect(await status(f, 9, PIECE, 1001)).to.equal(DealStatus.WrongProvider);
    });

    it("NotActivated for a published deal; Terminated for a termination epoch, and for a slashed deal (EX_DEAL_EXPIRED on activation)", async function () {
      const f = await load(dealFixture);
      expect(await status(f)).to.equal(DealStatus.NotActivated);
      await f.actors.setDealActivation(9, f.start - 5n, f.start - 2n);
      expect(await status(f)).to.equal(DealStatus.Terminated);
      await f.actors.setDealActivation(9, f.start - 5n, -1);
      await f.actors.setDealGone(9, true, false);
      expect(await status(f)).to.equal(DealStatus.Terminated);
    });

    it("hashes a piece CID sent without the DAG-CBOR link prefix as it is, and an empty commitment as no piece", async function () {
      const f = await load(dealFixture);
      await f.actors.setDealActivation(9, f.start - 5n, -1);
      await mine(10);
      // [bytes(CID), 2048]: a plain byte string, no tag 42 and no 0x00 (filecoin-solidity reads both)
      await f.actors.setDataCommitmentAnswer(9, ethers.concat(["0x825827", PIECE, "0x190800"]));
      expect((await f.dealOracle.readProposal.staticCall(9))[0]).to.equal(ethers.keccak256(PIECE));
      expect(await status(f)).to.equal(DealStatus.Active);
      // [] (no commitment): MarketAPI reads empty data, which names no piece
      await f.actors.setDataCommitmentAnswer(9, "0x80");
      expect((await f.dealOracle.readProposal.staticCall(9))[0]).to.equal(ethers.keccak256("0x"));
      expect(await status(f)).to.equal(DealStatus.WrongPiece);
      // a malformed answer: filecoin-solidity's decoding error is passed on
      await f.actors.setDataCommitmentAnswer(9, "0x01");
      await expect(status(f)).to.be.revertedWith("invalid maj (expected MajArray)");
    });

    it("passes any other actor failure on unchanged (Actor.ActorError with its exit code)", async function () {
      const f = await load(dealFixture);
      await f.actors.setFailure(MARKET_ACTOR_ID, await f.actors.GET_DEAL_PROVIDER(), 16);
      await expect(status(f)).to.be.revertedWithCustomError(f.dealOracle, "ActorError").withArgs(16);
      await f.actors.setFailure(MARKET_ACTOR_ID, await f.actors.GET_DEAL_PROVIDER(), 0);
      await f.actors.setFailure(MARKET_ACTOR_ID, await f.actors.GET_DEAL_ACTIVATION(), 22);
      await expect(status(f)).to.be.revertedWithCustomError(f.dealOracle, "ActorError").withArgs(22);
    });

    it("cannot answer without the precompile (ActorNotFound) or when the precompile fails (FailToCallActor)", async function () {
      const f = await load(dealFixture);
      await setPrecompileCode("0x");
      await expect(status(f)).to.be.revertedWithCustomError(f.dealOracle, "ActorNotFound");
      await setPrecompileCode("0x60006000fd"); // REVERT(0, 0)
      await expect(status(f)).to.be.revertedWithCustomError(f.dealOracle, "FailToCallActor");
    });
  });

  describe("FvmMinerOracle", function () {
    it("true for a controlling address of the miner; false for another account, and once control is taken back", async function () {
      const { actors, minerOracle, providers: [p1, p2] } = await load(fvmFixture);
      await actors.setController(1000, p1.address, true);
      expect(await minerOracle.isControllingAddress(1000, p1.address)).to.equal(true);
      expect(await minerOracle.isControllingAddress(1000, p2.address)).to.equal(false);
      await actors.setController(1000, p1.address, false);
      expect(await minerOracle.isControllingAddress(1000, p1.address)).to.equal(false);
    });

    it("false for an ID with no actor, and for an actor that fails the call (not a miner)", async function () {
      const { actors, minerOracle, providers: [p1] } = await load(fvmFixture);
      expect(await minerOracle.isControllingAddress(1000, p1.address)).to.equal(false); // SYS_INVALID_RECEIVER
      await actors.setController(1000, p1.address, true);
      await actors.setFailure(1000, await actors.IS_CONTROLLING_ADDRESS(), 22);
      expect(await minerOracle.isControllingAddress(1000, p1.address)).to.equal(false);
    });

    it("false for a singleton actor ID (below 100) without asking; a failure of the precompile itself is passed on", async function () {
      const { minerOracle, providers: [p1] } = await load(fvmFixture);
      expect(await minerOracle.FIRST_NON_SINGLETON_ACTOR_ID()).to.equal(100n);
      await setPrecompileCode("0x60006000fd");
      for (const id of [0, 5, 99]) expect(await minerOracle.isControllingAddress(id, p1.address)).to.equal(false);
      await expect(minerOracle.isControllingAddress(100, p1.address)).to.be.revertedWithCustomError(
        minerOracle,
        "FailToCallActor",
      );
      await setPrecompileCode("0x");
      await expect(minerOracle.isControllingAddress(100, p1.address)).to.be.revertedWithCustomError(
        minerOracle,
        "ActorNotFound",
      );
    });
  });

  describe("JobMarket on the FVM adapters", function () {
    it("registers an account that controls its miner, refuses one that does not", async function () {
      const { market, actors, providers: [p1, p2] } = await load(fvmFixture);
      await actors.setController(1000, p1.address, true);
      await expect(market.connect(p2).register(1000))
        .to.be.revertedWithCustomError(market, "JobMarketNotMinerController")
        .withArgs(p2.address, 1000);
      await expect(market.connect(p1).register(99))
        .to.be.revertedWithCustomError(market, "JobMarketNotMinerController")
        .withArgs(p1.address, 99);
      await expect(market.connect(p1).register(1000)).to.emit(market, "ProviderRegistered").withArgs(p1.address, 1000, 1);
    });

    it("fast path: a job with an input piece runs to the end with the providers' active deals", async function () {
      const f = await load(fvmProvidersFixture);
      const { jobId } = await postJob(f.market, f.client, { inputPieceCid: PIECE });
      for (let i = 0; i < 3; i++) {
        await expect(fastBid(f.market, jobId, f.providers[i], RESULT, dealOf(i))).to.emit(f.market, "BidPlaced");
      }
      for (let i = 0; i < 3; i++) await revealBy(f.market, jobId, f.providers[i], i, RESULT);
      expect((await f.market.getJob(jobId)).state).to.equal(State.Finalized);
      for (let i = 0; i < 3; i++) await expectProvider(f.market, f.providers[i], { balance: DEPOSIT + MAX_PRICE });
    });

    it("auction: a bid with a deal the adapter rejects reverts DealRejected with the actor's reason", async function () {
      const f = await load(fvmProvidersFixture);
      const { jobId } = await postJob(f.market, f.client, { inputPieceCid: PIECE, bidWindow: BID_WINDOW });
      const [p1] = f.providers;
      const rejected = (dealId, status) =>
        expect(auctionBid(f.market, jobId, p1, 1n, dealId))
          .to.be.revertedWithCustomError(f.market, "JobMarketDealRejected")
          .withArgs(jobId, dealId, status);
      await rejected(dealOf(1), DealStatus.WrongProvider);
      await rejected(12345, DealStatus.Unknown);
      const now = await blockNumber();
      await f.actors.publishDeal(700, PIECE, PIECE_SIZE, minerOf(0), now, DURATION);
      await rejected(700, DealStatus.NotActivated);
      await f.actors.publishDeal(701, OTHER_PIECE, PIECE_SIZE, minerOf(0), now, DURATION);
      await f.actors.setDealActivation(701, now, -1);
      await rejected(701, DealStatus.WrongPiece);
      await f.actors.setDealGone(dealOf(0), true, false);
      await rejected(dealOf(0), DealStatus.Terminated);
      await f.actors.setDealGone(dealOf(0), false, true);
      await rejected(dealOf(0), DealStatus.Expired);
      await expect(auctionBid(f.market, jobId, f.providers[1], 1n, dealOf(1)))
        .to.emit(f.market, "BidPlaced")
        .withArgs(jobId, f.providers[1].address, 0, 1n, dealOf(1), ethers.ZeroHash);
    });

    it("an actor failure the adapter cannot judge reverts the bid with the adapter's error", async function () {
      const f = await load(fvmProvidersFixture);
      const { jobId } = await postJob(f.market, f.client, { inputPieceCid: PIECE });
      await f.actors.setFailure(MARKET_ACTOR_ID, await f.actors.GET_DEAL_TERM(), 16);
      await expect(fastBid(f.market, jobId, f.providers[0], RESULT, dealOf(0)))
        .to.be.revertedWithCustomError(f.dealOracle, "ActorError")
        .withArgs(16);
    });
  });
});
