#!/usr/bin/env bash
# What a nicsim run writes, checked from outside: atomic replacement, links, devices and standard output, outputs
# that collide with inputs or each other, write errors, the signals that stop a run, and the GTKWave save file.
# Usage: nicsim_outputs_test.sh NICSIM CASE. Each case runs in a fresh temporary directory; exit 0 = pass.
set -u
NICSIM=$1
CASE=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
WORK=$(pwd -P)

fail() { echo "FAIL: $*"; exit 1; }
run() {
    local want=$1; shift
    "$NICSIM" "$@" >out.txt 2>err.txt
    local got=$?
    [ "$got" -eq "$want" ] || { cat out.txt err.txt; fail "nicsim $* exited $got, expected $want"; }
}
# refused 'message part' args...: exit 2, one line on stderr, and no file created or changed in the directory.
refused() {
    local msg=$1; shift
    local before after
    before=$(find . -mindepth 1 -path ./out.txt -prune -o -path ./err.txt -prune -o -printf '%p %s %T@\n' | sort)
    run 2 "$@"
    [ "$(wc -l <err.txt)" -eq 1 ] || { cat err.txt; fail "expected one line on stderr"; }
    grep -qF -- "$msg" err.txt || { cat err.txt; fail "stderr does not name '$msg'"; }
    after=$(find . -mindepth 1 -path ./out.txt -prune -o -path ./err.txt -prune -o -printf '%p %s %T@\n' | sort)
    [ "$before" = "$after" ] || fail "nicsim $* changed files: $(diff <(echo "$before") <(echo "$after"))"
}
no_temp_files() {
    local left
    left=$(find . -name '.*.??????' -o -name '*.part' -o -name '*.tmp' -o -name '*.nicsim-probe')
    [ -z "$left" ] || fail "temporary files left behind: $left"
}
pcap_frames() { tshark -r "$1" -T fields -e frame.len 2>/dev/null | wc -l; }
is_json() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
quick=(--packets 4 --quiet)
COMPARE_VCD="$(dirname "$(realpath "${BASH_SOURCE[0]}")")/compare_vcd.py"
# The FST a run wrote, read back by GTKWave's fst2vcd, records what the VCD records (compare_vcd.py).
same_as_vcd() {
    fst2vcd "$1" >fst.vcd 2>fst2vcd.err || { cat fst2vcd.err; fail "fst2vcd cannot read $1"; }
    python3 "$COMPARE_VCD" "$2" fst.vcd >cmp.txt || { cat cmp.txt; fail "$1 does not hold what $2 holds"; }
    rm -f fst.vcd fst2vcd.err cmp.txt
}

