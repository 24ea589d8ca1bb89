#!/usr/bin/env python3
"""nicsim_bench's command line from outside: bad input is one line on stderr and exit 2 before anything runs, and
--rounds judges a target on the median of the rounds' own figures (recomputed here from each round's printed ratio,
not taken from the bench's median).

Usage: bench_cli_test.py NICSIM_BENCH
"""
import re
import statistics
import subprocess
import sys

BENCH = sys.argv[1]
BAD = [
    ["--rounds", "0"], ["--rounds", "100"], ["--rounds", "2x"], ["--rounds"], ["--only", "ref,bogus"],
    ["--seconds", "0"], ["--seconds", "1s"], ["--long-packets", "-3"], ["--profile", "full"],
    ["--profile", "bogus", "10"], ["--profile", "full", "0"], ["--profile", "full", "10x"], ["stray"],
]
failures = []


def run(args):
    return subprocess.run([BENCH] + args, capture_output=True, text=True, timeout=120)


for args in BAD:
    p = run(args)
    lines = p.stderr.splitlines()
    if p.returncode != 2 or len(lines) != 1 or not lines[0].startswith("nicsim_bench: ") or p.stdout:
        failures.append(f"{args}: exit {p.returncode}, stderr {lines}, stdout {len(p.stdout)} bytes")

ROUNDS = 3
p = run(["--only", "ref,full", "--seconds", "0.1", "--rounds", str(ROUNDS)])
out = p.stdout
# Each round's note ends "...; (b)/(a) = 1.065 in wall time, 0.760 in clocks per CPU second; target >= 0.75: **met**."
per_round = [float(v) for v in re.findall(r"\(b\)/\(a\) = ([0-9.]+) in wall time", out)]
rows = re.findall(r"^\| \(b\) full system.*, round (\d+) \|", out, re.M)
m = re.search(r"^- \(b\)/\(a\): ([0-9.]+) in wall time \(([^)]*)\).*target >= 0\.75: \*\*(met|not met)\*\*\.$", out,
              re.M)
if p.returncode != 0:
    failures.append(f"--rounds {ROUNDS}: exit {p.returncode}: {p.stderr.strip()}")
elif rows != [str(k) for k in range(1, ROUNDS + 1)] or len(per_round) != ROUNDS or not m:
    failures.append(f"--rounds {ROUNDS}: rounds {rows}, per-round ratios {per_round}, median line found: {bool(m)}")
else:
    median = statistics.median(per_round)
    listed = [float(v) for v in m.group(2).split(",")]
    if abs(float(m.group(1)) - median) > 0.0015:
        failures.append(f"median printed {m.group(1)}, of the rounds {per_round}: {median}")
    if len(listed) != ROUNDS or any(abs(a - b) > 0.0051 for a, b in zip(listed, per_round)):
        failures.append(f"rounds listed {listed}, printed per round {per_round}")
    if (m.group(3) == "met") != (median >= 0.75):
        failures.append(f"verdict {m.group(3)} for a median of {median}")

for f in failures:
    print("FAIL:", f)
if failures:
    sys.exit(1)
print(f"nicsim_bench: {len(BAD)} bad command lines refused; --rounds {ROUNDS} median and verdict check out")
