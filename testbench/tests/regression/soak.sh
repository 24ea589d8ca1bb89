#!/usr/bin/env bash
# The soak: NICSIM PACKETS_PER_DIRECTION. A short run (a tenth of the packets) and the full run, both directions on a
# 64-bit/66 MHz bus with the 82545EM variant's 64-bit data path (--nic-data-path 64): 528 MB/s peak. The 82540EM
# moves 4 bytes per data phase even in a 64-bit slot (264 MB/s at 66 MHz, 133 MB/s at 33 MHz), too little for the
# 250 MB/s of 1 GbE both ways: RX would overrun, by design. Passes when the full run loses nothing (nicsim's
# scoreboards) and memory is flat: the peak RSS grows by less than MAX_BYTES_PER_PACKET (default 64) per extra packet
# between the two runs. Prints both peak RSS values and the growth per packet.
set -u
NICSIM=$1
PACKETS=${2:-500000}
MAX_BYTES_PER_PACKET=${MAX_BYTES_PER_PACKET:-64}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
args=(--quiet --vcd none --pcap-out none --direction both --size 60..1514 --fragments 2 --bus-width 64 --bus-clock 66
      --nic-data-path 64 --max-time 3600s --seed 2024)
rss() { sed -n "s/.*\"peak_rss_at_$1_kb\": \([0-9]*\).*/\1/p" "$2"; }
short=$((PACKETS / 10))
echo "soak: nicsim ${args[*]} --packets $short, then --packets $PACKETS"
"$NICSIM" "${args[@]}" --packets "$short" --stats-json short.json || { echo "FAIL: the short run failed"; exit 1; }
"$NICSIM" "${args[@]}" --packets "$PACKETS" --stats-json full.json || { echo "FAIL: the full run failed"; exit 1; }
grep -q '"verdict": "pass"' full.json || { echo "FAIL: no passing verdict"; exit 1; }
total=$((2 * PACKETS))
intact=$(sed -n 's/.*"frames_intact": \([0-9]*\).*/\1/p' full.json | awk '{s += $1} END {print s}')
[ "$intact" -eq "$total" ] || { echo "FAIL: $intact of $total frames arrived intact"; exit 1; }
s_end=$(rss end short.json)
f_start=$(rss start full.json)
f_end=$(rss end full.json)
growth=$(( (f_end - s_end) * 1024 / (total - 2 * short) ))
echo "soak: $total frames intact; peak RSS: start ${f_start} kB, after $((2 * short)) packets ${s_end} kB," \
     "after $total packets ${f_end} kB; growth ${growth} bytes per packet"
[ "$growth" -le "$MAX_BYTES_PER_PACKET" ] ||
    { echo "FAIL: memory is not flat: ${growth} bytes per packet (limit $MAX_BYTES_PER_PACKET)"; exit 1; }
echo "PASS"