# stop_long_run SIGNAL TARGET TEMP NICSIM-ARGS...: start a run that would last an hour, wait until it has opened its
# outputs (TEMP, a temporary file's glob, exists) and simulated a while - on a loaded machine a fixed delay could
# still hit the program's start-up, before it handles signals - then send SIGNAL to TARGET ("process": the run;
# "group": its whole process group, as Ctrl-C at a terminal does) and set `code` to the run's exit status.
stop_long_run() {
    local sig=$1 target=$2 temp=$3 pid
    shift 3
    if [ "$target" = group ]; then
        setsid "$NICSIM" --packets 100000000 --max-time 3600s "$@" >out.txt 2>err.txt &
    else
        "$NICSIM" --packets 100000000 --max-time 3600s "$@" >out.txt 2>err.txt &
    fi
    pid=$!
    for _ in $(seq 600); do
        [ -n "$(find . -maxdepth 1 -name "$temp")" ] && break
        sleep 0.1
    done
    sleep 1
    if [ "$target" = group ]; then kill -s "$sig" -- "-$pid"; else kill -s "$sig" "$pid"; fi
    wait "$pid"
    code=$?
}
# gtkwave_view SAVE OUT: GTKWave, started from another directory (/) on the save file SAVE, writes to OUT its window
# ("window START END MARKER") and every trace with its value at the marker ("trace NAME=VALUE").
gtkwave_view() {
    cat >q.tcl <<'TCL'
puts "window [gtkwave::getWindowStartTime] [gtkwave::getWindowEndTime] [gtkwave::getMarker]"
for {set i 0} {$i < [gtkwave::getTotalNumTraces]} {incr i} {
    puts "trace [gtkwave::getTraceNameFromIndex $i]=[gtkwave::getTraceValueAtMarkerFromIndex $i]"
}
gtkwave::/File/Quit
TCL
    (cd / && timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" gtkwave -S "$WORK/q.tcl" "$1") >"$2" 2>&1 ||
        { cat "$2"; fail "gtkwave did not open $1"; }
}

case "$CASE" in
replace)
    # A regular file is replaced whole; a link's target is replaced and the link stays; permissions are kept.
    printf 'old' >s.json
    chmod 640 s.json
    run 0 "${quick[@]}" --vcd none --pcap-out none --stats-json s.json
    is_json s.json || fail "s.json is not the statistics"
    [ "$(stat -c %a s.json)" = 640 ] || fail "replacing s.json changed its permissions to $(stat -c %a s.json)"
    mkdir real
    ln -s real/target.json link.json
    run 0 "${quick[@]}" --vcd none --pcap-out none --stats-json link.json
    [ -L link.json ] || fail "the link link.json was replaced by a file"
    is_json real/target.json || fail "the link's target real/target.json was not written"
    run 0 "${quick[@]}" --vcd foo --pcap-out none
    [ -s foo ] && [ ! -e foo.vcd ] || fail "--vcd foo did not write exactly 'foo'"
    head -c 5 foo | grep -q '\$date' || fail "foo is not a VCD"
    [ -s foo.gtkw ] || fail "--vcd foo wrote no save file foo.gtkw"
    no_temp_files
    ;;
in-place)
    # Devices, FIFOs and standard output are written as they are, never replaced.
    run 0 "${quick[@]}" --vcd none --pcap-out none --stats-json /dev/stdout
    [ -L /dev/stdout ] || fail "/dev/stdout is no longer a link"
    is_json out.txt || { cat out.txt; fail "--stats-json /dev/stdout put no JSON on standard output"; }
    run 0 --packets 4 --vcd none --pcap-out none --stats-json -
    is_json out.txt || { head out.txt; fail "--stats-json - put something besides the JSON on standard output"; }
    grep -q "verdict" err.txt || fail "with the JSON on standard output, the table did not go to standard error"
    run 0 "${quick[@]}" --vcd /dev/null --pcap-out /dev/null --stats-json /dev/null
    [ -c /dev/null ] || fail "/dev/null is no longer a device"
    mkfifo pipe.pcap
    cat pipe.pcap >copy.pcap &
    reader=$!
    run 0 "${quick[@]}" --vcd none --pcap-out pipe.pcap
    wait "$reader"
    [ -p pipe.pcap ] || fail "the FIFO was replaced"
    [ "$(pcap_frames copy.pcap)" -eq 8 ] || fail "tshark did not read 8 frames through the FIFO"
    [ ! -e pipe.gtkw ] && [ ! -e null.gtkw ] || fail "a save file was written beside a FIFO or device"
    no_temp_files
    ;;
write-error)
    # A failed write fails the run: exit 1, one line naming the option, the file and the reason.
    for opt in --pcap-out --vcd --stats-json; do
        args=(--packets 4 --quiet --vcd none --pcap-out none)
        run 1 "${args[@]}" "$opt" /dev/full
        [ "$(wc -l <err.txt)" -eq 1 ] || { cat err.txt; fail "$opt /dev/full: expected one line on stderr"; }
        grep -q -- "$opt: '/dev/full': write failed: No space left on device" err.txt ||
            { cat err.txt; fail "$opt /dev/full: no message naming the option and the reason"; }
        [ -c /dev/full ] || fail "$opt replaced /dev/full"
    done
    # A write that fails during the run (the VCD's first 1 MiB) stops it there, with the same one line.
    run 1 --packets 400 --quiet --vcd /dev/full --pcap-out none --stats-json s.json
    [ "$(wc -l <err.txt)" -eq 1 ] || { cat err.txt; fail "--vcd /dev/full mid-run: expected one line on stderr"; }
    grep -q '"ended_by": "an output write failed"' s.json || fail "a failed write during the run did not stop it"
    # Standard output closed by its reader: EPIPE is a failed write, not a silent death by SIGPIPE.
    "$NICSIM" --packets 4 --quiet --vcd - --pcap-out none 2>err.txt | head -c 10 >/dev/null
    code=${PIPESTATUS[0]}
    [ "$code" -eq 1 ] || { cat err.txt; fail "a closed pipe: exit $code, expected 1"; }
    grep -q "Broken pipe" err.txt || { cat err.txt; fail "a closed pipe was not reported"; }
    ;;
