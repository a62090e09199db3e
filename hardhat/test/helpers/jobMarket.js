// Shared fixtures, helpers and the ledger check for the JobMarket tests. Fixtures are named
// functions at module level so that loadFixture snapshots each one once and reverts to it for
// every test.
//
// `it` exported here is mocha's `it` followed by the ledger check ({expectLedger}) on the market
// of the fixture the test loaded last with {load}: after every passing test body, the market's
// FIL balance must equal the sum of everything it owes, and every provider's locked stake must be
// exactly the stake of its live bids.
const { ethers } = require("hardhat");
const { expect } = require("chai");
const { loadFixture, time } = require("@nomicfoundation/hardhat-network-helpers");

/** JobMarket.JobState, as the bigints ethers returns. */
const State = { None: 0n, Open: 1n, Assigned: 2n, Revealing: 3n, Finalized: 4n, Failed: 5n, Cancelled: 6n };
/** JobMarket.SlashReason. */
const Slash = { NoCommit: 0n, NoReveal: 1n, Dissent: 2n };
const LIVE = [State.Open, State.Assigned, State.Revealing];

const ETH = ethers.parseEther;
const UINT96_MAX = (1n << 96n) - 1n;
const UINT88_MAX = (1n << 88n) - 1n;
const UINT56_MAX = (1n << 56n) - 1n;
/** The most a job's maxPrice may be: the terms slot keeps it in 80 bits. */
const UINT80_MAX = (1n << 80n) - 1n;
/** attoFIL per nanoFIL (JobMarket.NANO_FIL): the job slot keeps the stake per replica in whole nanoFIL. */
const NANO = 1_000_000_000n;
/** The largest stake per replica postJob takes (JobMarket.MAX_STAKE_PER_REPLICA): 2^56 − 1 nanoFIL, as the job slot keeps it. */
const MAX_STAKE = UINT56_MAX * NANO;
/** Most providers that can register (JobMarket.MAX_PROVIDERS: 16-bit provider ids). */
const MAX_PROVIDERS = (1n << 16n) - 1n;
/** attoFIL paid per replica on the fast path; the most an auction bid may ask. */
const MAX_PRICE = ETH("1");
/**
 * Stake per replica: 1 FIL + 1 nanoFIL, a whole number of nanoFIL (as the job slot keeps it), so
 * that a lost nanoFIL shows. Two winners share one slashed stake exactly (it is even); three leave
 * 2 attoFIL for the client (10^18 + 10^9 ≡ 2 mod 3), and two stakes shared by three leave 1.
 */
const STAKE = ETH("1") + NANO;
/** What each provider deposits in the staked fixture. */
const DEPOSIT = ETH("5");
const BID_WINDOW = 600; // seconds
const EXECUTION_WINDOW = 3600;
const REVEAL_WINDOW = 1800;
const MAX_WINDOW = 30 * 24 * 3600;
const MAX_REPLICAS = 7;
const MAX_BIDS = 10;
/** Auction bids of providers[0..3] on the default 3/2 auction: p1, p2, p4 win; p3 (index 2) loses. */
const AUCTION_PRICES = [ETH("0.8"), ETH("0.6"), ETH("1"), ETH("0.7")];

/** Binary CIDv1 (raw codec, sha2-256) of a text: the form the contract takes. */
function cidOf(text) {
  return ethers.concat(["0x01551220", ethers.sha256(ethers.toUtf8Bytes(text))]);
}

/**
 * A piece CID (commP) in binary form: CIDv1 (0x01), codec fil-commitment-unsealed 0xf101 (varint
 * 0x81e203), multihash sha2-256-trunc254-padded 0x1012 (varint 0x9220), a 32-byte digest. The
 * digest here is the sha256 of `text`, a stand-in for a real commP.
 */
function pieceOf(text) {
  return ethers.concat(["0x0181e203922020", ethers.sha256(ethers.toUtf8Bytes(text))]);
}

