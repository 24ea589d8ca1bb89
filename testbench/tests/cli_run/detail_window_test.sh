#!/usr/bin/env bash
# --detail-from / --detail-for checked from outside: a run that starts in the fast mode and carries its machine over to
# the pin-level bus delivers every frame intact and in order (tshark with checksum validation, counts from the
# scenario), fetches and writes back each descriptor once (counts from the scenario's arithmetic), passes the bus
# monitor, and traces only the window. Usage: detail_window_test.sh NICSIM CASE; exit 0 = pass.
set -u
NICSIM=$1
CASE=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
CHECK_PCAP="$(cd "$(dirname "$0")/../regression" && pwd)/check_pcap.sh"
VALIDATE=$(dirname "$(realpath "${BASH_SOURCE[0]}")")/validate_stats.py

fail() { echo "FAIL: $*"; exit 1; }
run() {
    local want=$1; shift
    "$NICSIM" "$@" >out.txt 2>err.txt
    local got=$?
    [ "$got" -eq "$want" ] || { cat out.txt err.txt; fail "nicsim $* exited $got, expected $want"; }
}
refused() { # refused 'message part' args...: exit 2 and one line on stderr naming the problem
    local msg=$1; shift
    run 2 "$@"
    [ "$(wc -l <err.txt)" -eq 1 ] || { cat err.txt; fail "expected one line on stderr for $*"; }
    grep -qF -- "$msg" err.txt || { cat err.txt; fail "stderr does not name '$msg' for $*"; }
}
value() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[sys.argv[2]][sys.argv[3]])' "$@"; }
# The frames of one sender (source MAC) in wire order, as hex bytes.
frames_from() { tshark -r "$1" -Y "eth.src == $2" -T fields -e frame.len -e eth.src -e data 2>/dev/null; }
# First time stamp of a VCD (its time unit: 100 ps) in microseconds, and its last.
vcd_first_us() { awk '/^#[0-9]+$/ { print substr($0, 2) / 10000; exit }' "$1"; }
vcd_last_us() { awk '/^#[0-9]+$/ { t = substr($0, 2) } END { print t / 10000 }' "$1"; }
ge() { python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$1" "$2"; }

# A bus that carries 1 GbE both ways without overruns (64-bit, 66 MHz, 82545EM data path), so every frame arrives.
PACKETS=48
FRAGS=2
base=(--bus-model tlm --bus-clock 66 --bus-width 64 --nic-data-path 64 --packets $PACKETS --fragments $FRAGS
      --size 60..1514 --seed 77 --quiet)
DUT=52:54:00:12:34:56
PEER=02:00:00:00:00:02

case "$CASE" in
intact)
    run 0 "${base[@]}" --vcd none --pcap-out fast.pcap --stats-json fast.json
    run 0 "${base[@]}" --detail-from 200us --vcd none --pcap-out d.pcap --stats-json d.json
    python3 "$VALIDATE" d.json || fail "the switched run's statistics do not fit the schema"
    bash "$CHECK_PCAP" d.pcap || fail "tshark found bad frames in the switched run's capture"
    n=$(tshark -r d.pcap -T fields -e frame.len 2>/dev/null | wc -l)
    [ "$n" -eq $((2 * PACKETS)) ] || fail "tshark read $n frames, expected $((2 * PACKETS)) ($PACKETS each way)"
    # Each sender's frames, byte for byte and in order, as in the run that never left the fast mode.
    for mac in $DUT $PEER; do
        frames_from fast.pcap $mac >fast.$mac
        frames_from d.pcap $mac >d.$mac
        [ "$(wc -l <d.$mac)" -eq $PACKETS ] || fail "$(wc -l <d.$mac) frames from $mac, expected $PACKETS"
        cmp -s fast.$mac d.$mac || fail "the frames from $mac differ from the unswitched run's"
    done
    [ "$(value d.json detail_window start_us)" != "" ] || fail "no detail_window.start_us"
    ge "$(value d.json detail_window start_us)" 200 || fail "the window started before 200 us"
    # Every descriptor fetched and written back once: a send of F fragments uses F descriptors and reports done
    # (DD) on its last; each received frame fills one receive descriptor.
    [ "$(value d.json descriptors tx_fetched)" = $((PACKETS * FRAGS)) ] || fail "TX descriptors fetched: $(value d.json descriptors tx_fetched), expected $((PACKETS * FRAGS))"
    [ "$(value d.json descriptors tx_written_back)" = $PACKETS ] || fail "TX descriptors written back: $(value d.json descriptors tx_written_back)"
    [ "$(value d.json descriptors rx_written_back)" = $PACKETS ] || fail "RX descriptors written back: $(value d.json descriptors rx_written_back)"
    for k in "descriptors rx_fetched" "dma bytes_read" "dma bytes_written" "nic frames_transmitted" "nic frames_received"; do
        [ "$(value d.json $k)" = "$(value fast.json $k)" ] || fail "$k: $(value d.json $k) switched, $(value fast.json $k) unswitched"
    done
    # Every byte the NIC moved crossed exactly one of the two paths once: what FastDmaPort carried before the switch
    # plus what the bus monitor saw the NIC move on the bus lines equals what the unswitched run's FastDmaPort carried.
    moved=$(( $(value d.json detail_window nic_dma_bytes_in_the_fast_mode) + $(value d.json bus_master_nic bytes) ))
    want=$(( $(value fast.json bus nic_dma_bytes_read) + $(value fast.json bus nic_dma_bytes_written) ))
    [ "$moved" = "$want" ] || fail "the NIC moved $moved bytes over both paths, the unswitched run $want"
    [ "$(value d.json checks bus_monitor_violations)" = 0 ] || fail "the bus monitor objected to the detailed window"
    [ "$(value d.json checks verdict)" = pass ] || fail "the switched run did not pass"
    # Up to its switch the machine with both bus models is the fast machine: a window that never opens (after the
    # run's end) leaves the run's capture byte-identical to the fast run's, time stamps included.
    run 0 "${base[@]}" --detail-from 1s --vcd none --pcap-out late.pcap
    cmp -s fast.pcap late.pcap || fail "a run whose window never opened differs from the fast run"
    # The window saw the NIC's DMA: the pin-level bus carried bursts of the NIC.
    [ "$(value d.json bus_master_nic transactions)" -gt 0 ] || fail "no NIC transaction on the pin-level bus"
    ;;
