#!/usr/bin/env bash
# leadroute: set up, build, and route the bundled sample leads with an explained report.
#
#   bash scripts/run.sh            (or: make run)
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$LEADROUTE_ROOT"

bash scripts/build.sh
echo
node scripts/route-sample.mjs "$@"

# ---- >>> DASHBOARD GOES HERE <<< ---------------------------------------------------------
# Placeholder: the dashboard (www/) will be served from here, e.g. on http://localhost:8080/
# once it exists. Until then run.sh ends after the sample report.