/** IDealOracle.DealStatus, as the bigints ethers returns. */
const DealStatus = {
  Active: 0n,
  Unknown: 1n,
  Expired: 2n,
  WrongPiece: 3n,
  WrongProvider: 4n,
  NotActivated: 5n,
  Terminated: 6n,
  NotStarted: 7n,
  Ended: 8n,
};

const SPEC_CID = cidOf('{"engine":"wasm","entrypoint":"wordcount.wasm"}');
const RESULT = cidOf("result: 42 words");
const OTHER_RESULT = cidOf("result: 41 words");
const THIRD_RESULT = cidOf("result: 40 words");

function addressOf(account) {
  // a signer has an address, a contract its target
  return typeof account === "string" ? account : (account.address ?? account.target);
}

/** A provider's salt (deterministic, distinct per account). */
function saltOf(account) {
  return ethers.id(`salt:${addressOf(account)}`);
}

/**
 * The commitment for `resultCid` and `salt`, computed off chain exactly as the contract does:
 * keccak256(abi.encode(chainid, market, jobId, provider, resultCid, salt)).
 * `opts.chainId` / `opts.market` override the binding (replay tests).
 */
async function commitmentFor(market, jobId, provider, resultCid, salt = saltOf(provider), opts = {}) {
  const chainId = opts.chainId ?? (await ethers.provider.getNetwork()).chainId;
  const marketAddress = opts.market ?? (await market.getAddress());
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "uint256", "address", "bytes", "bytes32"],
      [chainId, marketAddress, jobId, addressOf(provider), resultCid, salt],
    ),
  );
}

/** Fast path: `provider` bids with its commitment to `resultCid` (price 0). */
async function fastBid(market, jobId, provider, resultCid, dealId = 0) {
  const c = await commitmentFor(market, jobId, provider, resultCid);
  return market.connect(provider).bid(jobId, 0, dealId, c);
}

/** Auction: `provider` bids `price` (no commitment). */
function auctionBid(market, jobId, provider, price, dealId = 0) {
  return market.connect(provider).bid(jobId, price, dealId, ethers.ZeroHash);
}

/** Auction: the provider at bid `index` commits to `resultCid` with its own salt. */
async function commitTo(market, jobId, provider, index, resultCid) {
  const c = await commitmentFor(market, jobId, provider, resultCid);
  return market.connect(provider).commit(jobId, index, c);
}

/** The provider at bid `index` reveals `resultCid` with the salt {commitmentFor} used. */
function revealBy(market, jobId, provider, index, resultCid) {
  return market.connect(provider).reveal(jobId, index, resultCid, saltOf(provider));
}

/** Default job terms: the verified 3/2 fast-path job, without an input piece. */
function jobTerms(opts = {}) {
  return {
    specCid: SPEC_CID,
    inputPieceCid: "0x",
    replicas: 3,
    quorum: 2,
    maxPrice: MAX_PRICE,
    stake: STAKE,
    bidWindow: 0,
    executionWindow: EXECUTION_WINDOW,
    revealWindow: REVEAL_WINDOW,
    ...opts,
  };
}

/**
 * Sends postJob from `client` (default terms: {jobTerms}) with the exact escrow unless `opts.value`.
 * @returns the transaction promise (for `expect(...).to.emit` and the like)
 */
function postTx(market, client, opts = {}) {
  const o = jobTerms(opts);
  const value = o.value ?? o.maxPrice * BigInt(o.replicas);
  return market
    .connect(client)
    .postJob(
      o.specCid,
      o.inputPieceCid,
      o.replicas,
      o.quorum,
      o.maxPrice,
      o.stake,
      o.bidWindow,
      o.executionWindow,
      o.revealWindow,
      { value },
    );
}

/**
 * Posts a job as {postTx} does and waits for it.
 * @returns {{jobId: bigint, tx}} the new job's id (jobCount after the post) and the transaction
 */
