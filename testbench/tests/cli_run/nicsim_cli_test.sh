#!/usr/bin/env bash
# Runs the nicsim program as a user would and checks what a user would see. Usage: nicsim_cli_test.sh NICSIM CASE
# Each case runs in a fresh temporary directory; the exit status says pass (0) or fail (1), with the reason printed.
set -u
NICSIM=$1
CASE=$2
VALIDATE=$(dirname "$(realpath "${BASH_SOURCE[0]}")")/validate_stats.py
WORK=$(mktemp -d)
trap 'rm -rf "$WORK" "${STATS_DIR:-}"' EXIT
cd "$WORK" || exit 1

fail() { echo "FAIL: $*"; exit 1; }
CHECK_PCAP="$(cd "$(dirname "$0")/../regression" && pwd)/check_pcap.sh"
# The wire capture a successful run wrote (its --pcap-out, else the default path), checked by tshark with checksum
# validation: a bad checksum or a malformed frame fails the case.
check_run_pcap() {
    local out=nicsim-out/nicsim.pcap prev=""
    for a in "$@"; do
        [ "$prev" = "--pcap-out" ] && out=$a
        case "$a" in --pcap-out=*) out=${a#--pcap-out=} ;; esac
        prev=$a
    done
    [ "$out" = none ] || [ ! -f "$out" ] || bash "$CHECK_PCAP" "$out" || fail "tshark found bad frames in $out"
}
# run EXPECTED_EXIT args...: runs nicsim, keeps stdout/stderr in out.txt/err.txt
# The run passed with receive losses, each counted in MPC and named as an accepted overrun.
no_losses() {
    python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["checks"]["verdict"] == "pass" and d["receive"]["frames_missing"] == 0 else 1)
PY
}

overruns_accepted() {
    python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r, n = d["receive"], d["nic"]
missing = r["frames_missing"]
ok = d["checks"]["verdict"] == "pass" and missing > 0 and missing == n["frames_missed_rx_overrun"]
sys.exit(0 if ok and r["rx_overruns_accepted_the_bus_cannot_carry_the_link_rate"] == missing else 1)
PY
}

