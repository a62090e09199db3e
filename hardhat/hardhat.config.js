// Hardhat project for cod's contracts. Sources live in ../contracts (symlinked as ./contracts,
// because Hardhat 2 refuses sources outside its root). The compiler is solc-js from npm: the
// native compiler download is not reachable from these machines (see ../shared RECIPES).
require("@nomicfoundation/hardhat-ethers");
require("@nomicfoundation/hardhat-chai-matchers");
require("solidity-coverage");
const { subtask } = require("hardhat/config");
const { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } = require("hardhat/builtin-tasks/task-names");

const SOLC_VERSION = "0.8.28";
/** npm package holding soljson.js, per compiler version. */
const SOLCJS = { [SOLC_VERSION]: "solc" };

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async ({ solcVersion }) => {
  const pkg = SOLCJS[solcVersion];
  if (!pkg || require(`${pkg}/package.json`).version !== solcVersion) {
    throw new Error(`no offline solc-js for ${solcVersion}: add an npm alias for it in package.json`);
  }
  return {
    compilerPath: require.resolve(`${pkg}/soljson.js`),
    isSolcJs: true,
    version: solcVersion,
    longVersion: require(pkg).version(),
  };
});

/** @type import('hardhat/config').HardhatUserConfig */
module.exports = {
  solidity: {
    compilers: [
      { version: SOLC_VERSION, settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun" } },
    ],
    overrides: {
      // The gas-laid-out market: the IR pipeline packs its one-slot structs into single SSTOREs
      // and avoids "stack too deep" in settlement.
      "contracts/JobMarket.sol": {
        version: SOLC_VERSION,
        settings: { optimizer: { enabled: true, runs: 2000 }, viaIR: true, evmVersion: "cancun" },
      },
    },
  },
  networks: {
    hardhat: { chainId: 31337 },
  },
};