async function postJob(market, client, opts = {}) {
  const tx = await postTx(market, client, opts);
  return { jobId: await market.jobCount(), tx };
}

// ------------------------------------------------------------------ oracles and providers

/**
 * A market on its two test-double oracles, MockDealOracle and MockMinerOracle, all deployed by
 * the first signer (which alone may set the doubles).
 * @returns {{market, dealOracle, minerOracle}}
 */
async function deployMarket() {
  const dealOracle = await ethers.deployContract("MockDealOracle");
  const minerOracle = await ethers.deployContract("MockMinerOracle");
  const market = await ethers.deployContract("JobMarket", [
    await dealOracle.getAddress(),
    await minerOracle.getAddress(),
  ]);
  return { market, dealOracle, minerOracle };
}

/** Has the MockMinerOracle behind `market` say that `account` controls miner `minerId` (as its deployer). */
async function allowMiner(market, account, minerId) {
  const minerOracle = await ethers.getContractAt("MockMinerOracle", await market.MINER_ORACLE());
  await (await minerOracle.setController(minerId, addressOf(account), true)).wait();
}

/**
 * `account` registers on `market` bound to miner `minerId`, after the miner oracle was told it
 * controls that miner.
 * @returns the register transaction promise
 */
async function register(market, account, minerId) {
  await allowMiner(market, account, minerId);
  return market.connect(account).register(minerId);
}

// ------------------------------------------------------------------ fixtures

/**
 * A fresh market on mock oracles ({deployMarket}). Signers: deployer, client, outsider (never
 * registers), client2, then eleven providers (one more than MAX_BIDS) that the next fixture
 * registers and stakes.
 */
async function deployFixture() {
  const signers = await ethers.getSigners();
  const [deployer, client, outsider, client2] = signers;
  const providers = signers.slice(4, 15);
  const { market, dealOracle, minerOracle } = await deployMarket();
  return { market, dealOracle, minerOracle, signers, deployer, client, client2, outsider, providers };
}

/** Eleven providers registered (ids 1..11, miner ids 1000..1010, each controlling its own), each with {DEPOSIT} staked. */
async function stakedProvidersFixture() {
  const f = await deployFixture();
  for (const [i, p] of f.providers.entries()) {
    await register(f.market, p, 1000 + i);
    await f.market.connect(p).stake({ value: DEPOSIT });
  }
  return f;
}

/** The default 3/2 fast-path job, open; `commitDeadline` = post time + EXECUTION_WINDOW. */
async function fastJobFixture() {
  const f = await stakedProvidersFixture();
  const { jobId } = await postJob(f.market, f.client);
  const job = await f.market.getJob(jobId);
  return { ...f, jobId, commitDeadline: BigInt(job.deadline) };
}

/** The fast-path job filled by providers[0..2], all committed to {RESULT}: Revealing. */
async function fastFilledFixture() {
  const f = await fastJobFixture();
  const winners = f.providers.slice(0, 3);
  for (const p of winners) await fastBid(f.market, f.jobId, p, RESULT);
  return { ...f, winners, revealDeadline: f.commitDeadline + BigInt(REVEAL_WINDOW) };
}

/** A 1/1 fast-path job without verification: providers[0] bid with a zero commitment. Revealing. */
async function noVerificationFixture() {
  const f = await stakedProvidersFixture();
  const { jobId } = await postJob(f.market, f.client, { replicas: 1, quorum: 1 });
  const commitDeadline = BigInt((await f.market.getJob(jobId)).deadline);
  await f.market.connect(f.providers[0]).bid(jobId, 0, 0, ethers.ZeroHash);
  return { ...f, jobId, commitDeadline, revealDeadline: commitDeadline + BigInt(REVEAL_WINDOW) };
}