refused)
    # Problems found before the run: exit 2, one line, nothing written (not even the default nicsim-out/).
    run 0 --direction rx --packets 3 --quiet --vcd none --pcap-out in.pcap
    ln -s in.pcap alias.pcap
    ln in.pcap hard.pcap  # another name for the same inode: only device and inode tell
    refused "--pcap-out: 'in.pcap' is the file --pcap-in reads" --pcap-in in.pcap --pcap-out in.pcap --vcd none
    refused "--pcap-out: 'alias.pcap' is the file --pcap-in reads" --pcap-in in.pcap --pcap-out alias.pcap --vcd none
    refused "--pcap-out: 'hard.pcap' is the file --pcap-in reads" --pcap-in in.pcap --pcap-out hard.pcap --vcd none
    printf 'packets = 2\n' >x.toml
    refused "--stats-json: 'x.toml' is the file --scenario-file reads" --scenario-file x.toml --stats-json x.toml
    refused "--vcd: './x.toml' is the file --scenario-file reads" --scenario-file x.toml --vcd ./x.toml
    [ "$(cat x.toml)" = "packets = 2" ] || fail "a refused run changed the scenario file"
    refused "--stats-json: 'hard.pcap' is the same file as --pcap-out 'in.pcap'" --pcap-out in.pcap \
        --stats-json hard.pcap --vcd none
    refused "--pcap-out: './x' is the same file as --vcd 'x'" --vcd x --pcap-out ./x
    refused "--stats-json: 'x' is the same file as --vcd 'x'" --vcd x --pcap-out none --stats-json x
    refused "--stats-json: '-' is the same file as --pcap-out '/dev/stdout'" --vcd none --pcap-out /dev/stdout \
        --stats-json -
    refused "--stats-json: 'w.gtkw' is the same file as --vcd (its GTKWave save file) 'w.gtkw'" --vcd w.vcd \
        --stats-json w.gtkw
    mkdir adir
    refused "--pcap-out: cannot write 'adir': it is a directory" --pcap-out adir
    refused "--stats-json: cannot write 'adir': it is a directory" --stats-json adir --vcd none --pcap-out none
    refused "--vcd: cannot write 'nodir/x.vcd': directory 'nodir' does not exist" --vcd nodir/x.vcd
    refused "--vcd: cannot write 'in.pcap/x.vcd'" --vcd in.pcap/x.vcd
    [ ! -e nicsim-out ] || fail "a refused run left nicsim-out behind"
    if [ "$(id -u)" -ne 0 ]; then  # root writes anywhere: permissions can only be tested as another user
        mkdir ro && chmod 555 ro
        refused "--pcap-out: cannot write 'ro/x.pcap': cannot create files in 'ro'" --pcap-out ro/x.pcap
    fi
    ;;