run() {
    local want=$1; shift
    "$NICSIM" "$@" >out.txt 2>err.txt
    local got=$?
    [ "$got" -eq "$want" ] || { cat out.txt err.txt; fail "nicsim $* exited $got, expected $want"; }
    # Every statistics file a run writes is kept for validate_all (one schema check at the end of the case).
    local prev=""
    for a in "$@"; do
        if [ "$prev" = "--stats-json" ] && [ -e "$a" ]; then
            STATS_N=$((STATS_N + 1))
            cp "$a" "$STATS_DIR/$STATS_N.json"
        fi
        prev=$a
    done
    [ "$got" -ne 0 ] || check_run_pcap "$@"
}
# Four bytes little-endian as printf escapes.
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24)); }
# A classic pcap of Ethernet frames to the NIC's default address, one per SIZE (zero body, EtherType 0x88B5),
# 100 us apart.
write_sized_pcap() {
    local file=$1; shift
    printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' >"$file"
    local i=0
    for n in "$@"; do
        printf "$(le32 0)$(le32 $((i * 100)))$(le32 "$n")$(le32 "$n")" >>"$file"
        printf '\x52\x54\x00\x12\x34\x56\x02\x00\x00\xaa\xbb\xcc\x88\xb5' >>"$file"
        head -c $((n - 14)) /dev/zero >>"$file"
        i=$((i + 1))
    done
}
STATS_N=0
STATS_DIR=$(mktemp -d)
# Every statistics file the case's runs wrote matches docs/schema/nicsim-stats.schema.json, each key with one type.
validate_all() {
    [ "$STATS_N" -eq 0 ] && return 0
    python3 "$VALIDATE" "$STATS_DIR"/*.json || fail "statistics written in this case do not match the schema"
}
# bad_input 'message part' args...: exit 2, exactly one line on stderr naming the problem, no files left behind
bad_input() {
    local msg=$1; shift
    local before after
    before=$(find . -type f | sort)
    run 2 "$@"
    [ "$(wc -l <err.txt)" -eq 1 ] || { cat err.txt; fail "expected one line on stderr"; }
    grep -qF -- "$msg" err.txt || { cat err.txt; fail "stderr does not name '$msg'"; }
    rm -f out.txt err.txt
    after=$(find . -type f | sort)
    [ "$before" = "$after" ] || fail "files left behind: $(comm -13 <(echo "$before") <(echo "$after"))"
}
# The statistics JSON without its wall-clock section (the only rows that differ between runs of one seed).
stats_sans_wallclock() { awk '/^  "wall_clock": \{/{skip=1} !skip' "$1" | sed '$s/,$//'; }
pcap_frames() { tshark -r "$1" -T fields -e frame.len 2>/dev/null | wc -l; }
# Every frame of a pcap as "SOURCE-MAC HEX-BYTES", one line each, grouped by source MAC (stable, so each sender's
# frames stay in their order): two runs whose senders interleave differently on the wire compare equal.
frames_by_source() {
    tshark -r "$1" -x 2>/dev/null | awk '
        /^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]  / { h = substr($0, 7, 48); gsub(/ /, "", h); cur = cur h; next }
        { if (cur != "") print substr(cur, 13, 12), cur; cur = "" }
        END { if (cur != "") print substr(cur, 13, 12), cur }' | sort -s -k1,1
}

case "$CASE" in
default)
    run 0
    grep -q "verdict  *pass" out.txt || fail "no passing verdict in the statistics table"
    [ -s nicsim-out/nicsim.vcd ] || fail "default run wrote no VCD at nicsim-out/nicsim.vcd"
    [ -s nicsim-out/nicsim.pcap ] || fail "default run wrote no pcap at nicsim-out/nicsim.pcap"
    n=$(pcap_frames nicsim-out/nicsim.pcap)
    [ "$n" -eq 64 ] || fail "tshark read $n frames from the default pcap, expected 64 (32 each way)"
    vcd2fst nicsim-out/nicsim.vcd x.fst >/dev/null 2>&1 || fail "vcd2fst rejected the VCD"
    [ -s x.fst ] || fail "vcd2fst wrote no FST"
    ;;
help)
    run 0 --help
    grep -q -- "--bus-width" out.txt || fail "help does not list --bus-width"
    grep -q -- "--fault LIST" out.txt || fail "help does not list --fault"
    grep -q -- "--randomize" out.txt || fail "help does not list --randomize"
    grep -q -- "--bus-model MODEL  *pin: .*tlm: " out.txt || fail "help does not list --bus-model pin|tlm"
    run 0 --list-scenarios
    grep -q "dma32-high" out.txt || fail "--list-scenarios does not name dma32-high"
    for preset in $(awk '{print $1}' out.txt); do
        "$NICSIM" --scenario "$preset" --vcd none --pcap-out none --quiet --packets 8 >/dev/null 2>p.err ||
            { cat p.err; fail "preset $preset does not pass out of the box"; }
    done
    run 0 --version
    grep -q "^nicsim " out.txt || fail "--version prints no version"
    ;;
guide-options)
    # The user guide's option reference is nicsim --help-markdown word for word (regenerate it from there).
    guide=$(dirname "$(realpath "${BASH_SOURCE[0]}")")/../../../docs/user-guide.md
    run 0 --help-markdown
    sed -n '/^<!-- BEGIN nicsim --help-markdown -->$/,/^<!-- END nicsim --help-markdown -->$/p' "$guide" | sed '1d;$d' >g.md
    [ -s g.md ] || fail "no generated option reference in $guide"
    diff g.md out.txt || fail "docs/user-guide.md's option tables differ from nicsim --help-markdown"
    ;;
trace-internals)
    run 0 --packets 2 --trace dma,desc --vcd v.vcd --pcap-out none --quiet
    grep -q "scope module dma" v.vcd || fail "--trace dma put no nic.dma scope in the VCD"
    grep -q "scope module txdesc" v.vcd || fail "--trace desc put no nic.txdesc scope in the VCD"
    ! grep -q "scope module mac" v.vcd || fail "--trace dma,desc also traced the MAC"
    run 0 --packets 2 --vcd b.vcd --pcap-out none --quiet
    ! grep -q "scope module nic" b.vcd || fail "the default trace (bus) traced NIC internals"
    vcd2fst v.vcd v.fst >/dev/null 2>&1 || fail "vcd2fst rejected the traced VCD"
    ;;
stats-json)
    run 0 --quiet --vcd none --pcap-out none --stats-json s.json --packets 4
    [ ! -s out.txt ] || fail "--quiet still printed to stdout"
    grep -q '"verdict": "pass"' s.json || fail "stats JSON has no passing verdict"
    grep -q '"frames_intact": 4' s.json || fail "stats JSON does not count 4 intact frames"
    [ ! -e nicsim-out ] || fail "'none' outputs still created nicsim-out"
    ;;
bus64-66)
    run 0 --bus-width 64 --bus-clock 66 --packets 8 --stats-json s.json --vcd v.vcd --pcap-out p.pcap
    grep -q '"bus": "64-bit 66 MHz"' s.json || fail "the run did not use a 64-bit 66 MHz bus"
    grep -q "REQ64_n" v.vcd || fail "the VCD of a 64-bit bus has no REQ64_n"
    ;;
dma32-high)
    run 0 --scenario dma32-high --packets 8 --stats-json s.json --vcd none --pcap-out none
    grep -q '"dma_address_bits": 32' s.json || fail "not a 32-bit NIC"
    grep -q '"dac_cycles": 0' s.json || fail "a 32-bit NIC drove DAC cycles"
    grep -q '"bounce_buffer_bytes": [1-9]' s.json || fail "a 32-bit NIC with high memory bounced no bytes"
    ;;
dac64)
    run 0 --scenario dac64 --packets 8 --stats-json s.json --vcd none --pcap-out none
    grep -A20 '"bus_master_nic"' s.json | grep -q '"dac_cycles": [1-9]' || fail "a 64-bit NIC with high memory drove no DAC"
    ;;
lso)
    run 0 --scenario lso64k --packets 3 --stats-json s.json --vcd none --pcap-out p.pcap
    grep -q '"tcp_segments": [1-9]' s.json || fail "LSO produced no TCP segments"
    # The three packets' segments read as one TCP stream without gaps in Wireshark's TCP analysis.
    n=$(tshark -r p.pcap -Y tcp 2>/dev/null | wc -l)
    [ "$n" -eq $((3 * 45)) ] || fail "tshark read $n TCP segments, expected 3 packets of 45"
    gaps=$(tshark -r p.pcap -Y 'tcp.analysis.lost_segment || tcp.analysis.out_of_order' 2>/dev/null | wc -l)
    [ "$gaps" -eq 0 ] || fail "tshark's TCP analysis found $gaps segments after a gap or out of order"
    ;;
small-imix)
    run 0 --size imix --packets 24 --fragments 4 --placement fragmented --link 100 --vcd none --pcap-out none
    run 0 --size 60..200 --direction rx --packets 8 --vcd none --pcap-out none --max-transfer 256
    run 0 --direction tx --packets 8 --seed 99 --mem-latency 30 --vcd none --pcap-out none
    ;;
back-to-back)
    run 0 --back-to-back --packets 8 --stats-json s.json --vcd none --pcap-out p.pcap
    grep -A3 '"partner_transmit"' s.json | grep -q '"packets_sent": 8' || fail "the partner NIC sent nothing"
    n=$(pcap_frames p.pcap)
    [ "$n" -eq 16 ] || fail "tshark read $n frames on the back-to-back wire, expected 16"
    ;;
pcap-in)
    run 0 --direction rx --packets 3 --vcd none --pcap-out in.pcap
    run 0 --pcap-in in.pcap --direction tx --packets 0 --vcd none --pcap-out none --stats-json s.json
    grep -q '"frames_from_pcap": 3' s.json || fail "the pcap's 3 frames were not injected"
    grep -q '"packets_indicated": 3' s.json || fail "the pcap's 3 frames (to the NIC's address) were not received"
    grep -q '"frames_from_pcap_intact": 3' s.json || fail "the pcap's 3 frames were not indicated byte for byte"
    # Frames longer than one 2048-byte RX buffer: without jumbo frames the NIC drops them (RCTL.LPE clear, over 1522
    # bytes with FCS); with --jumbo-packet 9014 the driver reassembles each from its buffers and indicates it whole.
    write_sized_pcap big.pcap 2100 3000 9014
    run 0 --pcap-in big.pcap --direction tx --packets 0 --vcd none --pcap-out none --stats-json s.json
    grep -q '"packets_indicated": 0' s.json || fail "oversize frames were indicated without jumbo frames"
    grep -q '"frames_dropped": 3' s.json || fail "the NIC did not drop the 3 oversize frames"
    grep -q '"frames_from_pcap_not_indicated": 3' s.json || fail "the 3 dropped frames were not counted as not indicated"
    run 0 --pcap-in big.pcap --direction tx --packets 0 --vcd none --pcap-out none --stats-json s.json --jumbo-packet 9014
    grep -q '"packets_indicated": 3' s.json || fail "the 3 long frames were not indicated with --jumbo-packet 9014"
    grep -q '"bytes_indicated": 14114' s.json || fail "the long frames were not indicated whole (2100+3000+9014)"
    grep -q '"frames_from_pcap_intact": 3' s.json || fail "the long frames were not indicated byte for byte"
    grep -q '"frames_from_pcap_corrupted": 0' s.json || fail "a long frame was indicated with other bytes"
    ;;
limits)
    run 0 --packets 1000 --max-time 100us --vcd none --pcap-out none --stats-json s.json
    grep -q '"ended_by": "time limit"' s.json || fail "the time limit did not end the run"
    grep -q "time limit ended the run" err.txt || fail "no note that the time limit ended the run"
    run 0 --packets 1000 --max-clocks 2000 --vcd none --pcap-out none --stats-json s.json
    grep -q '"bus_clocks": 200[0-9]' s.json || fail "--max-clocks 2000 did not stop near 2000 clocks"
    ;;
declared-defaults)
    # Each parameter's declared default (nicsim --help-markdown) is what the program does without the option: a run
    # given --NAME DEFAULT writes the same statistics as a run without it. And each does what its description
    # says: a run with another value shows the effect named here (expected values from the description, not from
    # the code). A parameter new in the table fails this case until it is added below.
    base=(--vcd none --pcap-out none --quiet)
    value() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[sys.argv[2]][sys.argv[3]])' "$@"; }
    run 0 "${base[@]}" --stats-json base.json
    stats_sans_wallclock base.json >base.txt
    run 0 --help-markdown
    sed -n 's/^| `--\([a-z0-9-]*\)\( [A-Z]*\)\?` | [^|]* | \([^|]*\) |.*/\1 \3/p' out.txt >declared.txt
    [ "$(wc -l <declared.txt)" -ge 25 ] || fail "could not read the declared defaults from --help-markdown"
    while read -r name default; do
        case $name in
        vcd | trace-format | pcap-out | stats-json | pcap-in | scenario-file | trace | progress | fault) continue ;; # outputs, inputs
        esac
        run 0 "${base[@]}" "--$name=$default" --stats-json d.json
        stats_sans_wallclock d.json >d.txt
        diff base.txt d.txt >/dev/null || fail "--$name=$default (its declared default) changed the run: $(diff base.txt d.txt | head -4)"
    done <declared.txt
    effect() { # effect NAME VALUE SECTION KEY EXPECTED: a run with --NAME VALUE has SECTION.KEY == EXPECTED
        run 0 "${base[@]}" "--$1=$2" --stats-json e.json
        got=$(value e.json "$3" "$4")
        [ "$got" = "$5" ] || fail "--$1 $2: $3.$4 is '$got', the description says '$5'"
        checked="$checked $1"
    }
    checked=""
    effect bus-width 64 run bus "64-bit 33 MHz"
    effect bus-clock 66 run bus "32-bit 66 MHz"
    effect bus-model tlm run bus_model tlm
    effect dma-address-bits 32 run dma_address_bits 32
    effect placement low run memory_placement low
    effect maximum-physical-mapping 32768 run maximum_physical_mapping 32768
    effect packets 4 transmit packets_sent 4
    effect size 60 transmit bytes_sent $((32 * 60))
    effect direction tx receive packets_indicated 0
    effect fragments 3 run traffic "32 packets both, size 1514, 3 buffers per packet"
    effect seed 5 run seed 5
    effect scenario smoke run scenario smoke
    effect max-time 100us run ended_by "time limit"
    effect max-clocks 2000 run bus_clocks 2000
    effect burst-batching off wall_clock bus_clocks_in_batches 0
    effect lso-max-size 65536 run traffic "32 packets both, size LSO 65536, 1 buffer per packet"
    # 32 sends of 64 KiB cut into MSS 1460 segments: ceil((65536 - 54) / 1460) = 45 each.
    [ "$(value e.json nic tso_segments)" = $((32 * 45)) ] || fail "--lso-max-size 65536 did not segment into MSS 1460"
    effect randomize true run scenario random
    effect back-to-back true partner_transmit packets_sent 32
    effect map-registers 0 host map_registers_reserved 2
    # The built-in driver passes 0 to NdisMSetAttributesEx: NDIS's 2 s, far beyond the 1.1 ms default run.
    effect check-for-hang driver host hang_checks 0
    # Every 100 us instead of every 500 us: a run of about 1 ms after the driver came up makes at least 8 checks.
    run 0 "${base[@]}" --check-for-hang 100us --stats-json e.json
    [ "$(value e.json host hang_checks)" -ge 8 ] || fail "--check-for-hang 100us made $(value e.json host hang_checks) checks"
    # The fast mode's CPU synchronises with the kernel once per quantum instead of waiting out each cycle; with
    # quantum 0 it never runs ahead, so it never has a local time to synchronise.
    run 0 "${base[@]}" --bus-model tlm --stats-json q1.json
    run 0 "${base[@]}" --bus-model tlm --tlm-quantum 0 --stats-json q0.json
    [ "$(value q1.json host cpu_quantum_synchronisations)" -gt 0 ] || fail "--bus-model tlm did not decouple the CPU"
    [ "$(value q0.json host cpu_quantum_synchronisations)" = 0 ] || fail "--tlm-quantum 0 still decoupled the CPU"
    checked="$checked tlm-quantum"
    # Reads later than the bridge's 16-clock retry threshold become delayed transactions: the NIC is retried.
    run 0 "${base[@]}" --mem-latency 20 --stats-json e.json
    [ "$(value e.json bus_master_nic retries)" -gt 0 ] || fail "--mem-latency 20 caused no retries"
    checked="$checked mem-latency"
    # Smaller bus-master requests: more of them for the same bytes.
    run 0 "${base[@]}" --max-transfer 256 --stats-json e.json
    [ "$(value e.json dma bursts_bus_requests)" -gt "$(value base.json dma bursts_bus_requests)" ] ||
        fail "--max-transfer 256 did not split DMA into more requests"
    checked="$checked max-transfer"
    # A cache of 8 descriptors: no fetch brings more than 8, so the descriptors fetched take at least 1/8 as many
    # bursts (the default cache of 64 fetches the whole default run in 3).
    run 0 "${base[@]}" --desc-cache 8 --stats-json e.json
    python3 - e.json <<'PY' || fail "--desc-cache 8 fetched more than 8 descriptors in one burst"
