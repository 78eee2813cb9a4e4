#!/usr/bin/env bash
# Integration test of the ./fleet launcher: `up --detach` starts Redis and
# every service healthy and writes the state file; `down` stops exactly that.
# Uses the binaries of the build under test ($FLEET_BIN_DIR).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${FLEET_BIN_DIR:?set by ctest}"
export FLEET_BIN_DIR
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

tmp="$(mktemp -d)"
state="$tmp/state.json"
trap '"$ROOT/fleet" down --state-file "$state" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT

"$ROOT/fleet" up --detach --state-file "$state" >"$tmp/up.out" 2>&1 || { cat "$tmp/up.out"; fail "up failed"; exit 1; }
[[ -f "$state" ]] || { fail "no state file"; exit 1; }

pids=("$(jq -r .redis.pid "$state")")
redis_port="$(jq -r '.redis.address | split(":")[1]' "$state")"
[[ "$(redis-cli -p "$redis_port" ping)" == PONG ]] || fail "redis does not answer"
for svc in auth inference retrieval gateway; do
  for key in grpc metrics pid; do
    [[ "$(jq -r --arg s "$svc" ".services[\$s].$key" "$state")" != null ]] || fail "$svc: no $key"
  done
  pids+=("$(jq -r --arg s "$svc" '.services[$s].pid' "$state")")
  status="$("$FLEET_BIN_DIR/fleetctl" health --addr="$(jq -r --arg s "$svc" '.services[$s].grpc' "$state")" || true)"
  [[ "$status" == SERVING ]] || fail "$svc health: $status"
done
[[ "$(jq -r '.services.gateway.http' "$state")" == 127.0.0.1:* ]] || fail "gateway: no http address"
jq -e 'has("demo_client") and has("model")' "$state" >/dev/null || fail "state lacks demo_client/model"

# GET /healthz on the gateway's HTTP port, with bash alone.
http_port="$(jq -r '.services.gateway.http | split(":")[1]' "$state")"
exec 3<>"/dev/tcp/127.0.0.1/$http_port"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
head -n 1 <&3 | grep -q '200' || fail "gateway /healthz is not 200"
exec 3<&-

# A second `up` on the same state file is refused.
if "$ROOT/fleet" up --detach --state-file "$state" >/dev/null 2>&1; then fail "second up accepted"; fi

"$ROOT/fleet" down --state-file "$state" >/dev/null 2>&1 || fail "down failed"
[[ ! -e "$state" ]] || fail "state file left behind"
for pid in "${pids[@]}"; do
  if [[ -r "/proc/$pid/stat" ]] && [[ "$(awk '{print $3}' "/proc/$pid/stat")" != Z ]]; then
    fail "pid $pid still running after down"
  fi
done
if "$ROOT/fleet" down --state-file "$state" >/dev/null 2>&1; then fail "down without state accepted"; fi

if ((failures)); then
  echo "fleet launcher: $failures check(s) failed" >&2
  exit 1
fi
echo "fleet launcher: all checks passed"