fst-same-trace)
    # --trace-format fst: the default name nicsim-out/nicsim.fst, the same signals, scopes and value changes as the
    # VCD of the same run (read back by GTKWave's own fst2vcd), a save file that opens the FST, nothing else written.
    args=(--packets 6 --size 60..1514 --seed 31 --quiet --pcap-out none)
    run 0 "${args[@]}" --vcd a.vcd
    run 0 "${args[@]}" --trace-format fst
    [ -f nicsim-out/nicsim.fst ] || fail "no nicsim-out/nicsim.fst"
    [ ! -e nicsim-out/nicsim.vcd ] || fail "--trace-format fst also wrote a VCD"
    same_as_vcd nicsim-out/nicsim.fst a.vcd
    grep -qx "\[dumpfile\] \"$WORK/nicsim-out/nicsim.fst\"" nicsim-out/nicsim.gtkw || fail "the save file does not open the FST"
    diff <(grep -v '^\[dumpfile\]' a.gtkw) <(grep -v '^\[dumpfile\]' nicsim-out/nicsim.gtkw) >/dev/null ||
        fail "the FST's save file differs from the VCD's in more than the file it opens"
    vcd_bytes=$(stat -c %s a.vcd)
    fst_bytes=$(stat -c %s nicsim-out/nicsim.fst)
    [ "$fst_bytes" -lt "$vcd_bytes" ] || fail "the FST ($fst_bytes bytes) is not smaller than the VCD ($vcd_bytes)"
    # The same seed gives the same file, byte for byte.
    run 0 "${args[@]}" --trace-format fst --vcd again.fst
    cmp -s again.fst nicsim-out/nicsim.fst || fail "the same run wrote a different FST"
    # Every traced part (bus, DMA, descriptors, MAC, wire) on both machines of a back-to-back run.
    run 0 --packets 3 --quiet --pcap-out none --back-to-back --trace all --vcd b.vcd
    run 0 --packets 3 --quiet --pcap-out none --back-to-back --trace all --vcd b.fst --trace-format fst
    same_as_vcd b.fst b.vcd
    # An existing FST is replaced whole, its permissions kept; a link's target is replaced, the link stays.
    chmod 640 b.fst
    ln -s b.fst link.fst
    run 0 "${quick[@]}" --pcap-out none --vcd link.fst --trace-format fst
    [ -L link.fst ] || fail "the link was replaced"
    [ "$(stat -c %a b.fst)" = 640 ] || fail "the replaced FST lost its permissions ($(stat -c %a b.fst))"
    run 0 "${quick[@]}" --pcap-out none --vcd q.vcd
    same_as_vcd b.fst q.vcd
    no_temp_files
    ;;
fst-errors)
    # Bad combinations are refused before the run (exit 2, one line, nothing written).
    refused "--trace-format fst: the FST cannot go to standard output" --trace-format fst --vcd -
    refused "--trace-format fst: --vcd 'x.vcd' must end in .fst" --trace-format fst --vcd x.vcd
    refused "an .fst name needs --trace-format fst" --vcd x.fst
    refused "--trace-format: expected vcd or fst" --trace-format lxt
    mkfifo fifo.fst
    refused "--trace-format fst writes a regular file, not a device" --trace-format fst --vcd fifo.fst
    rm fifo.fst
    # A write that fails (here a file size limit, with SIGXFSZ ignored so that the write returns EFBIG) fails the run
    # (exit 1, one line naming the file) and leaves the old file, no temporary file and none of the FST writer's own.
    printf 'old' >x.fst
    (trap '' XFSZ; ulimit -f 8; exec "$NICSIM" --packets 40 --quiet --pcap-out none --trace-format fst --vcd x.fst) \
        >out.txt 2>err.txt
    code=$?
    [ "$code" -eq 1 ] || { cat err.txt; fail "a failed FST write: exit status $code, expected 1"; }
    grep -q -- "--vcd: 'x.fst': the file written is incomplete (.*): a write failed" err.txt ||
        { cat err.txt; fail "no line naming the failed FST write"; }
    [ "$(cat x.fst)" = old ] || fail "a failed FST write replaced x.fst"
    [ -z "$(find . -name '*.hier')" ] || fail "the FST writer's hierarchy file was left behind"
    no_temp_files
    ;;