window)
    # The trace covers the window only, and the save file opens on it.
    run 0 "${base[@]}" --detail-from 300us --detail-for 100us --vcd w.vcd --pcap-out w.pcap --stats-json w.json
    start=$(value w.json detail_window start_us)
    end=$(value w.json detail_window end_us)
    ge "$start" 300 || fail "the window started at $start us, before 300 us"
    ge "$end" "$(python3 -c "print($start + 100)")" || fail "the window ended at $end us, before start + 100 us"
    first=$(vcd_first_us w.vcd)
    last=$(vcd_last_us w.vcd)
    ge "$first" "$start" || fail "the VCD starts at $first us, before the window ($start us)"
    ge "$end" "$last" || fail "the VCD ends at $last us, after the window ($end us)"
    python3 -c "import sys; sys.exit(0 if float($first) == float($start) else 1)" || fail "the VCD starts at $first us, not at the window's start $start us"
    grep -q '^\$dumpvars' w.vcd || fail "the VCD has no initial values"
    timestart=$(sed -n 's/^\[timestart\] //p' w.gtkw)
    ge "$timestart" "$(python3 -c "print(int($start * 1e6) - 1e6)")" || fail "the save file opens at $timestart ps, before the window"
    # The run went back to the fast mode and finished its traffic.
    [ "$(value w.json run ended_by)" = "traffic complete" ] || fail "the run did not finish after the window"
    [ "$(value w.json transmit frames_intact)" = $PACKETS ] || fail "not every sent frame arrived intact"
    [ "$(value w.json receive frames_intact)" = $PACKETS ] || fail "not every received frame arrived intact"
    bash "$CHECK_PCAP" w.pcap || fail "tshark found bad frames in the capture"
    python3 "$VALIDATE" w.json || fail "statistics do not fit the schema"
    [ "$(value w.json checks bus_monitor_violations)" = 0 ] || fail "the bus monitor objected"
    run 0 "${base[@]}" --vcd none --pcap-out none --stats-json fast.json
    moved=$(( $(value w.json detail_window nic_dma_bytes_in_the_fast_mode) + $(value w.json bus_master_nic bytes) ))
    want=$(( $(value fast.json bus nic_dma_bytes_read) + $(value fast.json bus nic_dma_bytes_written) ))
    [ "$moved" = "$want" ] || fail "the NIC moved $moved bytes over both paths, the unswitched run $want"
    grep -q '"nicsim/machine/note/detail-switch": 2' w.json || fail "the two switches are not noted"
    ;;