import json, sys
d = json.load(open(sys.argv[1]))["descriptors"]
sys.exit(0 if d["fetch_bursts"] * 8 >= d["tx_fetched"] + d["rx_fetched"] and d["fetch_bursts"] > 3 else 1)
PY
    checked="$checked desc-cache"
    # PTHRESH 8 (desc-prefetch-threshold) with a cache of 8: the NIC fetches whenever a descriptor is used, not only once the cache is empty:
    # more, smaller fetch bursts for the same receive traffic.
    small=(--direction rx --size 60 --packets 200 --desc-cache 8)
    run 0 "${base[@]}" "${small[@]}" --stats-json p0.json
    run 0 "${base[@]}" "${small[@]}" --desc-prefetch-threshold 8 --stats-json p8.json
    [ "$(value p8.json descriptors fetch_bursts)" -gt "$(value p0.json descriptors fetch_bursts)" ] ||
        fail "--desc-prefetch-threshold 8 did not make the NIC prefetch"
    checked="$checked desc-prefetch-threshold"
    # The driver's interrupt delay (InterruptDelay, 64 units = 65.5 us): one interrupt covers the frames done within
    # it, so the same sends take fewer interrupts than one per frame. Sends only: TIDV delays only the descriptors
    # the driver marks IDE (the receive side's RDTR is e2e_tests' case "an interrupt delay gathers a burst of
    # received frames").
    run 0 "${base[@]}" --direction tx --registry InterruptDelay=64 --stats-json e.json
    run 0 "${base[@]}" --direction tx --stats-json p0.json
    [ "$(value e.json host interrupts_serviced)" -lt "$(value p0.json host interrupts_serviced)" ] ||
        fail "--registry InterruptDelay=64 did not take fewer interrupts for the same sends"
    # At 100 Mb/s a 1514-byte frame with preamble, FCS and inter-frame gap (1538 bytes) takes 123.04 us on the wire:
    # 32 of them one way take at least 3937 us (the directions are full duplex).
    run 0 "${base[@]}" --link 100 --stats-json e.json
    python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["run"]["simulated_time_us"] >= 3937 else 1)' e.json ||
        fail "--link 100 ran faster than 32 frames can cross a 100 Mb/s wire"
    checked="$checked link"
    # A send maps the larger of a frame (*JumboPacket) and MaximumPhysicalMapping: 9014 bytes span at most
    # BYTES_TO_PAGES(9014) + 1 = 4 pages, so the HAL reserves 4 map registers instead of 2.
    effect jumbo-packet 9014 host map_registers_reserved 4
    # On a 64-bit bus the 82545EM variant moves 8 bytes per data phase, the 82540EM 4: the same bytes in about half
    # the data phases.
    run 0 "${base[@]}" --bus-width 64 --stats-json e32.json
    run 0 "${base[@]}" --bus-width 64 --nic-data-path 64 --stats-json e64.json
    [ "$(value e64.json bus_master_nic data_phases)" -lt "$(value e32.json bus_master_nic data_phases)" ] ||
        fail "--nic-data-path 64 did not use fewer data phases on a 64-bit bus"
    checked="$checked nic-data-path"
    # An all-zero EEPROM image fails the driver's checksum (the words must sum to 0xBABA).
    head -c 128 /dev/zero >zero.eeprom
    run 1 "${base[@]}" --eeprom zero.eeprom
    grep -q "driver initialisation failed" err.txt || fail "--eeprom zero.eeprom did not reach the driver"
    checked="$checked eeprom"
    # The link comes back autoneg after the cable is plugged in again: 1 ms of negotiation after a 50 us pull at
    # 200 us keeps the run going for at least 1250 us.
    # (whether the traffic after the flap is judged lost is the link-flap fault's own case; only the time counts here)
    "$NICSIM" "${base[@]}" --packets 200 --fault link-flap:200us,link-down-for:50us --autoneg 1ms --stats-json e.json \
        >out.txt 2>err.txt
    python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["run"]["simulated_time_us"] >= 1250 else 1)' e.json ||
        fail "--autoneg 1ms did not delay the link's return"
    checked="$checked autoneg"
    run 0 --quiet --vcd none --pcap-out none
    [ ! -s out.txt ] || fail "--quiet printed on stdout"
    checked="$checked quiet"
    # The window: the DUT moves to the pin-level bus at 200 us (after the DMA engine's quiescence wait) and back 100 us later, and the bus
    # monitor then has transactions to count.
    run 0 "${base[@]}" --bus-model tlm --detail-from 200us --detail-for 100us --stats-json e.json
    python3 - e.json <<'PY' || fail "--detail-from 200us --detail-for 100us did not open a window from 200 us for 100 us"
