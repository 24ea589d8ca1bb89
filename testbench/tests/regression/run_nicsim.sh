#!/usr/bin/env bash
# One regression run: nicsim NICSIM ARGS... in a scratch directory, without VCD unless the arguments ask.
# Passes when nicsim exits 0 (every check passed), the traffic finished (a run ended by the time limit, a hang,
# fails here even though nicsim itself exits 0 for it) and tshark, with checksum validation, finds no bad checksum
# and no malformed frame in the wire capture (check_pcap.sh). Prints the command; nicsim prints its seed and the
# replay command when a check fails.
set -u
NICSIM=$1
shift
CHECK_PCAP="$(cd "$(dirname "$0")" && pwd)/check_pcap.sh"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
echo "run: nicsim --quiet --vcd none --pcap-out run.pcap $*"
"$NICSIM" --quiet --vcd none --pcap-out run.pcap "$@" --stats-json run.json
code=$?
if [ "$code" -eq 0 ] && ! bash "$CHECK_PCAP" run.pcap; then
    echo "nicsim: replay with: nicsim $* --pcap-out run.pcap"
    code=1
fi
if [ "$code" -eq 0 ] && ! grep -q '"ended_by": "traffic complete"' run.json; then
    echo "the run did not finish its traffic: $(grep '"ended_by"' run.json)"
    echo "nicsim: replay with: nicsim $*"
    code=1
fi
[ "$code" -eq 0 ] && echo "PASS" || echo "FAIL (exit $code)"
exit "$code"
