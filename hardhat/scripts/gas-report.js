// Gas of complete job lifecycles of JobMarket on the in-process Hardhat chain, fast path, with
// N = 1 (also without verification), 3, 5, 7 replicas (quorum N/2 + 1), every provider honest:
// postJob, N bids carrying commitments, N reveals (the last settles). For each N it runs two
// jobs with the same accounts and prints the first (first-ever slots) and the second (steady
// state), with the gas of each kind of transaction. Also prints the deployed size. Jobs name no
// input piece (the budgeted case); a last pair of rows runs N = 1 and N = 3 with an input piece and
// a deal per bid, judged by the mock deal oracle (its gas, not FvmDealOracle's on Filecoin).
// Usage: npx hardhat run scripts/gas-report.js
const { ethers } = require("hardhat");

const FIL = 10n ** 18n;
const MAX_PRICE = FIL / 200n; // 0.005 FIL
const STAKE = FIL / 10n;
const CID = "0x01551220" + "ab".repeat(32); // a raw CIDv1 (36 bytes)
const RESULT = "0x01701220" + "cd".repeat(32);
const PIECE = "0x0181e2039220" + "20" + "ef".repeat(32); // a piece CIDv1 (commP, 39 bytes)

async function gasOf(txPromise) {
  const receipt = await (await txPromise).wait();
  return receipt.gasUsed;
}

async function lifecycle(market, client, providers, n, withCommitment, piece = "0x") {
  const quorum = Math.floor(n / 2) + 1;
  const rows = [];
  const post = market
    .connect(client)
    .postJob(CID, piece, n, quorum, MAX_PRICE, STAKE, 0, 600, 600, { value: MAX_PRICE * BigInt(n) });
  rows.push(["postJob", await gasOf(post)]);
  const jobId = await market.jobCount();
  const salt = ethers.zeroPadValue("0x01", 32);
  for (const p of providers.slice(0, n)) {
    const c = withCommitment ? await market.commitmentOf(jobId, p.address, RESULT, salt) : ethers.ZeroHash;
    const dealId = piece === "0x" ? 0 : dealOf(providers.indexOf(p));
    rows.push(["bid+commit", await gasOf(market.connect(p).bid(jobId, 0, dealId, c))]);
  }
  for (let i = 0; i < n; i++) {
    rows.push(["reveal", await gasOf(market.connect(providers[i]).reveal(jobId, i, RESULT, salt))]);
  }
  return rows;
}

function total(rows) {
  return rows.reduce((s, [, g]) => s + g, 0n);
}

function summary(rows) {
  const by = new Map();
  for (const [f, g] of rows) {
    const e = by.get(f) || { n: 0, gas: 0n };
    e.n += 1;
    e.gas += g;
    by.set(f, e);
  }
  return [...by.entries()].map(([f, e]) => `${f} ${e.n}×${e.n ? e.gas / BigInt(e.n) : 0n}`).join(", ");
}

/** The deal of provider i (miner 1000 + i) for PIECE. */
function dealOf(i) {
  return 500 + i;
}

async function main() {
  const [, client, ...providers] = await ethers.getSigners();
  const dealOracle = await ethers.deployContract("MockDealOracle");
  const minerOracle = await ethers.deployContract("MockMinerOracle");
  const head = await ethers.provider.getBlockNumber();
  for (let i = 0; i < 7; i++) {
    await (await minerOracle.setController(1000 + i, providers[i].address, true)).wait();
    await (await dealOracle.recordDeal(dealOf(i), PIECE, 1000 + i, head, head + 1_000_000, true, false)).wait();
  }
  for (const name of ["JobMarket"]) {
    const factory = await ethers.getContractFactory(name);
    const deployed = await factory.deploy(await dealOracle.getAddress(), await minerOracle.getAddress());
    await deployed.waitForDeployment();
    const code = await ethers.provider.getCode(await deployed.getAddress());
    const deployGas = (await deployed.deploymentTransaction().wait()).gasUsed;
    console.log(`\n${name}: deployed size ${(code.length - 2) / 2} bytes, deployment ${deployGas} gas`);
    for (const p of providers.slice(0, 7)) {
      await (await deployed.connect(p).register(1000 + providers.indexOf(p))).wait();
      await (await deployed.connect(p).stake({ value: FIL })).wait();
    }
    const cases = [
      ["N=1 M=1 no verification", () => lifecycle(deployed, client, providers, 1, false)],
      ...[1, 3, 5, 7].map((n) => [`N=${n} M=${Math.floor(n / 2) + 1}`, () => lifecycle(deployed, client, providers, n, true)]),
      ...[1, 3].map((n) => [
        `N=${n} M=${Math.floor(n / 2) + 1} with a piece`,
        () => lifecycle(deployed, client, providers, n, true, PIECE),
      ]),
    ];
    for (const [label, run] of cases) {
      const first = await run();
      const second = await run();
      console.log(`  ${label.padEnd(26)} first job ${String(total(first)).padStart(8)} gas in ${first.length} txs; ` +
        `steady ${String(total(second)).padStart(8)} gas (${summary(second)})`);
      console.log(`  ${"".padEnd(26)} per transaction: ${second.map(([f, g]) => `${f} ${g}`).join(", ")}`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
