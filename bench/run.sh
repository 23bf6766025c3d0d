#!/usr/bin/env bash
# Benchmarks netdiag against the tools a user would reach for, side by side on this
# machine, loopback only: every server here is started by this script on 127.0.0.1.
#
#   bench/run.sh            # installs what it needs (Debian), builds release, prints ratios
#
# Needs: hyperfine, dnsmasq, dig (bind9-dnsutils), kdig (knot-dnsutils), nc
# (netcat-openbsd), jq, gcc, python3, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v dnsmasq >/dev/null || need+=(dnsmasq-base)
command -v dig >/dev/null || need+=(bind9-dnsutils)
command -v kdig >/dev/null || need+=(knot-dnsutils)
command -v nc >/dev/null || need+=(netcat-openbsd)
command -v jq >/dev/null || need+=(jq)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --release -q -p nameresolver -p tcpping
bin=target/release
work=$(mktemp -d)
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
pids=()
trap cleanup EXIT

dns_port=53917
tcp_port=53918
# shellcheck source=bench/servers.sh
. bench/servers.sh
start_servers "$dns_port" "$tcp_port"

echo "== One lookup, whole process (mean of 300 runs; ratio to kdig)"
hyperfine -N --warmup 30 --runs 300 --export-json "$work/dns.json" \
  "$bin/nameresolver -t A db.contoso.internal 127.0.0.1:$dns_port" \
  "$bin/nameresolver db.contoso.internal 127.0.0.1:$dns_port" \
  "dig +short @127.0.0.1 -p $dns_port db.contoso.internal A" \
  "kdig +short @127.0.0.1 -p $dns_port db.contoso.internal A" >/dev/null
ratio "$work/dns.json"

echo "== One TCP probe, whole process (mean of 300 runs; ratio to nc -z)"
hyperfine -N --warmup 30 --runs 300 --export-json "$work/tcp.json" \
  "$bin/tcpping -n 1 127.0.0.1:$tcp_port" \
  "nc -z 127.0.0.1 $tcp_port" >/dev/null
ratio "$work/tcp.json"

echo "== Measurement fidelity: connect time tcpping reports vs a raw connect() in C (medians of 2000)"
gcc -O2 -o "$work/connect" bench/connect.c
python3 - "$bin/tcpping" "$work/connect" "$tcp_port" <<'PY'
import json, statistics, subprocess, sys
tcpping, connect, port = sys.argv[1], sys.argv[2], sys.argv[3]
report = json.loads(subprocess.run([tcpping, "-n", "2000", "-i", "0", "--json", f"127.0.0.1:{port}"],
                                   capture_output=True, text=True).stdout)
ours = [a["elapsed_ms"] * 1000 for a in report["tcp"]["attempts"] if a["outcome"] == "connected"]
raw = [float(x) for x in subprocess.run([connect, "127.0.0.1", port, "2000"], capture_output=True, text=True).stdout.split()]
m_ours, m_raw = statistics.median(ours), statistics.median(raw)
print(f"  tcpping reports median {m_ours:7.2f} us (first attempt {ours[0]:.2f} us)")
print(f"  raw connect()   median {m_raw:7.2f} us")
print(f"  difference      {m_ours - m_raw:+7.2f} us (target: within 20 us)")
PY

echo "== The connect-time histogram per attempt, against a loopback connect (medians of 15 rounds)"
cargo bench -q -p netdiag-core --bench connect_times 2>/dev/null | sed -n '2,$p'

echo "== The checklist at scale, whole process (mean of 30 runs; ratio to the example)"
for case in "172.16.0.0/16 1000" "172.16.0.0/16 4000" "10.0.0.0/8 1000" "10.0.0.0/8 4000"; do
  set -- $case
  python3 bench/scale_snapshot.py examples/contoso-export "$work/scale-${1//\//_}-$2" "$1" "$2"
done
hyperfine -N -i --warmup 3 --runs 30 --export-json "$work/scale.json" \
  "$bin/tcpping --network $work/scale-172.16.0.0_16-1000 --no-probe 10.10.2.4:1433" \
  "$bin/tcpping --network $work/scale-172.16.0.0_16-4000 --no-probe 10.10.2.4:1433" \
  "$bin/tcpping --network $work/scale-10.0.0.0_8-1000 --no-probe 10.10.2.4:1433" \
  "$bin/tcpping --network $work/scale-10.0.0.0_8-4000 --no-probe 10.10.2.4:1433" \
  "$bin/tcpping --network examples/contoso-export --no-probe 10.10.2.4:1433" >/dev/null
ratio "$work/scale.json"

echo "== The regional checklist at scale: /16 VNET, 1,000-rule NSGs on both subnets (mean of 50 runs; ratio to jq parsing the same files)"
python3 bench/scale_regional.py examples/regional-export "$work/regional-1000" 1000
hyperfine -N -i --warmup 5 --runs 50 --export-json "$work/regional.json" \
  "$bin/tcpping --network $work/regional-1000 --no-probe 10.20.2.4:8443" \
  "jq empty $(ls "$work"/regional-1000/*.json | tr '\n' ' ')" >/dev/null
ratio "$work/regional.json"

echo "== Peak memory (max RSS, KiB; ratio to kdig)"
peak() { { /usr/bin/time -f %M "$@" 2>&1 >/dev/null || true; } | tail -n 1; }
k=$(peak kdig +short @127.0.0.1 -p $dns_port db.contoso.internal A)
for cmd in "$bin/nameresolver db.contoso.internal 127.0.0.1:$dns_port" \
           "$bin/tcpping -n 1 127.0.0.1:$tcp_port" \
           "$bin/tcpping --network examples/contoso-export --no-probe 10.10.2.4:1433" \
           "dig +short @127.0.0.1 -p $dns_port db.contoso.internal A" \
           "nc -z 127.0.0.1 $tcp_port"; do
  m=$(peak $cmd)
  printf "  %-70s %8s KiB  %5.2fx\n" "$cmd" "$m" "$(python3 -c "print($m/$k)")"
done
printf "  %-70s %8s KiB  %5.2fx\n" "kdig +short @127.0.0.1 -p $dns_port db.contoso.internal A" "$k" 1

echo "== Binary sizes (release; stripped as dist/build.sh ships them; ratio to kdig's binary)"
kdig_size=$(stat -c %s "$(command -v kdig)")
for b in nameresolver tcpping; do
  strip -o "$work/$b.stripped" "$bin/$b"
  full=$(stat -c %s "$bin/$b"); stripped=$(stat -c %s "$work/$b.stripped")
  printf "  %-14s %9d bytes, stripped %9d bytes  %5.2fx kdig (%d bytes, dynamically linked)\n" \
    "$b" "$full" "$stripped" "$(python3 -c "print($stripped/$kdig_size)")" "$kdig_size"
done
