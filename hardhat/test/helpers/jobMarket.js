// Shared fixtures and helpers for the JobMarket tests. Fixtures are named functions at module
// level so that loadFixture can snapshot each one once and revert to it for every test.
const { ethers } = require("hardhat");
const { expect } = require("chai");
const { loadFixture, time } = require("@nomicfoundation/hardhat-network-helpers");

/** JobMarket.JobState, as the bigints ethers returns. */
const State = { None: 0n, Open: 1n, Assigned: 2n, Revealing: 3n, Finalized: 4n, Failed: 5n, Cancelled: 6n };
/** JobMarket.SlashReason. */
const Slash = { NoCommit: 0n, NoReveal: 1n, Dissent: 2n };

const ETH = ethers.parseEther;
/** Most attoFIL paid per replica in the default job. */
const MAX_PRICE = ETH("1");
/** Stake per replica: odd, so a stake shared by two winners leaves 1 attoFIL for the client. */
const STAKE = ETH("1") + 1n;
/** What each provider deposits in the staked fixture. */
const DEPOSIT = ETH("5");
const BID_WINDOW = 600; // seconds
const EXECUTION_WINDOW = 3600;
const REVEAL_WINDOW = 1800;
/** Bids of providers[0..2] on the default 3/2 job. */
const PRICES = [ETH("0.6"), ETH("0.8"), ETH("1")];

/** Binary CIDv1 (raw codec, sha2-256) of a text: the form the contract stores. */
function cidOf(text) {
  return ethers.concat(["0x01551220", ethers.sha256(ethers.toUtf8Bytes(text))]);
}

const SPEC_CID = cidOf('{"engine":"wasm","entrypoint":"wordcount.wasm"}');
const RESULT = cidOf("result: 42 words");
const OTHER_RESULT = cidOf("result: 41 words");
const THIRD_RESULT = cidOf("result: 40 words");

/** A provider's salt for a job (deterministic, distinct per label). */
function saltOf(label) {
  return ethers.id(`salt:${label}`);
}

/**
 * The commitment for `resultCid` and `salt`, computed off chain exactly as the contract does:
 * keccak256(abi.encode(chainid, market, jobId, provider, resultCid, salt)).
 */
async function commitmentFor(market, jobId, provider, resultCid, salt) {
  const { chainId } = await ethers.provider.getNetwork();
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(
      ["uint256", "address", "uint256", "address", "bytes", "bytes32"],
      [chainId, await market.getAddress(), jobId, provider.address, resultCid, salt],
    ),
  );
}

/** `provider` commits to `resultCid` with its own salt; returns the transaction. */
async function commitTo(market, jobId, provider, resultCid) {
  const c = await commitmentFor(market, jobId, provider, resultCid, saltOf(provider.address));
  return market.connect(provider).commit(jobId, c);
}

/** `provider` reveals `resultCid` with the salt {commitTo} used; returns the transaction. */
function revealBy(market, jobId, provider, resultCid) {
  return market.connect(provider).reveal(jobId, resultCid, saltOf(provider.address));
}

/**
 * Posts a job from `client`, by default the verified 3/2 fast-path job with the exact escrow.
 * @returns {{jobId: bigint, tx}} the new job's id and the posting transaction
 */
async function postJob(market, client, opts = {}) {
  const o = {
    specCid: SPEC_CID,
    replicas: 3,
    quorum: 2,
    maxPrice: MAX_PRICE,
    stake: STAKE,
    bidWindow: 0,
    executionWindow: EXECUTION_WINDOW,
    revealWindow: REVEAL_WINDOW,
    ...opts,
  };
  const value = o.value ?? o.maxPrice * BigInt(o.replicas);
  const tx = await market
    .connect(client)
    .postJob(o.specCid, o.replicas, o.quorum, o.maxPrice, o.stake, o.bidWindow, o.executionWindow, o.revealWindow, {
      value,
    });
  return { jobId: await market.jobCount(), tx };
}

// ------------------------------------------------------------------ fixtures

/** A fresh market. providers[0..4] are signers that the next fixture registers and stakes. */
async function deployFixture() {
  const signers = await ethers.getSigners();
  const [deployer, client, p1, p2, p3, p4, p5, outsider] = signers;
  const market = await ethers.deployContract("JobMarket");
  return { market, signers, deployer, client, providers: [p1, p2, p3, p4, p5], outsider };
}

