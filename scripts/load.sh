#!/usr/bin/env bash
# Loopback load test of `charter serve`: POST /v1/decisions with a small request on the reference
# policy, from a second process (wrk), bounded in time. Never a unit test; numbers go in notes.
#   scripts/load.sh [SECONDS] [CONNECTIONS]      (defaults: 10 s, 64 connections)
# Needs a release build (swift build -c release --product charter) and wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-64}
port=${CHARTER_LOAD_PORT:-18080}
binary=.build/release/charter
[ -x "$binary" ] || { echo "error: build $binary first: swift build -c release --product charter" >&2; exit 2; }
command -v wrk >/dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/charter-load.XXXXXX")
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

request=examples/requests/denied-gbsg2-epsilon-over-cap.yaml
cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/yaml"
local f = io.open("$request", "rb"); wrk.body = f:read("*a"); f:close()
LUA

run() {
    local label=$1; shift
    "$binary" serve --listen "127.0.0.1:$port" --policy policies --registry "$work/registry.sqlite" \
        --log-level warning "$@" 2>"$work/server.log" &
    server=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null && break; sleep 0.1; done
    echo "== $label: $connections connections, ${seconds}s"
    wrk -t 2 -c "$connections" -d "${seconds}s" --latency -s "$work/post.lua" "${headers[@]}" \
        "http://127.0.0.1:$port/v1/decisions?now=2026-11-23"
    kill -TERM "$server"; wait "$server" || true; server=
}

headers=()
run "read-only (no tokens)"
token=load-test-token-$RANDOM$RANDOM
printf 'sha256:%s load@hospital.example requester\n' "$(printf %s "$token" | sha256sum | cut -d' ' -f1)" >"$work/tokens"
headers=(-H "Authorization: Bearer $token")
run "with authentication" --tokens "$work/tokens"
