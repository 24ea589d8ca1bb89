#!/usr/bin/env bash
# `nicsim sweep` and `nicsim plot` run as a user runs them. Usage: sweep_cli_test.sh NICSIM CASE
# Expected values come from outside the sweep code: the grid written out here, each point's statistics JSON read
# back with Python, nicsim run directly with the point's command, image signatures, and for Slurm the local runner's
# CSV. Exit 77 (CTest SKIP_RETURN_CODE) when the case needs what this machine does not have (root, Slurm,
# matplotlib).
set -uo pipefail
NICSIM=$(realpath "$1")
CASE=$2
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/nicsim-sweep-test.XXXXXX)
cleanup() {
    [ "$(type -t slurm_cluster_stop)" = function ] && slurm_cluster_stop
    rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
skip() {
    echo "SKIPPED: $*" >&2
    exit 77
}

# A small grid: 3 memory latencies x 2 seeds of 4 short transmits each.
write_small() {
    cat >small.toml <<'EOF'
seeds = 2
metrics = ["bus_master_nic.efficiency_percent", "run.simulated_time_us", "checks.verdict"]

[base]
packets = 4
direction = "tx"
size = 256

[vary]
mem-latency = {from = 0, to = 8, step = 4}
EOF
}

# The CSV against each point's own statistics JSON, and the grid against the sweep file.
check_csv() {
    "$PY" - "$1" <<'EOF' || fail "results.csv does not match the per-point statistics"
import csv, json, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(out + "/results.csv")))
expected = [(lat, seed) for lat in ("0", "4", "8") for seed in ("1", "2")]
assert [(r["mem-latency"], r["seed"]) for r in rows] == expected, rows
for r in rows:
    stats = json.load(open(f"{out}/points/{r['point']}/stats.json"))
    assert r["status"] == "ok" and r["exit_status"] == "0" and r["message"] == "", r
    assert float(r["bus_master_nic.efficiency_percent"]) == stats["bus_master_nic"]["efficiency_percent"], r
    assert float(r["run.simulated_time_us"]) == stats["run"]["simulated_time_us"], r
    assert r["checks.verdict"] == "pass" and stats["run"]["seed"] == int(r["seed"]), r
# More memory latency costs the NIC's reads: efficiency falls as the latency grows.
eff = [float(r["bus_master_nic.efficiency_percent"]) for r in rows if r["seed"] == "1"]
assert eff[0] > eff[1] > eff[2], eff
EOF
}

