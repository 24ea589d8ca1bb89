#!/usr/bin/env bash
# Re-runs the commands docs/user-guide.md shows and checks the exit status and the numbers the guide quotes.
# Usage (from the repository root, after building nicsim):
#   docs/tools/check_user_guide.sh [path/to/nicsim]      (default ./build/nicsim)
# Runs in a temporary directory; prints one line per check and exits 1 if any check failed.
set -uo pipefail
NICSIM=$(realpath "${1:-./build/nicsim}")
[ -x "$NICSIM" ] || { echo "check_user_guide: no nicsim at $NICSIM" >&2; exit 2; }
GUIDE=$(dirname "$(realpath "$0")")/../user-guide.md
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 2
failed=0

ok() { echo "ok    $*"; }
bad() { echo "FAIL  $*"; failed=1; }

# expect_exit CODE -- command...
expect_exit() {
    local want=$1
    shift 2
    "$@" >out.txt 2>err.txt
    local got=$?
    if [ "$got" = "$want" ]; then ok "exit $got: $*"; else bad "exit $got (want $want): $* :: $(head -c 300 err.txt)"; fi
}

# json FILE SECTION KEY -> value
json() {
    python3 -c 'import json,sys
v = json.load(open(sys.argv[1]))[sys.argv[2]][sys.argv[3]]
print(int(v) if isinstance(v, float) and v.is_integer() else v)' "$@"
}
expect_json() {
    local file=$1 section=$2 key=$3 want=$4 got
    got=$(json "$file" "$section" "$key" 2>/dev/null)
    if [ "$got" = "$want" ]; then ok "$file: $section.$key = $got"; else bad "$file: $section.$key = '$got', want '$want'"; fi
}

# The option reference is nicsim --help-markdown, word for word.
if diff <(sed -n '/^<!-- BEGIN nicsim --help-markdown -->$/,/^<!-- END nicsim --help-markdown -->$/p' "$GUIDE" |
    sed '1d;$d') <("$NICSIM" --help-markdown) >guide.diff; then
    ok "the guide's option tables are nicsim --help-markdown"
else
    bad "the guide's option tables differ from nicsim --help-markdown: $(head -c 300 guide.diff)"
fi

# Information commands.
expect_exit 0 -- "$NICSIM" --help
expect_exit 0 -- "$NICSIM" --list-scenarios
expect_exit 0 -- "$NICSIM" --version

# The default run and its outputs.
expect_exit 0 -- "$NICSIM" --stats-json default.json
[ -s nicsim-out/nicsim.vcd ] && ok "nicsim-out/nicsim.vcd written" || bad "nicsim-out/nicsim.vcd missing"
[ -s nicsim-out/nicsim.pcap ] && ok "nicsim-out/nicsim.pcap written" || bad "nicsim-out/nicsim.pcap missing"
expect_json default.json transmit frames_intact 32
expect_json default.json receive frames_intact 32
expect_json default.json checks verdict pass
if command -v tshark >/dev/null; then
    n=$(tshark -r nicsim-out/nicsim.pcap 2>/dev/null | wc -l)
    [ "$n" = 64 ] && ok "tshark reads 64 frames" || bad "tshark read $n frames, want 64"
fi
if command -v vcd2fst >/dev/null; then
    vcd2fst nicsim-out/nicsim.vcd x.fst >/dev/null 2>&1 && ok "vcd2fst accepts the VCD" || bad "vcd2fst refused the VCD"
fi

# Presets.
for s in smoke dma32-high dac64 b2b lso64k saturate; do
    expect_exit 0 -- "$NICSIM" --scenario "$s" --quiet --vcd none --pcap-out none --stats-json "$s.json"
done
expect_json dma32-high.json bus_master_nic dac_cycles 0
expect_json dac64.json bus_master_nic dac_cycles 305
expect_json dma32-high.json host bounced_sends 32
expect_json dma32-high.json host bounce_buffer_bytes 48448
expect_json dac64.json host bounce_buffer_bytes 0
expect_json lso64k.json run maximum_physical_mapping 65536
expect_json lso64k.json nic tso_segments 360
expect_json lso64k.json transmit tcp_segments 360
expect_json lso64k.json transmit frames_intact 8
expect_json lso64k.json transmit layouts_merged_for_map_registers 8
expect_json default.json bus_master_nic dac_cycles 49
expect_json default.json run simulated_time_us 1109.72
expect_json default.json host interrupts_serviced 17

# Scenario file.
cat >high32.toml <<'EOF'
# 32-bit NIC, every buffer above 4 GiB: sends bounce below 4 GiB
scenario = "smoke"
dma-address-bits = 32
placement = "high"
packets = 16
back-to-back = true
EOF
expect_exit 0 -- "$NICSIM" --scenario-file high32.toml --quiet --stats-json h.json --vcd none
printf 'packets = 4\nbus-width = 48\n' >bad.scn
expect_exit 2 -- "$NICSIM" --scenario-file bad.scn
printf 'packets = 4\ncolour = \"blue\"\n' >bad2.scn
expect_exit 2 -- "$NICSIM" --scenario-file bad2.scn

# Bad input: exit 2.
for args in "--bogus" "stray" "--packets" "--bus-width 48" "--size 100..60" "--lso-max-size 1000" "--max-time 5parsecs" \
    "--scenario nope" "--scenario-file /nonexistent" "--pcap-in /etc/passwd" "--vcd /nonexistent/dir/x.vcd" \
    "--back-to-back --pcap-in x.pcap" "--lso-max-size 64K --maximum-physical-mapping 2000" "--pakets 8" "--help=x" \
    "--fault retry:0" "--fault link-down-for:50us" "--fault reset-at:2ms --max-time 1ms" \
    "--pcap-out /tmp" "--pcap-in in.pcap --pcap-out in.pcap" "--vcd x --pcap-out ./x"; do
    # shellcheck disable=SC2086
    expect_exit 2 -- "$NICSIM" $args
