// Compiles the contracts with Hardhat and writes <Name>.abi and <Name>.bin for each named
// contract into OUT_DIR, the input of web3j's SolidityFunctionWrapperGenerator.
// Usage: node scripts/export-artifacts.js OUT_DIR Contract [Contract...]
const fs = require("fs");
const path = require("path");

async function main() {
  const [outDir, ...names] = process.argv.slice(2);
  if (!outDir || names.length === 0) {
    throw new Error("usage: node scripts/export-artifacts.js OUT_DIR Contract [Contract...]");
  }
  if (!fs.existsSync(path.join(__dirname, "..", "node_modules", "hardhat"))) {
    throw new Error("hardhat/node_modules is missing: run `npm ci` in hardhat/ (scripts/test.sh does)");
  }
  const hre = require("hardhat");
  await hre.run("compile", { quiet: true });
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of names) {
    const artifact = await hre.artifacts.readArtifact(name);
    fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(artifact.abi));
    fs.writeFileSync(path.join(outDir, `${name}.bin`), artifact.bytecode.replace(/^0x/, ""));
    console.log(`exported ${name}: ${(artifact.deployedBytecode.length - 2) / 2} bytes deployed`);
  }
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