import json, sys
d = json.load(open(sys.argv[1]))
w = d["detail_window"]
# The switch opens the window once the DMA engine is quiescent: 200 us plus the wait it reports.
opened_at = w["start_us"] - w["quiescence_wait_at_start_ns"] / 1000
sys.exit(0 if abs(opened_at - 200) < 0.01 and w["end_us"] >= w["start_us"] + 100 and d["bus"]["transactions"] > 0 else 1)
PY
    checked="$checked detail-from detail-for"
    while read -r name default; do
        case $name in
        vcd | trace-format | pcap-out | stats-json | pcap-in | scenario-file | trace | progress | fault) continue ;; # own cases
        miniport | peer-miniport | registry | peer-registry) continue ;; # nicsim_cli_miniport (the SDK example)
        esac
        case " $checked " in *" $name "*) ;; *) fail "--$name has no effect check in declared-defaults" ;; esac
    done <declared.txt
    ;;
verdicts)
    # Without --max-time the run lasts until its traffic is done: 5000 packets take about 62 ms of simulated time.
    run 0 --direction tx --packets 5000 --vcd none --pcap-out none --quiet --stats-json long.json
    grep -q '"ended_by": "traffic complete"' long.json || fail "a run of 5000 packets did not finish its traffic"
    grep -q '"frames_intact": 5000' long.json || fail "a run of 5000 packets did not deliver 5000 frames"
    # The default machine (1 GbE both ways, 32-bit/33 MHz PCI) cannot carry the link rate: the overruns that
    # follow are accepted, counted and named, and the default scenario passes at any packet count.
    run 0 --packets 100 --vcd none --pcap-out none --stats-json p100.json
    grep -q "verdict  *pass" out.txt || fail "--packets 100 did not pass"
    missing=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["receive"]["frames_missing"])' p100.json)
    if [ "$missing" -gt 0 ]; then
        grep -q "RX overruns accepted (the bus cannot carry the link rate) *$missing\b" out.txt ||
            fail "$missing receive frames missing without an accepted-overrun row"
    fi
    # A reset accepts the loss of the sends in flight, never more than were sent and accepted.
    run 0 --fault reset-at:400us --vcd none --pcap-out none --quiet --stats-json r.json
    python3 - r.json <<'PY' || fail "reset-at:400us accepts more TX losses than sends the driver took before it"
