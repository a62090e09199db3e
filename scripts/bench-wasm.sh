#!/usr/bin/env bash
# Benchmark of the WASM engine (a command, not a test): the CSV statistics module over >= MB
# megabytes of real CSV (vega-datasets rows repeated), timed natively (clang -O2), on Chicory's
# compiler and on its interpreter, in one run. Needs what scripts/setup.sh installs (clang,
# wasi-libc, the Hardhat project's npm packages for the data).
#
# Usage: scripts/bench-wasm.sh [MB [RUNS [--no-interpreter]]]     (defaults: 100 3)
# COD_MVN overrides the Maven command (e.g. "flock /tmp/lock mvn").
set -euo pipefail
COD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$COD_ROOT"
${COD_MVN:-mvn} -B -q -o test-compile -pl node
${COD_MVN:-mvn} -B -q -o dependency:build-classpath -pl node \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="node/target/test-classes:node/target/classes:$(cat node/target/bench.classpath)"
exec java -Xmx2g -cp "$CP" dev.cod.node.exec.wasm.WasmBenchmark "$COD_ROOT" \
  node/target/wasm/examples/csv-stats.wasm "$@"
