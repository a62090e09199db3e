// Property-based invariant test of JobMarket: fast-check draws random sequences of every external
// call (post on both paths, bid honestly or dissenting, assign, commit, reveal, finalize, cancel,
// withdraw, stake, withdrawStake, pause/unpause by the owner, time passing) by many accounts, runs each sequence on a fresh
// snapshot of the chain, and after EVERY step checks:
//   1. the ledger: the market's balance == Σ credits + Σ provider balances + Σ escrow of live jobs,
//      and every provider's locked stake is at most its balance;
//   2. no job leaves a terminal state (Finalized, Failed, Cancelled), and a job that reaches one
//      keeps no bids (getBids is empty, however many bids it took);
//   3. honest providers in a quorum are always paid: when a job settles and at least `quorum`
//      assigned providers revealed the honest result, it is Finalized with that result and each of
//      them was paid its price (plus its share) into its balance and had its stake unlocked.
// Runs: INVARIANT_RUNS (default 100 in CI; `npm run invariants` runs 10,000).
const { ethers, network } = require("hardhat");
const { expect } = require("chai");
const fc = require("fast-check");

const RUNS = Number(process.env.INVARIANT_RUNS || 100);
const STEPS = Number(process.env.INVARIANT_STEPS || 30);
const ETH = ethers.parseEther;
const MAX_PRICE = ETH("1");
const STAKE = ETH("1") + 1_000_000_000n;
const HONEST = ethers.concat(["0x01551220", ethers.sha256(ethers.toUtf8Bytes("honest"))]);
const DISSENT = ethers.concat(["0x01551220", ethers.sha256(ethers.toUtf8Bytes("dissent"))]);
const SPEC = ethers.concat(["0x01551220", ethers.sha256(ethers.toUtf8Bytes("spec"))]);
const LIVE = new Set([1n, 2n, 3n]);
const TERMINAL = new Set([4n, 5n, 6n]);
const PROVIDERS = 5;
const CLIENTS = 2;

/** One random action; indexes are reduced modulo what exists when it runs. */
const action = fc.oneof(
  // a whole fast-path job at once (post, every replica bids honestly or not, everyone reveals), so
  // that settlements happen often among the single random calls
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("lifecycle"), client: fc.nat(), replicas: fc.integer({ min: 1, max: 4 }), dissent: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), first: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("post"), client: fc.nat(), replicas: fc.integer({ min: 1, max: 4 }), auction: fc.boolean() }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("bid"), provider: fc.nat(), job: fc.nat(), dissent: fc.boolean(), price: fc.bigInt({ min: 0n, max: MAX_PRICE }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("assign"), job: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("commit"), provider: fc.nat(), job: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("reveal"), provider: fc.nat(), job: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("finalize"), job: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel"), client: fc.nat(), job: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("withdraw"), account: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("withdrawStake"), provider: fc.nat(), amount: fc.bigInt({ min: 1n, max: ETH("3") }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("stake"), provider: fc.nat(), amount: fc.bigInt({ min: 1n, max: ETH("2") }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("time"), seconds: fc.integer({ min: 1, max: 700 }) }) },
  // the owner (the deployer) pausing and unpausing: new jobs and bids stop, everything else goes on
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("pause"), on: fc.boolean() }) },
);

