// Fails unless the json-summary that `npx hardhat coverage` writes (coverage/coverage-summary.json)
// shows, for each contract below, at least its line and branch thresholds:
// - the market: 100% of lines, 95% of branches;
// - the oracle code deployed next to it on Filecoin (the FVM adapters and the deal rules they share
//   with the test double): the same, 100% of lines and 95% of branches; their failure branches are
//   staged through the actor precompile double (MockActorPrecompile).
// Interfaces hold no code. Test doubles (contracts/mocks/) are not instrumented (.solcover.js):
// they are exercised by the tests that use them and never deployed to a real network.
const fs = require("fs");
const path = require("path");

const THRESHOLDS = [
  { file: "contracts/JobMarket.sol", lines: 100, branches: 95 },
  { file: "contracts/oracles/DealRules.sol", lines: 100, branches: 95 },
  { file: "contracts/oracles/FvmDealOracle.sol", lines: 100, branches: 95 },
  { file: "contracts/oracles/FvmMinerOracle.sol", lines: 100, branches: 95 },
];

const summary = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "coverage", "coverage-summary.json"), "utf8"));
let failed = false;
for (const t of THRESHOLDS) {
  const key = Object.keys(summary).find((k) => k.endsWith(t.file));
  if (!key) {
    console.error(`coverage summary has no entry for ${t.file}`);
    failed = true;
    continue;
  }
  const { lines, branches } = summary[key];
  const ok = lines.pct >= t.lines && branches.pct >= t.branches;
  console.log(
    `${path.basename(t.file)} coverage: lines ${lines.pct}% (need ${t.lines}%), branches ${branches.pct}% (need ${t.branches}%)${ok ? "" : "  FAILED"}`,
  );
  if (!ok) failed = true;
}
if (failed) process.exit(1);
