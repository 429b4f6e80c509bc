#!/usr/bin/env bash
# An S3-compatible server for the remote tests: OpenStack Swift's proxy with its s3api middleware
# (Debian's swift packages), which checks SigV4 signatures, unlike npm's s3rver. Everything lives in
# one temp folder and listens on 127.0.0.1 only.
#   test/servers/swift.sh start [DIR]   prints the endpoint (http://127.0.0.1:PORT) once it answers
#   test/servers/swift.sh stop [DIR]
# Credentials: AWS_ACCESS_KEY_ID=test:tester AWS_SECRET_ACCESS_KEY=testing, path-style addressing.
# On failure it says why on stderr and exits non-zero; it never leaves processes behind.
set -euo pipefail

cmd="${1:-}"
dir="${2:-${STRATA_SWIFT_DIR:-${TMPDIR:-/tmp}/strata-swift-$(id -u)}}"

stop() {
  if [ -f "$dir/pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$dir/pids"
  fi
  rm -rf "$dir"
}

fail() {
  echo "swift.sh: $*" >&2
  for log in "$dir"/*.log; do
    [ -s "$log" ] && { echo "--- $log" >&2; tail -n 5 "$log" >&2; }
  done
  stop
  exit 1
}

start() {
  for bin in swift-ring-builder swift-proxy-server swift-account-server swift-container-server \
    swift-object-server memcached python3; do
    command -v "$bin" >/dev/null || { echo "swift.sh: $bin is not installed (apt-get install swift swift-proxy swift-account swift-container swift-object memcached)" >&2; exit 1; }
  done
  stop
  mkdir -p "$dir/srv/d1"
  : >"$dir/pids"
  # Five free ports, asked of the kernel: several checkouts may run servers side by side.
  read -r proxy account container object cache < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')
  local user
  user="$(id -un)"

  cat >"$dir/swift.conf" <<CONF
[swift-hash]
swift_hash_path_suffix = strata-test
[storage-policy:0]
name = Policy-0
default = yes
CONF
  for kind in account container object; do
    local port="${!kind}"
    swift-ring-builder "$dir/$kind.builder" create 8 1 1 >/dev/null
    swift-ring-builder "$dir/$kind.builder" add "r1z1-127.0.0.1:$port/d1" 100 >/dev/null
    swift-ring-builder "$dir/$kind.builder" rebalance >/dev/null || true
    [ -f "$dir/$kind.ring.gz" ] || fail "could not build the $kind ring"
    cat >"$dir/$kind-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
workers = 0
user = $user
devices = $dir/srv
mount_check = false
swift_dir = $dir
log_address = /nonexistent
[pipeline:main]
pipeline = $kind-server
[app:$kind-server]
use = egg:swift#$kind
CONF
  done
  cat >"$dir/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $proxy
workers = 0
user = $user
swift_dir = $dir
log_address = /nonexistent
[pipeline:main]
pipeline = catch_errors gatekeeper proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
[filter:s3api]
use = egg:swift#s3api
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$cache
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
CONF

  local as_root=()
  [ "$(id -u)" = 0 ] && as_root=(-u root)
  memcached "${as_root[@]}" -l 127.0.0.1 -p "$cache" -U 0 >"$dir/memcached.log" 2>&1 &
  echo $! >>"$dir/pids"
  for kind in account container object proxy; do
    "swift-$kind-server" "$dir/$kind-server.conf" >"$dir/$kind.log" 2>&1 &
    echo $! >>"$dir/pids"
  done

  # Ready when the proxy answers an S3 request (403 without a signature is an answer).
  for _ in $(seq 1 100); do
    if python3 -c "import urllib.request,sys
try: urllib.request.urlopen('http://127.0.0.1:$proxy/', timeout=1)
except urllib.error.HTTPError: sys.exit(0)
except Exception: sys.exit(1)" 2>/dev/null; then
      echo "http://127.0.0.1:$proxy"
      return 0
    fi
    while read -r pid; do kill -0 "$pid" 2>/dev/null || fail "a Swift process exited during start-up"; done <"$dir/pids"
    sleep 0.1
  done
  fail "the proxy did not answer within 10 s"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop [DIR]" >&2; exit 2 ;;
esac
