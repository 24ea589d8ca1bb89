#!/usr/bin/env python3
"""Validates nicsim statistics files against docs/schema/nicsim-stats.schema.json.

Usage: validate_stats.py FILE...   exit 0 when every file is valid, 1 naming the first problem otherwise.
With two or more files it also checks that every key they share has the same JSON type in each (a pin and a tlm
run, a run with and without faults), which the schema alone cannot say for sections it leaves open.
"""
import json
import os
import sys

import jsonschema

SCHEMA = os.path.join(os.path.dirname(os.path.realpath(__file__)), "..", "..", "..", "docs", "schema",
                      "nicsim-stats.schema.json")


def kind(v):
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    return type(v).__name__


def main(paths):
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft202012Validator(schema)
    seen = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            print(f"{path}: {'/'.join(str(p) for p in e.path) or '(top)'}: {e.message}")
            return 1
        for section, rows in doc.items():
            if not isinstance(rows, dict) or section == "wall_clock":
                continue
            for key, value in rows.items():
                t = kind(value)
                # A number row may be integral in one run: an integer where another run has a fraction is the same.
                t = "number" if t == "integer" and seen.get((section, key), (None,))[0] == "number" else t
                prev = seen.setdefault((section, key), (t, path))
                if prev[0] != t and not (prev[0] == "integer" and t == "number"):
                    print(f"{path}: {section}.{key} is {t}, but {prev[0]} in {prev[1]}")
                    return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