import json, sys
d = json.load(open(sys.argv[1]))
taken = d["transmit"]["packets_sent"] - d["transmit"]["sends_refused"]
sys.exit(0 if d["faults"]["tx_losses_accepted"] <= taken else 1)
PY
    # A reset after the last send (all 32 made by 246 us, those still queued aborted by the driver's reset):
    # transmit resuming is not shown, every send is refused with a status or expected, and the run passes.
    run 0 --fault reset-at:100us --vcd none --pcap-out none --quiet --stats-json r100.json
    grep -q '"transmit_after_the_reset": "not shown' r100.json || fail "reset-at:100us: no transmit-not-shown row"
    python3 - r100.json <<'PY' || fail "reset-at:100us: a send neither refused nor expected"
import json, sys
t = json.load(open(sys.argv[1]))["transmit"]
sys.exit(0 if t["sends_refused"] > 0 and t["sends_refused"] + t["frames_expected"] == t["packets_sent"] else 1)
PY
    # Every received frame is lost in that reset, each counted once: by the receiver the reset left off, or as
    # written to host memory and discarded with the ring. A frame lost without being counted would fail the run.
    python3 - r100.json <<'PY' || fail "reset-at:100us: the accepted RX losses are not the frames missing"
import json, sys
d = json.load(open(sys.argv[1]))
f, missing = d["faults"], d["receive"]["frames_missing"]
counted = f["rx_missed_mpc"] + f["rx_frames_dropped"] + f["rx_frames_lost_to_link_down"] + \
    f["rx_frames_written_discarded_by_a_reset"]
sys.exit(0 if missing == d["receive"]["frames_expected"] and f["rx_losses_accepted"] == counted == missing else 1)
PY
    # The peer's frames are well formed: those dropped are dropped by the receiver the reset left off or while the
    # reset PHY had no link, not for their length or errors.
    python3 - r100.json <<'PY' || fail "reset-at:100us: frames dropped in the reset are not counted as such"
import json, sys
d = json.load(open(sys.argv[1]))
n, f = d["nic"], d["faults"]
off = f["rx_frames_dropped"] - f["rx_frames_flushed_by_a_reset"]
sys.exit(0 if off > 0 and n["received_frames_dropped_receiver_off"] > 0 and
         n["received_frames_dropped_receiver_off"] + n["received_frames_dropped_link_down"] == off and
         n["received_frames_dropped_length_errors"] == 0 else 1)
PY
    ;;
scenario-file)
    printf '\xef\xbb\xbf# test scenario, with a UTF-8 byte-order mark\nbus-width = 64\npackets = 4\nvcd = "none"\npcap-out = "none"\n' >s.toml
    run 0 --scenario-file s.toml --stats-json s.json
    grep -q '"bus": "64-bit' s.json || fail "the scenario file's bus-width was not applied"
    ;;
bad-input)
    bad_input "unknown option '--frobnicate'" --frobnicate
    bad_input "--bus-width: expected 32 or 64, got '48'" --bus-width 48
    bad_input "--packets:" --packets lots
    bad_input "--size:" --size 9000
    bad_input "--scenario: unknown scenario 'nope'" --scenario nope
    bad_input "--pcap-in:" --pcap-in /nonexistent/in.pcap
    printf 'not a pcap file at all' >bad.pcap
    bad_input "bad.pcap" --pcap-in bad.pcap
    printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00' >short.pcap
    bad_input "short.pcap" --pcap-in short.pcap
    printf 'packets = 4\nwhat = "ever"\n' >bad.scn
    bad_input "bad.scn:2: unknown key 'what'" --scenario-file bad.scn
    bad_input "--scenario-file: cannot read" --scenario-file /nonexistent/x.scn
    bad_input "--vcd: cannot write" --vcd /nonexistent/dir/x.vcd
    bad_input "--pcap-out: cannot write" --pcap-out /nonexistent/dir/x.pcap
    bad_input "--stats-json: cannot write" --stats-json /nonexistent/dir/x.json
    bad_input "--fault: rx-flood needs --packets 128" --fault rx-flood --packets 32
    [ ! -e nicsim-out ] || fail "bad input left nicsim-out behind"
    bad_input "--fault retry: expected a probability from 0 to 0.5, got '2'" --fault retry:2
    bad_input "--fault: expected a comma-separated list" --fault bogus:1
    bad_input "--fault: expected 'retry:VALUE'" --fault retry
    bad_input "--fault reset-at: expected a time" --fault reset-at:soon
    bad_input "--fault: not available with --back-to-back" --back-to-back --fault retry:0.1
    bad_input "--fault: rx-flood needs received traffic" --direction tx --fault rx-flood
    head -c 100 /dev/zero >short.eeprom
    bad_input "--eeprom: expected a readable file of 128 bytes" --eeprom short.eeprom
    bad_input "--autoneg: expected a time" --autoneg never
    # An image of the right size is taken as it is: all zeros fails the driver's checksum, not the command line.
    head -c 128 /dev/zero >zero.eeprom
    run 1 --eeprom zero.eeprom --packets 2 --vcd none --pcap-out none --quiet
    grep -q "driver initialisation failed" err.txt || { cat err.txt; fail "a zero EEPROM image passed the driver"; }
    rm -f out.txt err.txt zero.eeprom short.eeprom
    bad_input "--fault retry: expected a probability above 0" --fault retry:0
    bad_input "--fault: link-down-for needs link-flap" --fault link-down-for:50us
    bad_input "--fault reset-at: 2ms is not before --max-time 1ms" --fault reset-at:2ms --max-time 1ms
    bad_input "unknown option '--pakets' (did you mean --packets?)" --pakets 3
    bad_input "--help takes no value" --help=x
    ;;
