# Sourced by the scripts that drive a real `charter serve` (load-serve.sh, schemathesis.sh): a
# throwaway folder `$work`, removed on exit with the server `$server` (when one was started), a
# registry seeded by one real run of the front-door example, and `serve_wait PORT` to wait for
# /v1/health. Needs `$binary` (the charter executable) set before it is sourced.
work=$(mktemp -d "${TMPDIR:-/tmp}/charter-serve.XXXXXX")
server=
serve_cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap serve_cleanup EXIT

# A ledger with the source registered and one run's ε committed.
"$binary" run examples/requests/allowed-gbsg2-prototyping.yaml --registry "$work/registry.sqlite" \
    --key "$work/signing-key" --now 2026-11-23 --out "$work/out" --format json >"$work/run.json" 2>"$work/run.log" \
    || { echo "error: the seeding run failed:" >&2; cat "$work/run.log" >&2; exit 2; }

# Waits up to 10 s for the server on PORT to answer /v1/health; exits 2 with its log when it does not.
serve_wait() {
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$1/v1/health" >/dev/null && return 0
        sleep 0.1
    done
    echo "error: the server did not start:" >&2
    cat "$work/server.log" >&2
    exit 2
}
