#!/usr/bin/env bash
# Builds soak and runs every test: unit tests (surefire) and integration tests (failsafe), with the real
# time-series services from scripts/services.sh when that script is there. Usage: scripts/test.sh [mvn args]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

services="$ROOT/scripts/services.sh"
started=""
if [[ -x "$services" ]]; then
  if "$services" start; then
    started=yes
  else
    echo "test.sh: WARNING: scripts/services.sh start failed; tests that need the services will skip" >&2
  fi
else
  echo "test.sh: no scripts/services.sh; tests that need the services will skip" >&2
fi
cleanup() { [[ -n "$started" ]] && "$services" stop || true; }
trap cleanup EXIT

# report.html is checked in a real headless browser (itests ReportInBrowserIT): Debian's chromium.
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""; [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
    echo "test.sh: installing chromium (apt-get) for the report.html browser test" >&2
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium; } >&2 \
      || echo "test.sh: WARNING: chromium could not be installed; the browser test will skip" >&2
  else
    echo "test.sh: WARNING: no chromium and no apt-get; the browser test will skip" >&2
  fi
fi

# -Dsoak.services.env lets the tests find the URLs.
rc=0
mkdir -p "$ROOT/target"
marker="$ROOT/target/.test-started"
touch "$marker"
mvn -B -ntp verify -Dsoak.services.env="$ROOT/target/services.env" "$@" || rc=$?

# End with one Surefire and one Failsafe summary line over every module (from the reports of this build).
summary() { # summary LABEL REPORT_DIR_NAME
  local files
  files="$(find "$ROOT" -path "*/target/$2/*.txt" -newer "$marker" 2>/dev/null || true)"
  if [[ -z "$files" ]]; then
    echo "$1: no reports"
    return
  fi
  # shellcheck disable=SC2086
  grep -h "^Tests run:" $files | awk -v label="$1" -F'[:,]' '
    { run += $2; fail += $4; err += $6; skip += $8 }
    END { printf "%s: Tests run: %d, Failures: %d, Errors: %d, Skipped: %d\n", label, run, fail, err, skip }'
}
echo
summary "Surefire (unit tests, all modules)" surefire-reports
summary "Failsafe (integration tests, all modules)" failsafe-reports

# Every skipped test with its reason; a reason not in scripts/test-skips.allowed fails the build.
skips() { # prints "<class>.<test><TAB><message>" for every skipped test case of this build's XML reports
  local files
  files="$(find "$ROOT" \( -path "*/target/surefire-reports/TEST-*.xml" -o -path "*/target/failsafe-reports/TEST-*.xml" \) \
    -newer "$marker" 2>/dev/null || true)"
  [[ -z "$files" ]] && return 0
  # shellcheck disable=SC2086
  awk 'BEGIN { RS = "<" }
    function attr(s, a,   i, v) { i = index(s, a "=\""); if (!i) return ""; v = substr(s, i + length(a) + 2);
                                   return substr(v, 1, index(v, "\"") - 1) }
    /^testcase[ \t\n]/ { tc = attr($0, "classname") "." attr($0, "name") }
    pending && /^!\[CDATA\[/ { m = substr($0, 9); sub(/\n.*/, "", m); sub(/^[A-Za-z0-9_.$]+: /, "", m);
                                 sub(/^Assumption failed: /, "", m); pending = 0; print tc "\t" (m == "" ? "(no reason given)" : m); next }
    pending { pending = 0; print tc "\t(no reason given)" }
    /^skipped[ \t\n\/>]/ { m = attr($0, "message"); gsub(/[\t\n]+/, " ", m)
                             # no message attribute: the reason is the first line of the element body (JUnit 5 assumptions)
                             if (m == "" && $0 !~ /\/>[ \t\n]*$/) { pending = 1; next }
                             print tc "\t" (m == "" ? "(no reason given)" : m) }' $files
}
allowed="$ROOT/target/test-skips.patterns"
grep -v '^[[:space:]]*\(#\|$\)' "$ROOT/scripts/test-skips.allowed" >"$allowed" || true
skipped="$(skips)"
skip_total=0
skip_bad=0
if [[ -n "$skipped" ]]; then
  while IFS=$'\t' read -r test reason; do
    skip_total=$((skip_total + 1))
    if [[ -s "$allowed" ]] && grep -qEf "$allowed" <<<"$reason"; then
      echo "skipped (documented): $test: $reason"
    else
      skip_bad=$((skip_bad + 1))
      echo "skipped (NOT a documented reason): $test: $reason" >&2
    fi
  done <<<"$skipped"
fi
echo "Skipped tests: $skip_total ($((skip_total - skip_bad)) for documented reasons, $skip_bad for other reasons;" \
  "documented reasons: scripts/test-skips.allowed)"
if (( skip_bad > 0 )); then
  echo "test.sh: FAILED: $skip_bad test(s) skipped for a reason that is not documented in scripts/test-skips.allowed" >&2
  [[ $rc -eq 0 ]] && rc=1
fi
exit $rc
