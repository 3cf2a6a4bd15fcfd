#!/usr/bin/env python3
"""Tables for the `charter evaluate` scale benchmark (issue 21): 100,000 × 11 train, 30,000 holdout and
100,000 synthetic rows resampled (seed 21) from examples/data/covid_testing.csv (11 columns: 5 numeric,
6 categorical, like flchain's mix). The synthetic table perturbs each resampled row (numeric columns
by 10% of their standard deviation, categories swapped with another row's at rate 0.1) so that it is
close to, but not a copy of, the real rows; it stands in for an SDV sample. Also writes the
10,000-column × 20-row wide table.

    python3 scripts/make-evaluate-bench-tables.py OUT_DIR
"""
import csv, os, sys
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(21)
columns = ["gender", "pan_day", "clinic_name", "result", "demo_group", "age", "drive_thru_ind", "ct_result",
           "orderset", "payor_group", "patient_class"]
numeric = {"pan_day", "age", "drive_thru_ind", "ct_result", "orderset"}
rows = list(csv.DictReader(open("examples/data/covid_testing.csv")))
table = {c: [r[c] for r in rows] for c in columns}

def write(name, index, perturb):
    data = {}
    for c in columns:
        values = [table[c][i] for i in index]
        if perturb and c in numeric:
            present = np.array([float(v) for v in table[c] if v != ""])
            sd = present.std()
            out_values = []
            for v in values:
                if v == "" or c in ("drive_thru_ind", "orderset"):
                    out_values.append(v); continue
                out_values.append(f"{float(v) + float(rng.normal()) * 0.1 * sd:.1f}")  # not repr(): numpy 2 writes np.float64(…)
            values = out_values
        elif perturb:
            swap = rng.random(len(values)) < 0.1
            other = rng.integers(0, len(values), len(values))
            values = [values[o] if s else v for v, s, o in zip(values, swap, other)]
        data[c] = values
    with open(os.path.join(out, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for i in range(len(index)):
            w.writerow([data[c][i] for c in columns])

n = len(rows)
write("train.csv", rng.integers(0, n, 100_000), False)
write("holdout.csv", rng.integers(0, n, 30_000), False)
write("synthetic.csv", rng.integers(0, n, 100_000), True)
wide = rng.normal(size=(20, 10_000)).round(3)
with open(os.path.join(out, "wide.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow([f"c{j}" for j in range(10_000)])
    w.writerows(wide.tolist())