ctrl-c)
    "$NICSIM" --packets 100000000 --max-time 3600s --vcd v.vcd --pcap-out p.pcap --stats-json s.json >out.txt 2>err.txt &
    pid=$!
    for _ in $(seq 600); do  # until the run has opened its outputs (it handles signals from then on)
        [ -n "$(find . -maxdepth 1 -name '.v.vcd.*')" ] && break
        sleep 0.1
    done
    sleep 1
    kill -INT "$pid"
    wait "$pid"
    code=$?
    [ "$code" -eq 130 ] || { cat err.txt; fail "Ctrl-C exit status $code, expected 130 (128 + SIGINT)"; }
    grep -q "interrupted" err.txt || fail "no note that the run was interrupted"
    grep -q '"ended_by": "Ctrl-C (SIGINT)"' s.json || fail "stats JSON does not say Ctrl-C ended the run"
    n=$(pcap_frames p.pcap)
    [ "$n" -gt 0 ] || fail "the interrupted pcap is not readable by tshark"
    vcd2fst v.vcd v.fst >/dev/null 2>&1 || fail "vcd2fst rejected the interrupted VCD"
    ;;
same-seed)
    args=(--packets 12 --size 60..1514 --fragments 3 --placement scattered --seed 4242 --quiet)
    run 0 "${args[@]}" --vcd a.vcd --pcap-out a.pcap --stats-json a.json
    run 0 "${args[@]}" --vcd b.vcd --pcap-out b.pcap --stats-json b.json
    cmp -s a.vcd b.vcd || fail "two runs of seed 4242 wrote different VCDs"
    cmp -s a.pcap b.pcap || fail "two runs of seed 4242 wrote different pcaps"
    grep -q '"wall_clock": {' a.json || fail "the stats JSON has no wall-clock section"
    cmp -s <(stats_sans_wallclock a.json) <(stats_sans_wallclock b.json) ||
        fail "two runs of seed 4242 wrote different statistics (outside the wall-clock section)"
    grep -q '"wall_time_s"' <(stats_sans_wallclock a.json) && fail "wall time is outside the wall-clock section"
    run 0 "${args[@]:0:8}" --seed 4243 --quiet --vcd c.vcd --pcap-out c.pcap --stats-json c.json
    cmp -s a.pcap c.pcap && fail "seeds 4242 and 4243 produced the same traffic"
    grep -q '"seed": 4243' c.json || fail "the stats JSON does not record seed 4243"
    # Faults are seeded too: the same seed with the same fault plan repeats exactly.
    fargs=(--packets 60 --fault retry:0.05,disconnect:0.05,latency-spike:0.1,link-flap:200us,reset-at:400us --quiet)
    run 0 "${fargs[@]}" --vcd d.vcd --pcap-out d.pcap --stats-json d.json
    run 0 "${fargs[@]}" --vcd e.vcd --pcap-out e.pcap --stats-json e.json
    cmp -s d.vcd e.vcd && cmp -s d.pcap e.pcap || fail "two runs with the same fault plan wrote different VCD or pcap"
    cmp -s <(stats_sans_wallclock d.json) <(stats_sans_wallclock e.json) ||
        fail "two runs with the same fault plan wrote different statistics"
    ;;
burst-batching)
    # --burst-batching on (the default) against off: the same statistics (outside the wall-clock section), the same
    # pcap and the same printout, for runs whose bursts batching shortens; only the wall-clock section's count of
    # clocks in batches tells them apart. Traced runs batch too, and write the same VCD or FST bytes (nicsim's writers
    # take a batched clock's values at that clock's time). A run with bridge faults batches nothing.
    printout_sans_wallclock() { awk '/^wall-clock$/{skip=1} /^(VCD|GTKWave|pcap):/{skip=0} !skip' "$1"; }
    value() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[sys.argv[2]][sys.argv[3]])' "$@"; }
    shapes=("--scenario saturate --packets 150"
        "--scenario saturate --packets 150 --nic-data-path 64"
        "--size imix --packets 60 --seed 11 --direction rx"
        "--size 60 --packets 80 --direction tx --placement fragmented"
        "--packets 40 --placement high --dma-address-bits 64 --bus-width 64 --seed 5")
    for shape in "${shapes[@]}"; do
        read -r -a shape_args <<<"$shape"
        run 0 "${shape_args[@]}" --vcd none --pcap-out p.pcap --stats-json on.json
        cp out.txt on.txt
        cp err.txt on.err
        mv p.pcap on.pcap
        run 0 "${shape_args[@]}" --vcd none --pcap-out p.pcap --stats-json off.json --burst-batching off
        mv p.pcap off.pcap
        cmp -s <(stats_sans_wallclock on.json) <(stats_sans_wallclock off.json) ||
            fail "$shape: batching changed the statistics: $(diff <(stats_sans_wallclock on.json) <(stats_sans_wallclock off.json) | head -6)"
        cmp -s on.pcap off.pcap || fail "$shape: batching changed the pcap"
        cmp -s <(printout_sans_wallclock on.txt) <(printout_sans_wallclock out.txt) || fail "$shape: batching changed the printout"
        cmp -s on.err err.txt || fail "$shape: batching changed the reports on stderr"
        [ "$(value on.json wall_clock bus_clocks_in_batches)" -gt 0 ] || fail "$shape: nothing was batched"
        [ "$(value off.json wall_clock bus_clocks_in_batches)" = 0 ] || fail "$shape: --burst-batching off batched"
    done
    traced=("--scenario saturate --packets 80 --trace all --vcd t.vcd"
        "--scenario saturate --packets 60 --nic-data-path 64 --trace-format fst --vcd t.fst")
    for shape in "${traced[@]}"; do
        read -r -a shape_args <<<"$shape"
        trace=${shape_args[-1]}
        run 0 "${shape_args[@]}" --pcap-out p.pcap --stats-json on.json
        cp out.txt on.txt
        mv "$trace" "on.$trace"
        mv p.pcap on.pcap
        run 0 "${shape_args[@]}" --pcap-out p.pcap --stats-json off.json --burst-batching off
        mv p.pcap off.pcap
        cmp -s "on.$trace" "$trace" || fail "$shape: batching changed the trace"
        cmp -s <(stats_sans_wallclock on.json) <(stats_sans_wallclock off.json) ||
            fail "$shape: batching changed the statistics: $(diff <(stats_sans_wallclock on.json) <(stats_sans_wallclock off.json) | head -6)"
        cmp -s on.pcap off.pcap || fail "$shape: batching changed the pcap"
        cmp -s <(printout_sans_wallclock on.txt) <(printout_sans_wallclock out.txt) || fail "$shape: batching changed the printout"
        [ "$(value on.json wall_clock bus_clocks_in_batches)" -gt 0 ] || fail "$shape: a traced run batched nothing"
    done
    run 0 --packets 20 --fault retry:0.05 --vcd none --pcap-out none --stats-json f.json
    [ "$(value f.json wall_clock bus_clocks_in_batches)" = 0 ] || fail "a run with retry faults batched clocks"
    ;;