/** A 3/2 auction job (bid window {BID_WINDOW}), open for bids. */
async function auctionJobFixture() {
  const f = await stakedProvidersFixture();
  const { jobId } = await postJob(f.market, f.client, { bidWindow: BID_WINDOW });
  const job = await f.market.getJob(jobId);
  return { ...f, jobId, bidDeadline: BigInt(job.deadline) };
}

/** The auction with providers[0..3] bidding {AUCTION_PRICES}, still inside its bid window. */
async function auctionBidsFixture() {
  const f = await auctionJobFixture();
  for (let i = 0; i < 4; i++) await auctionBid(f.market, f.jobId, f.providers[i], AUCTION_PRICES[i], 100 + i);
  const [p1, p2, p3, p4] = f.providers;
  return {
    ...f,
    /** The assigned bids after {assign}: [signer, bid index, price]. */
    winners: [
      [p1, 0, AUCTION_PRICES[0]],
      [p2, 1, AUCTION_PRICES[1]],
      [p4, 3, AUCTION_PRICES[3]],
    ],
    loser: p3,
  };
}

/** The auction after `assign` at its bid deadline; `commitDeadline` = assignment + EXECUTION_WINDOW. */
async function auctionAssignedFixture() {
  const f = await auctionBidsFixture();
  await time.increaseTo(f.bidDeadline);
  await f.market.assign(f.jobId);
  const commitDeadline = BigInt((await f.market.getJob(f.jobId)).deadline);
  return { ...f, commitDeadline, revealDeadline: commitDeadline + BigInt(REVEAL_WINDOW) };
}

/** The assigned auction after every winner committed to {RESULT}: Revealing. */
async function auctionCommittedFixture() {
  const f = await auctionAssignedFixture();
  for (const [p, index] of f.winners) await commitTo(f.market, f.jobId, p, index, RESULT);
  return f;
}

// ------------------------------------------------------------------ events and accounts

/** Args of every `name` event `market` emitted in `tx`, in order, as plain arrays. */
async function eventsIn(market, tx, name) {
  const receipt = await (await tx).wait();
  const address = await market.getAddress();
  return receipt.logs
    .filter((log) => log.address === address)
    .map((log) => market.interface.parseLog(log))
    .filter((parsed) => parsed && parsed.name === name)
    .map((parsed) => parsed.args.toArray());
}

/** Asserts a provider's balance and locked amounts. */
async function expectProvider(market, provider, { balance, locked }) {
  const p = await market.providers(addressOf(provider));
  if (balance !== undefined) expect(p.balance, `balance of ${addressOf(provider)}`).to.equal(balance);
  if (locked !== undefined) expect(p.locked, `locked of ${addressOf(provider)}`).to.equal(locked);
}

/** {balance, locked} of each account, keyed by address. */
async function providerSnapshot(market, accounts) {
  const snap = new Map();
  for (const a of accounts) {
    const p = await market.providers(addressOf(a));
    snap.set(addressOf(a), { balance: p.balance, locked: p.locked });
  }
  return snap;
}

/**
 * Asserts everything a settling transaction did on `f.jobId`, against `before` (a
 * {providerSnapshot} taken before it):
 * - `paid`: [[winner, price]]: balance += price + share, locked −= stake;
 * - `slashed`: [[provider, reason]]: balance −= stake, locked −= stake, ProviderSlashed;
 * - `unlocked`: [provider]: locked −= stake, StakeUnlocked;
 * - `credits`: [[account, amount]]: exactly these Credited events, and the credit balances;
 * - `accepted`: [cid, agreeing, share] for ResultAccepted, or null;
 * - the one JobStateChanged `from` → `to`, and getBids empty.
 */
