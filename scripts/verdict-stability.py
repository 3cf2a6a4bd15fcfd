#!/usr/bin/env python3
"""Verdict stability of the gates (issue 21): the same request run many times, each with another
holdout split, under the reference policy's gate rules; and the front-door example repeated as
written (the same split, fresh privacy noise each run).

    python3 scripts/verdict-stability.py CHARTER_BINARY OUT_DIR [--runs 200] [--front-door 200] [--first 0]
    python3 scripts/verdict-stability.py --merge OUT_DIR CASE.json [CASE.json ...]

`--purpose clinical-research` puts the cases in the reference policy's high tier (more gates; the
quasi-identifier, l-diversity and fairness checks then fail for want of declared columns, and the
summary still reports every interval's coverage);
`--protected COLUMN[,COLUMN]` declares protected attributes (`source.protected`), so the high tier's
fairness gap is measured (actg175: `gender`, `race`);
`--first N` numbers the runs from N (so runs split over invocations never repeat a request id);
`--merge` summarises the runs of several invocations' CASE.json files together.

Cases (shared-dataset stand-ins for the issue's HELPrct and colon measurements):
  breast-cancer  examples/data/breast_cancer.csv, 569 rows (HELPrct, 453), gaussian-copula, target diagnosis
  actg175        examples/data/actg175.csv, 2,139 rows (colon, 1,858), dp-copula at epsilon 1, target cens

Each run of a case is a request whose `id` carries the run number: the holdout split's seed and the
generator's seed come from the request's digest, so every run has its own split. The policy is
policies/health-synthetic.yaml with its approvals and signed identities removed (approvals decide
who may run, never what a gate measures): thresholds, tiers and gate_rules are the reference's.
Every run gets a fresh registry, so no run's budget depends on another's.

Reports, per case: the verdicts (published / gate-failed / error), each failed check's count, the
share of runs with the majority verdict, and for every gate measure with an interval, how often the
interval covers the mean of the estimates over all runs (the repeated-split mean) against its level.
"""
import argparse, json, os, re, shutil, statistics, subprocess, sys, collections

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def policy_without_approvals(out):
    text = open(os.path.join(ROOT, "policies/health-synthetic.yaml")).read()
    text = re.sub(r"\n      approvals: \{[^}]*\}", "", text)
    text = re.sub(r"\nidentities:\n(  .*\n)+", "\n", text)
    # Rules that require approvals (audience, jurisdiction, high-risk AI) do not apply to these requests.
    os.makedirs(out, exist_ok=True)
    open(os.path.join(out, "health-synthetic.yaml"), "w").write(text)
    return out

CASES = {
    "breast-cancer": dict(
        path="examples/data/breast_cancer.csv", rows=569, generator="gaussian-copula", epsilon=None,
        classification="internal", target="diagnosis", quasi="[]", exclude="[]", columns=None, output=569),
    "actg175": dict(
        path="examples/data/actg175.csv", rows=2139, generator="dp-copula", epsilon="1.0",
        classification="internal", target="cens", quasi="[]", exclude="[pidnum, days, r]", columns="actg175",
        output=2139),
}

def actg175_columns():
    # Declared domains from public ranges would be the request's job; here, each column's observed
    # range widened to round numbers stands in for them (the stability check measures the gates, not DP).
    import csv
    rows = list(csv.DictReader(open(os.path.join(ROOT, "examples/data/actg175.csv"))))
    lines = []
    for name in rows[0].keys():
        if name in ("pidnum", "days", "r"):
            continue
        values = [float(r[name]) for r in rows if r[name] not in ("", "NA")]
        distinct = sorted(set(values))
        if len(distinct) <= 4:
            cats = ", ".join('"%s"' % (int(v) if v == int(v) else v) for v in distinct)
            lines.append("    %s: { type: categorical, categories: [%s] }" % (name, cats))
        else:
            lines.append("    %s: { type: numeric, min: %d, max: %d }" % (name, int(min(values)) - 1, int(max(values)) + 1))
    return "\n".join(lines)

def request(case, run, path_root, purpose="model-prototyping", protected=""):
    c = CASES[case]
    generator = "generator:\n  type: %s\n" % c["generator"]
    if c["epsilon"]:
        generator += "  epsilon: %s\n  delta: 1.0e-6\n" % c["epsilon"]
    columns = ""
    if c["columns"] == "actg175":
        columns = "  columns:\n" + actg175_columns() + "\n"
    return """charter: 1
kind: generation-request
id: STAB-%s-%04d
ticket: GOV-21
requester: alice@hospital.example
purpose: %s
audience: internal
consumers: [ml]
jurisdiction: EU
high_risk_ai: false
source:
  dataset: %s-stability-%04d
  path: %s
  rows: %d
  classification: %s
  jurisdiction: EU
  privacy_unit: patient
  quasi_identifiers: %s
%s  target: %s
  exclude: %s
%s%soutput:
  rows: %d
expires_at: 2027-02-20
""" % (case, run, purpose, case, run, c["path"], c["rows"], c["classification"], c["quasi"],
       "  protected: [%s]\n" % protected if protected else "", c["target"], c["exclude"], columns, generator,
       c["output"])