case_local() {
    write_small
    "$NICSIM" sweep small.toml --out res --jobs 2 2>err || fail "sweep exit status $?: $(cat err)"
    check_csv "$WORK/res"
    [ "$(ls res/points | wc -l)" -eq 6 ] || fail "not one folder per run"
    grep -q "6 runs, 0 failed" err || fail "no closing line: $(cat err)"
    grep -q $'\r' err && fail "a progress line although stderr is not a terminal"
    # The point's command run by hand gives the same statistics (apart from the wall clock).
    cmd=$("$NICSIM" sweep small.toml --list | awk '$1 == "p0002-s1" { $1 = ""; print }')
    [ -n "$cmd" ] || fail "--list does not name p0002-s1"
    "$NICSIM" ${cmd#* nicsim } --stats-json direct.json --vcd none --pcap-out none --quiet || fail "direct run"
    "$PY" - <<'EOF' || fail "the sweep's run differs from the same command run directly"
import json
a = json.load(open("direct.json")); b = json.load(open("res/points/p0002-s1/stats.json"))
a.pop("wall_clock"); b.pop("wall_clock")
assert a == b
EOF
    "$NICSIM" sweep small.toml --out res2 --jobs 1 --progress 2>err2 || fail "--progress run"
    grep -q $'\r'"sweep: 6/6 done, 0 failed, 0 running" err2 || fail "no progress line with --progress"
}

case_resume() {
    write_small
    "$NICSIM" sweep small.toml --out res 2>/dev/null || fail "first run"
    cp res/results.csv first.csv
    rm res/points/p0002-s2/stats.json
    : >res/points/p0001-s1/stats.json  # truncated: not a result
    touch -d '2000-01-01' res/points/p0000-s1/stats.json
    "$NICSIM" sweep small.toml --out res 2>err || fail "resume: $(cat err)"
    grep -q "4 runs were complete already and kept" err || fail "resume did not keep the 4 complete runs: $(cat err)"
    [ "$(stat -c %Y res/points/p0000-s1/stats.json)" -lt 1000000000 ] || fail "a complete run was run again"
    check_csv "$WORK/res"
    diff <(cut -d, -f1-9 first.csv) <(cut -d, -f1-9 res/results.csv) || fail "resumed results differ"
    # Another sweep into the same folder: refused, nothing touched; with --force it runs.
    sed 's/step = 4/step = 2/' small.toml >other.toml
    cp res/results.csv resumed.csv
    "$NICSIM" sweep other.toml --out res 2>err
    [ $? -eq 2 ] || fail "another sweep's results directory was not refused"
    [ "$(wc -l <err)" -eq 1 ] && grep -q "holds the results of another sweep" err || fail "refusal: $(cat err)"
    cmp -s resumed.csv res/results.csv || fail "the refused sweep changed results.csv"
    "$NICSIM" sweep other.toml --out res --force 2>err || fail "--force: $(cat err)"
    # Only p0000 (mem-latency 0, both seeds) is the same command under the same name in both grids.
    grep -q "2 runs were complete already" err || fail "--force did not reuse the runs both sweeps share: $(cat err)"
    [ "$(($(wc -l <res/results.csv) - 1))" -eq 10 ] || fail "--force: not 10 rows"
}

case_failed() {
    cat >f.toml <<'EOF'
metrics = ["transmit.frames_intact", "checks.verdict"]
[base]
packets = 8
[vary]
fault = ["latency-spike:0.05", "reset-at:10ms"]
EOF
    "$NICSIM" sweep f.toml --out res 2>err
    rc=$?
    [ $rc -eq 1 ] || fail "a failed point: sweep exit status $rc, expected 1"
    "$PY" - <<'EOF' || fail "the failed point is not recorded: $(cat res/results.csv)"
import csv, json
rows = list(csv.DictReader(open("res/results.csv")))
assert len(rows) == 2
ok, bad = rows
assert ok["status"] == "ok" and ok["checks.verdict"] == "pass", ok
assert bad["status"] == "failed" and bad["exit_status"] == "1", bad
assert bad["message"].startswith("check failed: "), bad
assert bad["message"] in open("res/points/p0001-s1/log").read()
assert bad["checks.verdict"] == json.load(open("res/points/p0001-s1/stats.json"))["checks"]["verdict"] == "FAIL"
EOF
    grep -q "2 runs, 1 failed" err || fail "closing line: $(cat err)"
    # A failed check is a result: a second run keeps it.
    "$NICSIM" sweep f.toml --out res 2>err
    grep -q "2 runs were complete already" err || fail "the failed point was not kept: $(cat err)"
}

expect_refusal() {  # FILE PATTERN
    rm -rf sweep-out
    "$NICSIM" sweep "$1" 2>err
    rc=$?
    [ $rc -eq 2 ] || fail "$1: exit status $rc, expected 2"
    [ "$(wc -l <err)" -eq 1 ] || fail "$1: not one line: $(cat err)"
    grep -Eq "$2" err || fail "$1: message '$(cat err)' does not match '$2'"
    [ ! -e sweep-out ] || fail "$1: something was written"
}

case_bad_input() {
    local m='metrics = ["bus.efficiency_percent"]'
    printf '%s\n[vary]\nmax-transfr = [64]\n' "$m" >unknown.toml
    expect_refusal unknown.toml "^nicsim sweep: unknown.toml:3: unknown parameter 'max-transfr'"
    printf '%s\n[vary]\nmem-latency = [0, 65]\n' "$m" >range.toml
    expect_refusal range.toml "^nicsim sweep: range.toml:3: --mem-latency: .*'65'"
    printf '%s\n[vary]\nmax-transfer = []\n' "$m" >empty.toml
    expect_refusal empty.toml "^nicsim sweep: empty.toml:3: empty grid"
    printf '%s\n\n[vary]\nmem-latency = [1]\n' 'metrics = ["bus.efficiency", "run.seed"]' >metric.toml
    expect_refusal metric.toml "^nicsim sweep: metric.toml:1: unknown metric 'bus.efficiency'"
    expect_refusal missing.toml "^nicsim sweep: cannot read 'missing.toml'"
    "$NICSIM" sweep 2>err
    [ $? -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] || fail "no sweep file: $(cat err)"
    "$NICSIM" sweep unknown.toml --detach 2>err
    [ $? -eq 2 ] && grep -q "go with --slurm" err || fail "--detach without --slurm: $(cat err)"
}

case_plot() {
    "$PY" -c 'import matplotlib' 2>/dev/null || skip "matplotlib is not installed (python3-matplotlib)"
    write_small
    printf '[plot]\nx = "mem-latency"\ny = ["bus_master_nic.efficiency_percent"]\n' >>small.toml
    "$NICSIM" sweep small.toml --out res --plot 2>err >out || fail "--plot: $(cat err)"
    for f in res/small.png res/small.svg; do [ -s "$f" ] || fail "$f not written"; done
    [ "$(head -c 8 res/small.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "not a PNG"
    "$PY" - <<'EOF' || fail "not a matplotlib SVG with the data"
import struct, xml.etree.ElementTree as ET
png = open("res/small.png", "rb").read()
assert png[12:16] == b"IHDR"
w, h = struct.unpack(">II", png[16:24])
assert 300 < w < 2000 and 200 < h < 2000, (w, h)
root = ET.parse("res/small.svg").getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
text = open("res/small.svg").read()
assert "Matplotlib" in text and "mem-latency" in text
EOF
    "$NICSIM" plot res/results.csv --x mem-latency --y run.simulated_time_us --by seed --out fig >/dev/null 2>err ||
        fail "nicsim plot: $(cat err)"
    [ -s fig.png ] && [ -s fig.svg ] || fail "nicsim plot wrote no figure"
    "$NICSIM" plot res/results.csv --x mem-latency --y no.such 2>err
    [ $? -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q "no column 'no.such'" err || fail "bad column: $(cat err)"
    [ ! -e res/results-no.such.png ] || fail "a figure for a bad column"
    # A Python without matplotlib (site packages off): one line naming the Debian package, exit status 2.
    printf '#!/bin/sh\nexec %s -S "$@"\n' "$PY" >nompl && chmod +x nompl
    NICSIM_PYTHON=$WORK/nompl "$NICSIM" plot res/results.csv --x mem-latency --y run.simulated_time_us 2>err
    [ $? -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q "python3-matplotlib" err || fail "no matplotlib: $(cat err)"
}

case_signal() {
    cat >long.toml <<'EOF'
metrics = ["run.simulated_time_us"]
[base]
packets = 400
[vary]
mem-latency = {from = 0, to = 9, step = 1}
EOF
    "$NICSIM" sweep long.toml --out res --jobs 1 2>err &
    pid=$!
    for _ in $(seq 1 300); do [ -e res/points/p0000-s1/point.json ] && break; sleep 0.05; done
    [ -e res/points/p0000-s1/point.json ] || fail "no point finished"
    kill -TERM $pid
    wait $pid
    rc=$?
    [ $rc -eq 143 ] || fail "sweep stopped by SIGTERM: exit status $rc, expected 143 ($(cat err))"
    pgrep -f "$WORK/res/points" >/dev/null && fail "runs left running after the sweep stopped"
    "$PY" - <<'EOF' || fail "after SIGTERM: $(cat res/results.csv)"
import csv
rows = list(csv.DictReader(open("res/results.csv")))
assert len(rows) == 10
ok = [r for r in rows if r["status"] == "ok"]
assert ok and ok[0]["point"] == "p0000-s1" and len(ok) < 10, rows
assert any(r["status"] in ("not run", "error") for r in rows)
EOF
    done_before=$(grep -c ',ok,' res/results.csv)
    "$NICSIM" sweep long.toml --out res --jobs 2 2>err || fail "the resumed sweep: $(cat err)"
    grep -q "$done_before runs were complete already" err || fail "resume after SIGTERM: $(cat err)"
    [ "$(grep -c ',ok,' res/results.csv)" -eq 10 ] || fail "not every point complete after the resume"
}

case_no_slurm() {
    write_small
    mkdir bin
    PATH="$WORK/bin" "$NICSIM" sweep small.toml --slurm 2>err
    [ $? -eq 2 ] || fail "--slurm without Slurm: exit status, expected 2"
    [ "$(wc -l <err)" -eq 1 ] && grep -q "no 'sbatch' on PATH" err || fail "message: $(cat err)"
    [ ! -e sweep-out ] || fail "something was written"
}

case_slurm() {
    [ "$(id -u)" -eq 0 ] || skip "a test Slurm cluster needs root"
    for t in sbatch squeue slurmctld slurmd munged sinfo; do
        command -v $t >/dev/null || skip "$t is not installed (Debian: slurm-wlm, munge)"
    done
    # shellcheck source=slurm_cluster.sh
    source "$HERE/slurm_cluster.sh"
    slurm_cluster_start "$WORK/cluster" || fail "the test cluster did not start: $(tail -5 "$WORK"/cluster/*.log)"
    cat >four.toml <<'EOF'
metrics = ["bus_master_nic.efficiency_percent", "run.bus_clocks", "checks.verdict"]
[base]
packets = 4
direction = "tx"
size = 256
[vary]
max-transfer = [64, 256]
mem-latency = [0, 8]
EOF
    "$NICSIM" sweep four.toml --out local --jobs 2 2>/dev/null || fail "local sweep"
    "$NICSIM" sweep four.toml --out shared --slurm --tasks 2 2>err || fail "--slurm: $(cat err)"
    grep -q "submitted Slurm job" err || fail "no job submitted: $(cat err)"
    grep -q -- "--array=0-1" shared/slurm/sweep.sbatch || fail "not a 2-task array"
    [ "$(ls shared/slurm/task-*.out | wc -l)" -eq 2 ] || fail "not 2 array tasks ran"
    # Apart from the wall time, what Slurm ran equals what the local runner ran.
    diff <(cut -d, -f1-10 local/results.csv) <(cut -d, -f1-10 shared/results.csv) || fail "Slurm and local differ"
    # Detached: submit, then collect when the job is over; the same resume rules (complete points are kept).
    rm -r shared/points/p0001-s1
    kept=$(stat -c %.9Y shared/points/p0000-s1/stats.json)
    "$NICSIM" sweep four.toml --out shared --slurm --detach >out 2>err || fail "--detach: $(cat err)"
    grep -q "nicsim sweep --collect $WORK/shared" out || fail "--detach does not say how to collect: $(cat out)"
    for _ in $(seq 1 150); do [ -z "$(squeue -h)" ] && break; sleep 0.2; done
    "$NICSIM" sweep --collect shared 2>err || fail "--collect: $(cat err)"
    diff <(cut -d, -f1-10 local/results.csv) <(cut -d, -f1-10 shared/results.csv) || fail "collected results differ"
    [ -s shared/points/p0001-s1/stats.json ] || fail "the missing point was not run again"
    [ "$(stat -c %.9Y shared/points/p0000-s1/stats.json)" = "$kept" ] ||
        fail "a complete point was run again"
}

"case_${CASE//-/_}"
echo "PASS: $CASE"
