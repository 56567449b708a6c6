#!/usr/bin/env bash
# leadroute: the full test gate (what CI runs via `make test` / .ci/run).
#
#   bash scripts/test.sh
#
# Fails fast, in this order: fmt, clippy, cargo test, wasm-pack test (node), wasm-pack test
# (headless Chromium), build, node --test. Every counted suite must run at least one test
# where noted (a wasm-bindgen test module without/with `run_in_browser` is silently SKIPPED by
# the other runner and still exits 0). Ends with one line: "N passed, 0 failed".
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$LEADROUTE_ROOT"

LOG_DIR="$LEADROUTE_ROOT/target/test-logs"
mkdir -p "$LOG_DIR"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

TOTAL_PASSED=0
SUMMARY=()

fail() {
  echo
  echo "test: FAILED at step '$1'${2:+ ($2)}"
  echo "$TOTAL_PASSED passed, 1 failed"
  exit 1
}

# Local debugging only: LEADROUTE_TEST_SKIP="fmt clippy" skips those steps (loudly).
SKIP=" ${LEADROUTE_TEST_SKIP:-} "
SKIPPED=()

# step NAME CMD...: run, show output, keep a log; fail fast.
step() {
  local name="$1"; shift
  local log="$LOG_DIR/$name.log"
  if [[ "$SKIP" == *" $name "* ]]; then
    echo
    echo "==> [$name] SKIPPED (LEADROUTE_TEST_SKIP)"
    : >"$log"
    SKIPPED+=("$name")
    LAST_LOG="$log"
    LAST_SECS=0
    return 0
  fi
  local t0=$SECONDS
  echo
  echo "==> [$name] $*"
  if ! "$@" 2>&1 | tee "$log"; then
    fail "$name" "log: ${log#"$LEADROUTE_ROOT"/}"
  fi
  LAST_LOG="$log"
  LAST_SECS=$((SECONDS - t0))
}

# Sum of "test result: ok. N passed" lines (cargo test / wasm-bindgen-test-runner format).
count_rust_passed() {
  { grep -Eo 'test result: ok\. [0-9]+ passed' "$1" || true; } | awk '{ s += $4 } END { print s + 0 }'
}
# node --test summary ("ℹ pass N" with the spec reporter, "# pass N" with tap).
count_node_passed() {
  { grep -Eo '^(ℹ|#) pass [0-9]+' "$1" || true; } | awk '{ s += $3 } END { print s + 0 }'
}

# counted NAME MIN KIND CMD...: a step whose passed tests are added to the total.
# KIND is `rust` (cargo / wasm-bindgen-test output) or `node` (node --test summary);
# MIN=1 means "zero tests passed is a failure" (catches silently skipped suites).
counted() {
  local name="$1" min="$2" kind="$3"; shift 3
  step "$name" "$@"
  if [[ "$SKIP" == *" $name "* ]]; then
    SUMMARY+=("$(printf '%-22s %s' "$name" "SKIPPED")")
    return 0
  fi
  local n
  if [[ "$kind" == node ]]; then n=$(count_node_passed "$LAST_LOG"); else n=$(count_rust_passed "$LAST_LOG"); fi
  if (( n < min )); then
    fail "$name" "$n tests passed: expected at least $min (were the tests skipped?)"
  fi
  TOTAL_PASSED=$((TOTAL_PASSED + n))
  SUMMARY+=("$(printf '%-22s %5d passed  %4d s' "$name" "$n" "$LAST_SECS")")
}

# Property tests explore from a fixed seed here so a CI run is reproducible; run
# `cargo test` yourself (random seeds) to explore further. New failures are saved in
# tests/properties.proptest-regressions and replayed first.
export PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-20261125}"

# ---- Rust: style, lints, native tests ----------------------------------------------------
step fmt cargo fmt --all --check
step clippy cargo clippy --workspace --all-targets -- -D warnings
counted cargo-test 0 rust cargo test --workspace
# The JSON Schema for editors is generated from the config types (feature `schema`): fails
# when schema/config.schema.json is stale.
counted schema 1 rust cargo test --features schema --test schema

# ---- wasm-bindgen tests (wasm/tests/*.rs) in Node and in headless Chromium ----------------
counted wasm-node 1 rust wasm-pack test --node --mode no-install wasm
counted wasm-chrome 1 rust env WASM_BINDGEN_USE_BROWSER=1 \
  wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" --mode no-install wasm

# ---- npm package + tests against it ------------------------------------------------------
step build bash scripts/build.sh
counted node-test 1 node node --test --test-reporter=spec tests/node/

# ---- >>> EXTRA SUITES (e2e etc.) GO HERE <<< ----------------------------------------------
# Add further suites below with `counted NAME MIN_PASSED rust|node CMD...` (or `step NAME CMD...`
# for an uncounted gate) so they fail fast and add to the total, e.g.:
#   if [[ -d tests/e2e ]]; then
#     counted e2e 1 node node --test --test-reporter=spec tests/e2e/
#   fi
# Fuzzing (RELIABILITY.md): every cargo-fuzz target for FUZZ_SECONDS (default 10) each.
counted fuzz 5 rust bash scripts/fuzz.sh
# Capture to CRM (www/edge, www/form): real workerd + stand-in CRM, load test, Chromium e2e.
counted edge 1 node node --test --test-reporter=spec tests/edge/
# Benchmarks never rot (`make bench` measures; this only checks): the criterion, scale and
# memory benches run once each, and the JS peers (bench/ has its own pinned npm deps) must
# make exactly leadroute's decisions on generated leads.
step bench-native cargo test --benches
step bench-deps npm ci --prefix bench --no-audit --no-fund --loglevel=error
counted bench-js 1 node node --test --test-reporter=spec bench/bench.test.mjs
# Rules dashboard (www/dashboard): Chromium e2e against the engine's own reports, 1M leads.
counted dashboard 1 node node --test --test-reporter=spec tests/e2e/
# ---- <<< EXTRA SUITES ---------------------------------------------------------------------

echo
echo "test: summary"
printf '  %s\n' "${SUMMARY[@]}"
if (( ${#SKIPPED[@]} )); then
  echo "  WARNING: skipped steps: ${SKIPPED[*]} (LEADROUTE_TEST_SKIP is set; not a full run)"
fi
echo "$TOTAL_PASSED passed, 0 failed"
