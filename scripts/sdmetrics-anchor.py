#!/usr/bin/env python3
"""SDMetrics on the `charter evaluate` benchmark tables (Benchmarks/bench-evaluate.sh): the anchor.

    /tmp/venv-sdmetrics/bin/python scripts/sdmetrics-anchor.py OUT_DIR quality|disclosure [--print]

quality: sdmetrics.reports.single_table.QualityReport (column shapes, column pair trends) on train vs
synthetic, metadata inferred as charter infers it (numerical when every value parses as a number).
disclosure: DCROverfittingProtection (exact: no subsampling) and NewRowSynthesis on the same tables.
"""
import os, sys, warnings
import pandas as pd

warnings.filterwarnings("ignore")
out, what = sys.argv[1], sys.argv[2]
train = pd.read_csv(os.path.join(out, "train.csv"))
holdout = pd.read_csv(os.path.join(out, "holdout.csv"))
synthetic = pd.read_csv(os.path.join(out, "synthetic.csv"))
columns = {}
for name in train.columns:
    numeric = all(pd.api.types.is_numeric_dtype(t[name]) for t in (train, holdout, synthetic))
    columns[name] = {"sdtype": "numerical" if numeric else "categorical"}
metadata = {"columns": columns}
if what == "quality":
    from sdmetrics.reports.single_table import QualityReport
    report = QualityReport()
    report.generate(train, synthetic, metadata, verbose=False)
    if "--print" in sys.argv:
        props = report.get_properties().set_index("Property")["Score"]
        print("sdmetrics quality %.4f  column shapes %.4f  column pair trends %.4f" % (
            report.get_score(), props["Column Shapes"], props["Column Pair Trends"]))
else:
    from sdmetrics.single_table import DCROverfittingProtection, NewRowSynthesis
    DCROverfittingProtection.compute(train, synthetic, holdout, metadata, None)
    NewRowSynthesis.compute(train, synthetic, metadata)
