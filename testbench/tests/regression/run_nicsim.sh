#!/usr/bin/env bash
# One regression run: nicsim NICSIM ARGS... in a scratch directory, without VCD or pcap unless the arguments ask.
# Prints the command (and nicsim prints its seed and the replay command when a check fails); exit status is nicsim's.
set -u
NICSIM=$1
shift
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
echo "run: nicsim --quiet --vcd none --pcap-out none $*"
"$NICSIM" --quiet --vcd none --pcap-out none "$@"
code=$?
[ "$code" -eq 0 ] && echo "PASS" || echo "FAIL (exit $code)"
exit "$code"
