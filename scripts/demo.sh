#!/usr/bin/env bash
# The main job: a local devnet (Hardhat chain, Kubo, the JobMarket contract, three provider
# nodes) runs a real Docker job over real data through the whole market and prints the verified
# result. Installs what it needs first (scripts/setup.sh).
#
# Data: seattle-weather.csv from the npm package vega-datasets 3.2.1 (daily weather, 2012-2015).
# Job: per year, total and mean daily precipitation and the days with precipitation > 0;
# 3 replicas, quorum 2. Then data locality: the same job with the data stored as a Filecoin piece
# that only providers 1 and 2 hold deals for (an auction, 2 replicas): provider 3 does not bid.
set -euo pipefail
COD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$COD_ROOT"
. scripts/setup.sh
start=$(date +%s)
cod_setup
ensure_java_build

DEVNET="$COD_ROOT/.devnet"
COD="$COD_ROOT/scripts/cod"
rm -rf "$DEVNET"
mkdir -p "$DEVNET"
DATA="$COD_ROOT/hardhat/node_modules/vega-datasets/data/seattle-weather.csv"
"$COD" devnet start --dir "$DEVNET" --piece "$DATA" --piece-holders 1,2 >"$DEVNET.out" 2>"$DEVNET.log" &
devnet_pid=$!
cleanup() {
  kill "$devnet_pid" 2>/dev/null || true
  wait "$devnet_pid" 2>/dev/null || true
  cod_teardown
}
trap cleanup EXIT
for _ in $(seq 1 240); do
  grep -q "devnet ready" "$DEVNET.out" 2>/dev/null && break
  kill -0 "$devnet_pid" 2>/dev/null || { echo "devnet failed to start:" >&2; tail -30 "$DEVNET.log" >&2; exit 1; }
  sleep 0.5
done
grep -q "devnet ready" "$DEVNET.out" || { echo "devnet did not start in time" >&2; tail -30 "$DEVNET.log" >&2; exit 1; }
echo "== devnet"
cat "$DEVNET.out"

export COD_CONFIG="$DEVNET/client.yaml"
echo "== data"
data_cid=$("$COD" data add "$DATA")
echo "seattle-weather.csv ($(wc -l <"$DATA") lines) -> $data_cid"

echo "== job"
sed "s/DATA_CID/$data_cid/" examples/seattle-precipitation.yaml >"$DEVNET/seattle-precipitation.yaml"
"$COD" job quote "$DEVNET/seattle-precipitation.yaml"
# --yes: the demo has no one to answer "Post this job?" (without a terminal, run refuses without it)
"$COD" job run "$DEVNET/seattle-precipitation.yaml" --wait --yes | tee "$DEVNET/run.out"
job_id=$(sed -n 's/^job-id: //p' "$DEVNET/run.out")
result_cid=$(sed -n 's/^result-cid: //p' "$DEVNET/run.out")

echo "== verified result"
"$COD" job get "$job_id" -o "$DEVNET/result-$job_id"
echo "result CID: $result_cid (exit code $(cat "$DEVNET/result-$job_id/exitCode"))"
column -t -s, "$DEVNET/result-$job_id/outputs/precipitation-by-year.csv"

echo "== on chain"
"$COD" job describe "$job_id"
echo "== data locality: the same job over the data as a Filecoin piece, held by providers 1 and 2"
piece_cid=$(awk '$1 == "piece" { print $2 }' "$DEVNET.out")
sed "s/PIECE_CID/$piece_cid/" examples/seattle-precipitation-piece.yaml >"$DEVNET/seattle-precipitation-piece.yaml"
"$COD" job run "$DEVNET/seattle-precipitation-piece.yaml" --wait --yes | tee "$DEVNET/run-piece.out"
piece_job=$(sed -n 's/^job-id: //p' "$DEVNET/run-piece.out")
piece_result=$(sed -n 's/^result-cid: //p' "$DEVNET/run-piece.out")
"$COD" job describe "$piece_job" | grep -E "input piece|BidPlaced|result  "
if [[ "$piece_result" == "$result_cid" ]]; then
  echo "same result CID as the job over IPFS: $piece_result"
else
  echo "result CIDs differ: $piece_result (piece) vs $result_cid (IPFS)" >&2
  exit 1
fi
echo "== wallets: a new account funded from a Lotus wallet (the devnet's Lotus stand-in, bridged to Hardhat)"
export COD_WALLET_DIR="$DEVNET/wallets"
(umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DEVNET/keys/demo-wallet-password")
"$COD" wallet new --password-file "$DEVNET/keys/demo-wallet-password" | tee "$DEVNET/wallet.out"
address=$(sed -n 's/^address: //p' "$DEVNET/wallet.out")
lotus_wallet=$(awk '$1 == "lotus" && $2 == "wallet" { print $3 }' "$DEVNET.out")
"$COD" wallet fund --from "$lotus_wallet" --amount "2.5 FIL" --to "$address"
"$COD" wallet show "$address"
echo "== provider-1's standing"
"$COD" provider status --config "$DEVNET/provider-1.yaml"
echo "== main job done in $(( $(date +%s) - start )) s"
