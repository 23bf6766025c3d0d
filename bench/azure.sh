#!/usr/bin/env bash
# Times --azure against the test kit's mock of Azure Resource Manager on 127.0.0.1 (the
# gathering, whole process), beside the same checklist read from the export's files; then
# the gathering of both example apps with 100 ms added to every request (ARM from a far
# region): requests, round trips one after another, most in flight, wall time. With REV,
# the same for that revision's build, measured in the same run.
#
#   bench/azure.sh [REV]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
cargo build --release -q -p tcpping
cargo build --release -q -p netdiag-tests --example arm_mock
cargo build --release -q -p netdiag-tests --example azure_rounds
if [ -n "${1:-}" ]; then
  base=$(mktemp -d)
  git worktree add -q --detach "$base/tree" "$1"
  (cd "$base/tree" && CARGO_TARGET_DIR="$base/target" cargo build --release -q -p tcpping)
  echo "== $1: --azure with 100 ms per request"
  target/release/examples/azure_rounds "$base/target/release/tcpping" 100 5
  git worktree remove --force "$base/tree"
  rm -rf "$base"
fi
echo "== this tree: --azure with 100 ms per request"
target/release/examples/azure_rounds target/release/tcpping 100 5
echo "== this tree: --azure with 300 ms per request"
target/release/examples/azure_rounds target/release/tcpping 300 3
bin=target/release
work=$(mktemp -d)
"$bin/examples/arm_mock" > "$work/env" &
mock=$!
trap 'kill $mock 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -s "$work/env" ] && [ "$(wc -l < "$work/env")" -ge 3 ] && break; sleep 0.1; done
# shellcheck disable=SC1091
set -a; . "$work/env"; set +a
regional_app=/subscriptions/0b7e5a3d-0000-4000-8000-0000000fab01/resourceGroups/rg-fabrikam/providers/Microsoft.Web/sites/fabrikam-api
gateway_app=/subscriptions/6f1c2a4e-0000-4000-8000-00000000c0de/resourceGroups/rg-contoso/providers/Microsoft.Web/sites/contoso-web
echo "== --azure against the mock vs the export's files, whole process (mean of 30 runs)"
hyperfine -N -i --warmup 3 --runs 30 --export-json "$work/azure.json" \
  "$bin/tcpping --azure --arm-endpoint $ARM_ENDPOINT --app $regional_app --no-probe sql-fabrikam.database.windows.net:1433" \
  "$bin/tcpping --network examples/regional-export --no-probe sql-fabrikam.database.windows.net:1433" \
  "$bin/tcpping --azure --arm-endpoint $ARM_ENDPOINT --app $gateway_app --no-probe 10.10.2.4:1433" \
  "$bin/tcpping --network examples/contoso-export --no-probe 10.10.2.4:1433" >/dev/null
python3 - "$work/azure.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for azure, files in ((r[0], r[1]), (r[2], r[3])):
    print(f"  {azure['command'][:60]:<60} {azure['mean']*1000:7.2f} ms ± {azure['stddev']*1000:5.2f}")
    print(f"  {files['command'][:60]:<60} {files['mean']*1000:7.2f} ms   ({azure['mean']/files['mean']:.2f}x files)")
PY
echo "== requests per gathering"
for app in "$regional_app sql-fabrikam.database.windows.net:1433" "$gateway_app 10.10.2.4:1433"; do
  set -- $app
  "$bin/tcpping" --json --azure --arm-endpoint "$ARM_ENDPOINT" --app "$1" --no-probe "$2" |
    python3 -c 'import json,sys; s=json.load(sys.stdin)["snapshot"]; print("  %s: %d requests" % (s["mode"], len(s["fetched"])))' || true
done
