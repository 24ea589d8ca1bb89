#!/usr/bin/env bash
# hang_recovery_test.sh NICSIM fetch|writeback: a target abort on the first RX descriptor fetch, or on the first RX
# descriptor write-back, stalls receive; NDIS's hang check (every 100 us here) must find it, MiniportReset must
# restart the ring, and the run must pass with every lost frame counted. Checked against numbers nicsim does not
# compute: tshark reads the wire capture (checksums validated), and the frames the reset discarded must be exactly
# the frames whose last bit had arrived before the reset began (IEEE 802.3: preamble and SFD, 8 bytes, and the FCS,
# 4 bytes, beside the captured bytes; 8 ns per byte at 1 Gb/s) - nothing was indicated before it.
set -u
NICSIM=$1
CASE=$2
CHECK_PCAP="$(cd "$(dirname "$0")/../regression" && pwd)/check_pcap.sh"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
fail() {
    echo "FAIL: $*"
    exit 1
}

# With receive traffic only, the NIC's first bus transaction starts the RX descriptor fetch. Which transaction
# writes an RX descriptor back depends on how the bus is shared while the driver comes up: it is looked for
# (short runs, every 10th transaction) and must be a write-back into the ring whose fetch transaction 1 was.
base=(--direction rx --check-for-hang 100us --seed 5 --vcd none --pcap-out none)
probe() { "$NICSIM" "${base[@]}" --packets 40 --max-time 400us --fault "target-abort:$1" 2>&1 | grep "dma-bus-error:"; }
ring=$(probe 1 | sed -n 's/.*descriptor fetch at \(0x[0-9a-f]*\) .*/\1/p')
[ -n "$ring" ] || fail "transaction 1 is not an RX descriptor fetch: $(probe 1)"
case "$CASE" in
fetch) abort=1 kind="descriptor fetch" ;;
writeback)
    kind="descriptor write-back"
    abort=""
    for n in $(seq 10 10 400); do
        hit=$(probe "$n")
        case "$hit" in *"descriptor write-back at ${ring%???}"*) abort=$n && break ;; esac
    done
    [ -n "$abort" ] || fail "no RX descriptor write-back among the first 400 transactions"
    ;;
*) fail "unknown case $CASE" ;;
esac
args=(--direction rx --packets 300 --check-for-hang 100us --fault "target-abort:$abort" --seed 5)
echo "run: nicsim ${args[*]}"
"$NICSIM" "${args[@]}" --vcd none --pcap-out run.pcap --stats-json run.json --quiet 2>err.txt
code=$?
[ "$code" -eq 0 ] || { cat err.txt; fail "nicsim exited $code (the recovery did not pass)"; }
grep -q "dma-bus-error: .*$kind at .*TargetAbort" err.txt || { cat err.txt; fail "the abort did not hit an RX $kind"; }
bash "$CHECK_PCAP" run.pcap || fail "tshark found bad frames in the capture"
tshark -r run.pcap -n -T fields -e frame.time_epoch -e frame.len >frames.txt 2>/dev/null ||
    fail "tshark could not read the capture"

python3 - "$CASE" <<'EOF' || exit 1
import json, sys
case = sys.argv[1]
s = json.load(open("run.json"))
f, rx, host = s["faults"], s["receive"], s["host"]
frames = [line.split() for line in open("frames.txt") if line.strip()]
errors = []
def check(ok, what):
    if not ok:
        errors.append(what)

check(s["checks"]["verdict"] == "pass", "verdict %s" % s["checks"]["verdict"])
check(s["run"]["ended_by"] == "traffic complete", "ended by %s" % s["run"]["ended_by"])
check(host["hang_check_resets"] == 1, "hang-check resets %d, expected 1" % host["hang_check_resets"])
check(len(frames) == 300, "tshark read %d frames, the peer sent 300" % len(frames))
reset_at = f["recovery_reset_at_ns"]
arrived = sum(1 for t, n in frames if float(t) * 1e9 + (int(n) + 12) * 8 <= reset_at)
discarded = f["rx_frames_flushed_by_a_reset"] + f["rx_frames_written_discarded_by_a_reset"]
check(arrived > 0, "no frame arrived before the reset (the test proves nothing)")
check(discarded == arrived,
      "the reset discarded %d frames (FIFO %d, written %d); %d had arrived before it" %
      (discarded, f["rx_frames_flushed_by_a_reset"], f["rx_frames_written_discarded_by_a_reset"], arrived))
if case == "fetch":
    check(f["rx_frames_written_discarded_by_a_reset"] == 0, "no descriptor was fetched, yet frames were written")
else:
    check(f["rx_frames_written_discarded_by_a_reset"] > 0, "frames written behind the lost write-back not counted")
check(rx["packets_indicated"] == f["frames_indicated_after_the_recovery"], "frames indicated before the recovery")
check(f["frames_indicated_after_the_recovery"] > 0, "receive did not resume after the reset")
check(rx["frames_intact"] == rx["packets_indicated"], "indicated frames not intact")
for k in ("frames_corrupted", "frames_duplicated", "frames_reordered", "frames_unexpected"):
    check(rx[k] == 0, "%s %d" % (k, rx[k]))
# Every frame on the wire is indicated intact or counted lost by exactly one counter.
lost = f["rx_missed_mpc"] + f["rx_frames_dropped"] + f["rx_frames_written_discarded_by_a_reset"]
check(rx["frames_intact"] + lost == len(frames),
      "%d intact + %d counted lost != %d frames on the wire" % (rx["frames_intact"], lost, len(frames)))
check(rx["frames_missing"] == lost, "%d missing, %d counted lost" % (rx["frames_missing"], lost))
check(f["rx_losses_accepted"] == lost, "the verdict accepted %d losses, %d counted" % (f["rx_losses_accepted"], lost))
for e in errors:
    print("FAIL: " + e)
if not errors:
    print("PASS: reset at %d ns discarded %d frames, %d indicated after it" %
          (reset_at, discarded, f["frames_indicated_after_the_recovery"]))
sys.exit(1 if errors else 0)
EOF