async function expectSettlement(f, tx, before, expected) {
  const { from, to, paid = [], slashed = [], unlocked = [], credits = [], accepted = null } = expected;
  const { market, jobId } = f;
  const stake = (await market.getJob(jobId)).stake;
  const share = accepted ? accepted[2] : 0n;
  expect(await eventsIn(market, tx, "JobStateChanged"), "JobStateChanged").to.deep.equal([[jobId, from, to]]);
  expect(await eventsIn(market, tx, "ResultAccepted"), "ResultAccepted").to.deep.equal(
    accepted ? [[jobId, ethers.keccak256(accepted[0]), BigInt(accepted[1]), accepted[2]]] : [],
  );
  const slashEvents = await eventsIn(market, tx, "ProviderSlashed");
  expect(slashEvents, "ProviderSlashed").to.have.deep.members(slashed.map(([p, r]) => [jobId, p.address, stake, r]));
  expect(slashEvents).to.have.lengthOf(slashed.length);
  const unlockEvents = await eventsIn(market, tx, "StakeUnlocked");
  expect(unlockEvents, "StakeUnlocked").to.have.deep.members(unlocked.map((p) => [jobId, p.address, stake]));
  expect(unlockEvents).to.have.lengthOf(unlocked.length);
  const creditEvents = await eventsIn(market, tx, "Credited");
  expect(creditEvents, "Credited").to.have.deep.members(credits.map(([a, amount]) => [addressOf(a), jobId, amount]));
  expect(creditEvents).to.have.lengthOf(credits.length);

  for (const [p, price] of paid) {
    const b = before.get(p.address);
    await expectProvider(market, p, { balance: b.balance + price + share, locked: b.locked - stake });
  }
  for (const [p] of slashed) {
    const b = before.get(p.address);
    await expectProvider(market, p, { balance: b.balance - stake, locked: b.locked - stake });
  }
  for (const p of unlocked) {
    const b = before.get(p.address);
    await expectProvider(market, p, { balance: b.balance, locked: b.locked - stake });
  }
  expect((await market.getJob(jobId)).state).to.equal(to);
  expect(await market.getBids(jobId)).to.deep.equal([]);
}

// ------------------------------------------------------------------ storage

// The layout solc reports (storageLayout output of the build) for the contract as declared: its
// bases' slots first, Ownable's `_owner` (slot 0) and Ownable2Step's `_pendingOwner` (slot 1), then
// providers (2), providerAccount (3), minerIdOf (4), credits (5), _settings (6), providerCount (7,
// alone in its slot), _jobs (8), _terms (9), _bidders (10), _digests (11), _prices (12),
// _pieceCidHashes (13); the two oracles are immutables, in the code. Tests
// check it against the getters ("bid slots" in the settlement tests) before writing to a slot.
/** Storage slot of `providerCount` (a uint16, alone in its slot). */
const PROVIDER_COUNT_SLOT = 7n;
/** Storage slot of `_jobs`: jobId => Job, one slot. */
const JOBS_SLOT = 8n;
/** Storage slot of `_terms`: jobId => Terms, one slot. */
const TERMS_SLOT = 9n;
/** Storage slot of `_bidders`: jobId => provider ids of bids 3 and later, 16 bits each. */
const BIDDERS_SLOT = 10n;
/** Storage slot of `_digests`. */
const DIGESTS_SLOT = 11n;
/** Storage slot of `_prices`. */
const PRICES_SLOT = 12n;
/** Storage slot of `_pieceCidHashes`: jobId => keccak256 of the input piece CID. */
const PIECE_CID_HASHES_SLOT = 13n;

/** Fields of the Job slot as solc lays them out: [name, byte offset from the low end, bytes]. */
const JOB_LAYOUT = [
  ["state", 0, 1],
  ["auction", 1, 1],
  ["replicas", 2, 1],
  ["quorum", 3, 1],
  ["bidCount", 4, 1],
  ["commitCount", 5, 1],
  ["deadline", 6, 4],
  ["assignedMask", 10, 2],
  ["revealedMask", 12, 2],
  ["executionWindow", 14, 3],
  ["revealWindow", 17, 3],
  ["stakeNano", 20, 7],
  ["hasPiece", 27, 1],
  ["bidder0", 28, 2],
  ["bidder1", 30, 2],
];
/** Fields of the Terms slot: [name, byte offset, bytes]. */
const TERMS_LAYOUT = [
  ["client", 0, 20],
  ["maxPrice", 20, 10],
  ["bidder2", 30, 2],
];

