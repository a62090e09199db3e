#!/usr/bin/env bash
# All of cod's tests: the contract tests on Hardhat, then every Java module's unit tests
# (Surefire, *Test) and integration tests (Failsafe, *IT) against real parts: Hardhat chains,
# Kubo daemons and Docker containers that the tests start themselves. Installs and starts what
# they need first (scripts/setup.sh) and stops the Docker engine again if it started it.
set -euo pipefail
COD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$COD_ROOT"
. scripts/setup.sh
start=$(date +%s)
trap cod_teardown EXIT
cod_setup

echo "== contract static analysis (solhint, Slither)"
(cd hardhat && npm run --silent lint:sol)
./scripts/slither.sh

echo "== contract tests (Hardhat)"
(cd hardhat && npx hardhat test)

echo "== contract coverage (solidity-coverage: 100% lines, >= 95% branches)"
(cd hardhat && npm run --silent coverage)

echo "== Java unit and integration tests (mvn verify)"
mvn -B -ntp verify

echo "== all tests passed in $(( $(date +%s) - start )) s"
