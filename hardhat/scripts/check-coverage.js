// Fails unless contracts/JobMarket.sol has 100% line and >= 95% branch coverage in the
// json-summary that `npx hardhat coverage` writes (coverage/coverage-summary.json).
const fs = require("fs");
const path = require("path");

const LINES = 100;
const BRANCHES = 95;
const summary = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "coverage", "coverage-summary.json"), "utf8"));
const key = Object.keys(summary).find((k) => k.endsWith("contracts/JobMarket.sol"));
if (!key) {
  console.error("coverage summary has no entry for contracts/JobMarket.sol");
  process.exit(1);
}
const { lines, branches } = summary[key];
console.log(`JobMarket.sol coverage: lines ${lines.pct}% (need ${LINES}%), branches ${branches.pct}% (need ${BRANCHES}%)`);
if (lines.pct < LINES || branches.pct < BRANCHES) {
  process.exit(1);
}