packet)
    # packet:N: the window opens once the DUT has put its Nth frame on the wire.
    run 0 "${base[@]}" --detail-from packet:10 --vcd none --pcap-out p.pcap --stats-json p.json
    start=$(value p.json detail_window start_us)
    t10=$(tshark -r p.pcap -Y "eth.src == $DUT" -T fields -e frame.time_epoch 2>/dev/null | sed -n 10p)
    [ -n "$t10" ] || fail "fewer than 10 frames from the DUT"
    # The pcap's time stamps are simulated time: the 10th frame's start is before the window.
    ge "$start" "$(python3 -c "print($t10 * 1e6 - 0.001)")" || fail "the window ($start us) opened before frame 10 ($t10 s)"
    [ "$(value p.json transmit frames_intact)" = $PACKETS ] || fail "not every sent frame arrived intact"
    [ "$(value p.json checks bus_monitor_violations)" = 0 ] || fail "the bus monitor objected"
    ;;
same-seed)
    # The same seed and the same switch point give byte-identical outputs.
    for i in 1 2; do
        run 0 "${base[@]}" --detail-from 250us --detail-for 50us --vcd r$i.vcd --pcap-out r$i.pcap --stats-json r$i.json
        awk '/^  "wall_clock": \{/{skip=1} !skip' r$i.json >r$i.txt
    done
    cmp -s r1.vcd r2.vcd || fail "two runs of one seed wrote different VCDs"
    cmp -s r1.pcap r2.pcap || fail "two runs of one seed wrote different pcaps"
    cmp -s r1.txt r2.txt || fail "two runs of one seed wrote different statistics"
    run 0 "${base[@]}" --detail-from 260us --detail-for 50us --vcd r3.vcd --pcap-out none
    cmp -s r1.vcd r3.vcd && fail "another switch point wrote the same VCD"
    ;;
switch-points)
    # Switches at several points of a TSO run (64 KiB sends cut into 45 segments each: long buffer reads) and of a run
    # whose receive side overruns (both directions at 1 GbE on a 32-bit 33 MHz bus): each window passes the bus
    # monitor, every sent frame arrives intact, and a switch that found a burst running waited for its end.
    waited=0
    for t in 100us 137us 211us 333us; do
        run 0 --bus-model tlm --lso-max-size 65536 --packets 8 --direction tx --detail-from $t --detail-for 50us \
            --vcd none --pcap-out l.pcap --stats-json l.json --quiet
        [ "$(value l.json checks verdict)" = pass ] || fail "TSO run switched at $t did not pass"
        [ "$(value l.json checks bus_monitor_violations)" = 0 ] || fail "TSO run switched at $t: bus monitor objected"
        [ "$(value l.json transmit frames_intact)" = 8 ] || fail "TSO run switched at $t: not all 8 sends arrived intact"
        [ "$(value l.json nic tso_segments)" = $((8 * 45)) ] || fail "TSO run switched at $t: $(value l.json nic tso_segments) segments, expected 360"
        bash "$CHECK_PCAP" l.pcap || fail "TSO run switched at $t: tshark found bad frames"
        w=$(value l.json detail_window quiescence_wait_at_start_ns)
        [ "$w" -gt 0 ] && waited=1
    done
    [ $waited = 1 ] || fail "no switch of the TSO run had to wait for a running burst"
    for t in 1500us 2200us; do
        run 0 --bus-model tlm --packets 160 --detail-from $t --detail-for 100us --vcd none --pcap-out o.pcap \
            --stats-json o.json --quiet
        [ "$(value o.json checks verdict)" = pass ] || fail "overrun run switched at $t did not pass"
        [ "$(value o.json checks bus_monitor_violations)" = 0 ] || fail "overrun run switched at $t: bus monitor objected"
        [ "$(value o.json transmit frames_intact)" = 160 ] || fail "overrun run switched at $t: sent frames lost"
        [ "$(value o.json nic frames_missed_rx_overrun)" -gt 0 ] || fail "the run switched at $t did not overrun"
        bash "$CHECK_PCAP" o.pcap || fail "overrun run switched at $t: tshark found bad frames"
    done
    ;;
