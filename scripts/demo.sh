#!/usr/bin/env bash
# Builds soak (tests skipped), unpacks the distribution into target/demo and runs the demo scenario from it,
# exactly as on a server. Usage: scripts/demo.sh [scenario.groovy|name] [soak run args...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

mvn -q -B -ntp install -DskipTests
version="$(sed -n "s:^  <version>\(.*\)</version>:\1:p" "$ROOT/pom.xml" | head -1)"
demo="$ROOT/target/demo"
rm -rf "$demo"
mkdir -p "$demo"
tar -xzf "dist/target/soak-$version.tar.gz" -C "$demo"
home="$demo/soak-$version"

scenario="${1:-demo}"
shift || true
if [[ ! -f "$scenario" ]]; then
  name="${scenario%.groovy}"
  if [[ -f "$home/scenarios/$name.groovy" ]]; then
    scenario="$home/scenarios/$name.groovy"
  else
    echo "demo.sh: no scenario '$scenario'; shipped scenarios:" >&2
    ls "$home/scenarios" >&2 || true
    exit 2
  fi
fi

cd "$demo"
echo "demo: $home/bin/soak run $scenario $*  (evidence under $demo/runs/)"
exec "$home/bin/soak" run "$scenario" "$@"