replay)
    # A failing run prints its seed and the command that replays it; the replay fails the same way.
    run 1 --packets 8 --fragments 2 --maximum-physical-mapping 1514 --map-registers 1 --vcd none --pcap-out none --seed 77 --quiet
    grep -q "seed 77; replay with: nicsim .*--seed 77" err.txt || { cat err.txt; fail "no replay command with seed 77"; }
    cp err.txt first.txt
    cmd=$(sed -n 's/.*replay with: nicsim //p' first.txt)
    eval run 1 "$cmd"
    diff <(grep "check failed" first.txt) <(grep "check failed" err.txt) >/dev/null || fail "the replay failed differently"
    ;;
fault)
    # A fault that took effect is reported in the statistics; one that never fired fails the run with its name.
    run 0 --packets 40 --fault retry:0.02,link-flap:200us --vcd none --pcap-out none --stats-json s.json --quiet
    grep -q '"plan": "retry:0.02,link-flap:200000ns,link-down-for:100000ns"' s.json || fail "the fault plan is not in the stats"
    grep -q '"injected_retries": [1-9]' s.json || fail "no injected retries counted"
    grep -q '"media_disconnect_indications": [1-9]' s.json || fail "NDIS was not told of the link going down"
    run 1 --packets 4 --fault reset-at:10ms --vcd none --pcap-out none
    grep -q "fault reset-at (the traffic ended before it) had no effect" err.txt || { cat err.txt; fail "a fault that never fired passed"; }
    # A link flap entirely inside a driver reset is not indicated to NDIS (up before and after): not a failure. The
    # traffic outlasts the reset (about 1.1 ms), so receive is seen to resume after it.
    run 0 --packets 200 --fault reset-at:270us,link-flap:370us --vcd none --pcap-out none --stats-json r.json --quiet
    grep -q '"link_flap": "during the driver reset' r.json || fail "a link flap inside the reset is not reported as such"
    ;;
rx-flood)
    # Every frame of the flood crosses the wire: tshark finds all 256 of the peer's frames (source 02:00:00:00:00:02)
    # in the capture, the first 128 of them 60 bytes long (64 on the wire with the FCS the capture leaves out), each
    # starting no later than one 60-byte frame time plus the inter-frame gap after the one before (IEEE 802.3:
    # (8 + 64 + 12) bytes at 8 ns = 672 ns), and the receive FIFO overruns (MPC) with transmit traffic on the bus.
    run 0 --packets 256 --fault rx-flood --vcd none --pcap-out f.pcap --stats-json f.json --quiet
    bash "$(dirname "$0")/../regression/check_pcap.sh" f.pcap || fail "tshark found bad frames in the flood capture"
    tshark -r f.pcap -Y "eth.src == 02:00:00:00:00:02" -T fields -e frame.time_epoch -e frame.len 2>/dev/null >flood.txt
    [ "$(wc -l <flood.txt)" -eq 256 ] || fail "the capture holds $(wc -l <flood.txt) frames, the peer sent 256"
    [ "$(head -128 flood.txt | awk '$2 == 60' | wc -l)" -eq 128 ] || fail "the flood's 128 frames are not all 60 bytes"
    gaps=$(head -128 flood.txt | awk 'NR > 1 && ($1 - t) * 1e9 > 672.5 { n++ } { t = $1 } END { print n + 0 }')
    [ "$gaps" -eq 0 ] || fail "$gaps flood frames did not follow the one before back to back"
    grep -q '"rx_missed_mpc": [1-9]' f.json || fail "the flood caused no RX overrun"
    grep -q '"verdict": "pass"' f.json || fail "the flood run did not pass"
    ;;
tlm-pcap)
    # The TLM fast mode runs the same driver, NIC and traffic: the same frames as the pin-level bus, byte for byte
    # (timestamps, and so the interleaving of the two directions on the wire, differ).
    args=(--packets 12 --size 60..1514 --fragments 3 --seed 4242 --quiet --vcd none)
    run 0 "${args[@]}" --bus-model pin --pcap-out pin.pcap --stats-json pin.json
    run 0 "${args[@]}" --bus-model tlm --pcap-out tlm.pcap --stats-json tlm.json
    grep -q '"verdict": "pass"' tlm.json || fail "the tlm run has no passing verdict"
    grep -q '"bus_model": "tlm"' tlm.json || fail "the tlm run's statistics do not name bus model tlm"
    grep -q '"bus_model": "pin"' pin.json || fail "the pin run's statistics do not name bus model pin"
    grep -q '"frames_intact": 12' tlm.json || fail "the tlm run did not deliver 12 intact frames"
    ! grep -q '"bus_master_nic"' tlm.json || fail "the tlm run reports pin-level bus master statistics"
    ! grep -q '"bus_monitor_violations"' tlm.json || fail "the tlm run reports a bus monitor count"
    grep -q '"nic_dma_requests": [1-9]' tlm.json || fail "the tlm run counts no fast-mode DMA requests"
    n=$(pcap_frames tlm.pcap)
    [ "$n" -eq 24 ] || fail "tshark read $n frames from the tlm pcap, expected 24"
    frames_by_source pin.pcap >pin.frames
    frames_by_source tlm.pcap >tlm.frames
    [ "$(wc -l <pin.frames)" -eq 24 ] || fail "could not read 24 frames' bytes from the pin-level pcap"
    cmp -s pin.frames tlm.frames || fail "pin and tlm runs of seed 4242 put different frame bytes on the wire"
    cmp -s pin.pcap tlm.pcap && fail "pin and tlm pcaps are identical files: timestamps should differ"
    # The same check catches a different seed (so it can fail).
    run 0 "${args[@]:0:6}" --seed 4243 --quiet --vcd none --bus-model tlm --pcap-out other.pcap
    frames_by_source other.pcap >other.frames
    cmp -s pin.frames other.frames && fail "the frame comparison did not tell seeds 4242 and 4243 apart"
    ;;