function mappingSlot(key, base) {
  return BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [key, base])));
}

/** Splits a storage word into the fields of `layout` (each a bigint). */
function unpack(word, layout) {
  const fields = {};
  for (const [name, offset, bytes] of layout) {
    fields[name] = (word >> BigInt(8 * offset)) & ((1n << BigInt(8 * bytes)) - 1n);
  }
  return fields;
}

/** The provider id of bid `i` in the side word `_bidders[jobId]` (bids 3 and later). */
function sideBidderId(word, i) {
  return (word >> (16n * (BigInt(i) - 3n))) & 0xffffn;
}

/**
 * The raw words a job keeps: its job slot (`job`, unpacked per {JOB_LAYOUT}, and `jobWord`), its
 * terms slot (`terms`, per {TERMS_LAYOUT}, and `termsWord`), the side word of bidder ids
 * (`bidders`), and each index's digest and price. `bidderIds` are the ids of bids 0..bidCount−1
 * read from where the contract keeps them (bidder0, bidder1, bidder2, then the side word).
 */
async function bidStorage(market, jobId) {
  const address = await market.getAddress();
  const read = async (slot) => BigInt(await ethers.provider.getStorage(address, slot));
  const jobWord = await read(mappingSlot(jobId, JOBS_SLOT));
  const termsWord = await read(mappingSlot(jobId, TERMS_SLOT));
  const words = {
    jobWord,
    termsWord,
    job: unpack(jobWord, JOB_LAYOUT),
    terms: unpack(termsWord, TERMS_LAYOUT),
    bidders: await read(mappingSlot(jobId, BIDDERS_SLOT)),
    digests: [],
    prices: [],
  };
  words.bidderIds = [words.job.bidder0, words.job.bidder1, words.terms.bidder2];
  for (let i = 3; i < Number(words.job.bidCount); i++) words.bidderIds.push(sideBidderId(words.bidders, i));
  words.bidderIds = words.bidderIds.slice(0, Number(words.job.bidCount));
  for (let i = 0n; i < BigInt(MAX_BIDS); i++) {
    words.digests.push(await read(mappingSlot(i, mappingSlot(jobId, DIGESTS_SLOT))));
    words.prices.push(await read(mappingSlot(i, mappingSlot(jobId, PRICES_SLOT))));
  }
  return words;
}

// ------------------------------------------------------------------ the ledger

/** The market and accounts the ledger check looks at: set by {load}, extended by {track}. */
let current = null;

/** loadFixture, remembering the fixture's market for the ledger check that follows the test. */
async function load(fixture) {
  const f = await loadFixture(fixture);
  current = { market: f.market, accounts: new Set(f.signers.map((s) => s.address)), forced: 0n };
  return f;
}

/** Adds accounts (contracts) the ledger check must include, and FIL forced into the market. */
function track({ accounts = [], forced = 0n } = {}) {
  for (const a of accounts) current.accounts.add(addressOf(a));
  current.forced += forced;
}

/**
 * The ledger check. Escrow is taken from the JobPosted events (replicas × maxPrice as posted) for
 * every job whose state is not terminal. Asserts:
 * - market balance == Σ credits + Σ provider balances + Σ live escrow + FIL forced in;
 * - every provider's `locked` == Σ stake of its live bids (all bids of an open job, the assigned
 *   bids of an assigned or revealing job), and `locked` ≤ `balance`;
 * - a terminal job keeps no bids.
 * Accounts: `accounts`, every registered provider, every client.
 * @returns {{balance, owed}} attoFIL held and owed
 */