fst-window)
    # A detailed window (--detail-from, --detail-for): the FST holds what the VCD of the same run holds, from the
    # window's first time stamp to its last.
    args=(--bus-model tlm --packets 60 --size 1514 --seed 7 --quiet --pcap-out none --detail-from 300us --detail-for 100us)
    run 0 "${args[@]}" --vcd w.vcd
    run 0 "${args[@]}" --vcd w.fst --trace-format fst
    same_as_vcd w.fst w.vcd
    fst2vcd w.fst >f.vcd 2>/dev/null
    first() { awk '/^#[0-9]+$/ { print substr($0, 2); exit }' "$1"; }
    last() { awk '/^#[0-9]+$/ { t = substr($0, 2) } END { print t }' "$1"; }
    [ "$(first f.vcd)" = "$(first w.vcd)" ] || fail "the FST starts at $(first f.vcd), the VCD at $(first w.vcd)"
    [ "$(last f.vcd)" = "$(last w.vcd)" ] || fail "the FST ends at $(last f.vcd), the VCD at $(last w.vcd)"
    [ "$(first f.vcd)" -ge 3000000 ] || fail "the FST starts at $(first f.vcd) (100 ps units), before 300 us"
    ;;
fst-signal)
    # Ctrl-C at a terminal signals the whole foreground process group: the run stops at its next poll and completes
    # the FST.
    stop_long_run INT group '.v.fst.*' --trace-format fst --vcd v.fst --pcap-out none --stats-json s.json
    [ "$code" -eq 130 ] || { cat err.txt; fail "Ctrl-C: exit status $code, expected 130"; }
    grep -q '"ended_by": "Ctrl-C (SIGINT)"' s.json || fail "the statistics do not say Ctrl-C ended the run"
    fst2vcd v.fst >v.vcd 2>fst.err || { cat fst.err; fail "fst2vcd cannot read the interrupted FST"; }
    grep -q "FRAME_n" v.vcd || fail "the interrupted FST has no bus signals"
    [ "$(grep -c '^#' v.vcd)" -gt 1000 ] || fail "the interrupted FST holds almost no time stamps"
    grep -q "^\[dumpfile\] \"$WORK/v.fst\"" v.gtkw || fail "no save file for the interrupted FST"
    no_temp_files
    ;;
gtkwave-opens-fst)
    # GTKWave opens the FST's save file exactly as the VCD's: the same window, marker, signals and values there.
    run 0 --packets 4 --quiet --seed 5 --vcd v.vcd --pcap-out none
    run 0 --packets 4 --quiet --seed 5 --vcd f.fst --trace-format fst --pcap-out none
    for t in v f; do
        gtkwave_view "$WORK/$t.gtkw" "$t.txt"
        grep "^window \|^trace " "$t.txt" >"$t.seen"
    done
    [ "$(grep -c '^trace ' v.seen)" -gt 10 ] || { cat v.txt; fail "GTKWave showed almost no traces for the VCD"; }
    diff v.seen f.seen || fail "GTKWave shows the FST differently from the VCD"
    ;;
