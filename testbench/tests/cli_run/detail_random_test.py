#!/usr/bin/env python3
"""--detail-from at random points over many seeds: each draw picks a scenario, a traffic seed, a switch point and a
window, runs it once in the fast mode throughout and once switched, and checks the switched run from outside.

Scenarios: bulk (both directions on a 64-bit 66 MHz bus that carries 1 GbE both ways, some back to back), tso
(64 KiB large sends cut into segments: long buffer reads to switch inside), overrun (the receive FIFO overflows:
1514-byte frames both ways at 1 GbE on a 32-bit 33 MHz bus, or the peer's 60-byte flood), moderation (the driver's
receive and transmit interrupt delay timers on, RDTR and TIDV). The switch point is a time drawn over the
unswitched run's length (some in the driver's bring-up) or packet:N over the DUT's frames on the wire; the window
lasts to the end of the run or a drawn length before the run returns to the fast mode.

A switched run must: exit 0 with the verdict pass and no bus-monitor violation; have tshark find every frame of its
capture valid with checksum validation on (check_pcap.sh); carry each sender's frames byte for byte and in the same
order as the unswitched run (the traffic is the seed's, whatever the timing); fetch as many transmit descriptors as
the unswitched run and write back each packet's last, none twice; write back one receive descriptor per received
frame and fetch at most a cache's worth more; read and write the same bytes as the unswitched run besides the
receive descriptors read and the transmit descriptors written back (how many of those there are depends on timing);
move every NIC DMA byte over exactly one of the two paths (FastDmaPort before and after the window, the bus
monitor's count of the NIC's bytes in it: together the NIC's own count); and a second run of the same draw writes
byte-identical pcap, statistics (without the wall clock) and VCD, the VCD starting at the window.

Usage: detail_random_test.py NICSIM [--draws N] [--first SEED] [--scenario NAME]
A failure names the draw's seed; `detail_random_test.py NICSIM --first SEED --draws 1` replays it.
"""
import argparse
import json
import math
import os
import random
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
CHECK_PCAP = os.path.join(HERE, "..", "regression", "check_pcap.sh")
SCENARIOS = ("bulk", "tso", "overrun", "moderation")
DESC_BYTES = 16  # a receive or transmit descriptor (8254x Family Software Developer's Manual, sections 3.2.3, 3.3.3)


class DrawFailed(Exception):
    pass


def scenario_args(name, rng):
    """The nicsim options of a scenario, the traffic drawn from rng."""
    args = ["--bus-model", "tlm", "--quiet", "--seed", str(rng.randrange(1, 1 << 32)), "--tlm-quantum",
            rng.choice(("0", "1us", "10us")), "--desc-cache", rng.choice(("16", "64"))]
    if name != "overrun":
        args += ["--mem-latency", str(rng.randint(0, 12)), "--max-transfer", rng.choice(("256", "1024", "4096")),
                 "--placement", rng.choice(("low", "high", "scattered")), "--desc-prefetch-threshold",
                 rng.choice(("0", "4", "8"))]
    if name == "bulk":
        b2b = ["--back-to-back"] if rng.random() < 0.25 else []
        return args + b2b + ["--bus-clock", "66", "--bus-width", "64", "--nic-data-path", "64", "--packets",
                             str(rng.randint(16, 64)), "--fragments", str(rng.randint(1, 4)), "--size", "60..1514"]
    if name == "tso":
        return args + ["--lso-max-size", str(rng.choice((16384, 32768, 65536))), "--packets",
                       str(rng.randint(3, 8)), "--direction", "tx", "--bus-width", rng.choice(("32", "64"))]
    if name == "overrun":
        if rng.random() < 0.5:  # the peer's first half as 60-byte frames back to back at line rate
            return args + ["--fault", "rx-flood", "--packets", str(rng.randint(128, 256))]
        return args + ["--packets", str(rng.randint(120, 200)), "--size", "1514"]
    return args + ["--registry", f"InterruptDelay={rng.randint(1, 64)}", "--packets", str(rng.randint(24, 64)), "--size",
                   rng.choice(("60..1514", "1514", "imix")), "--fragments", str(rng.randint(1, 3)), "--bus-clock",
                   "66", "--bus-width", "64", "--nic-data-path", rng.choice(("32", "64"))]


