#!/usr/bin/env bash
# check_pcap.sh PCAP...: an oracle that shares none of nicsim's code. tshark reads each capture with IPv4, TCP and
# UDP checksum validation on; any bad checksum, malformed frame or error-level expert finding fails (exit 1) and
# names the frames. An empty capture passes; a missing tshark fails (it is one of build.sh's packages).
set -u
command -v tshark >/dev/null || { echo "check_pcap: tshark is not installed (build.sh installs it)"; exit 1; }
status=0
err=$(mktemp)
trap 'rm -f "$err"' EXIT
for pcap in "$@"; do
    [ -s "$pcap" ] || continue
    bad=$(tshark -r "$pcap" -n \
        -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
        -Y 'ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad" ||
            _ws.malformed || _ws.expert.severity == error' 2>"$err")
    code=$?
    if [ "$code" -ne 0 ]; then
        echo "check_pcap: tshark could not read $pcap (exit $code): $(head -3 "$err")"
        status=1
    elif [ -n "$bad" ]; then
        echo "check_pcap: $pcap has $(printf '%s\n' "$bad" | wc -l) frame(s) with a bad checksum or malformed:"
        printf '%s\n' "$bad" | head -10
        status=1
    fi
done
exit "$status"
