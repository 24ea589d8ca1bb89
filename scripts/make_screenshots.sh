#!/usr/bin/env bash
# Regenerates the GTKWave screenshots of docs/timing-diagrams.md (docs/images/*.png):
#   1. builds nicsim_trace_demo (a nicsim run with the bus and the NIC's internal state traced),
#   2. runs it twice, deterministically (one TX frame, one RX frame, seed 1),
#   3. finds each window of interest in the VCD (scripts/vcd_events.py),
#   4. opens GTKWave under Xvfb with the committed save file (traces/*.gtkw), zoomed to the window by a Tcl script,
#      and takes the screenshot with xwd, converted to PNG with ImageMagick.
#
#   scripts/make_screenshots.sh [BUILD_DIR]     (default: build; needs gtkwave, xvfb-run, xwd, convert, python3)
#
# Environment: KEEP=1 keeps the VCDs and the raw screenshots in the work directory it prints.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
IMAGES=$ROOT/docs/images
# A fixed work directory: GTKWave shows the VCD's path in its title bar, and the pictures must not change per run.
WORK=${TMPDIR:-/tmp}/nicsim-screenshots
rm -rf "$WORK"
mkdir -p "$WORK"
EVENTS="python3 $ROOT/scripts/vcd_events.py"
PS_PER_UNIT=100  # nicsim VCDs use a 100 ps timescale; GTKWave's Tcl times are in ps
CLK=300          # one 33 MHz bus clock in VCD units

cleanup() { [ "${KEEP:-0}" = 1 ] && echo "work files kept in $WORK" || rm -rf "$WORK"; }
trap cleanup EXIT

for tool in gtkwave xvfb-run xwd convert python3 cmake; do
    command -v "$tool" > /dev/null || { echo "make_screenshots: $tool is not installed" >&2; exit 2; }
done

# 1. The demo program.
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" > /dev/null
cmake --build "$BUILD" -j2 --target nicsim_trace_demo > /dev/null
DEMO=$BUILD/testbench/tests/traces/nicsim_trace_demo

# 2. Two short deterministic runs: one frame sent (TX), one frame received (RX).
"$DEMO" "$WORK/tx.vcd" --packets 1 --size 100 --direction tx --seed 1
"$DEMO" "$WORK/rx.vcd" --packets 1 --size 100 --direction rx --seed 1

# 3. The windows, as "name vcd savefile start end" (VCD units).
first() { $EVENTS "$1" first "$2" "$3" "${4:-1}"; }
{
    # A configuration read: the first clock IDSEL_nic is driven (the host reads the Vendor/Device ID dword).
    t=$(first "$WORK/tx.vcd" pci.IDSEL_nic 1)
    echo "config_read tx.vcd pci_bus.gtkw $((t - 3 * CLK)) $((t + 9 * CLK))"
    # The TX descriptor fetch: from the driver's TDT write (the clocks before TDT changes) to the first buffer read's
    # address phases after txdesc.fetch_inflight falls (the driver's register reads can cut the fetch in between).
    t0=$(first "$WORK/tx.vcd" nic.TDT 1)
    t1=$(first "$WORK/tx.vcd" nic.txdesc.fetch_inflight 0 2)
    echo "desc_fetch tx.vcd nic_desc.gtkw $((t0 - 4 * CLK)) $((t1 + 7 * CLK))"
    # The TX gather: from the first buffer read queued to the frame on the wire.
    t0=$(first "$WORK/tx.vcd" nic.tx.state 1)
    t1=$(first "$WORK/tx.vcd" nic.mac.tx 0 2)
    echo "tx_gather tx.vcd nic_dma.gtkw $((t0 - 10 * CLK)) $((t1 + 10 * CLK))"
    # The RX buffer write and the descriptor write-back behind it.
    t0=$(first "$WORK/rx.vcd" nic.rx.state 2)
    t1=$(first "$WORK/rx.vcd" nic.rxdesc.wb_inflight 0 2)
    echo "rx_write rx.vcd nic_dma.gtkw $((t0 - 10 * CLK)) $((t1 + 20 * CLK))"
    # The same RX frame in the descriptor-ring view: the write-back moves RDH.
    echo "rx_ring rx.vcd nic_desc.gtkw $((t0 - 10 * CLK)) $((t1 + 20 * CLK))"
} > "$WORK/windows.txt"

# 4. One GTKWave per window, all under one X server.
cat > "$WORK/shoot.sh" <<'SHOOT'
#!/usr/bin/env bash
set -euo pipefail
WORK=$1 ROOT=$2 PS=$3
cd "$ROOT"  # the save files name their filters relative to the repository root
while read -r name vcd save start end; do
    printf 'gtkwave::setZoomRangeTimes %s %s\n' "$((start * PS))" "$((end * PS))" > "$WORK/$name.tcl"
    # The committed save file, with a window tall enough for every row (filter paths stay repository-relative).
    sed 's/^\[size\] .*/[size] 1480 1180/' "traces/$save" > "$WORK/$name.gtkw"
    gtkwave --rcvar 'hide_sst 1' --rcvar 'splash_disable 1' -S "$WORK/$name.tcl" "$WORK/$vcd" "$WORK/$name.gtkw" \
        > "$WORK/$name.log" 2>&1 &
    pid=$!
    sleep 6
    xwd -root -silent > "$WORK/$name.xwd"
    kill "$pid"
    wait "$pid" 2> /dev/null || true
    if grep -i -E "error|could not|cannot|not found|unknown|warning" "$WORK/$name.log"; then
        echo "make_screenshots: GTKWave reported a problem for $name ($save)" >&2
        exit 1
    fi
done < "$WORK/windows.txt"
SHOOT
chmod +x "$WORK/shoot.sh"
xvfb-run -a -s "-screen 0 1500x1220x24" "$WORK/shoot.sh" "$WORK" "$ROOT" "$PS_PER_UNIT"

mkdir -p "$IMAGES"
while read -r name vcd save start end; do
    # Trim the empty desktop around the window; strip the time stamps PNG would otherwise carry.
    convert "$WORK/$name.xwd" -trim +repage -strip "$IMAGES/$name.png"
    echo "docs/images/$name.png: $save on $vcd, $(((end - start) / CLK)) clocks from $((start / 10)) ns"
done < "$WORK/windows.txt"
