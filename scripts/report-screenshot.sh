#!/bin/sh
# Takes a screenshot of a Charter report.html with headless Chromium (Debian's `chromium`),
# to check that the page opens and its inline SVG plots render; or of a page a server serves
# (`charter serve`'s dashboard), given as an http:// URL.
#
#   scripts/report-screenshot.sh out/REQ-2026-0202/report.html report.png [WIDTHxHEIGHT]
#   scripts/report-screenshot.sh http://127.0.0.1:8080/ dashboard.png [WIDTHxHEIGHT]
#
# CHARTER_SCREENSHOT_SCRIPTS=off renders the page with JavaScript disabled (Charter's pages need none).
#
# Exit codes: 0 screenshot written, 1 Chromium failed or wrote nothing, 2 usage error or missing
# input, 3 no Chromium on PATH (set CHROMIUM to its path).
set -eu

if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then
    echo "usage: $0 REPORT.html OUT.png [WIDTHxHEIGHT]" >&2
    exit 2
fi
report=$1
output=$2
size=${3:-1400x2400}
case "$size" in
    *[!0-9x]* | x* | *x | *x*x*) echo "error: size must be WIDTHxHEIGHT, got '$size'" >&2; exit 2 ;;
esac
case "$report" in
    http://* | https://*) ;;
    *)
        if [ ! -r "$report" ]; then
            echo "error: cannot read '$report'" >&2
            exit 2
        fi
        ;;
esac

browser=${CHROMIUM:-}
if [ -z "$browser" ]; then
    for candidate in chromium chromium-browser google-chrome; do
        if command -v "$candidate" >/dev/null 2>&1; then
            browser=$(command -v "$candidate")
            break
        fi
    done
fi
if [ -z "$browser" ]; then
    echo "error: no chromium on PATH (apt-get install chromium, or set CHROMIUM)" >&2
    exit 3
fi

# An absolute file:// URL; a throwaway profile so that runs never share state.
case "$report" in
    http://* | https://*) url=$report ;;
    /*) url="file://$report" ;;
    *) url="file://$(pwd)/$report" ;;
esac
profile=$(mktemp -d "${TMPDIR:-/tmp}/charter-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT
rm -f "$output"

# JavaScript off through the throwaway profile's content settings: Chromium's headless screenshot
# writes nothing under --blink-settings=scriptEnabled=false (seen with Chromium 156).
if [ "${CHARTER_SCREENSHOT_SCRIPTS:-on}" = off ]; then
    mkdir -p "$profile/Default"
    printf '%s\n' '{"profile":{"default_content_setting_values":{"javascript":2}}}' >"$profile/Default/Preferences"
fi

width=${size%x*}
height=${size#*x}
"$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
    --no-first-run --no-default-browser-check --user-data-dir="$profile" \
    --window-size="$width,$height" --screenshot="$output" "$url" >"$profile/chromium.log" 2>&1 || {
    echo "error: chromium failed:" >&2
    tail -n 20 "$profile/chromium.log" >&2
    exit 1
}
if [ ! -s "$output" ]; then
    echo "error: chromium wrote no screenshot to '$output'" >&2
    tail -n 20 "$profile/chromium.log" >&2
    exit 1
fi
echo "$output"
