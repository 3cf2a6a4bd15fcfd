#!/usr/bin/env bash
# `charter evaluate` at scale (issue 21), in a release build: 100,000 × 11 train, 30,000 holdout and
# 100,000 synthetic rows from scripts/make-evaluate-bench-tables.py, all sections; then the
# 10,000-column × 20-row table, which evaluate refuses (exit 2) past 1,000 columns.
# Wall time and peak memory from GNU time. Anchor (issue 21): 88.9 s before; SDMetrics' quality
# report 1.9 s on the same tables.
#
#     scripts/bench-evaluate.sh [OUT_DIR]
set -euo pipefail
out=${1:-/tmp/charter-evaluate-bench}
[ -f "$out/train.csv" ] || python3 scripts/make-evaluate-bench-tables.py "$out"
swift build -c release --product charter >/dev/null
charter=$(swift build -c release --show-bin-path)/charter
measure() { /usr/bin/time -f "%e s wall, %M KB peak" "$@" >/dev/null; }
echo "all sections, 100k x 11:"
measure "$charter" evaluate --train "$out/train.csv" --holdout "$out/holdout.csv" --synthetic "$out/synthetic.csv" \
    --target result --positive positive --format json
echo "no target (fidelity and disclosure), 100k x 11:"
measure "$charter" evaluate --train "$out/train.csv" --holdout "$out/holdout.csv" --synthetic "$out/synthetic.csv" \
    --format json
echo "10,000 columns x 20 rows (refused, exit 2):"
measure "$charter" evaluate --train "$out/wide.csv" --holdout "$out/wide.csv" --synthetic "$out/wide.csv" || true
