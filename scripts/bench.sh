#!/usr/bin/env bash
# leadroute: every benchmark in one command (`make bench`), ending with ONE table of every
# target of issue 6 against its measured value, the JS peers side by side, and the machine.
#
#   bash scripts/bench.sh            # full run (~10 min on 2 cores, incl. the wasm build)
#   bash scripts/bench.sh --quick    # fewer leads, shorter measurements (~3-4 min)
#   bash scripts/bench.sh --no-build # reuse pkg/ as it is
#
# Steps: set-up (toolchain + the benchmark's own npm peers in bench/node_modules), build
# pkg/, criterion benches of the native core, scale curves and memory (native), lead-to-
# account matching at 1,000 and 1,000,000 accounts (native, ~1 min), the Node
# benchmark against json-rules-engine / json-logic-js / hand-written JS, module start in
# workerd, 1,000,000 leads in headless Chromium, then bench/report.mjs prints the table
# (also written as markdown to target/bench/report.md). Results: target/bench/*.json.
# Timings are wall-clock: on a shared machine they are pessimistic.
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$LEADROUTE_ROOT"

QUICK=0
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --no-build) BUILD=0 ;;
    *) echo "bench: unknown option $arg (use --quick, --no-build)" >&2; exit 2 ;;
  esac
done
quick_flag=()
(( QUICK )) && quick_flag=(--quick)
OUT="$LEADROUTE_ROOT/target/bench"
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT"/report.md "$OUT"/criterion.log
t_start=$SECONDS
say() { echo; echo "==> [bench] $*"; }

# ---- set-up: the benchmark's peers (dev dependencies of the benchmark only) ------------------
stamp="bench/node_modules/.leadroute-bench-npm-ci.stamp"
if [[ -f "$stamp" && ! bench/package-lock.json -nt "$stamp" && ! bench/package.json -nt "$stamp" ]]; then
  echo "  bench peers            present (bench/node_modules)"
else
  (cd bench && npm ci --no-audit --no-fund --loglevel=error 2>&1 | grep -v 'Unknown user config' || true)
  [[ -d bench/node_modules/json-rules-engine && -d bench/node_modules/json-logic-js ]] \
    || { echo "bench: npm ci in bench/ failed" >&2; exit 1; }
  touch "$stamp"
  echo "  bench peers            installed (npm ci in bench/)"
fi

if (( BUILD )) || [[ ! -f pkg/node/index.mjs || ! -f pkg/web/leadroute_wasm_bg.wasm ]]; then
  say "build pkg/ (release .wasm)"
  bash scripts/build.sh
fi

# ---- native core -------------------------------------------------------------------------------
if (( QUICK )); then crit=(--warm-up-time 0.5 --measurement-time 1); else crit=(--warm-up-time 1 --measurement-time 3); fi
say "criterion: route one lead, compile the reference config, JSONL batch"
if ! cargo bench --bench route -- --noplot "${crit[@]}" >"$OUT/criterion.log" 2>&1; then
  cat "$OUT/criterion.log" >&2
  echo "bench: criterion benches FAILED" >&2
  exit 1
fi
grep -E '^[a-z_]+/[a-z_0-9]+|time:|thrpt:' "$OUT/criterion.log" || true
say "scale curves (native)"
cargo bench --bench scale -- "${quick_flag[@]}" --out "$OUT/scale.json" 2>&1 | grep -vE '^\s*$|Finished|Running'
say "memory: routing many leads through one router (native)"
cargo bench --bench memory -- "${quick_flag[@]}" --out "$OUT/memory.json" 2>&1 | grep -vE '^\s*$|Finished|Running'
say "lead-to-account matching: 1,000 and 1,000,000 generated accounts (native)"
cargo run --quiet --release --example account_match -- 1000 1000000 --out "$OUT/accounts.json"

# ---- JS: Node (peers), workerd, browser -------------------------------------------------------
say "Node: leadroute vs json-rules-engine, json-logic-js, hand-written JS (same leads, same policy)"
node --expose-gc bench/node-bench.mjs "${quick_flag[@]}" --out "$OUT/node.json"
say "workerd: module start"
node bench/workerd-bench.mjs "${quick_flag[@]}" --out "$OUT/workerd.json"
say "headless Chromium: simulation in a Web Worker"
node bench/browser-bench.mjs "${quick_flag[@]}" --out "$OUT/browser.json"

say "report ($(( SECONDS - t_start )) s)"
echo
node bench/report.mjs --dir "$OUT"
