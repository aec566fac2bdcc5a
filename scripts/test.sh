#!/usr/bin/env bash
# Runs every WakeDock test: set-up, one build of the solution, `dotnet test` with coverage,
# a merged coverage report, and a closing line `N passed, N failed, N skipped`.
#
#   ./scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Docker]
#
# Exits non-zero when a test fails, when no test ran, when a test project crashed or produced
# no results, or when line coverage is below the threshold.
#
# Environment:
#   WAKEDOCK_COVERAGE_MIN=<percent>      line-coverage threshold (80); 0 turns the check off
#   WAKEDOCK_CONFIGURATION=<Debug|Release>   build configuration (Debug)
#   WAKEDOCK_TEST_HANG_TIMEOUT=<duration>    a single test running longer is killed (10m)
#   plus those of scripts/setup.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

COVERAGE_MIN="${WAKEDOCK_COVERAGE_MIN:-80}"
CONFIGURATION="${WAKEDOCK_CONFIGURATION:-Debug}"
HANG_TIMEOUT="${WAKEDOCK_TEST_HANG_TIMEOUT:-10m}"
SOLUTION="WakeDock.sln"
RESULTS="artifacts/test-results"
COVERAGE="artifacts/coverage"
RUNSETTINGS="tests/coverage.runsettings"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '[test] %s\n' "$*"; }
die() { printf '[test] ERROR: %s\n' "$*" >&2; exit 1; }

started=$SECONDS
bash "$ROOT/scripts/setup.sh"

[[ -f "$SOLUTION" ]] || die "$SOLUTION not found in $ROOT"
[[ -f "$RUNSETTINGS" ]] || die "$RUNSETTINGS not found"

rm -rf "$RESULTS" "$COVERAGE"
mkdir -p "$RESULTS" "$COVERAGE"

say "building $SOLUTION ($CONFIGURATION)"
# setup.sh restored the packages already, unless told to skip it.
restore_flag=(--no-restore)
[[ "${WAKEDOCK_SKIP_RESTORE:-0}" == "1" ]] && restore_flag=()
dotnet build "$SOLUTION" -c "$CONFIGURATION" "${restore_flag[@]}" -nologo -v:minimal || die "the build failed"

say "running the tests"
test_rc=0
dotnet test "$SOLUTION" --no-build -c "$CONFIGURATION" -nologo \
  --results-directory "$RESULTS" \
  --settings "$RUNSETTINGS" \
  --collect:"XPlat Code Coverage" \
  --logger "trx;LogFilePrefix=tests" \
  --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none \
  "$@" || test_rc=$?

# ---------------------------------------------------------------------------------------------
# Count the results from the .trx files (one per test project).
# ---------------------------------------------------------------------------------------------
problems=()
passed=0 failed=0 skipped=0

# counter NAME "<Counters .../>" -> the attribute's number (0 when absent)
counter() {
  local re="[[:space:]]$1=\"([0-9]+)\""
  if [[ $2 =~ $re ]]; then echo "${BASH_REMATCH[1]}"; else echo 0; fi
}

shopt -s nullglob globstar
trx_files=("$RESULTS"/**/*.trx)
for trx in "${trx_files[@]}"; do
  content="$(tr -d '\r\n' <"$trx")"
  counters="$(grep -o '<Counters [^>]*>' <<<"$content" | head -n 1 || true)"
  outcome="$(grep -o '<ResultSummary outcome="[A-Za-z]*"' <<<"$content" | head -n 1 | sed 's/.*outcome="\([A-Za-z]*\)"/\1/' || true)"
  assembly="$(grep -o 'codeBase="[^"]*"' <<<"$content" | head -n 1 | sed 's#.*/##; s#"$##' || true)"
  [[ -n "$assembly" ]] || assembly="$(basename "$trx")"
  if [[ -z "$counters" ]]; then
    problems+=("$assembly: the .trx file has no counters ($trx)")
    continue
  fi
  p=$(counter passed "$counters")
  f=$(($(counter failed "$counters") + $(counter error "$counters") + $(counter timeout "$counters") + $(counter aborted "$counters")))
  # A skipped test is a result with outcome NotExecuted (the counters leave it out).
  s=$(grep -o '<UnitTestResult [^>]*>' <<<"$content" | grep -c 'outcome="NotExecuted"' || true)
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  say "$assembly: $p passed, $f failed, $s skipped ($outcome)"
  case "$outcome" in
    Completed | Failed | Warning) ;;
    *) problems+=("$assembly: the test run ended '$outcome' (a crash or abort; see $trx)") ;;
  esac
  if [[ "$outcome" == "Failed" && $f -eq 0 ]]; then
    problems+=("$assembly: the run failed without a failing test (see $trx)")
  fi
  # A crash of the test process (xunit v3 runs tests in a child process) or of VSTest's host.
  if grep -q -i -E 'Test process crashed|test host process crashed|active test run was aborted|\[FATAL ERROR\]' <<<"$content"; then
    problems+=("$assembly: the test process crashed or the run was aborted (see $trx)")
  fi