stats)
    # A switched run's statistics say what they cover. The run's bus utilisation counts the fast parts' bus
    # occupancy too: it is near the pin-level run's of the same traffic (the fast mode's bus arithmetic is within
    # 25 % of the pin level; the window's busy clocks alone over the whole run would be less than half of it). The
    # window's own clocks are its length in bus periods (15 ns at 66 MHz), and its utilisation is the pin-level
    # run's over the same stretch (two runs of that machine cut at the window's ends), within 10 points.
    run 0 "${base[@]}" --detail-from 200us --detail-for 100us --vcd none --pcap-out none --stats-json d.json
    run 0 "${base[@]}" --bus-model pin --vcd none --pcap-out none --stats-json pin.json
    python3 "$VALIDATE" d.json pin.json || fail "statistics do not fit the schema"
    cut_at() { # cut_at END_US FILE: the pin-level run up to the window's start or end
        run 0 "${base[@]}" --bus-model pin --max-time "$(value d.json detail_window "$1" | awk '{ printf "%.0f", $1 * 1000 }')ns" \
            --vcd none --pcap-out none --stats-json "$2"
    }
    cut_at start_us c0.json
    cut_at end_us c1.json
    python3 - <<'PY' || fail "the statistics do not say what they cover"
import json, sys
d, pin, c0, c1 = (json.load(open(f + ".json")) for f in ("d", "pin", "c0", "c1"))
w = d["detail_window"]
busy = lambda r: r["bus"]["utilisation_percent"] * r["run"]["bus_clocks"] / 100
problems = []
u, p = d["bus"]["utilisation_percent"], pin["bus"]["utilisation_percent"]
if abs(u - p) > 0.25 * p:
    problems.append(f"the switched run's bus utilisation is {u} %, the pin-level run's {p} %")
if abs(w["bus_clocks"] - (w["end_us"] - w["start_us"]) * 1000 / 15) > 1:
    problems.append(f"the window from {w['start_us']} to {w['end_us']} us counts {w['bus_clocks']} bus clocks")
want = 100 * (busy(c1) - busy(c0)) / w["bus_clocks"]
if abs(w["bus_utilisation_percent"] - want) > 10:
    problems.append(f"the window's utilisation is {w['bus_utilisation_percent']} %, the pin level's {want:.1f} %")
if problems:
    print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
    # The CPU keeps its quantum in the switched run: its synchronisations are counted, and a run whose window never
    # opens synchronises exactly as the fast run.
    [ "$(value d.json host cpu_quantum_synchronisations)" -gt 0 ] || fail "no CPU quantum synchronisations counted"
    run 0 "${base[@]}" --detail-from 1s --vcd none --pcap-out none --stats-json late.json
    run 0 "${base[@]}" --vcd none --pcap-out none --stats-json fast.json
    late=$(value late.json host cpu_quantum_synchronisations)
    [ "$late" = "$(value fast.json host cpu_quantum_synchronisations)" ] ||
        fail "the never-opened window's run synchronised $late times, the fast run $(value fast.json host cpu_quantum_synchronisations)"
    ;;
bad-input)
    refused "--detail-from" --detail-from 5ms
    refused "--detail-from" --bus-model pin --detail-from 5ms
    refused "packet:0" --bus-model tlm --detail-from packet:0
    refused "5xs" --bus-model tlm --detail-from 5xs
    refused "soon" --bus-model tlm --detail-from soon
    refused "--detail-for" --bus-model tlm --detail-for 1ms
    refused "--detail-for" --bus-model tlm --detail-from 1ms --detail-for 5parsecs
    refused "--max-time" --bus-model tlm --detail-from 2ms --max-time 1ms
    ;;
*)
    fail "unknown case $CASE"
    ;;
esac
echo "PASS: $CASE"
