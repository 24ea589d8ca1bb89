#!/usr/bin/env python3
"""Compare two VCD files by what they record, not how they are written: the timescale, every signal (its scope
path, name, type and width) and every signal's sequence of (time, value). Header text ($date, $version, $comment),
identifier codes, the order of changes within one time stamp, $dumpvars sections, letter case of x/z and a vector's
left extension are ignored, and a repeated value is not a change. Usage: compare_vcd.py A.vcd B.vcd; exit 0 when
equal, else 1 with the first difference."""
import sys


def tokens(path):
    with open(path) as f:
        for line in f:
            yield from line.split()


def extend(value, width):
    # IEEE 1364-2005, 18.2.1: a shorter vector value is extended to the left with 0, or with x / z when it starts so.
    if len(value) >= width:
        return value
    fill = value[0] if value[0] in "xz" else "0"
    return fill * (width - len(value)) + value


def read(path):
    timescale, scopes, signals, by_id = "", [], {}, {}
    it = tokens(path)
    time = 0
    for tok in it:
        if tok in ("$date", "$version", "$comment", "$dumpvars", "$dumpall", "$dumpon", "$dumpoff", "$end"):
            if tok in ("$date", "$version", "$comment"):
                for t in it:
                    if t == "$end":
                        break
            continue
        if tok == "$timescale":
            for t in it:
                if t == "$end":
                    break
                timescale += t
        elif tok == "$scope":
            scopes.append(next(it) + ":" + next(it))
            next(it)
        elif tok == "$upscope":
            scopes.pop()
            next(it)
        elif tok == "$var":
            kind, width, ident, name = next(it), int(next(it)), next(it), next(it)
            rest = [t for t in iter(lambda: next(it), "$end")]
            full = "/".join(scopes) + "/" + name + "".join(rest)
            if full in signals:
                sys.exit(f"{path}: {full} declared twice")
            signals[full] = {"kind": kind, "width": width, "changes": []}
            by_id.setdefault(ident, []).append(full)
        elif tok == "$enddefinitions":
            next(it)
        elif tok[0] == "#":
            time = int(tok[1:])
        elif tok[0] in "bBrR":
            value, ident = tok[1:].lower(), next(it)
            record(signals, by_id, ident, time, value, tok[0] in "bB")
        else:
            record(signals, by_id, tok[1:], time, tok[0].lower(), False)
    return timescale.replace(" ", ""), signals


def record(signals, by_id, ident, time, value, vector):
    for full in by_id[ident]:
        sig = signals[full]
        v = extend(value, sig["width"]) if vector else value
        changes = sig["changes"]
        if changes and changes[-1][0] == time:
            changes.pop()
        if not changes or changes[-1][1] != v:
            changes.append((time, v))


def main():
    ts_a, a = read(sys.argv[1])
    ts_b, b = read(sys.argv[2])
    if ts_a != ts_b:
        sys.exit(f"timescale {ts_a} against {ts_b}")
    if sorted(a) != sorted(b):
        sys.exit(f"signals differ: only in the first {sorted(set(a) - set(b))}, only in the second "
                 f"{sorted(set(b) - set(a))}")
    changes = 0
    for name in sorted(a):
        sa, sb = a[name], b[name]
        if (sa["kind"], sa["width"]) != (sb["kind"], sb["width"]):
            sys.exit(f"{name}: {sa['kind']} {sa['width']} against {sb['kind']} {sb['width']}")
        for i, (ca, cb) in enumerate(zip(sa["changes"], sb["changes"])):
            if ca != cb:
                sys.exit(f"{name}: change {i} is {ca} against {cb}")
        if len(sa["changes"]) != len(sb["changes"]):
            sys.exit(f"{name}: {len(sa['changes'])} changes against {len(sb['changes'])}")
        changes += len(sa["changes"])
    print(f"equal: {len(a)} signals, {changes} value changes, timescale {ts_a}")


main()
