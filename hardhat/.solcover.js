// solidity-coverage: the market and the oracles (mocks are test fixtures), with the IR pipeline's Yul
// optimizer configured as the plugin needs for viaIR contracts; json-summary feeds
// scripts/check-coverage.js, which CI uses to enforce the thresholds.
module.exports = {
  skipFiles: ["mocks/"],
  configureYulOptimizer: true,
  istanbulReporter: ["text", "json-summary"],
};