async function expectLedger({ market, accounts = [], forced = 0n }) {
  const all = new Set([...accounts].map(addressOf));
  const providerCount = await market.providerCount();
  for (let id = 1n; id <= providerCount; id++) all.add(await market.providerAccount(id));
  const posted = new Map();
  for (const log of await market.queryFilter(market.filters.JobPosted())) {
    const { jobId, client, replicas, maxPrice } = log.args;
    posted.set(jobId, maxPrice * replicas);
    all.add(client);
  }
  const jobCount = await market.jobCount();
  expect(BigInt(posted.size), "one JobPosted per job").to.equal(jobCount);

  let escrow = 0n;
  const expectedLocked = new Map();
  for (let id = 1n; id <= jobCount; id++) {
    const job = await market.getJob(id);
    expect(job.maxPrice * job.replicas, `escrow of job ${id}`).to.equal(posted.get(id));
    const bids = await market.getBids(id);
    if (!LIVE.includes(job.state)) {
      expect(bids, `bids of settled job ${id}`).to.deep.equal([]);
      continue;
    }
    escrow += posted.get(id);
    expect(BigInt(bids.length), `bids of job ${id}`).to.equal(job.bidCount);
    for (const b of bids) {
      if (job.state === State.Open || b.assigned) {
        expectedLocked.set(b.provider, (expectedLocked.get(b.provider) ?? 0n) + job.stake);
        all.add(b.provider);
      }
    }
  }

  let owed = 0n;
  for (const a of all) {
    const p = await market.providers(a);
    owed += (await market.credits(a)) + p.balance;
    expect(p.locked, `locked of ${a}`).to.equal(expectedLocked.get(a) ?? 0n);
    expect(p.locked <= p.balance, `locked ≤ balance of ${a}`).to.equal(true);
  }
  owed += escrow;
  const balance = await ethers.provider.getBalance(await market.getAddress());
  expect(balance, "market balance = credits + provider balances + live escrow (+ forced)").to.equal(owed + forced);
  expect(balance >= owed, "market balance covers everything owed").to.equal(true);
  return { balance, owed };
}

function withLedgerCheck(fn) {
  return async function () {
    current = null;
    await fn.call(this);
    if (current) await expectLedger(current);
  };
}
/** mocha's `it`, then {expectLedger} on the fixture the test loaded last with {load}. */
const it = (title, fn) => global.it(title, withLedgerCheck(fn));
it.only = (title, fn) => global.it.only(title, withLedgerCheck(fn));
it.skip = (title, fn) => global.it.skip(title, fn);

module.exports = {
  ethers,
  expect,
  time,
  it,
  load,
  track,
  expectLedger,
  State,
  Slash,
  ETH,
  UINT96_MAX,
  UINT88_MAX,
  UINT80_MAX,
  UINT56_MAX,
  NANO,
  MAX_STAKE,
  MAX_PROVIDERS,
  MAX_PRICE,
  STAKE,
  DEPOSIT,
  BID_WINDOW,
  EXECUTION_WINDOW,
  REVEAL_WINDOW,
  MAX_WINDOW,
  MAX_REPLICAS,
  MAX_BIDS,
  AUCTION_PRICES,
  SPEC_CID,
  RESULT,
  OTHER_RESULT,
  THIRD_RESULT,
  cidOf,
  pieceOf,
  DealStatus,
  saltOf,
  commitmentFor,
  fastBid,
  auctionBid,
  commitTo,
  revealBy,
  jobTerms,
  postTx,
  postJob,
  deployMarket,
  allowMiner,
  register,
  deployFixture,
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
  mappingSlot,
  unpack,
  sideBidderId,
  JOB_LAYOUT,
  TERMS_LAYOUT,
  JOBS_SLOT,
  TERMS_SLOT,
  DIGESTS_SLOT,
  PRICES_SLOT,
  PIECE_CID_HASHES_SLOT,
  BIDDERS_SLOT,
  PROVIDER_COUNT_SLOT,
};
