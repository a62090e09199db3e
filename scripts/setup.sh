#!/usr/bin/env bash
# Installs and starts what cod's demo and tests need on a fresh Debian machine of this kind
# (Java 17, Maven, Node 20, Go present): Debian's docker.io and busybox-static, clang, lld,
# wasi-libc and libclang-rt-14-dev-wasm32 (C to WASM for the WASM jobs), chromium and
# chromium-driver (the reputation dashboard's browser test), a running Docker
# engine, Kubo built from its Go module, the Hardhat project's npm packages, the busybox job
# image, and the Java build. Idempotent: each step is skipped when already done.
#
# Source it (`. scripts/setup.sh`) to get cod_setup and cod_teardown; or run it to set up only.
set -euo pipefail

COD_ROOT="${COD_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
KUBO_VERSION="0.42.0"          # needs Go >= 1.26.4 (its go.mod); v0.38 does not build on Go 1.26
COD_STATE="${COD_STATE:-$COD_ROOT/.devnet-tools}"
COD_STARTED_DOCKERD=""

log() { printf '[setup] %s\n' "$*" >&2; }

ensure_apt_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  [[ -x /bin/busybox ]] || missing+=(busybox-static)
  # WASM jobs: C -> wasm32-wasi for the example and test modules (scripts/build-wasm.sh)
  command -v clang >/dev/null 2>&1 || missing+=(clang)
  command -v wasm-ld >/dev/null 2>&1 || missing+=(lld)
  [[ -f /usr/lib/wasm32-wasi/libc.a ]] || missing+=(wasi-libc)
  compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a" >/dev/null ||
    missing+=(libclang-rt-14-dev-wasm32)
  # the reputation dashboard's browser test: headless Chromium driven by Selenium (never a downloaded browser)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
  if ((${#missing[@]})); then
    log "installing ${missing[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_dockerd() {
  if docker info >/dev/null 2>&1; then
    return
  fi
  mkdir -p "$COD_STATE"
  log "starting dockerd (log: $COD_STATE/dockerd.log)"
  setsid dockerd >"$COD_STATE/dockerd.log" 2>&1 </dev/null &
  echo $! >"$COD_STATE/dockerd.pid"
  COD_STARTED_DOCKERD=1
  for _ in $(seq 1 120); do
    docker info >/dev/null 2>&1 && return
    sleep 0.5
  done
  log "dockerd did not come up; last lines of its log:"
  tail -20 "$COD_STATE/dockerd.log" >&2
  return 1
}

ensure_kubo() {
  if command -v ipfs >/dev/null 2>&1 && [[ "$(ipfs version --number 2>/dev/null)" == "$KUBO_VERSION" ]]; then
    return
  fi
  log "building Kubo v$KUBO_VERSION from its Go module (a few minutes, once)"
  local modcache
  modcache="$(go env GOMODCACHE)"
  (cd "$(mktemp -d)" && go mod download "github.com/ipfs/kubo@v$KUBO_VERSION")
  (cd "$modcache/github.com/ipfs/kubo@v$KUBO_VERSION" &&
    GOTOOLCHAIN=local GOFLAGS=-buildvcs=false go build -trimpath -o /usr/local/bin/ipfs ./cmd/ipfs)
  [[ "$(ipfs version --number)" == "$KUBO_VERSION" ]]
}

ensure_npm() {
  local hh="$COD_ROOT/hardhat"
  if [[ -d "$hh/node_modules" && "$hh/node_modules/.package-lock.json" -nt "$hh/package-lock.json" ]]; then
    return
  fi
  log "installing the Hardhat project's npm packages (npm ci)"
  (cd "$hh" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

ensure_image() {
  "$COD_ROOT/scripts/build-busybox-image.sh" >/dev/null
}

ensure_java_build() {
  log "building the Java modules (mvn package -DskipTests)"
  (cd "$COD_ROOT" && mvn -B -q package -DskipTests)
}

cod_setup() {
  ensure_apt_packages
  ensure_dockerd
  ensure_kubo
  ensure_npm
  ensure_image
}

# Stops what cod_setup started (the Docker engine, if it was not running before).
cod_teardown() {
  if [[ -n "$COD_STARTED_DOCKERD" && -f "$COD_STATE/dockerd.pid" ]]; then
    kill "$(cat "$COD_STATE/dockerd.pid")" 2>/dev/null || true
    rm -f "$COD_STATE/dockerd.pid"
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  cod_setup
  ensure_java_build
fi