done

# The default machine passes at any packet count (overruns it cannot avoid are accepted and named).
expect_exit 0 -- "$NICSIM" --packets 100 --quiet --vcd none --pcap-out none

# Diagnosis examples.
expect_exit 1 -- "$NICSIM" --map-registers 1 --fragments 2 --quiet --vcd none --pcap-out none
expect_exit 0 -- "$NICSIM" --mem-latency 20 --quiet --vcd none --pcap-out none --stats-json ml.json
expect_json ml.json bus_master_nic retries 197
expect_json ml.json run simulated_time_us 1125.02
expect_exit 0 -- "$NICSIM" --bus-width 64 --bus-clock 66 --quiet --vcd none --pcap-out none --stats-json w.json
expect_json w.json run simulated_time_us 696.11
expect_exit 0 -- "$NICSIM" --placement low --quiet --vcd none --pcap-out none --stats-json low.json
expect_json low.json bus_master_nic dac_cycles 0
expect_exit 0 -- "$NICSIM" --registry ITR=0 --quiet --vcd none --pcap-out none --stats-json itr0.json
expect_json itr0.json host interrupts_serviced 65
for r in "" ITR=0 InterruptDelay=64; do
    expect_exit 0 -- "$NICSIM" --direction tx ${r:+--registry $r} --quiet --vcd none --pcap-out none --stats-json "tx$r.json"
done
expect_json tx.json host interrupts_serviced 10
expect_json txITR=0.json host interrupts_serviced 33
expect_json txInterruptDelay=64.json host interrupts_serviced 2

# Faults.
expect_exit 0 -- "$NICSIM" --fault target-abort:250 --quiet --vcd none --pcap-out none --stats-json ta.json
expect_json ta.json faults injected_target_aborts 1
expect_json ta.json faults rx_losses_accepted 1
expect_exit 2 -- "$NICSIM" --fault retry:0.9
expect_exit 2 -- "$NICSIM" --fault retry:0.1 --back-to-back

# Limits.
expect_exit 0 -- "$NICSIM" --packets 1000 --max-clocks 2000 --quiet --vcd none --pcap-out none --stats-json c.json
expect_json c.json run ended_by "time limit"

# pcap out and in.
expect_exit 0 -- "$NICSIM" --direction rx --packets 8 --size 60..200 --pcap-out rx.pcap --vcd none --quiet
expect_exit 0 -- "$NICSIM" --pcap-in rx.pcap --direction rx --pcap-out loop.pcap --vcd none --stats-json in.json --quiet
expect_json in.json receive frames_from_pcap 8

# The guide's claims about --pcap-in, map registers, the small-packets preset and rx-flood: pcap frames are
# indicated, the map registers are reported, the small-packets preset passes, rx-flood with too few packets is
# refused as bad input.
expect_json in.json receive packets_indicated 8
expect_json default.json host map_registers_reserved 2
expect_exit 0 -- "$NICSIM" --scenario small-packets --quiet --vcd none --pcap-out none
expect_exit 0 -- "$NICSIM" --scenario small-packets --link 1000 --quiet --vcd none --pcap-out none --stats-json sp1g.json
expect_json sp1g.json nic frames_missed_rx_overrun 127
expect_json sp1g.json receive rx_overruns_accepted_the_bus_cannot_carry_the_link_rate 127
expect_exit 2 -- "$NICSIM" --fault rx-flood --quiet --vcd none --pcap-out none
expect_exit 0 -- "$NICSIM" --fault reset-at:300us --quiet --vcd none --pcap-out none
expect_exit 0 -- "$NICSIM" --fault rx-flood --packets 256 --quiet --vcd none --pcap-out none

# The TLM fast mode (--bus-model tlm).
expect_exit 0 -- "$NICSIM" --bus-model tlm --scenario saturate --packets 2000 --quiet --pcap-out none --stats-json tlm.json
expect_json tlm.json run bus_model tlm
expect_json tlm.json checks verdict pass
expect_exit 0 -- "$NICSIM" --bus-model tlm --quiet --vcd none --pcap-out none --stats-json tlmd.json
expect_json tlmd.json run simulated_time_us 1120.04
expect_exit 2 -- "$NICSIM" --bus-model fast
expect_exit 2 -- "$NICSIM" --bus-model tlm --fault target-abort:50
expect_exit 2 -- "$NICSIM" --bus-model tlm --vcd x.vcd

# Ctrl-C and SIGTERM: stats still written, outputs valid, exit 128 + the signal.
for sig in INT TERM; do
    "$NICSIM" --packets 1000000 --max-time 10s --stats-json "$sig.json" --quiet >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 600); do  # until the run has opened its outputs (it handles signals from then on)
        [ -n "$(find nicsim-out -maxdepth 1 -name '.nicsim.vcd.*' 2>/dev/null)" ] && break
        sleep 0.1
    done
    sleep 1
    kill -s "$sig" "$pid"
    wait "$pid"
    rc=$?
    want=$((128 + $(kill -l "$sig")))
    [ "$rc" = "$want" ] && ok "SIG$sig: exit $rc" || bad "SIG$sig: exit $rc, want $want"
    expect_json "$sig.json" checks verdict interrupted
done
expect_json INT.json run ended_by "Ctrl-C (SIGINT)"
expect_json TERM.json run ended_by "SIGTERM"
[ -s nicsim-out/nicsim.gtkw ] && ok "nicsim-out/nicsim.gtkw written" || bad "nicsim-out/nicsim.gtkw missing"

exit $failed
