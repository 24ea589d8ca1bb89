#!/usr/bin/env bash
# Golden-trace test: GOLDEN_DIR NAME NICSIM nicsim-args... runs nicsim with a VCD and compares it byte for byte with
# GOLDEN_DIR/NAME.vcd. With NICSIM_REGENERATE_GOLDEN=1 it writes the golden file instead (never edit one by hand).
set -u
GOLDEN_DIR=$1
NAME=$2
NICSIM=$3
shift 3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
"$NICSIM" --quiet --pcap-out none --vcd "$NAME.vcd" "$@" 2>err.txt
code=$?
if [ "$code" -ne 0 ]; then
    cat err.txt
    echo "FAIL: nicsim $* exited $code"
    exit 1
fi
golden="$GOLDEN_DIR/$NAME.vcd"
if [ "${NICSIM_REGENERATE_GOLDEN:-0}" = "1" ]; then
    cp "$NAME.vcd" "$golden" || exit 1
    echo "REGENERATED: $golden"
    exit 0
fi
[ -f "$golden" ] || { echo "FAIL: no golden file $golden (NICSIM_REGENERATE_GOLDEN=1 ctest -R golden writes it)"; exit 1; }
if ! cmp -s "$NAME.vcd" "$golden"; then
    echo "FAIL: $NAME.vcd differs from $golden; first differences:"
    diff "$golden" "$NAME.vcd" | head -20
    echo "If the change is intended: NICSIM_REGENERATE_GOLDEN=1 ctest -R golden, then review and commit the diff."
    exit 1
fi
echo "PASS: $NAME.vcd matches $golden"
