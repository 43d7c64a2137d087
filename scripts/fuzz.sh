#!/usr/bin/env bash
# Fuzzing (issue 15, item 6): property-based fuzzing with CsCheck of the BPMN and DMN readers (and deployment), the scenario
# loader, the FEEL and JavaScript entry points, and every JSON body of the API (tests/EGov.Workflows.Fuzz.Tests).
#
#   scripts/fuzz.sh                      # the CI pass (./test.sh runs it too): about 95 s of fuzzing in all
#   scripts/fuzz.sh --long [SECONDS]     # every target SECONDS long (default 3600: six targets, run side by side)
#   scripts/fuzz.sh --only Feel          # one target (a test name part), with --long or alone
#   EGOV_FUZZ_SEED=SEED scripts/fuzz.sh --only Feel   # replays a failure (CsCheck prints the seed with the shrunk input)
#
# Prints one line per target (executions, seconds, executions per second); exit 1 when a target found a crash, a hang or
# a 5xx — its input is in the test output. Findings become regression tests; docs/operations/fuzzing.md lists them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
filter=""
while [ $# -gt 0 ]; do
  case "$1" in
    --long) export EGOV_FUZZ_SECONDS=3600; if [[ "${2:-}" =~ ^[0-9]+$ ]]; then EGOV_FUZZ_SECONDS="$2"; shift; fi ;;
    --only) filter="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
report="$(mktemp)"; log="$(mktemp)"
trap 'rm -f "$report"' EXIT
export EGOV_FUZZ_REPORT="$report"
dotnet build tests/EGov.Workflows.Fuzz.Tests -c Release --nologo -v q -clp:NoSummary
args=(test tests/EGov.Workflows.Fuzz.Tests -c Release --no-build --nologo --logger "console;verbosity=normal")
[ -n "$filter" ] && args+=(--filter "FullyQualifiedName~$filter")
echo "fuzzing ${EGOV_FUZZ_SECONDS:-the CI pass} s per target; log: $log"
status=0
dotnet "${args[@]}" >"$log" 2>&1 || status=$?
printf '%-22s %14s %8s %12s\n' target executions seconds "per second"
sort "$report" | awk -F'\t' '{ printf "%-22s %14d %8d %12.0f\n", $1, $2, $3, $2 / ($3 > 0 ? $3 : 1) }'
if [ "$status" -ne 0 ]; then
  echo "FINDINGS (the failing input and CsCheck's seed):"
  { grep -E "Failed |Error Message|CsCheck|Exception|answered 5" -A6 "$log" || true; } | head -80
  exit 1
fi
echo "no finding"