signal-INT | signal-TERM | signal-HUP)
    # Each stop signal ends the run at its next poll with every output complete, and the run says so.
    sig=${CASE#signal-}
    stop_long_run "$sig" process '.v.vcd.*' --vcd v.vcd --pcap-out p.pcap --stats-json s.json
    want=$((128 + $(kill -l "$sig")))
    [ "$code" -eq "$want" ] || { cat err.txt; fail "SIG$sig: exit status $code, expected $want"; }
    case $sig in INT) name="Ctrl-C (SIGINT)" ;; *) name="SIG$sig" ;; esac
    grep -q "interrupted by $name" err.txt || { cat err.txt; fail "no note that SIG$sig interrupted the run"; }
    grep -q "\"ended_by\": \"$name\"" s.json || fail "the statistics do not say $name ended the run"
    grep -q '"verdict": "interrupted"' s.json || fail "an interrupted run's verdict is not 'interrupted'"
    grep -q "verdict  *interrupted" out.txt || fail "the printed table's verdict is not 'interrupted'"
    n=$(pcap_frames p.pcap)
    [ "$n" -gt 0 ] || fail "the interrupted pcap is not readable by tshark"
    # tshark reads the whole file without complaint (a cut-off record would be "appears to have been cut short").
    tshark -r p.pcap >/dev/null 2>tshark.err || { cat tshark.err; fail "tshark rejected the interrupted pcap"; }
    ! grep -qi "cut short\|corrupt\|malformed" tshark.err || { cat tshark.err; fail "tshark: $(head -1 tshark.err)"; }
    last=$(tail -n 1 v.vcd)
    [[ $last =~ ^#[0-9]+$ ]] || fail "the VCD does not end with its final time stamp (last line '$last')"
    vcd2fst v.vcd v.fst >/dev/null 2>&1 || fail "vcd2fst rejected the interrupted VCD"
    grep -q "^\[dumpfile\] \"$WORK/v.vcd\"" v.gtkw || fail "no save file for the interrupted VCD"
    no_temp_files
    ;;
gtkw | back-to-back)
    # The save file names the VCD and the filters by absolute existing paths, lists only signals the VCD has, and
    # opens on the first address phase, found here by reading the VCD.
    if [ "$CASE" = gtkw ]; then
        run 0 --packets 4 --quiet --trace all
        vcd=nicsim-out/nicsim.vcd save=nicsim-out/nicsim.gtkw bus=pci
    else
        run 0 --back-to-back --packets 4 --quiet --trace all --vcd bb.vcd --pcap-out none --stats-json bb.json
        vcd=bb.vcd save=bb.gtkw bus=partner_pci
        # Both machines are reported: the partner's bus and NIC beside the DUT's.
        python3 - bb.json <<'PY' || fail "the statistics do not report the partner's bus and NIC"
import json, sys
p = json.load(open(sys.argv[1]))["partner"]
assert p["bus_transactions"] > 0 and p["nic_frames_transmitted"] == 4 and p["nic_frames_received"] == 4, p
PY
    fi
    [ -s "$save" ] || fail "no save file $save beside $vcd"
    grep -qx "\[dumpfile\] \"$WORK/$vcd\"" "$save" || fail "the save file does not name $WORK/$vcd"
    filters=$(sed -n 's/^\^[0-9]* //p' "$save" | sort -u)
    [ "$(echo "$filters" | wc -l)" -eq 5 ] || fail "expected the 5 translate filters, got: $filters"
    for f in $filters; do
        [[ $f == /* ]] && [ -f "$f" ] || fail "filter '$f' is not an absolute path to a file"
    done
    # Every signal of the VCD as GTKWave names it: scopes joined by dots, vectors with their [msb:lsb].
    awk '/\$scope/ { s[++d] = $3 } /\$upscope/ { d-- } /\$enddefinitions/ { exit }
         /\$var/ { n = ""; for (i = 1; i <= d; i++) n = n s[i] "."; v = $5; if ($6 ~ /^\[/) v = v $6; print n v, $4 }' \
        "$vcd" >names.txt
    sed -n 's/^\(+{[^}]*} \)\{0,1\}\(SystemC\..*\)$/\2/p' "$save" | sort -u >listed.txt
    [ "$(wc -l <listed.txt)" -gt 40 ] || fail "the save file lists only $(wc -l <listed.txt) signals"
    missing=$(comm -23 listed.txt <(awk '{print $1}' names.txt | sort -u))
    [ -z "$missing" ] || fail "the save file lists signals the VCD lacks: $missing"
    grep -q "^SystemC\.$bus\.FRAME_n " names.txt || fail "the VCD has no $bus bus"
    # The first time the DUT's FRAME# is asserted, in ps (the VCD counts 100 ps units).
    frame=$(awk '$1 == "SystemC.pci.FRAME_n" { print $2 }' names.txt)
    first=$(awk -v id="$frame" '/^#/ { t = substr($0, 2) } $0 == "0" id { print t * 100; exit }' "$vcd")
    [ -n "$first" ] || fail "FRAME# is never asserted in $vcd"
    read -r start < <(sed -n 's/^\[timestart\] //p' "$save")
    marker=$(awk '/^\*/ { print $2 }' "$save")
    [ "$marker" = "$first" ] || fail "the marker ($marker ps) is not on the first address phase ($first ps)"
    [ "$start" -le "$first" ] && [ $((first - start)) -le 300000 ] ||
        fail "the window starts at $start ps, not within 10 clocks before the first address phase ($first ps)"
    # CMD carries a command exactly in address phases: the clock FRAME# falls, and the clock after a DAC.
    cmd=$(awk '$1 == "SystemC.pci.CMD[3:0]" { print $2 }' names.txt)
    awk -v f="$frame" -v c="$cmd" '
        /^#/ { t = substr($0, 2); next }
        $0 == "0" f { fall[t] = 1 }
        $2 == c && $1 != "bZZZZ" { set[t] = $1; order[++n] = t }
        END {
            for (t in fall) if (!(t in set)) { print "FRAME# fell at " t " with no command on CMD"; bad = 1 }
            for (i = 1; i <= n; i++) {
                t = order[i]
                dac = i > 1 && set[order[i - 1]] == "b1101" && t - order[i - 1] <= 300
                if (!(t in fall) && !dac) { print "CMD " set[t] " at " t " outside an address phase"; bad = 1 }
            }
            exit bad
        }' "$vcd" >cmd.txt || fail "$(head -3 cmd.txt)"
    grep -q "^\$bus\.FRAME_n\|SystemC\.$bus\.FRAME_n" "$save" || fail "the save file does not show the $bus bus"
    ;;
gtkwave-opens)
    # GTKWave itself, started from another directory (/) on the save file: it opens on the window and marker the
    # save file names, and CMD at the marker is the command C/BE# carries there, named through pci_cmd.txt.
    run 0 --packets 4 --quiet
    save=$WORK/nicsim-out/nicsim.gtkw
    gtkwave_view "$save" gtk.txt
    problem=$(grep -v "^trace " gtk.txt | grep -i "could not\|error\|warning")
    [ -z "$problem" ] || { cat gtk.txt; fail "gtkwave: $problem"; }
    read -r _ wstart wend wmarker < <(grep "^window " gtk.txt)
    [ "$wstart" = "$(sed -n 's/^\[timestart\] //p' "$save")" ] || fail "GTKWave opened at $wstart, not at [timestart]"
    [ "$wmarker" = "$(awk '/^\*/ { print $2 }' "$save")" ] || fail "GTKWave's marker $wmarker is not the save file's"
    [ $((wend - wstart)) -ge $((10 * 30000)) ] && [ $((wend - wstart)) -le $((60 * 30000)) ] ||
        fail "GTKWave shows $((wend - wstart)) ps, not the few dozen clocks around the first transactions"
    # C/BE# at the marker, from the VCD, named by the filter file.
    vcd=nicsim-out/nicsim.vcd
    cbe=$(awk '/\$var/ && $5 == "CBE_n" { print $4; exit }' "$vcd")
    val=$(awk -v id="$cbe" -v m="$wmarker" '/^#/ { if (substr($0, 2) * 100 > m) exit } $2 == id { v = substr($1, 2) } END { print v }' "$vcd")
    name=$(awk -v h="$(printf '%X' "$((2#$val))")" '$1 == h { print $2 }' "$(sed -n 's/^\^1 //p' "$save")")
    [ -n "$name" ] || fail "could not read C/BE# ($val) at the marker from the VCD"
    grep -qx "trace CMD (address phase)=$name" gtk.txt || { grep "^trace" gtk.txt | head; fail "GTKWave shows no $name on CMD at the marker"; }
    grep -qx "trace FRAME_n=0" gtk.txt || fail "FRAME# is not asserted at the marker in GTKWave"
    grep -qx "trace RST_n=1" gtk.txt || fail "the window is not after reset"
    grep -q "^trace AD\[31:0\]=[0-9A-F]\{8\}$" gtk.txt || fail "AD is not driven at the marker in GTKWave"
    ;;
*)
    fail "unknown case $CASE"
    ;;
esac
echo "PASS: $CASE"
