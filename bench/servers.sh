# Sourced by the benchmark scripts: the loopback servers they measure against, started
# here on 127.0.0.1 (nothing leaves the machine), and the ratio printer.
#
#   start_servers DNS_PORT TCP_PORT   # dnsmasq with db.contoso.internal, no upstream, and
#                                     # a TCP port that accepts and closes every connection
#   ratio HYPERFINE_JSON              # each command's mean and its ratio to the last one
# Appends the servers' pids to the caller's `pids` array (for its cleanup trap).

start_servers() {
  local dns_port=$1 tcp_port=$2
  dnsmasq --no-daemon --port="$dns_port" --listen-address=127.0.0.1 --bind-interfaces \
    --no-resolv --no-hosts --host-record=db.contoso.internal,10.1.2.4 \
    --log-facility=/dev/null >/dev/null 2>&1 &
  pids+=($!)
  python3 - "$tcp_port" >/dev/null 2>&1 <<'PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1024)
while True:
    c, _ = s.accept(); c.close()
PY
  pids+=($!)
  sleep 1
}

ratio() {
  python3 - "$1" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
peer = results[-1]
for r in results:
    print(f"  {r['command']:<78} {r['mean']*1000:7.3f} ms ± {r['stddev']*1000:6.3f}   {r['mean']/peer['mean']:5.2f}x")
PY
}