done

# Every test project of the solution must have produced a .trx file.
test_projects=0
while IFS= read -r project; do
  project="${project//\\//}"
  [[ "$project" == *.csproj && -f "$project" ]] || continue
  grep -q -E 'Microsoft\.NET\.Test\.Sdk|<IsTestProject>[[:space:]]*true' "$project" || continue
  test_projects=$((test_projects + 1))
  name="$(sed -n 's#.*<AssemblyName>\([^<]*\)</AssemblyName>.*#\1#p' "$project" | head -n 1)"
  [[ -n "$name" ]] || name="$(basename "$project" .csproj)"
  found=0
  for trx in "${trx_files[@]}"; do
    if grep -q "codeBase=\"[^\"]*/$name\.dll\"" "$trx"; then found=1; break; fi
  done
  [[ $found -eq 1 ]] || problems+=("$name: no test results (the project crashed, found no tests, or did not run)")
done < <(dotnet sln "$SOLUTION" list 2>/dev/null)

if [[ ${#trx_files[@]} -eq 0 ]]; then
  problems+=("no .trx file was written: no test project ran")
fi
if [[ $((passed + failed)) -eq 0 ]]; then
  problems+=("no test ran")
fi
if [[ $test_rc -ne 0 && $failed -eq 0 ]]; then
  problems+=("dotnet test exited $test_rc without a failing test: a crash, a hang or a runner error (see the output above)")
fi

# ---------------------------------------------------------------------------------------------
# Merge the coverage and check the threshold.
# ---------------------------------------------------------------------------------------------
# One file per test project, in a folder named by a GUID (deeper "In" folders hold copies).
coverage_files=("$RESULTS"/*/coverage.cobertura.xml)
if [[ ${#coverage_files[@]} -eq 0 ]]; then
  if [[ "$COVERAGE_MIN" != "0" ]]; then problems+=("no coverage was collected"); fi
else
  say "merging ${#coverage_files[@]} coverage file(s) into $COVERAGE"
  if dotnet tool run reportgenerator \
    "-reports:$RESULTS/*/coverage.cobertura.xml" \
    "-targetdir:$COVERAGE" \
    "-reporttypes:TextSummary;Cobertura" \
    "-verbosity:Warning" >"$COVERAGE/reportgenerator.log" 2>&1; then
    sed -n '/^Summary/,/^$/p' "$COVERAGE/Summary.txt" | sed 's/^/[test]   /'
    line_coverage="$(sed -n 's/^[[:space:]]*Line coverage:[[:space:]]*\([0-9.]*\)%.*/\1/p' "$COVERAGE/Summary.txt" | head -n 1)"
    if [[ -z "$line_coverage" ]]; then
      if [[ "$COVERAGE_MIN" != "0" ]]; then problems+=("the coverage report has no line coverage (no coverable lines?)"); fi
    else
      say "line coverage: ${line_coverage}% (threshold ${COVERAGE_MIN}%)"
      if awk -v c="$line_coverage" -v m="$COVERAGE_MIN" 'BEGIN { exit !(c + 0 < m + 0) }'; then
        problems+=("line coverage ${line_coverage}% is below the threshold of ${COVERAGE_MIN}%")
      fi
    fi
  else
    cat "$COVERAGE/reportgenerator.log" >&2
    problems+=("ReportGenerator failed to merge the coverage")
  fi
fi

say "$test_projects test project(s), $((SECONDS - started))s in all; results in $RESULTS, coverage in $COVERAGE"
status=0
if [[ $failed -gt 0 ]]; then
  say "FAILED: $failed test(s) failed"
  status=1
fi
for problem in "${problems[@]}"; do
  say "FAILED: $problem"
  status=1
done
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