def run(nicsim, args, what):
    p = subprocess.run([nicsim] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise DrawFailed(f"{what} exited {p.returncode}: {p.stderr.strip()[-600:]}\n  nicsim {' '.join(args)}")


def frames_by_sender(path):
    """Each source MAC's frames in capture order (an independent reader of the classic pcap format)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    out, pos = {}, 24
    while pos + 16 <= len(data):
        incl = struct.unpack(endian + "IIII", data[pos:pos + 16])[2]
        frame = data[pos + 16:pos + 16 + incl]
        out.setdefault(frame[6:12], []).append(frame)
        pos += 16 + incl
    return out


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def without_wall_clock(path):
    d = load(path)
    d.pop("wall_clock", None)
    return json.dumps(d, sort_keys=True)


def vcd_first_us(path):
    """The first time stamp of a VCD in microseconds (nicsim's time unit: 100 ps)."""
    with open(path, encoding="ascii", errors="replace") as f:
        for line in f:
            if line.startswith("#") and line[1:].strip().isdigit():
                return int(line[1:]) / 10000
    return None


def same_file(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


def check(cond, what):
    if not cond:
        raise DrawFailed(what)


def check_frames(fast_pcap, pcap):
    want, got = frames_by_sender(fast_pcap), frames_by_sender(pcap)
    check(set(want) == set(got), f"senders {sorted(m.hex() for m in got)}, unswitched {sorted(m.hex() for m in want)}")
    for mac, frames in want.items():
        g = got[mac]
        check(len(g) == len(frames), f"{len(g)} frames from {mac.hex()}, {len(frames)} unswitched")
        bad = [i for i, (a, b) in enumerate(zip(frames, g)) if a != b]
        check(not bad, f"frame {bad[0] + 1 if bad else 0} from {mac.hex()} differs from the unswitched run's")
    p = subprocess.run(["bash", CHECK_PCAP, pcap], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    check(p.returncode == 0, "tshark: " + p.stdout.strip())


def check_stats(fast, d, cache):
    c = d["checks"]
    check(c["verdict"] == "pass", f"verdict {c['verdict']}: {c.get('failures')}")
    check(c["bus_monitor_violations"] == 0, f"{c['bus_monitor_violations']} bus monitor violations")
    check(d["transmit"]["frames_intact"] == fast["transmit"]["frames_intact"] == d["transmit"]["packets_sent"],
          f"transmit: {d['transmit']['frames_intact']} intact, unswitched {fast['transmit']['frames_intact']}")
    t = d["descriptors"]
    check(t["tx_fetched"] == fast["descriptors"]["tx_fetched"],
          f"TX descriptors fetched: {t['tx_fetched']}, unswitched {fast['descriptors']['tx_fetched']}")
    # A write-back burst takes every finished descriptor up to the last one that asked for its status (RS), so how
    # many go back besides each packet's last depends on timing (draw 1089: 3 on the pin level, 4 in the fast mode);
    # each packet's last is written back, and none twice.
    check(d["transmit"]["packets_sent"] <= t["tx_written_back"] <= t["tx_fetched"],
          f"{t['tx_written_back']} TX descriptors written back for {d['transmit']['packets_sent']} packets "
          f"in {t['tx_fetched']} descriptors")
    n = d["nic"]
    check(d["descriptors"]["rx_written_back"] == n["frames_received"] == d["receive"]["packets_indicated"],
          f"RX written back {d['descriptors']['rx_written_back']}, frames received {n['frames_received']}, "
          f"indicated {d['receive']['packets_indicated']}")
    check(n["frames_transmitted"] == fast["nic"]["frames_transmitted"], "frames transmitted differ")
    # Each receive descriptor fetched once: those written back, plus at most a cache's worth fetched but not used.
    rx = d["descriptors"]["rx_fetched"]
    check(n["frames_received"] <= rx <= n["frames_received"] + cache,
          f"{rx} RX descriptors fetched for {n['frames_received']} frames with a cache of {cache}")
    w = d["detail_window"]
    pin_bytes = d["bus_master_nic"]["bytes"] if "bus_master_nic" in d else 0
    moved = w["nic_dma_bytes_in_the_fast_mode"] + pin_bytes
    own = d["dma"]["bytes_read"] + d["dma"]["bytes_written"]
    check(moved == own, f"the two paths moved {moved} NIC bytes, the NIC counts {own}")
    if not fast["nic"]["frames_missed_rx_overrun"]:
        check(d["receive"]["frames_intact"] == fast["receive"]["frames_intact"], "receive: frames lost")
        # How many receive descriptors the NIC prefetched by the end, and how many transmit descriptors went back
        # with the reported ones, depend on timing; the rest of what it read and wrote does not.
        read = [r["dma"]["bytes_read"] - DESC_BYTES * r["descriptors"]["rx_fetched"] for r in (d, fast)]
        check(read[0] == read[1], f"NIC DMA read {read[0]} bytes besides RX descriptors, unswitched {read[1]}")
        wrote = [r["dma"]["bytes_written"] - DESC_BYTES * r["descriptors"]["tx_written_back"] for r in (d, fast)]
        check(wrote[0] == wrote[1], f"NIC DMA wrote {wrote[0]} bytes besides TX descriptors, unswitched {wrote[1]}")


def draw_switch(rng, fast):
    """--detail-from and --detail-for over the unswitched run: a time (to the nanosecond; some in the driver's
    bring-up, its configuration and register cycles) or packet:N, and a window length from 1 us."""
    end_ns = int(fast["run"]["simulated_time_us"] * 1000)
    frames = fast["nic"]["frames_transmitted"]
    r = rng.random()
    if frames and r < 0.3:
        frm = f"packet:{rng.randint(1, frames)}"
    elif r < 0.4:
        frm = f"{rng.randint(1, 30000)}ns"
    else:
        frm = f"{rng.randint(20000, max(20001, int(end_ns * 0.95)))}ns"
    window = "0" if rng.random() < 0.25 else f"{rng.randint(1000, 300000)}ns"
    return ["--detail-from", frm, "--detail-for", window]


def one_draw(nicsim, seed, only, work):
    rng = random.Random(seed)
    scenario = only or SCENARIOS[seed % len(SCENARIOS)]
    args = scenario_args(scenario, rng)
    f = lambda name: os.path.join(work, name)  # noqa: E731
    run(nicsim, args + ["--vcd", "none", "--pcap-out", f("fast.pcap"), "--stats-json", f("fast.json")], "fast run")
    fast = load(f("fast.json"))
    if scenario == "overrun":
        check(fast["nic"]["frames_missed_rx_overrun"] > 0, "the overrun scenario did not overrun")
    switched = args + draw_switch(rng, fast)
    desc = f"{scenario}: nicsim {' '.join(switched)}"
    try:
        for i in (1, 2):
            run(nicsim, switched + ["--vcd", f(f"d{i}.vcd"), "--pcap-out", f(f"d{i}.pcap"), "--stats-json",
                                    f(f"d{i}.json")], "switched run")
        d = load(f("d1.json"))
        check_stats(fast, d, int(args[args.index("--desc-cache") + 1]))
        check_frames(f("fast.pcap"), f("d1.pcap"))
        w = d["detail_window"]
        if "start_us" in w:
            first = vcd_first_us(f("d1.vcd"))
            # the statistics print six significant digits
            check(first is not None and math.isclose(first, w["start_us"], rel_tol=1e-5, abs_tol=1e-3),
                  f"the VCD starts at {first} us, the window at {w['start_us']} us")
        check(same_file(f("d1.pcap"), f("d2.pcap")), "two runs of the draw wrote different pcaps")
        check(same_file(f("d1.vcd"), f("d2.vcd")), "two runs of the draw wrote different VCDs")
        check(without_wall_clock(f("d1.json")) == without_wall_clock(f("d2.json")), "different statistics")
    except DrawFailed as e:
        raise DrawFailed(f"{desc}\n  {e}") from None
    return desc, d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nicsim")
    ap.add_argument("--draws", type=int, default=4)
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--scenario", choices=SCENARIOS)
    a = ap.parse_args()
    failed = 0
    for seed in range(a.first, a.first + a.draws):
        with tempfile.TemporaryDirectory() as work:
            try:
                desc, d = one_draw(a.nicsim, seed, a.scenario, work)
                w = d["detail_window"]
                print(f"draw {seed} ok ({desc}; window {w.get('start_us')}..{w.get('end_us', 'end')} us, "
                      f"waited {w.get('quiescence_wait_at_start_ns')} ns)")
            except DrawFailed as e:
                failed += 1
                print(f"FAIL: draw {seed}: {e}\n  replay: {sys.argv[0]} {a.nicsim} --first {seed} --draws 1"
                      + (f" --scenario {a.scenario}" if a.scenario else ""))
    print(f"{a.draws - failed} of {a.draws} draws passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
