#!/usr/bin/env python3
"""SDV's TVAE beside Charter's generators, scored by SDMetrics itself (issue 19).

Reads the folders `SynthComparison` writes (train.csv, holdout.csv, metadata.json and
synthetic-<generator>.csv per dataset), fits SDV's TVAESynthesizer on train.csv with the epochs the
metadata names (the same as Charter's vae) and SDV's default batch size 500, samples as many rows,
and prints for TVAE and every Charter table: the SDMetrics QualityReport score, the TSTR ratio on
the holdout (scikit-learn's logistic regression, the protocol of Tests/Fixtures/reference-metrics)
and the fit time. Needs a scratch virtualenv (never a test dependency):

    python3 -m venv /tmp/venv-sdv && /tmp/venv-sdv/bin/pip install sdv
    (cd Benchmarks && swift run -c release SynthComparison /tmp/charter-synth-comparison)
    /tmp/venv-sdv/bin/python scripts/compare-tvae.py /tmp/charter-synth-comparison
"""
import json, pathlib, sys, time, warnings

import numpy as np
import pandas as pd
from sdmetrics.reports.single_table import QualityReport
from sdv.metadata import Metadata
from sdv.single_table import TVAESynthesizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

warnings.filterwarnings("ignore")


def read(path):
    return pd.read_csv(path, float_precision="round_trip", keep_default_na=False, na_values=[""])


def encode(fit, apply, target, exclude):
    features = [c for c in fit.columns if c != target and c not in exclude]
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(fit[c])]
    text = [c for c in features if c not in numeric]

    def matrix(frame):
        parts = []
        for c in numeric:
            x = frame[c].astype(float).fillna(fit[c].median())
            f = fit[c].astype(float).fillna(fit[c].median())
            sd = f.std(ddof=0) or 1.0
            parts.append(((x - f.mean()) / sd).to_numpy()[:, None])
        for c in text:
            levels = sorted(fit[c].dropna().astype(str).unique())
            values = frame[c].astype(str)
            parts.append(np.stack([(values == level).to_numpy(float) for level in levels], axis=1))
        return np.hstack(parts) if parts else np.zeros((len(frame), 0))

    return matrix(fit), matrix(apply)


def tstr_ratio(train, holdout, synthetic, spec):
    target, positive = spec["target"], str(spec["positive"])
    frames = []
    for frame in (train, holdout, synthetic):
        frame = frame[~frame[target].astype(str).isin(spec["drop_labels"])]
        frames.append(frame)
    train, holdout, synthetic = frames

    def auc(fit, score):
        y_fit = (fit[target].astype(str).str.replace(r"\.0$", "", regex=True) == positive).astype(int)
        y_score = (score[target].astype(str).str.replace(r"\.0$", "", regex=True) == positive).astype(int)
        if y_fit.nunique() < 2 or y_score.nunique() < 2:
            return float("nan")
        x_fit, x_score = encode(fit, score, target, spec["exclude"])
        model = LogisticRegression(C=1.0, max_iter=10000).fit(x_fit, y_fit)
        return roc_auc_score(y_score, model.decision_function(x_score))

    return auc(synthetic, holdout) / auc(train, holdout)


def main(folder):
    print("dataset        generator          seconds  sdmetrics_quality  tstr_ratio")
    for dataset in sorted(p for p in pathlib.Path(folder).iterdir() if p.is_dir()):
        spec = json.loads((dataset / "metadata.json").read_text())
        metadata = Metadata.load_from_dict(
            {"METADATA_SPEC_VERSION": "V1", "tables": {"table": {"columns": spec["columns"]}}})
        sdmetrics_metadata = {"columns": spec["columns"]}
        train, holdout = read(dataset / "train.csv"), read(dataset / "holdout.csv")
        for column, info in spec["columns"].items():
            if info["sdtype"] != "numerical":
                train[column] = train[column].astype("string")
                holdout[column] = holdout[column].astype("string")
        tables = {}
        start = time.time()
        synthesizer = TVAESynthesizer(metadata, epochs=spec["epochs"], batch_size=500)
        try:
            synthesizer.fit(train)
        except Exception:  # SDV 2.0 takes its one table by name
            synthesizer.fit({"table": train})
        sampled = synthesizer.sample(num_rows=len(train))
        if isinstance(sampled, dict):
            sampled = sampled["table"]
        tables["sdv-tvae"] = (sampled, time.time() - start)
        for path in sorted(dataset.glob("synthetic-*.csv")):
            table = read(path)
            for column, info in spec["columns"].items():
                if info["sdtype"] != "numerical":
                    table[column] = table[column].astype("string")
            tables[path.stem.removeprefix("synthetic-")] = (table, float("nan"))
        for name, (table, seconds) in tables.items():
            report = QualityReport()
            report.generate(train, table[train.columns], sdmetrics_metadata, verbose=False)
            ratio = tstr_ratio(train, holdout, table, spec["tstr"])
            print(f"{dataset.name:14} {name:17} {seconds:8.1f}  {report.get_score():17.4f}  {ratio:10.4f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/charter-synth-comparison")
