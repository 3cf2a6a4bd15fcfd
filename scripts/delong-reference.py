#!/usr/bin/env python3
"""Reference numbers for CharterStats' DeLong and Wilson intervals (issue 21).

DeLong, DeLong & Clarke-Pearson (1988) computed from the O(m*n) definition of the placements
(no midranks, no sorting), so it is an independent route to what DeLong.swift computes with
Sun & Xu's midrank algorithm. Wilson intervals come from scipy.stats.binomtest(...).proportion_ci.

Inputs: the gbsg2 reference holdout (Tests/Fixtures/reference-metrics/gbsg2/holdout.csv, 206 rows;
label cens == 1; scorers pnodes, tsize, -progrec: integer columns full of ties) and a seeded
imbalanced draw with rounded (tied) scores. Run with numpy 2.4.6, scipy 1.17.1:

    python3 scripts/delong-reference.py > Tests/CharterStatsTests/Fixtures/delong/reference.json
"""
import csv, json, math, sys
import numpy as np
from scipy import stats

def delong(scores, labels):
    labels = np.asarray(labels, dtype=bool)
    k = len(scores)
    x = [np.asarray(s, float)[labels] for s in scores]
    y = [np.asarray(s, float)[~labels] for s in scores]
    m, n = len(x[0]), len(y[0])
    v10, v01, aucs = [], [], []
    for a in range(k):
        psi = (x[a][:, None] > y[a][None, :]).astype(float) + 0.5 * (x[a][:, None] == y[a][None, :])
        v10.append(psi.mean(axis=1)); v01.append(psi.mean(axis=0)); aucs.append(psi.mean())
    s10 = np.cov(np.vstack(v10)); s01 = np.cov(np.vstack(v01))
    cov = np.atleast_2d(s10) / m + np.atleast_2d(s01) / n
    return aucs, cov.tolist()

def ratio_interval(a, b, va, vb, cab, level):
    z = stats.norm.ppf(0.5 * (1 + level))
    lv = va / a**2 + vb / b**2 - 2 * cab / (a * b)
    r = a / b
    return [r * math.exp(-z * math.sqrt(lv)), r * math.exp(z * math.sqrt(lv))]

def case(name, scores, labels):
    aucs, cov = delong(scores, labels)
    z95 = stats.norm.ppf(0.975)
    return {
        "name": name, "labels": [bool(l) for l in labels], "scores": [[float(v) for v in s] for s in scores],
        "aucs": aucs, "covariance": cov,
        "auc0_interval_95": [max(0.0, aucs[0] - z95 * math.sqrt(cov[0][0])), min(1.0, aucs[0] + z95 * math.sqrt(cov[0][0]))],
        "ratio_1_over_0_interval_90": ratio_interval(aucs[1], aucs[0], cov[1][1], cov[0][0], cov[0][1], 0.90),
        "ratio_1_over_0_interval_95": ratio_interval(aucs[1], aucs[0], cov[1][1], cov[0][0], cov[0][1], 0.95),
    }

rows = list(csv.DictReader(open("Tests/Fixtures/reference-metrics/gbsg2/holdout.csv")))
labels = [r["cens"] == "1" for r in rows]
gbsg2 = [[float(r["pnodes"]) for r in rows], [float(r["tsize"]) for r in rows], [-float(r["progrec"]) for r in rows]]
rng = np.random.default_rng(20261203)
n = 57
lab = rng.random(n) < 0.23
lab[0], lab[1] = True, False
s0 = np.round(rng.normal(size=n) + 0.9 * lab, 1)
s1 = np.round(0.6 * s0 + 0.8 * rng.normal(size=n) + 0.3 * lab, 1)
wilson = []
for k, t in [(0, 12), (3, 40), (117, 206), (1900, 2000), (40, 40)]:
    for level in (0.9, 0.95):
        ci = stats.binomtest(k, t).proportion_ci(confidence_level=level, method="wilson")
        wilson.append({"successes": k, "trials": t, "level": level, "lower": ci.low, "upper": ci.high})
json.dump({"generated_by": "scripts/delong-reference.py (numpy 2.4.6, scipy 1.17.1)",
           "cases": [case("gbsg2-holdout", gbsg2, labels), case("seeded-imbalanced-ties", [s0.tolist(), s1.tolist()], lab.tolist())],
           "wilson": wilson}, sys.stdout, indent=1)
