#!/usr/bin/env python3
"""Self cost per unit of work, grouped by owner, from two callgrind runs of different lengths.

The difference of the two runs cancels bring-up; dividing by the work done between them (frames moved, clocks)
gives the cost per unit. Functions are grouped by their namespace or library, as docs/performance.md tabulates them.

    scripts/callgrind_groups.py SHORT.out LONG.out UNITS
"""
import argparse
import collections
import os
import re
import subprocess

GROUPS = [
    ("SystemC kernel and TLM sockets", r"sc_core::|sc_dt::|tlm::|tlm_utils::|qt_|nicsim::DirectTargetSocket"),
    ("NIC model", r"nicsim::nic::"),
    ("NDIS host and miniport", r"nicsim::ndis|nicsim::miniport|nicsim::hal|Ndis|Hal"),
    ("PCI clock and bus", r"nicsim::pci::"),
    ("host model (CPU, DMA verifier, host memory)", r"nicsim::host::"),
    ("fast mode", r"nicsim::fast::"),
    ("wire, Ethernet", r"nicsim::wire::|nicsim::net::"),
    ("testbench", r"nicsim::tb::|nicsim::checkers"),
    ("malloc / free", r"malloc|free|_int_malloc|_int_free|operator new|operator delete|cfree"),
]
OTHER = "libc, libstdc++, other"
LINE = re.compile(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$")


def self_costs(path):
    """Self cost per function ('file:function [object]' as callgrind_annotate prints it)."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", path], capture_output=True,
                         text=True, check=True).stdout
    costs = collections.Counter()
    for line in out.splitlines():
        m = LINE.match(line)
        if m and ":" in m.group(2):
            costs[m.group(2)] += int(m.group(1).replace(",", ""))
    return costs


def group_of(entry):
    function = re.split(r"(?<!:):(?!:)", entry, maxsplit=1)[-1]
    function = re.sub(r"^(non-virtual |virtual )?thunk to ", "", function)
    for name, pattern in GROUPS:
        if re.match(pattern, function):
            return name
    if "libsystemc" in entry and not function.startswith("nicsim"):
        return GROUPS[0][0]
    return OTHER


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("short")
    ap.add_argument("long")
    ap.add_argument("units", type=float, help="work done between the two runs (frames, clocks)")
    args = ap.parse_args()
    if args.units <= 0:
        ap.error("units must be positive")
    for path in (args.short, args.long):
        if not os.path.isfile(path):
            ap.error(f"{path}: no such callgrind output")
    short, long_ = self_costs(args.short), self_costs(args.long)
    totals = collections.OrderedDict((name, 0) for name, _ in GROUPS)
    totals[OTHER] = 0
    for entry in set(short) | set(long_):
        totals[group_of(entry)] += long_[entry] - short[entry]
    def per_unit(cost):
        return f"{cost / args.units:,.0f}".replace(",", " ")

    print("| group | per unit |\n|---|---:|")
    for name, cost in totals.items():
        print(f"| {name} | {per_unit(cost)} |")
    print(f"| **total** | **{per_unit(sum(totals.values()))}** |")


if __name__ == "__main__":
    main()
