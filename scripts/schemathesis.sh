#!/usr/bin/env bash
# Property-based API test of `charter serve` against its own OpenAPI document (issue 17):
# schemathesis generates requests for every operation and checks that no answer is a 5xx and every
# answer matches the schema. Not part of CI: it needs PyPI once for a scratch virtualenv.
#
#   scripts/schemathesis.sh [MAX_EXAMPLES]        (default 50 examples per operation)
#   CHARTER_BINARY (default .build/debug/charter), CHARTER_SCHEMATHESIS_PORT (default 18090)
#
# The server runs with tokens (an admin token is sent, so state-changing operations are exercised
# past authentication) on a throwaway registry seeded by one real run.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-50}
port=${CHARTER_SCHEMATHESIS_PORT:-18090}
binary=${CHARTER_BINARY:-.build/debug/charter}
venv=/tmp/venv-schemathesis
[ -x "$binary" ] || { echo "error: build $binary first (swift build)" >&2; exit 2; }
if [ ! -x "$venv/bin/schemathesis" ] && [ ! -x "$venv/bin/st" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q schemathesis
fi
st="$venv/bin/schemathesis"
[ -x "$st" ] || st="$venv/bin/st"

. scripts/serve-fixture.sh
token="st-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf 'sha256:%s admin@hospital.example admin\n' "$(printf %s "$token" | sha256sum | cut -d' ' -f1)" >"$work/tokens"
"$binary" serve --listen "127.0.0.1:$port" --policy policies --registry "$work/registry.sqlite" --runs "$work/runs" \
    --key "$work/signing-key" --tokens "$work/tokens" --log-level warning 2>"$work/server.log" &
server=$!
serve_wait "$port"

status=0
"$st" run "http://127.0.0.1:$port/openapi.json" --url "http://127.0.0.1:$port" \
    -H "Authorization: Bearer $token" --checks not_a_server_error,response_schema_conformance \
    --max-examples "$examples" --workers 2 || status=$?
if grep -q "unexpected failure" "$work/server.log"; then
    echo "== the server logged unexpected failures:"; grep "unexpected failure" "$work/server.log" | head -20
fi
exit "$status"