tlm-same-seed)
    args=(--bus-model tlm --packets 12 --size 60..1514 --fragments 3 --seed 4242 --quiet --vcd none)
    run 0 "${args[@]}" --pcap-out a.pcap --stats-json a.json
    run 0 "${args[@]}" --pcap-out b.pcap --stats-json b.json
    cmp -s a.pcap b.pcap || fail "two tlm runs of seed 4242 wrote different pcaps"
    cmp -s <(stats_sans_wallclock a.json) <(stats_sans_wallclock b.json) ||
        fail "two tlm runs of seed 4242 wrote different statistics (outside the wall-clock section)"
    run 0 "${args[@]}" --seed 4243 --pcap-out c.pcap --stats-json c.json
    cmp -s a.pcap c.pcap && fail "tlm runs of seeds 4242 and 4243 produced the same traffic"
    cmp -s <(stats_sans_wallclock a.json) <(stats_sans_wallclock c.json) && fail "seeds 4242 and 4243 gave the same statistics"
    # Back to back, a NIC-internals trace and the faults that do not need the bus work in tlm mode too.
    run 0 --bus-model tlm --back-to-back --packets 6 --quiet --vcd none --pcap-out bb.pcap
    n=$(pcap_frames bb.pcap)
    [ "$n" -eq 12 ] || fail "tshark read $n frames on the tlm back-to-back wire, expected 12"
    run 0 --bus-model tlm --packets 2 --trace dma,desc --vcd v.vcd --pcap-out none --quiet
    grep -q "scope module dma" v.vcd || fail "--bus-model tlm --trace dma put no nic.dma scope in the VCD"
    ! grep -q "FRAME_n" v.vcd || fail "the tlm VCD traced pin-level bus lines"
    run 0 --bus-model tlm --packets 4 --quiet
    [ ! -e nicsim-out/nicsim.vcd ] || fail "--bus-model tlm wrote the default bus VCD"
    [ -s nicsim-out/nicsim.pcap ] || fail "--bus-model tlm wrote no default pcap"
    run 0 --bus-model tlm --packets 40 --fault link-flap:200us --vcd none --pcap-out none --stats-json lf.json --quiet
    grep -q '"media_disconnect_indications": [1-9]' lf.json || fail "tlm link-flap: NDIS was not told of the link going down"
    run 0 --bus-model tlm --packets 256 --fault rx-flood --vcd none --pcap-out none --stats-json rf.json --quiet
    grep -q '"rx_missed_mpc": [1-9]' rf.json || fail "tlm rx-flood: no RX overrun counted"
    run 0 --bus-model tlm --fault reset-at:300us --vcd none --pcap-out none --stats-json ra.json --quiet
    grep -q '"sends_completed_after_reset": [1-9]' ra.json || fail "tlm reset-at: transmit did not resume"
    ;;
tlm-saturate)
    # 1514-byte frames both ways at 1 Gb/s take 97.8 % of a 64-bit/66 MHz bus for the 82540EM's DMA (32-bit data
    # phases). With the driver's default interrupt moderation its register cycles fit in the rest: nothing is lost.
    # Unmoderated (ITR 0), an interrupt per frame and its register cycles take more than the rest, on either bus
    # model: the receive FIFO overruns now and then. Each loss the NIC counts in MPC is accepted and named, and the
    # run passes; any loss beyond MPC would fail it (checkers_tests [verdict]).
    run 0 --bus-model tlm --scenario saturate --packets 10000 --pcap-out none --quiet --stats-json m.json
    no_losses m.json || fail "tlm saturate, moderated: frames were lost or the run did not pass"
    run 0 --bus-model tlm --scenario saturate --packets 10000 --registry ITR=0 --pcap-out none --quiet --stats-json s.json
    overruns_accepted s.json || fail "tlm saturate: the losses are not all counted in MPC, accepted and named"
    # 100-byte frames both ways with the 64-bit variant: the DMA takes 82 % of the bus. Moderated, nothing is lost;
    # unmoderated, the driver's register cycles and the NIC bursts they cut take the rest and the NIC overruns on
    # both bus models; the losses are accepted and named.
    for m in pin tlm; do
        short=(--bus-model $m --scenario saturate --size 100 --nic-data-path 64 --packets 400 --pcap-out none --quiet)
        run 0 "${short[@]}" --stats-json short-m.json
        no_losses short-m.json || fail "$m short frames, moderated: frames were lost or the run did not pass"
        run 0 "${short[@]}" --registry ITR=0 --stats-json short.json
        overruns_accepted short.json || fail "$m short frames: the losses are not all counted in MPC, accepted and named"
    done
    # Back to back on the default 32-bit/33 MHz bus, 32000-byte large sends both ways: each partner's NIC overruns
    # while it also sends. The transmit board's losses are the partner's MPC, judged by the same rule and named.
    for m in pin tlm; do
        run 0 --bus-model $m --back-to-back --lso-max-size 32000 --maximum-physical-mapping 32000 --size imix --seed 3 \
            --packets 10 --vcd none --pcap-out none --quiet --stats-json b2b.json
        python3 - b2b.json <<'PY' || fail "$m back to back: the partner's overruns are not accepted and named"
import json, sys
d = json.load(open(sys.argv[1]))
t, mpc = d["transmit"], d["partner"]["nic_frames_missed_rx_overrun"]
ok = d["checks"]["verdict"] == "pass" and 0 < t["frames_missing"] <= mpc
sys.exit(0 if ok and t["rx_overruns_accepted_at_the_partner"] == mpc else 1)
PY
    done
    ;;
tlm-bad-input)
    bad_input "--bus-model: expected pin or tlm, got 'foo'" --bus-model foo
    printf 'bus-model = "fast"\n' >bm.scn
    bad_input "bm.scn:1: --bus-model: expected pin or tlm, got 'fast'" --scenario-file bm.scn
    for f in retry:0.1 disconnect:0.1 latency-spike:0.1 target-abort:5 master-abort:5 parity-address:10us \
        parity-data:10us parity-read:10us; do
        bad_input "--fault ${f%%:*}: not available with --bus-model tlm" --bus-model tlm --fault "$f"
    done
    bad_input "--fault retry: not available with --bus-model tlm" --bus-model tlm --fault link-flap:100us,retry:0.1
    bad_input "--trace bus: not available with --bus-model tlm" --bus-model tlm --vcd x.vcd
    bad_input "--trace all: not available with --bus-model tlm" --bus-model tlm --vcd x.vcd --trace all
    bad_input "--trace bus: not available with --bus-model tlm" --bus-model tlm --stats-json s.json --trace bus,dma --vcd x.vcd
    [ ! -e nicsim-out ] || fail "bad tlm input left nicsim-out behind"
    ;;
*)
    fail "unknown case $CASE"
    ;;
esac
validate_all
echo "PASS: $CASE"
