#!/usr/bin/env bash
# Loopback load test of `charter serve` (issue 17): POST /v1/decisions with a small request on the
# reference policy, from a second process (wrk), 64 connections for 30 s, once read-only (no tokens)
# and once with a bearer token; prints requests/s and the p99 latency of each. Never a unit test.
#
#   scripts/load-serve.sh [SECONDS] [CONNECTIONS] [REQUEST]
#     defaults: 30 s, 64 connections, examples/requests/pending-gbsg2-prototyping.yaml (no
#     signatures; a second run with denied-gbsg2-epsilon-over-cap.yaml shows the cost of
#     verifying two SSH signatures per decision)
#   CHARTER_LOAD_PORT (default 18080), CHARTER_LOAD_THREADS (wrk threads, default 2),
#   CHARTER_LOAD_SKIP_BUILD=1 to use the binary already in .build-release, CHARTER_LOAD_DISTINCT=1 to
#   make every request's bytes differ (no answer then comes from the server's decision memo).
#
# The registry has the request's source registered and one run's budget committed (made by a real
# `charter run` first), so every decision reads a ledger with events in it, as in production.
# Needs wrk (apt-get install wrk) and curl. Builds the release binary with
# `swift build -c release --product charter --scratch-path .build-release`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
connections=${2:-64}
request=${3:-examples/requests/pending-gbsg2-prototyping.yaml}
port=${CHARTER_LOAD_PORT:-18080}
threads=${CHARTER_LOAD_THREADS:-2}
binary=.build-release/release/charter

command -v wrk >/dev/null || { echo "error: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
command -v curl >/dev/null || { echo "error: curl is not installed" >&2; exit 2; }
[ -f "$request" ] || { echo "error: no request file \"$request\"" >&2; exit 2; }
if [ "${CHARTER_LOAD_SKIP_BUILD:-0}" != 1 ]; then
    swift build -c release --product charter --scratch-path .build-release 2>&1 | grep -E "error|warning: |Compiling charter|Build complete" || true
fi
[ -x "$binary" ] || { echo "error: $binary was not built" >&2; exit 2; }

. scripts/serve-fixture.sh

cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/yaml"
local f = io.open("$request", "rb"); wrk.body = f:read("*a"); f:close()
LUA
# CHARTER_LOAD_DISTINCT=1: every request differs by a trailing YAML comment, so none is answered
# from the server's decision memo (each is read, decided and rendered afresh).
if [ "${CHARTER_LOAD_DISTINCT:-0}" = 1 ]; then
    cat >>"$work/post.lua" <<'LUA'
local base = wrk.body
local counter = 0
request = function()
    counter = counter + 1
    return wrk.format(nil, nil, nil, base .. "# " .. counter .. "\n")
end
LUA
fi

# One line per run: label, requests/s, p99, non-2xx answers.
summary=()
run() {
    local label=$1; shift
    "$binary" serve --listen "127.0.0.1:$port" --policy policies --registry "$work/registry.sqlite" \
        --runs "$work/runs" --key "$work/signing-key" --log-level warning "$@" 2>"$work/server.log" &
    server=$!
    serve_wait "$port"
    # One decision first: it must succeed, and shows what is being measured.
    local status
    status=$(curl -s -o "$work/decision.json" -w '%{http_code}' "${curl_headers[@]}" -H 'Content-Type: application/yaml' \
        --data-binary "@$request" "http://127.0.0.1:$port/v1/decisions?now=2026-11-23")
    [ "$status" = 200 ] || { echo "error: a decision answered $status:" >&2; cat "$work/decision.json" >&2; exit 2; }
    echo "== $label: $connections connections, $threads wrk threads, ${seconds}s, $(wc -c <"$request") byte request"
    echo "   decision: $(grep -o '"decision" *: *"[a-z]*"' "$work/decision.json" | head -1)"
    wrk -t "$threads" -c "$connections" -d "${seconds}s" --latency -s "$work/post.lua" "${wrk_headers[@]}" \
        "http://127.0.0.1:$port/v1/decisions?now=2026-11-23" | tee "$work/wrk.txt"
    local rate p99 errors
    rate=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
    errors=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")
    summary+=("$(printf '%-28s %12s req/s   p99 %8s   non-2xx %s' "$label" "$rate" "$p99" "${errors:-0}")")
    kill -TERM "$server"
    wait "$server" || true
    server=
}

curl_headers=()
wrk_headers=()
run "read-only (no tokens)"

token="load-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf 'sha256:%s load@hospital.example requester\n' "$(printf %s "$token" | sha256sum | cut -d' ' -f1)" >"$work/tokens"
chmod 600 "$work/tokens"
curl_headers=(-H "Authorization: Bearer $token")
wrk_headers=(-H "Authorization: Bearer $token")
run "with authentication" --tokens "$work/tokens"

echo
echo "== summary ($(nproc) cores; $(uptime | sed 's/.*load average/load average/'))"
printf '%s\n' "${summary[@]}"
