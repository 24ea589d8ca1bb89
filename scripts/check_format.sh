#!/usr/bin/env bash
# Fails (exit 1) listing every tracked C/C++ source that clang-format (the committed .clang-format) would change.
# CTest runs it as the 'format' test; `scripts/check_format.sh --fix` rewrites the files instead.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || { echo "check_format: clang-format is not installed" >&2; exit 1; }
if [ "${1:-}" = "--fix" ]; then
    git ls-files -z '*.c' '*.cpp' '*.h' | xargs -0 clang-format -i
    exit 0
fi
bad=0
while IFS= read -r -d '' f; do
    if ! clang-format "$f" | cmp -s - "$f"; then
        echo "not clang-format clean: $f"
        bad=1
    fi
done < <(git ls-files -z '*.c' '*.cpp' '*.h')
[ "$bad" -eq 0 ] && echo "check_format: every C/C++ source is clang-format clean"
exit "$bad"
