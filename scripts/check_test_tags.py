#!/usr/bin/env python3
"""Every Catch2 tag used by a test case is one of the vocabulary docs/regression.md lists (the tables under
"Block suites and test tags"), and every listed tag is used: one spelling per idea, no drift such as
[robust]/[robustness]. Usage: check_test_tags.py [REPO_ROOT]. Exits 1 and names each stray tag."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)

# The tags of the last string literal of each TEST_CASE(...) head (name, then tags), across line breaks.
head = re.compile(r'\b(?:TEST_CASE|TEMPLATE_TEST_CASE|TEST_CASE_METHOD|SCENARIO)\s*\((.*?)\)\s*\{', re.S)
used = {}
for path in sorted(root.glob("testbench/tests/**/*.cpp")) + sorted(root.glob("sdk/**/*.cpp")):
    for m in head.finditer(path.read_text(errors="replace")):
        strings = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
        if len(strings) < 2:
            continue
        for tag in re.findall(r"\[([^\]]+)\]", strings[-1]):
            used.setdefault(tag, path.relative_to(root))

doc = (root / "docs/regression.md").read_text()
start = doc.find("## Block suites and test tags")
end = doc.find("\n## ", start + 1)
if start < 0:
    sys.exit("check_test_tags: docs/regression.md has no 'Block suites and test tags' section")
listed = set()
for line in doc[start:end].splitlines():
    if line.startswith("| `["):
        first_cell = line.split("|")[1]
        listed.update(re.findall(r"`\[([^\]`]+)\]`", first_cell))
listed = {t for t in listed if t != "ruleN"} | ({f"rule{n}" for n in range(1, 14)} if "ruleN" in doc else set())

errors = [f"[{t}] ({used[t]}) is not in docs/regression.md's tag table" for t in sorted(set(used) - listed)]
errors += [f"[{t}] is listed in docs/regression.md but no test case uses it"
           for t in sorted(listed - set(used)) if not t.startswith("rule")]
for e in errors:
    print("check_test_tags: " + e)
if not used:
    sys.exit("check_test_tags: no tagged test case found; the check no longer reads the sources")
sys.exit(1 if errors else 0)
