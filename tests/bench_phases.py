"""make bench, scaling by phase (issue 20, ask 4): ormlint --no-cache over a
tree at -j1 and at -j2, 3 runs each, ORMLINT_TIMINGS read back; prints the
median of each phase and the ratio -j1 / -j2: pass 1 (read, prefilter,
parse, facts: on every core), the call summaries (resolution on every core,
the fixpoint on one: its order decides which path a finding shows) and the
checks (on one). Figures, not assertions.

usage: bench_phases.py ORMLINT NAME TREE..."""
import os
import re
import statistics
import subprocess
import sys

ormlint, name, trees = sys.argv[1], sys.argv[2], sys.argv[3:]
pat = re.compile(r"pass 1 \(read, parse, facts; index\) ([\d.]+) ms, index ([\d.]+) ms, "
                 r"call summaries ([\d.]+) ms .*checks ([\d.]+) ms")
env = dict(os.environ, ORMLINT_TIMINGS="1")
med = {}
for j in (1, 2):
    runs = []
    for _ in range(3):
        p = subprocess.run([ormlint, f"-j{j}", "--no-cache", "-q", "--exit-zero", *trees],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        m = pat.search(p.stderr)
        if not m:
            sys.exit(f"bench_phases: no timings from {ormlint}: {p.stderr[-300:]}")
        pass1, index, summaries, checks = map(float, m.groups())
        # pass 1's figure holds the index builds and the summaries of its rounds
        runs.append((pass1 - index - summaries, summaries, checks))
    med[j] = [statistics.median(r[k] for r in runs) for k in range(3)]
parts = []
for k, label in enumerate(("pass 1", "call summaries", "checks")):
    a, b = med[1][k], med[2][k]
    parts.append(f"{label} {a:.0f} -> {b:.0f} ms ({a / b if b else 0:.2f} x)")
print(f"BENCH {name} phases -j1 -> -j2 (medians of 3): " + ", ".join(parts))