/** Five providers registered (miner ids 1000..1004), each with {DEPOSIT} staked. */
async function stakedProvidersFixture() {
  const f = await deployFixture();
  for (const [i, p] of f.providers.entries()) {
    await f.market.connect(p).register(1000 + i);
    await f.market.connect(p).stake({ value: DEPOSIT });
  }
  return f;
}

/** The default 3/2 fast-path job (bid window 0), posted and open. */
async function postedFastJobFixture() {
  const f = await stakedProvidersFixture();
  const { jobId } = await postJob(f.market, f.client);
  return { ...f, jobId };
}

/** The fast-path job assigned to providers[0..2], who bid {PRICES}. */
async function assignedJobFixture() {
  const f = await postedFastJobFixture();
  for (let i = 0; i < 3; i++) await f.market.connect(f.providers[i]).bid(f.jobId, PRICES[i], 0);
  const job = await f.market.getJob(f.jobId);
  return { ...f, assigned: f.providers.slice(0, 3), commitDeadline: job.commitDeadline, revealDeadline: job.revealDeadline };
}

/** The assigned job after all three providers committed to {RESULT}: reveals are open. */
async function allCommittedFixture() {
  const f = await assignedJobFixture();
  for (const p of f.assigned) await commitTo(f.market, f.jobId, p, RESULT);
  return f;
}

/** A 3/2 auction job (bid window {BID_WINDOW}), open for bids. */
async function auctionJobFixture() {
  const f = await stakedProvidersFixture();
  const { jobId } = await postJob(f.market, f.client, { bidWindow: BID_WINDOW });
  const job = await f.market.getJob(jobId);
  return { ...f, jobId, bidDeadline: job.bidDeadline };
}

// ------------------------------------------------------------------ assertions

/** Args of every `name` event the market emitted in `tx`, in order, as plain arrays. */
async function eventsIn(market, tx, name) {
  const receipt = await tx.wait();
  const address = await market.getAddress();
  return receipt.logs
    .filter((log) => log.address === address)
    .map((log) => market.interface.parseLog(log))
    .filter((parsed) => parsed && parsed.name === name)
    .map((parsed) => parsed.args.toArray());
}

/** Asserts that `tx` credited exactly `expected` ([[account, amount], ...]) on `jobId`, and nothing else. */
async function expectCredits(market, tx, jobId, expected) {
  const credited = await eventsIn(market, tx, "Credited");
  const want = expected.map(([account, amount]) => [account.address ?? account, jobId, amount]);
  expect(credited).to.have.deep.members(want);
  expect(credited).to.have.lengthOf(want.length);
}

/** Sum of `credits` and provider stakes over `accounts`, in attoFIL. */
async function ledgerTotal(market, accounts) {
  let total = 0n;
  for (const a of accounts) {
    total += await market.credits(a.address ?? a);
    total += (await market.providers(a.address ?? a)).stake;
  }
  return total;
}

/**
 * Asserts the market holds exactly what it owes: the credits and stakes of `accounts` (every
 * account the test used). Call it only when no job holds escrow (all are settled).
 */
async function expectLedgerBalanced(market, accounts) {
  const balance = await ethers.provider.getBalance(await market.getAddress());
  expect(balance).to.equal(await ledgerTotal(market, accounts));
}

/** Asserts a provider's stake and locked amounts. */
async function expectProvider(market, provider, { stake, locked }) {
  const p = await market.providers(provider.address);
  expect(p.stake, "stake").to.equal(stake);
  expect(p.locked, "locked").to.equal(locked);
}

module.exports = {
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
  BID_WINDOW,
  EXECUTION_WINDOW,
  REVEAL_WINDOW,
  PRICES,
  SPEC_CID,
  RESULT,
  OTHER_RESULT,
  THIRD_RESULT,
  cidOf,
  saltOf,
  commitmentFor,
  commitTo,
  revealBy,
  postJob,
  deployFixture,
  stakedProvidersFixture,
  postedFastJobFixture,
  assignedJobFixture,
  allCommittedFixture,
  auctionJobFixture,
  eventsIn,
  expectCredits,
  ledgerTotal,
  expectLedgerBalanced,
  expectProvider,
};
