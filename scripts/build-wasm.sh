#!/usr/bin/env bash
# Builds cod's WASM modules from C with Debian's clang and wasi-libc (scripts/setup.sh installs
# clang, lld, wasi-libc and libclang-rt-14-dev-wasm32):
#   examples/wasm/NAME.c     -> OUT/examples/NAME.wasm   (example jobs: csv-stats, text-filter)
#   node/src/test/wasm/NAME.c -> OUT/test/NAME.wasm       (modules the tests use to break limits)
# A module newer than its source is kept. The node module's build (mvn, generate-test-resources)
# calls this with OUT = node/target/wasm. Without the toolchain it warns and builds nothing, so
# that the tests that need the modules are skipped with an assumption naming what is missing;
# with CI=true a missing toolchain is an error instead (CI never skips).
#
# Usage: scripts/build-wasm.sh [OUT]      (default: node/target/wasm)
set -euo pipefail
COD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$COD_ROOT/node/target/wasm}"
CC="${COD_WASM_CC:-clang}"
CFLAGS=(--target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Wno-unused-parameter)

missing=""
command -v "$CC" >/dev/null 2>&1 || missing="clang"
[[ -f /usr/lib/wasm32-wasi/libc.a ]] || missing="${missing:+$missing, }wasi-libc"
[[ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a 2>/dev/null)" ]] ||
  missing="${missing:+$missing, }libclang-rt-14-dev-wasm32"
command -v wasm-ld >/dev/null 2>&1 || command -v wasm-ld-14 >/dev/null 2>&1 || missing="${missing:+$missing, }lld"
if [[ -n "$missing" ]]; then
  msg="[build-wasm] not building the WASM modules: missing $missing (run scripts/setup.sh)"
  if [[ "${CI:-}" == "true" ]]; then
    echo "$msg" >&2
    exit 1
  fi
  echo "$msg; the tests that need them will be skipped" >&2
  exit 0
fi

build() {
  local src="$1" dst="$2"
  if [[ -f "$dst" && "$dst" -nt "$src" ]]; then
    return
  fi
  mkdir -p "$(dirname "$dst")"
  "$CC" "${CFLAGS[@]}" -o "$dst.tmp" "$src" -lm
  mv "$dst.tmp" "$dst"
  echo "[build-wasm] $dst" >&2
}

for src in "$COD_ROOT"/examples/wasm/*.c; do
  build "$src" "$OUT/examples/$(basename "$src" .c).wasm"
done
for src in "$COD_ROOT"/node/src/test/wasm/*.c; do
  build "$src" "$OUT/test/$(basename "$src" .c).wasm"
done
