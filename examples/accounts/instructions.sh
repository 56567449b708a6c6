#!/usr/bin/env bash
# Instructions per lead per tier of lead-to-account matching, at each size (default
# 1,000 10,000 100,000 1,000,000 accounts): `account_match --count SIZE` under
# callgrind, which counts only inside its tally_with_* / tally_bare_* functions (each
# tier's leads classified once with the accounts, once without); a tier's figure is
# the difference per lead, the work matching adds. Deterministic, unlike wall time on a
# shared machine, so it shows whether the work per lead stays flat as accounts grow.
# The 1,000,000-account run takes about 10 minutes (the generator and the index build
# run under valgrind too). Extra callgrind options go in CALLGRIND_OPTS, e.g.
# CALLGRIND_OPTS="--cache-sim=yes --LL=8388608,16,64" (then the D1 and LL read misses
# per lead are printed too).
set -euo pipefail
cd "$(dirname "$0")/../.."
# ACCOUNT_MATCH_BIN: a binary built before (e.g. of another commit) instead.
bin=${ACCOUNT_MATCH_BIN:-target/release/examples/account_match}
[ -n "${ACCOUNT_MATCH_BIN:-}" ] || cargo build --release --example account_match >&2
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000 100000 1000000)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "| accounts | tier | leads | instructions/lead | D1 read misses/lead | LL read misses/lead |"
echo "|---:|---|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  # shellcheck disable=SC2086
  valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*tally_*' \
    ${CALLGRIND_OPTS:-} --callgrind-out-file="$out/cg.$n" "$bin" --count "$n" \
    >"$out/leads.$n" 2>"$out/log.$n"
  callgrind_annotate --inclusive=yes "$out/cg.$n" >"$out/ann.$n" 2>/dev/null
  awk -v n="$n" '
    FNR == NR { if ($1 == "leads") leads[$2] = $3; next }
    /^Events shown:/ { for (i = 3; i <= NF; i++) col[$i] = i - 2 }
    match($0, /tally_(with|bare)_[a-z]+/) {
      f = substr($0, RSTART + 6, RLENGTH - 6); split(f, p, "_")
      # The counts lead the line, each with its share in brackets ("." for none).
      line = $0; gsub(/\([^)]*\)/, "", line); k = split(line, v, " ")
      for (i = 1; i < k; i++) { gsub(",", "", v[i]); ev[p[1], p[2], i] = (v[i] == ".") ? 0 : v[i] + 0 }
    }
    END {
      split("domain name fuzzy none all", tiers, " ")
      for (t = 1; t <= 5; t++) {
        tier = tiers[t]; l = leads[tier]; if (l == 0) continue
        ir = (ev["with", tier, col["Ir"]] - ev["bare", tier, col["Ir"]]) / l
        d1 = ("D1mr" in col) ? sprintf("%.2f", (ev["with", tier, col["D1mr"]] - ev["bare", tier, col["D1mr"]]) / l) : "-"
        ll = ("DLmr" in col) ? sprintf("%.2f", (ev["with", tier, col["DLmr"]] - ev["bare", tier, col["DLmr"]]) / l) : "-"
        printf "| %d | %s | %d | %.0f | %s | %s |\n", n, tier, l, ir, d1, ll
      }
    }' "$out/leads.$n" "$out/ann.$n"
done
