#!/usr/bin/env bash
# Compares this tree's release binaries with those of another revision, whole process,
# beside the peers a user would reach for (kdig, nc -z), in one hyperfine run each, so
# that a change can show it did not slow either tool down. Loopback only: the DNS server
# (dnsmasq) and the TCP listener are started here on 127.0.0.1.
#
#   bench/compare.sh REV        # e.g. bench/compare.sh main~5
#
# Needs what bench/run.sh needs (it installs the Debian packages when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: bench/compare.sh REV}

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v kdig >/dev/null || need+=(knot-dnsutils)
command -v nc >/dev/null || need+=(netcat-openbsd)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; git worktree remove --force "$work/base" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

cargo build --release -q -p nameresolver -p tcpping
git worktree add -q --detach "$work/base" "$rev"
(cd "$work/base" && CARGO_TARGET_DIR="$work/base-target" cargo build --release -q -p nameresolver -p tcpping)
new=target/release
old=$work/base-target/release

dns_port=53927
tcp_port=53928
# shellcheck source=bench/servers.sh
. bench/servers.sh
start_servers "$dns_port" "$tcp_port"

echo "== nameresolver, one lookup (mean of 300 runs; ratio to kdig): $rev vs this tree"
hyperfine -N --warmup 30 --runs 300 --export-json "$work/dns.json" \
  "$old/nameresolver -t A db.contoso.internal 127.0.0.1:$dns_port" \
  "$new/nameresolver -t A db.contoso.internal 127.0.0.1:$dns_port" \
  "kdig +short @127.0.0.1 -p $dns_port db.contoso.internal A" >/dev/null
ratio "$work/dns.json"

echo "== tcpping -n 1 (mean of 300 runs; ratio to nc -z): $rev vs this tree"
hyperfine -N --warmup 30 --runs 300 --export-json "$work/tcp.json" \
  "$old/tcpping -n 1 127.0.0.1:$tcp_port" \
  "$new/tcpping -n 1 127.0.0.1:$tcp_port" \
  "nc -z 127.0.0.1 $tcp_port" >/dev/null
ratio "$work/tcp.json"

echo "== the example's checklist, --no-probe (mean of 100 runs; ratio to $rev)"
hyperfine -N --warmup 5 --runs 100 -i --export-json "$work/checklist.json" \
  "$new/tcpping --network examples/contoso-export --no-probe 10.10.2.4:1433" \
  "$old/tcpping --network examples/contoso-export --no-probe 10.10.2.4:1433" >/dev/null
ratio "$work/checklist.json"

echo "== binary sizes (bytes): $rev vs this tree"
for tool in nameresolver tcpping; do
  printf "  %-13s %10s  %10s\n" "$tool" "$(stat -c %s "$old/$tool")" "$(stat -c %s "$new/$tool")"
done
