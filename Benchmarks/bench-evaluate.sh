#!/usr/bin/env bash
# `charter evaluate` at scale (issue 21), in a release build, next to SDMetrics' quality report on the
# same tables. Tables (scripts/make-evaluate-bench-tables.py, seed 21): 100,000 × 11 train, 30,000
# holdout and 100,000 synthetic rows resampled from examples/data/covid_testing.csv, and a
# 10,000-column × 20-row table. Targets: all sections ≤ 10 s, fidelity only ≤ 0.5 s, peak memory
# < 500 MB; the wide table refused (exit 2) or computed within 1 GB. Wall time and peak RSS from GNU
# time. The SDMetrics anchor needs a scratch venv: python3 -m venv /tmp/venv-sdmetrics &&
# /tmp/venv-sdmetrics/bin/pip install sdmetrics (skipped when absent).
#
#     Benchmarks/bench-evaluate.sh [OUT_DIR]        (from the repository root)
set -euo pipefail
out=${1:-/tmp/charter-evaluate-bench}
[ -f "$out/train.csv" ] || python3 scripts/make-evaluate-bench-tables.py "$out"
scratch=${CHARTER_RELEASE_SCRATCH:-.build-release}
swift build -c release --product charter --scratch-path "$scratch" >/dev/null
charter=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/charter
measure() {
    local label=$1
    shift
    local status=0
    /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >/dev/null 2>"$out/stderr.txt" || status=$?
    read -r seconds kb < <(tail -n 1 "$out/time.txt")
    printf '%-44s %7.2f s  %6d MB  exit %d\n' "$label" "$seconds" $((kb / 1024)) "$status"
}
tables=(--train "$out/train.csv" --holdout "$out/holdout.csv" --synthetic "$out/synthetic.csv")
echo "charter evaluate, release ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)):"
measure "100k x 11, all sections" "$charter" evaluate "${tables[@]}" --target result --positive positive --format json
measure "100k x 11, --only fidelity" "$charter" evaluate "${tables[@]}" --only fidelity --format json
measure "100k x 11, --only utility" "$charter" evaluate "${tables[@]}" --only utility --target result \
    --positive positive --format json
measure "100k x 11, --only disclosure" "$charter" evaluate "${tables[@]}" --only disclosure --format json
measure "10,000 columns x 20 rows (exit 2 expected)" "$charter" evaluate --train "$out/wide.csv" \
    --holdout "$out/wide.csv" --synthetic "$out/wide.csv" --format json
if [ -x /tmp/venv-sdmetrics/bin/python ]; then
    echo "SDMetrics, same tables:"
    measure "SDMetrics QualityReport (fidelity)" /tmp/venv-sdmetrics/bin/python scripts/sdmetrics-anchor.py \
        "$out" quality
    measure "SDMetrics DCROverfitting + NewRowSynthesis" /tmp/venv-sdmetrics/bin/python \
        scripts/sdmetrics-anchor.py "$out" disclosure
    /tmp/venv-sdmetrics/bin/python scripts/sdmetrics-anchor.py "$out" quality --print
    "$charter" evaluate "${tables[@]}" --only fidelity --format json | python3 -c '
import json, sys
q = json.load(sys.stdin)["sdmetrics"]["quality_report"]["default_thresholds"]
print("charter  quality %.4f  column shapes %.4f  column pair trends %.4f" % (
    q["overall_score"], q["column_shapes"], q["column_pair_trends"]))'
fi
