#!/usr/bin/env python3
"""Lists functions longer than a limit (default 80 lines) in C/C++ sources, longest first.

A brace-matching heuristic, not a parser: a function is a top-level or class-level brace block whose opening line
(or the lines just before it) ends a parameter list - `)` followed by qualifiers, an initialiser list or nothing -
and that is not a namespace, class, struct, enum, union, extern block or control statement. Comments, string and
character literals are blanked first so their braces do not count. Lambdas and blocks inside a function count as
part of it. Usage: check_function_length.py [--limit N] [PATH...] (default: model hostdrv testbench bench examples,
without testbench/tests). Exits 1 when any function is over the limit, unless a comment in the five lines above
its opening line gives the reason, as `// Long because: <reason>` (CTest `function_length` runs this check).
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_PATHS = ["model", "hostdrv", "testbench", "bench", "examples"]
EXCLUDE = ["testbench/tests"]
REASON = re.compile(r"//\s*Long because:\s*\S")
NOT_FUNCTION = re.compile(r"\b(namespace|class|struct|enum|union|extern\s+\"C\"|if|for|while|switch|do|else|try|catch)\b")
PARAMS_END = re.compile(r"\)\s*(const|noexcept|override|final|volatile|&|&&|->\s*[\w:<>,\s*&]+|\s)*"
                        r"(:\s*[^;{}]*)?$")


def blank(text):
    """Comments and literals replaced by spaces (newlines kept, so line numbers stay)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            m = re.match(r'R"([^(]*)\(', text[i - 1:i + 20]) if c == '"' and i and text[i - 1] == "R" else None
            if m:
                end = text.find(")" + m.group(1) + '"', i)
                j = n if end < 0 else end + len(m.group(1)) + 2
            else:
                j = i + 1
                while j < n and text[j] != c:
                    j += 2 if text[j] == "\\" else 1
                j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    text = blank(path.read_text(errors="replace"))
    stack = []  # (is_function, start_line, head)
    line = 1
    head_start = 0
    for i, c in enumerate(text):
        if c == "\n":
            line += 1
        elif c == "{":
            head = text[head_start:i]
            inside_function = any(f for f, _, _ in stack)
            is_function = (not inside_function and PARAMS_END.search(head.strip()) is not None and
                           not NOT_FUNCTION.search(head) and "=" not in head.split("(")[0])
            name = ""
            if is_function:
                m = re.search(r"([~\w:<>]+)\s*\([^()]*(\([^()]*\)[^()]*)*\)[^()]*$", head.strip())
                name = m.group(1) if m else head.strip().split("(")[0].split()[-1]
            stack.append((is_function, line, name))
            head_start = i + 1
        elif c == "}":
            if stack:
                is_function, start, name = stack.pop()
                if is_function:
                    yield name, start, line - start + 1
            head_start = i + 1
        elif c == ";":
            head_start = i + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=80)
    ap.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = ap.parse_args()
    long, excused = [], 0
    for p in args.paths:
        base = ROOT / p
        files = [base] if base.is_file() else sorted(base.rglob("*"))
        for f in files:
            rel = f.relative_to(ROOT).as_posix()
            if f.suffix not in {".cpp", ".cc", ".h", ".hpp", ".c"} or any(rel.startswith(e) for e in EXCLUDE):
                continue
            if "/ddk/" in rel:
                continue
            lines = f.read_text(errors="replace").splitlines()
            for name, start, length in functions(f):
                if length <= args.limit:
                    continue
                if any(REASON.search(x) for x in lines[max(0, start - 6):start]):
                    excused += 1
                else:
                    long.append((length, f"{rel}:{start}", name))
    for length, where, name in sorted(long, reverse=True):
        print(f"{length:5d}  {where}  {name}")
    if excused:
        print(f"check_function_length: {excused} long function(s) carry a `Long because:` reason")
    return 1 if long else 0


if __name__ == "__main__":
    sys.exit(main())
