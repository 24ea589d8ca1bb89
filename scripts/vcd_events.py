#!/usr/bin/env python3
"""Print the value changes of chosen VCD signals, or find the time of an event, for make_screenshots.sh.

  vcd_events.py FILE.vcd dump NAME...           every change of the named signals (full names, e.g. nic.dma.op)
  vcd_events.py FILE.vcd first NAME VALUE [N]   time of the N-th (default 1st) change of NAME to VALUE (decimal)

Names are matched without the leading "SystemC." scope and without a "[msb:lsb]" suffix. Times are in the file's
timescale units (nicsim: 100 ps).
"""
import sys


def read(path, wanted):
    ids, scope, changes, now = {}, [], {w: [] for w in wanted}, 0
    with open(path) as f:
        defs = True
        for line in f:
            tok = line.split()
            if not tok:
                continue
            if defs:
                if tok[0] == "$scope":
                    scope.append(tok[2])
                elif tok[0] == "$upscope":
                    scope.pop()
                elif tok[0] == "$var":
                    name = ".".join(scope[1:] + [tok[4]])  # drop the top "SystemC" scope
                    if name in changes:
                        ids.setdefault(tok[3], []).append(name)
                elif tok[0] == "$enddefinitions":
                    defs = False
                continue
            for t in tok:
                pass
            t = tok[0]
            if t[0] == "#":
                now = int(t[1:])
            elif t[0] in "bB" and len(tok) > 1:
                for n in ids.get(tok[1], []):
                    v = tok[0][1:]
                    changes[n].append((now, int(v, 2) if set(v) <= set("01") else None))
            elif t[0] in "01xzXZ":
                for n in ids.get(t[1:], []):
                    changes[n].append((now, int(t[0]) if t[0] in "01" else None))
    return changes


def main():
    path, cmd, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if cmd == "dump":
        ch = read(path, args)
        for n in args:
            print(n, " ".join("%d:%s" % (t, "x" if v is None else v) for t, v in ch[n]))
    elif cmd == "first":
        name, value = args[0], int(args[1])
        nth = int(args[2]) if len(args) > 2 else 1
        seen = 0
        for t, v in read(path, [name])[name]:
            if v == value:
                seen += 1
                if seen == nth:
                    print(t)
                    return 0
        print("no change of %s to %d" % (name, value), file=sys.stderr)
        return 1
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
