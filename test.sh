#!/usr/bin/env bash
# Runs every test of the solution and ends with one line: "N passed, N failed[, N skipped]".
# Tests that need an external tool (qemu-img, aws...) skip when it is missing, except under CI=true,
# where they fail.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
results="$root/.vmie/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet test "$root/vmie.slnx" -c Release -nologo \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" \
  --blame-hang-timeout 10m -- RunConfiguration.TreatNoTestsAsError=false
status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  # Skipped tests are not executed: they are the difference between total and executed.
  skipped=$((skipped + $(get total) - $(get executed)))
done

if [ "$files" -eq 0 ] || { [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
  # The build failed or a test host crashed before writing results: count it as a failure.
  failed=$((failed + 1))
  echo "test.sh: dotnet test exited with $status without complete results" >&2
fi

# The console log is long; repeat what failed just above the summary so the end of a log says it.
if [ "$failed" -gt 0 ]; then
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"[^>]*>' "$trx" |
      sed -n 's/.* testName="\([^"]*\)".*/failed: \1/p' | sed 's/&quot;/"/g; s/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g'
  done
fi

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
