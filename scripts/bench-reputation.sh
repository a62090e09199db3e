#!/usr/bin/env bash
# Benchmark of the reputation service (a command, not a test): fills a local Hardhat chain with
# real JobMarket jobs (batched, pre-signed transactions; automine off, one block per phase), then
# indexes every event into a fresh H2 file and prints events/s, then prints the JSON API's latency
# percentiles with that data loaded. Needs the Hardhat project's npm packages (scripts/setup.sh).
#
# Usage: scripts/bench-reputation.sh [EVENTS [JOBS_PER_ROUND]]     (defaults: 100000 100)
# COD_MVN overrides the Maven command (e.g. "flock /tmp/lock mvn").
set -euo pipefail
COD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$COD_ROOT"
${COD_MVN:-mvn} -B -q -o test-compile -pl chain-adapter,reputation
${COD_MVN:-mvn} -B -q -o dependency:build-classpath -pl reputation \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="reputation/target/test-classes:reputation/target/classes:chain-adapter/target/classes:$(cat reputation/target/bench.classpath)"
export COD_HARDHAT_DIR="${COD_HARDHAT_DIR:-$COD_ROOT/hardhat}"
exec java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.cod.reputation.ReputationBenchmark "$@"
