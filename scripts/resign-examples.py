#!/usr/bin/env python3
"""Re-signs the example requests' approvals after a policy change (README "Approvals: signed,
bound, spent once"): for each example with approvals, strip the block, compute the plan digest,
and sign each approval again with its approver's example key at the date it carried.

    python3 scripts/resign-examples.py [path/to/charter]

Denied examples are skipped: a denied request has no plan, so its approvals bind to nothing.
"""
import re, subprocess, sys, json, pathlib

charter = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/charter"
for path in sorted(pathlib.Path("examples/requests").glob("*.yaml")):
    text = path.read_text()
    lines = text.split("\n")
    start = next((i for i, l in enumerate(lines) if l.startswith("approvals:")), None)
    if start is None or lines[start].strip() == "approvals: []" or path.name.startswith("denied-"):
        continue
    end = start + 1
    while end < len(lines) and (lines[end].startswith(" ") or lines[end] == ""):
        end += 1
    # Keep trailing blank lines that belong to the next block.
    while end > start + 1 and lines[end - 1] == "":
        end -= 1
    block = lines[start + 1:end]
    if not any(re.match(r"\s+plan: ", l) for l in block):
        continue  # approvals not bound to a plan sign the request alone: a policy change leaves them valid
    entries = []
    for l in block:
        m = re.match(r"\s*- role: (\S+)", l)
        if m: entries.append({"role": m.group(1)})
        m = re.match(r"\s+by: (\S+)", l)
        if m: entries[-1]["by"] = m.group(1)
        m = re.match(r"\s+at: (\S+)", l)
        if m: entries[-1]["at"] = m.group(1)
    path.write_text("\n".join(lines[:start] + ["approvals: []"] + lines[end:]))
    # An example run under an overlay says so in its header: "Run it with --policy <overlay>".
    overlay = re.search(r"--policy (examples/policies/[\w.-]+\.yaml)", text)
    extra = ["--policy", overlay.group(1)] if overlay else []
    out = subprocess.run([charter, "plan", str(path), "--format", "json", "--registry", "/nonexistent"] + extra,
                         capture_output=True, text=True).stdout
    digest = json.loads(out)["digest"] if out.strip().startswith("{") else None
    if digest is None:
        print(f"{path}: no plan digest: {out[:300]}", file=sys.stderr); sys.exit(1)
    for e in entries:
        key = "examples/keys/" + e["by"].split("@")[0]
        r = subprocess.run([charter, "approve", str(path), "--role", e["role"], "--key", key, "--plan", digest,
                            "--now", e["at"], "--write"] + extra, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{path}: approve failed: {r.stdout}{r.stderr}", file=sys.stderr); sys.exit(1)
    print(f"{path.name}: {len(entries)} approval(s) bound to {digest}")