describe("JobMarket invariants (fast-check)", function () {
  this.timeout(0);
  let market;
  let signers;
  let baseSnapshot;
  const stats = { txs: 0, reverted: 0, settled: 0, finalized: 0 };

  before(async function () {
    signers = await ethers.getSigners();
    const minerOracle = await ethers.deployContract("MockMinerOracle");
    const dealOracle = await ethers.deployContract("MockDealOracle");
    market = await ethers.deployContract("JobMarket", [await dealOracle.getAddress(), await minerOracle.getAddress()]);
    for (let i = 0; i < PROVIDERS; i++) {
      await minerOracle.setController(1000 + i, signers[2 + i].address, true);
      await market.connect(signers[2 + i]).register(1000 + i);
      await market.connect(signers[2 + i]).stake({ value: ETH("3") });
    }
    baseSnapshot = await network.provider.send("evm_snapshot");
  });

  it(`holds the ledger, terminal states and honest pay over ${RUNS} random sequences of up to ${STEPS} calls`, async function () {
    const providers = signers.slice(2, 2 + PROVIDERS);
    const clients = signers.slice(0, CLIENTS);
    const everyone = [...clients, ...providers, signers[2 + PROVIDERS]];

    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: STEPS, size: "max" }), async (actions) => {
        await network.provider.send("evm_revert", [baseSnapshot]);
        baseSnapshot = await network.provider.send("evm_snapshot");
        const jobs = []; // { id, client, replicas, quorum, auction, bids: Map(addr -> {index, result, salt, price}) }
        const seenState = new Map();
        for (const a of actions) {
          await step(a, jobs, providers, clients, everyone);
          await checkInvariants(jobs, seenState, providers, everyone);
        }
      }),
      { numRuns: RUNS, verbose: 1 },
    );
    console.log(`      ${stats.settled} settlements (${stats.finalized} finalized), ${stats.txs} transactions, ${stats.reverted} reverted`);
  });

  async function tryTx(promise) {
    stats.txs++;
    try {
      return await (await promise).wait();
    } catch (e) {
      stats.reverted++;
      return null; // reverts are part of the game; the invariants must hold either way
    }
  }

  async function step(a, jobs, providers, clients, everyone) {
    const pick = (list, i) => list[i % list.length];
    const job = jobs.length ? pick(jobs, a.job ?? 0) : null;
    switch (a.kind) {
      case "post": {
        const client = pick(clients, a.client);
        const quorum = Math.floor(a.replicas / 2) + 1;
        const receipt = await tryTx(market.connect(client).postJob(SPEC, "0x", a.replicas, quorum, MAX_PRICE, STAKE,
          a.auction ? 300 : 0, 600, 600, { value: MAX_PRICE * BigInt(a.replicas) }));
        if (receipt) {
          jobs.push({ id: await market.jobCount(), client, replicas: a.replicas, quorum, auction: a.auction, bids: new Map() });
        }
        break;
      }
      case "bid": {
        if (!job) return;
        const p = pick(providers, a.provider);
        const result = a.dissent ? DISSENT : HONEST;
        const salt = ethers.id(`salt:${p.address}:${job.id}`);
        const commitment = job.auction ? ethers.ZeroHash : await market.commitmentOf(job.id, p.address, result, salt);
        const receipt = await tryTx(market.connect(p).bid(job.id, job.auction ? a.price : 0, 0, commitment));
        if (receipt) {
          const ev = receipt.logs.map((l) => market.interface.parseLog(l)).find((e) => e && e.name === "BidPlaced");
          job.bids.set(p.address, { index: Number(ev.args.index), result, salt, price: job.auction ? a.price : MAX_PRICE });
        }
        break;
      }
      case "lifecycle": {
        await step({ kind: "post", client: a.client, replicas: a.replicas, auction: false }, jobs, providers, clients, everyone);
        const posted = jobs.length - 1;
        for (let r = 0; r < a.replicas; r++) {
          await step({ kind: "bid", provider: a.first + r, job: posted, dissent: a.dissent[r], price: 0n }, jobs, providers, clients, everyone);
        }
        for (let r = 0; r < a.replicas; r++) {
          await step({ kind: "reveal", provider: a.first + r, job: posted }, jobs, providers, clients, everyone);
        }
        break;
      }
      case "assign":
        if (job) await tryTx(market.assign(job.id));
        break;
      case "commit": {
        if (!job) return;
        const p = pick(providers, a.provider);
        const bid = job.bids.get(p.address);
        if (!bid) return;
        const c = await market.commitmentOf(job.id, p.address, bid.result, bid.salt);
        await tryTx(market.connect(p).commit(job.id, bid.index, c));
        break;
      }
      case "reveal": {
        if (!job) return;
        const p = pick(providers, a.provider);
        const bid = job.bids.get(p.address);
        if (!bid) return;
        const before = await snapshotProviders(providers);
        const receipt = await tryTx(market.connect(p).reveal(job.id, bid.index, bid.result, bid.salt));
        if (receipt) await checkSettlement(job, receipt, before, providers);
        break;
      }
      case "finalize": {
        if (!job) return;
        const before = await snapshotProviders(providers);
        const receipt = await tryTx(market.finalize(job.id));
        if (receipt) await checkSettlement(job, receipt, before, providers);
        break;
      }
      case "cancel":
        if (job) await tryTx(market.connect(pick(clients, a.client)).cancel(job.id));
        break;
      case "withdraw":
        await tryTx(market.connect(pick(everyone, a.account)).withdraw());
        break;
      case "withdrawStake":
        await tryTx(market.connect(pick(providers, a.provider)).withdrawStake(a.amount));
        break;
      case "stake":
        await tryTx(market.connect(pick(providers, a.provider)).stake({ value: a.amount }));
        break;
      case "pause":
        await tryTx(a.on ? market.connect(signers[0]).pause() : market.connect(signers[0]).unpause());
        break;
      case "time":
        await network.provider.send("evm_increaseTime", [a.seconds]);
        await network.provider.send("evm_mine");
        break;
      default:
        throw new Error(`unknown action ${a.kind}`);
    }
  }

  async function snapshotProviders(providers) {
    const m = new Map();
    for (const p of providers) m.set(p.address, await market.providers(p.address));
    return m;
  }

  /**
   * After a transaction that may have settled `job`: if at least a quorum of ASSIGNED providers
   * revealed the honest result, the job must have been finalized with it, and each of them paid
   * its price (plus share) into its balance with its stake unlocked.
   */
  async function checkSettlement(job, receipt, before, providers) {
    const events = receipt.logs.map((l) => { try { return market.interface.parseLog(l); } catch { return null; } }).filter(Boolean);
    const changed = events.find((e) => e.name === "JobStateChanged" && TERMINAL.has(e.args.current));
    if (!changed) return;
    stats.settled++;
    if (changed.args.current === 4n) stats.finalized++;
    const revealed = new Map();
    const all = await market.queryFilter(market.filters.ResultRevealed(job.id));
    for (const e of all) revealed.set(e.args.provider, e.args.resultCid);
    const honest = [...job.bids.entries()].filter(([addr, b]) => b.result === HONEST && revealed.get(addr) === HONEST).map(([addr]) => addr);
    if (honest.length < job.quorum) return;
    expect(changed.args.current, `job ${job.id}: ${honest.length} honest reveals >= quorum ${job.quorum}`).to.equal(4n);
    const accepted = events.find((e) => e.name === "ResultAccepted");
    expect(accepted.args.resultCidHash).to.equal(ethers.keccak256(HONEST));
    for (const addr of honest) {
      const b = before.get(addr);
      const after = await market.providers(addr);
      const price = job.bids.get(addr).price;
      expect(after.balance - b.balance, `pay of honest ${addr} on job ${job.id}`).to.equal(price + accepted.args.slashShare);
      expect(b.locked - after.locked, `unlock of honest ${addr} on job ${job.id}`).to.equal(STAKE);
    }
  }

  async function checkInvariants(jobs, seenState, providers, everyone) {
    let owed = 0n;
    for (const acct of everyone) owed += await market.credits(acct.address);
    for (const p of providers) {
      const { balance, locked } = await market.providers(p.address);
      expect(locked <= balance, `locked ${locked} <= balance ${balance} of ${p.address}`).to.equal(true);
      owed += balance;
    }
    for (const job of jobs) {
      const state = (await market.getJob(job.id)).state;
      const previous = seenState.get(job.id);
      if (previous !== undefined && TERMINAL.has(previous)) {
        expect(state, `job ${job.id} left terminal state ${previous}`).to.equal(previous);
      } else if (TERMINAL.has(state)) {
        expect(await market.getBids(job.id), `bids of job ${job.id}, terminal (${state})`).to.deep.equal([]);
      }
      seenState.set(job.id, state);
      if (LIVE.has(state)) owed += MAX_PRICE * BigInt(job.replicas);
    }
    const balance = await ethers.provider.getBalance(await market.getAddress());
    expect(balance, "market balance == credits + provider balances + live escrow").to.equal(owed);
  }
});
