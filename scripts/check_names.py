#!/usr/bin/env python3
"""One name per value: a run parameter's RunConfig field, a fault kind's FaultConfig field and a registry keyword's
miniport Adapter field are spelled as the option, the fault kind or the keyword they hold.

The rule (written where the parameters are declared, testbench/nicsim/params.cpp): the field is the name in
snake_case; a parameter whose value carries a unit (metavar TIME, MHZ or MBPS) adds the unit the field holds
(_ns, _mhz, _mbps); a fault kind that takes a time (NAME:T) adds _ns. Prints each mismatch and exits 1.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
UNIT_SUFFIX = {"TIME": "_ns", "MHZ": "_mhz", "MBPS": "_mbps"}


def snake(name):
    name = name.lstrip("*")
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return name.replace("-", "_").lower()


def struct_body(text, name):
    m = re.search(r"^struct " + name + r" \{\n(.*?)^\};", text, re.M | re.S)
    if not m:
        sys.exit(f"check_names: struct {name} not found")
    return m.group(1)


def documented_fields(body, comment):
    """(field, documented name, rest of the comment) for each member whose comment starts with a name."""
    pat = re.compile(r"^\s+[\w:<>]+(?:\s+[\w:<>]+)*?\s+(\w+)(?:\s*=[^;]*)?;\s*" + comment + r"\s*([\w*-]+)(.*)$", re.M)
    return [(m.group(1), m.group(2), m.group(3)) for m in pat.finditer(body)]


def params():
    """(option name, metavar or None) of every entry of param_table."""
    header = (ROOT / "testbench/nicsim/params.h").read_text()
    consts = dict(re.findall(r'constexpr const char\* (k\w+) = "([^"]+)";', header))
    src = (ROOT / "testbench/nicsim/params.cpp").read_text()
    out = []
    for m in re.finditer(r'\{(?:"([a-z0-9-]+)"|(k\w+Key)), kGroup\w+, (?:nullptr|"([A-Z]+)")', src):
        out.append((m.group(1) or consts[m.group(2)], m.group(3)))
    return out


def main():
    errors = []
    run_config = (ROOT / "testbench/nicsim/run_config.h").read_text()
    fields = {doc: field for field, doc, _ in documented_fields(struct_body(run_config, "RunConfig"), "///<")}
    table = params()
    if len(table) < 20:
        errors.append(f"params.cpp: only {len(table)} parameters recognised; the check no longer reads the table")
    for name, metavar in table:
        want = snake(name) + UNIT_SUFFIX.get(metavar, "")
        got = fields.get(name)
        if got is None:
            errors.append(f"run_config.h: no RunConfig field documented '///< {name}:' (expected '{want}')")
        elif got != want:
            errors.append(f"run_config.h: the field of --{name} is '{got}', expected '{want}'")
    for field, kind, rest in documented_fields(struct_body(run_config, "FaultConfig"), "///<"):
        want = snake(kind) + ("_ns" if rest.startswith(":T") else "")
        # A member about a kind rather than its value (link-down-for was set) adds a word after the kind's name.
        if field != want and not (not rest.startswith(":") and field.startswith(want + "_")):
            errors.append(f"run_config.h: the field of fault kind {kind} is '{field}', expected '{want}'")
    adapter = (ROOT / "hostdrv/miniport/e1000_adapter.h").read_text()
    keywords = set(re.findall(r'kKey\w+ = "([^"]+)"', (ROOT / "hostdrv/miniport/e1000_miniport.h").read_text()))
    checked = 0
    for field, keyword, _ in documented_fields(struct_body(adapter, "Adapter"), "//"):
        if keyword in keywords:
            checked += 1
            if field != snake(keyword):
                errors.append(f"e1000_adapter.h: the field holding {keyword} is '{field}', expected '{snake(keyword)}'")
    if checked != len(keywords):
        errors.append(f"e1000_adapter.h: {checked} of {len(keywords)} registry keywords name the field holding them")
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
