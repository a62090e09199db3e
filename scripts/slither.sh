#!/usr/bin/env bash
# Slither (from PyPI) on the market contract and its oracles, reading the Hardhat build: crytic-compile takes the
# solc-js output from hardhat/artifacts/build-info, so no native solc (nor solc-select) is needed.
# Installs the pinned Slither into a venv under .devnet-tools/ if it is missing, compiles with
# Hardhat, and fails (non-zero) on any high or medium finding that is not answered in the
# contract with `// slither-disable-next-line <detector> -- <why it is safe>`. Low and
# informational findings are printed, not failed on.
#
# Usage: scripts/slither.sh [extra slither flags, e.g. --json out.json]
set -euo pipefail
COD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$COD_ROOT/scripts/setup.sh"   # for COD_STATE and ensure_npm only

SLITHER_VERSION="0.11.6"
CRYTIC_COMPILE_VERSION="0.4.2"
# Our contracts that go on chain: the market, its oracle interfaces and the FVM adapters.
TARGETS=(contracts/JobMarket.sol contracts/interfaces/*.sol contracts/oracles/*.sol)
# Results only in dependencies (OpenZeppelin, filecoin-solidity), mocks and attacker contracts are not ours to fix.
FILTER_PATHS='node_modules/|@openzeppelin/|@zondax/|contracts/mocks/'
VENV="$COD_STATE/slither-$SLITHER_VERSION"
HH="$COD_ROOT/hardhat"

log() { printf '[slither] %s\n' "$*" >&2; }

ensure_slither() {
  if [[ -x "$VENV/bin/slither" ]] && "$VENV/bin/slither" --version 2>/dev/null | grep -qx "$SLITHER_VERSION"; then
    return
  fi
  log "installing slither-analyzer $SLITHER_VERSION (pip, into $VENV)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check \
    "slither-analyzer==$SLITHER_VERSION" "crytic-compile==$CRYTIC_COMPILE_VERSION"
}

# Every answered finding must say why it is safe: `// slither-disable-next-line DETECTOR -- reason`.
check_triage_comments() {
  local bare
  bare="$(cd "$COD_ROOT" && grep -n 'slither-disable' "${TARGETS[@]}" | grep -v -- ' -- ' || true)"
  if [[ -n "$bare" ]]; then
    log "slither-disable comments without a reason (add ' -- why it is safe'):"
    printf '%s\n' "$bare" >&2
    return 1
  fi
}

ensure_npm
ensure_slither
check_triage_comments

log "compiling with Hardhat (solc-js)"
# a clean build: stale build-info files of earlier compilations would be analysed too
(cd "$HH" && node_modules/.bin/hardhat clean && node_modules/.bin/hardhat compile --quiet)

# --hardhat-ignore-compile: read the build above. --npx-disable with hardhat's bin on PATH:
# crytic-compile asks `hardhat console` for the project's paths, without npx's noise.
log "slither $SLITHER_VERSION on ${TARGETS[*]}"
cd "$HH"
PATH="$HH/node_modules/.bin:$VENV/bin:$PATH" slither . \
  --hardhat-ignore-compile --npx-disable \
  --filter-paths "$FILTER_PATHS" \
  --fail-medium \
  "$@"
log "no untriaged high or medium finding"
