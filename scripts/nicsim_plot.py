#!/usr/bin/env python3
"""Figures from a nicsim sweep's results.csv: one metric (or several, stacked) against a varied parameter, one line per
value of another, the mean over seeds with error bars of one standard deviation. Writes PREFIX.png and PREFIX.svg.

`nicsim plot` and `nicsim sweep --plot` run this script; it can also be run directly:
    nicsim_plot.py RESULTS.csv --x max-transfer --y bus_master_nic.efficiency_percent --by mem-latency --out fig

Bad input (a missing column, no rows to draw, matplotlib not installed) is one line on stderr and exit status 2.
"""
import argparse
import csv
import math
import statistics
import sys


def fail(message):
    print(f"nicsim plot: {message}", file=sys.stderr)
    sys.exit(2)


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def parse_args(argv):
    p = argparse.ArgumentParser(prog="nicsim plot", description=__doc__.split("\n\n")[0])
    p.add_argument("csv", help="results.csv of a sweep")
    p.add_argument("--x", required=True, help="column on the horizontal axis (a varied parameter)")
    p.add_argument("--y", required=True, action="append", help="metric column; repeat for stacked panels")
    p.add_argument("--by", help="one line per value of this column")
    p.add_argument("--out", help="output prefix (default: the CSV's name without .csv, then -Y)")
    p.add_argument("--title", help="figure title")
    p.add_argument("--ylabel", action="append", help="label of each --y panel (default: the column name)")
    p.add_argument("--logx", action="store_true", help="logarithmic x axis (base 2)")
    p.add_argument("--expect", action="append", default=[],
                   help="LABEL=EXPR: an expected curve, EXPR in x and by (e.g. 'N/(N+2)=100*(x/4)/(x/4+2)'); "
                        "one per line of --by when EXPR uses by")
    p.add_argument("--include-failed", action="store_true", help="draw runs whose checks failed (status failed)")
    class Refusal(argparse.ArgumentParser):
        def error(self, message):
            fail(message)
    p.__class__ = Refusal
    return p.parse_args(argv)


def read_rows(path, columns, include_failed):
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            rows = list(reader)
    except OSError as e:
        fail(f"cannot read {path}: {e.strerror}")
    for c in columns:
        if c not in header:
            fail(f"{path}: no column '{c}' (columns: {', '.join(header)})")
    wanted = {"ok", "failed"} if include_failed else {"ok"}
    kept = [r for r in rows if r.get("status", "ok") in wanted]
    if len(kept) < len(rows):
        print(f"nicsim plot: {len(rows) - len(kept)} of {len(rows)} runs left out (status not "
              f"{' or '.join(sorted(wanted))})", file=sys.stderr)
    if not kept:
        fail(f"{path}: no run to draw")
    return kept


def ordered(values):
    """Distinct values in numeric order when all are numbers, else in order of appearance."""
    seen = list(dict.fromkeys(values))
    if all(number(v) is not None for v in seen):
        return sorted(seen, key=number)
    return seen


def series(rows, x, y, by):
    """{by value: (xs, means, stdevs)} over the seeds of each (by, x)."""
    groups = {}
    for r in rows:
        v = number(r[y])
        if v is None:
            continue
        groups.setdefault(r[by] if by else "", {}).setdefault(r[x], []).append(v)
    out = {}
    for b in ordered(list(groups)):
        xs = ordered(list(groups[b]))
        vals = [groups[b][k] for k in xs]
        out[b] = (xs, [statistics.fmean(v) for v in vals],
                  [statistics.stdev(v) if len(v) > 1 else 0.0 for v in vals])
    return out


def expected_curves(specs):
    curves = []
    for s in specs:
        label, sep, expr = s.rpartition("=")
        if not sep:
            label, expr = s, s
        try:
            code = compile(expr, "--expect", "eval")
        except SyntaxError as e:
            fail(f"--expect '{s}': {e.msg}")
        curves.append((label, code))
    return curves


def evaluate(code, x, by):
    names = {"x": x, "by": by, "min": min, "max": max, "log2": math.log2, "ceil": math.ceil, "floor": math.floor}
    try:
        return float(eval(code, {"__builtins__": {}}, names))
    except Exception as e:  # the user's own expression: any error is bad input
        fail(f"--expect: {e}")


def draw_panel(ax, rows, args, y, label, curves):
    data = series(rows, args.x, y, args.by)
    numeric_x = all(number(v) is not None for b in data.values() for v in b[0])
    cats = ordered([v for b in data.values() for v in b[0]])
    for i, (b, (xs, means, devs)) in enumerate(data.items()):
        # Categories have no order to join by lines: markers side by side instead.
        shift = (i - (len(data) - 1) / 2) * 0.12
        pos = [number(v) for v in xs] if numeric_x else [cats.index(v) + shift for v in xs]
        colour = f"C{i % 10}"
        name = f"{args.by} = {b}" if args.by else None
        ax.errorbar(pos, means, yerr=devs, marker="o", markersize=4 if numeric_x else 6, capsize=3, linewidth=1.5,
                    linestyle="-" if numeric_x else "none", color=colour, label=name)
        for j, (clabel, code) in enumerate(curves):
            per_line = "by" in code.co_names
            if not numeric_x or (i > 0 and not per_line):
                continue
            fine = sorted(set(pos))
            ax.plot(fine, [evaluate(code, v, number(b) if b else 0) for v in fine], linestyle=["--", ":", "-."][j % 3],
                    color=colour if per_line else "black", linewidth=1, alpha=0.8, label=clabel if i == 0 else None)
    if not numeric_x:
        ax.set_xticks(range(len(cats)))
        ax.set_xticklabels(cats)
    elif args.logx:
        ax.set_xscale("log", base=2)
        ticks = sorted({number(v) for v in cats})
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{t:g}" for t in ticks])
    ax.set_ylabel(label)
    ax.grid(True, linewidth=0.5, alpha=0.5)
    if args.by or curves:
        ax.legend(fontsize="small", framealpha=0.9)


def main(argv):
    args = parse_args(argv)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        fail("matplotlib is not installed (Debian: apt-get install python3-matplotlib)")
    columns = [args.x] + args.y + ([args.by] if args.by else [])
    rows = read_rows(args.csv, columns, args.include_failed)
    curves = expected_curves(args.expect)
    labels = (args.ylabel or []) + args.y[len(args.ylabel or []):]
    # Reproducible files: no creation date, a fixed id salt in the SVG.
    matplotlib.rcParams.update({"svg.hashsalt": "nicsim", "font.size": 10})
    fig, axes = plt.subplots(len(args.y), 1, figsize=(6.4, 3.6 * len(args.y)), squeeze=False, sharex=True)
    for ax, y, label in zip(axes[:, 0], args.y, labels):
        draw_panel(ax, rows, args, y, label, curves if y == args.y[0] else [])
    axes[-1, 0].set_xlabel(args.x)
    if args.title:
        fig.suptitle(args.title)
    fig.tight_layout()
    prefix = args.out or (args.csv[:-4] if args.csv.endswith(".csv") else args.csv) + "-" + args.y[0]
    for ext, extra in (("png", {"dpi": 110}), ("svg", {})):
        try:
            fig.savefig(f"{prefix}.{ext}", metadata={"Date": None} if ext == "svg" else {"Software": None}, **extra)
        except OSError as e:
            print(f"nicsim plot: cannot write {prefix}.{ext}: {e.strerror}", file=sys.stderr)
            return 1
        print(f"{prefix}.{ext}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