def run_one(charter, request_path, policy, work, cwd):
    registry = os.path.join(work, "registry.sqlite")
    key = os.path.join(work, "signing-key")
    out = os.path.join(work, "out")
    proc = subprocess.run(
        [charter, "run", request_path, "--policy", policy, "--registry", registry, "--key", key, "--out", out,
         "--now", "2026-11-23T10:00:00Z", "--actor", "stability@hospital.example", "--format", "json"],
        capture_output=True, text=True, cwd=cwd)
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError:
        result = {"outcome": "error", "error": (proc.stderr or proc.stdout).strip()[-400:]}
    result["exit"] = proc.returncode
    return result

def summarise(name, results, out):
    verdicts = collections.Counter(r.get("outcome", "error") for r in results)
    failed = collections.Counter()
    errors = collections.Counter()
    for r in results:
        for f in r.get("failed", []):
            failed[f.get("check")] += 1
        if r.get("outcome") == "error":
            errors[(r.get("stage", "?") + ": " + r.get("error", ""))[:160]] += 1
    majority = verdicts.most_common(1)[0][1] / len(results)
    lines = ["%s: %d runs; verdicts %s; same verdict %.1f%%" % (name, len(results), dict(verdicts), 100 * majority)]
    if failed:
        lines.append("  failed checks: %s" % dict(failed))
    for e, n in errors.items():
        lines.append("  error x%d: %s" % (n, e))
    measures = collections.defaultdict(list)
    for r in results:
        for g in r.get("gates", []):
            u = g.get("uncertainty")
            if u and u.get("estimate") is not None and u.get("lower") is not None:
                measures[g["check"]].append(u)
    for check, intervals in sorted(measures.items()):
        mean = statistics.fmean(u["estimate"] for u in intervals)
        covered = sum(1 for u in intervals if u["lower"] <= mean <= u["upper"])
        width = statistics.fmean(u["upper"] - u["lower"] for u in intervals)
        sd = statistics.pstdev(u["estimate"] for u in intervals)
        lines.append(
            "  %s: repeated-split mean %.4f (sd %.4f); %d/%d intervals cover it (%.1f%%, stated %.0f%%); mean width %.4f; %s"
            % (check, mean, sd, covered, len(intervals), 100 * covered / len(intervals), 100 * intervals[0]["level"],
               width, intervals[0]["method"][:90]))
    text = "\n".join(lines)
    print(text, flush=True)
    with open(os.path.join(out, "summary.txt"), "a") as f:
        f.write(text + "\n")

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("charter")
    parser.add_argument("out")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--front-door", type=int, default=200)
    parser.add_argument("--cases", default="breast-cancer,actg175")
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--purpose", default="model-prototyping")
    parser.add_argument("--protected", default="")
    if len(sys.argv) > 2 and sys.argv[1] == "--merge":
        out = os.path.abspath(sys.argv[2])
        os.makedirs(out, exist_ok=True)
        results = []
        for path in sys.argv[3:]:
            results += json.load(open(path))
        summarise("merged %s" % ", ".join(sys.argv[3:]), results, out)
        return
    args = parser.parse_args()
    charter = os.path.abspath(args.charter)
    out = os.path.abspath(args.out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    policy = policy_without_approvals(os.path.join(out, "policy"))
    for case in [c for c in args.cases.split(",") if c]:
        results = []
        for run in range(args.first, args.first + args.runs):
            work = os.path.join(out, case, "%04d" % run)
            os.makedirs(work)
            path = os.path.join(work, "request.yaml")
            open(path, "w").write(request(case, run, ROOT, args.purpose, args.protected))
            result = run_one(charter, path, policy, work, ROOT)
            results.append(result)
            shutil.rmtree(os.path.join(work, "out"), ignore_errors=True)
        json.dump(results, open(os.path.join(out, case + ".json"), "w"))
        summarise(case, results, out)
    # The front-door example as written, signed approvals and all, on a fresh registry each run.
    results = []
    epsilons = collections.Counter()
    for run in range(args.front_door):
        work = os.path.join(out, "front-door", "%04d" % run)
        os.makedirs(work)
        result = run_one(charter, os.path.join(ROOT, "examples/requests/allowed-gbsg2-prototyping.yaml"),
                         os.path.join(ROOT, "policies"), work, ROOT)
        for g in result.get("gates", []):
            if g.get("check") == "epsilon_spent.max":
                epsilons[g.get("measured")] += 1
        results.append(result)
        shutil.rmtree(os.path.join(work, "out"), ignore_errors=True)
    if results:
        json.dump(results, open(os.path.join(out, "front-door.json"), "w"))
        summarise("front-door allowed-gbsg2-prototyping", results, out)
        print("  epsilon spent per run: %s" % dict(epsilons))
        with open(os.path.join(out, "summary.txt"), "a") as f:
            f.write("  epsilon spent per run: %s\n" % dict(epsilons))

if __name__ == "__main__":
    main()
