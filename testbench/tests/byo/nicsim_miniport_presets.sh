#!/usr/bin/env bash
# The example C miniport (built from the installed SDK by the sdk_build_example fixture) over every scenario preset
# nicsim lists, with few packets: each run passes every check, names the example as its driver, and its capture,
# where the preset writes one, validates with tshark (check_pcap.sh). dma32-high makes every send bounce: the
# example must honour DmaAddressBits 32 for that. The example offers no large send (OID_TCP_TASK_OFFLOAD): under
# lso64k the protocol cuts every 64 KiB packet into 1460-byte segments itself, and all arrive intact.
# Usage: nicsim_miniport_presets.sh NICSIM SDK_OUT CHECK_PCAP
source "$(dirname "$0")/example_miniport_env.sh"

presets=$("$NICSIM" --list-scenarios | awk '{print $1}')
[ "$(printf '%s\n' "$presets" | wc -l)" -ge 8 ] || fail "could not read the presets from --list-scenarios"
ran=0
for preset in $presets; do
    rm -f run.pcap s.json
    "$NICSIM" --miniport "$so" --scenario "$preset" --packets 8 --vcd none --pcap-out run.pcap --stats-json s.json \
        --quiet >out.txt 2>err.txt || { cat out.txt err.txt; fail "preset $preset with the example miniport"; }
    python3 - s.json "$preset" <<'PY' || fail "statistics of preset $2 with the example miniport"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["run"]["driver"] == "e1000c", s["run"]
assert s["checks"]["verdict"] == "pass", s["checks"]
assert s["run"]["ended_by"] == "traffic complete", s["run"]
if sys.argv[2] == "lso64k":
    t = s["transmit"]
    assert t["large_sends_segmented_by_the_protocol"] == t["packets_sent"] == t["frames_intact"], t
    assert t["sends_refused"] == 0 and t["tcp_segments"] == 8 * 45, t  # 65482 bytes of data in 1460-byte segments
PY
    [ -s run.pcap ] || fail "preset $preset wrote no capture"
    bash "$CHECK_PCAP" run.pcap || fail "the capture of preset $preset does not validate"
    echo "pass $preset: $(grep -o '"bounced_sends": [0-9]*' s.json)"
    ran=$((ran + 1))
done
# dma32-high proves the keyword is read: every send bounces below 4 GiB.
"$NICSIM" --miniport "$so" --scenario dma32-high --packets 8 --vcd none --pcap-out none --stats-json d.json --quiet \
    >out.txt 2>&1 ||
    fail "dma32-high with the example miniport"
grep -q '"bounced_sends": 8,' d.json || fail "dma32-high: not every one of 8 sends bounced ($(grep bounced d.json))"
echo "the example miniport passed $ran presets"
