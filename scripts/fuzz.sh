#!/usr/bin/env bash
# leadroute: run every cargo-fuzz target for a bounded time, then print the regex timings.
#
#   bash scripts/fuzz.sh                 # 10 s per target (what scripts/test.sh runs)
#   bash scripts/fuzz.sh 300             # 5 min per target (the long run)
#   bash scripts/fuzz.sh 60 sequence     # one target
#
# Needs the nightly toolchain and cargo-fuzz (scripts/setup.sh installs cargo-fuzz when
# nightly is present). Seeds come from fuzz/corpus/<target>/ and are only read: new inputs
# go to target/fuzz-corpus/<target>/, so the committed corpus changes only by hand. A crash
# stops the run with exit 1 and leaves its input in fuzz/artifacts/<target>/; copy it to
# fuzz/regressions/<target>/ (replayed by `cargo test`, see tests/properties.rs) and fix.
#
# Output ends with "test result: ok. N passed" (N = targets fuzzed without a crash) so
# scripts/test.sh counts it like a test suite.
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" >/dev/null
cd "$LEADROUTE_ROOT"

SECS="${1:-${FUZZ_SECONDS:-10}}"
shift || true
TARGETS=("$@")
if (( ${#TARGETS[@]} == 0 )); then
  TARGETS=(config condition lead snapshot sequence)
fi

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "fuzz: the nightly toolchain is missing (cargo fuzz needs it); the corpus still"
  echo "fuzz: replays on stable in cargo test (tests/properties.rs fuzz_corpus_replays_clean)"
  exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is missing: run bash scripts/setup.sh"
  exit 1
fi

# No sanitizer: the workspace forbids unsafe code, so ASan finds nothing but costs ~2x;
# debug assertions stay on so integer overflow panics (a crash) instead of wrapping.
FLAGS=(--sanitizer none --debug-assertions)
t0=$SECONDS
cargo +nightly fuzz build "${FLAGS[@]}" 2>&1 | grep -Ev '^\s+(Compiling|Downloaded|Downloading)' || true
echo "fuzz: build took $((SECONDS - t0)) s"

passed=0
total_runs=0
printf '%-10s %12s %8s %10s %s\n' target executions seconds exec/s crashes
for t in "${TARGETS[@]}"; do
  found="$LEADROUTE_ROOT/target/fuzz-corpus/$t"
  mkdir -p "$found"
  log="$LEADROUTE_ROOT/target/fuzz-$t.log"
  s0=$SECONDS
  status=0
  cargo +nightly fuzz run "${FLAGS[@]}" "$t" "$found" "fuzz/corpus/$t" -- \
    -max_total_time="$SECS" -timeout=10 -print_final_stats=1 >"$log" 2>&1 || status=$?
  secs=$((SECONDS - s0))
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)"
  runs="${runs:-0}"
  if (( status != 0 )); then
    printf '%-10s %12s %8s %10s %s\n' "$t" "$runs" "$secs" "-" "CRASH"
    grep -E 'panicked|ERROR|SUMMARY|Test unit written|artifact_prefix' "$log" | head -n 20
    echo "fuzz: $t crashed (full log: ${log#"$LEADROUTE_ROOT"/}); reproduce with"
    echo "      cargo +nightly fuzz run ${FLAGS[*]} $t fuzz/artifacts/$t/<file>"
    echo "test result: FAILED. $passed passed; 1 failed"
    exit 1
  fi
  printf '%-10s %12s %8s %10s %s\n' "$t" "$runs" "$secs" "$(( runs / (secs > 0 ? secs : 1) ))" 0
  total_runs=$((total_runs + runs))
  passed=$((passed + 1))
done
echo "fuzz: $total_runs executions in $((SECONDS - t0)) s (with build), 0 crashes"

# Regex conditions run in linear time: the timings (printed, never asserted).
echo
cargo test -q --test limits regex_conditions_run_in_linear_time -- --nocapture 2>&1 \
  | grep -E '^regex ' || true

echo "test result: ok. $passed passed; 0 failed"
