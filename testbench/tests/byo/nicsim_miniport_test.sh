#!/usr/bin/env bash
# nicsim --miniport with the example C miniport built from the installed SDK (the sdk_build_example fixture):
# traffic both ways passes every check with the driver named in the statistics and a capture tshark validates;
# back to back with the cc-built copy as the peer's driver, and mixed with the built-in driver (--peer-miniport
# builtin); a partner whose driver comes up late; a serialized driver's RESOURCES refusals requeued by NDIS; bad
# shared objects are one line and exit 2.
# Usage: nicsim_miniport_test.sh NICSIM SDK_OUT CHECK_PCAP
source "$(dirname "$0")/example_miniport_env.sh"

"$NICSIM" --miniport "$so" --vcd none --pcap-out run.pcap --stats-json s.json >out.txt 2>err.txt ||
    { cat out.txt err.txt; fail "the example miniport did not pass the default run"; }
python3 - s.json <<'PY' || fail "statistics of the example miniport's run"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["run"]["driver"] == "e1000c", s["run"]
assert s["checks"]["verdict"] == "pass", s["checks"]
assert s["transmit"]["frames_intact"] == 32 and s["receive"]["frames_intact"] == 32, (s["transmit"], s["receive"])
PY
bash "$CHECK_PCAP" run.pcap || fail "the capture of the example miniport's run does not validate"

"$NICSIM" --miniport "$so" --peer-miniport "$cc_so" --back-to-back --vcd none --pcap-out none --stats-json b.json \
    >out.txt 2>err.txt || { cat out.txt err.txt; fail "back to back with the example miniport on both machines"; }
grep -q '"partner_driver": "e1000c"' b.json || fail "the partner's driver is not named"

# Two different drivers back to back (each side waits until the other is up): no frame lost either way, counted
# by tshark on the wire (32 each way) with checksums validated.
for side in dut partner; do
    if [ $side = dut ]; then args=(--miniport "$so" --peer-miniport builtin); else args=(--peer-miniport "$so"); fi
    "$NICSIM" "${args[@]}" --back-to-back --vcd none --pcap-out m.pcap --stats-json m.json >out.txt 2>err.txt ||
        { cat out.txt err.txt; fail "back to back, the example as the $side's driver and the built-in one"; }
    python3 - m.json $side <<'PY' || fail "statistics of the mixed back-to-back run ($side)"
import json, sys
s = json.load(open(sys.argv[1]))
drivers = (s["run"]["driver"], s["run"]["partner_driver"])
assert drivers == (("e1000c", "nicsim-e1000 (built in)") if sys.argv[2] == "dut" else ("nicsim-e1000 (built in)", "e1000c")), drivers
assert s["transmit"]["frames_intact"] == 32 and s["receive"]["frames_intact"] == 32, (s["transmit"], s["receive"])
assert s["transmit"]["frames_missing"] == 0 and s["receive"]["frames_missing"] == 0
PY
    [ "$(tshark -r m.pcap -n 2>/dev/null | wc -l)" -eq 64 ] || fail "mixed back to back ($side): not 64 frames on the wire"
    bash "$CHECK_PCAP" m.pcap || fail "the capture of the mixed back-to-back run ($side) does not validate"
done

# A partner that comes up late: the example as the peer's driver restarts autonegotiation and waits for the link
# (its WaitAutoNegComplete registry keyword, --peer-registry) for 2 ms, while the built-in driver's link has been up
# since power-on. The built-in side must not send before the peer's driver is up (its NIC drops frames while its
# receiver is off): every frame arrives, and the first one leaves after the peer said it was up.
"$NICSIM" --back-to-back --peer-miniport "$so" --peer-registry WaitAutoNegComplete=1 --autoneg 2ms --vcd none \
    --pcap-out late.pcap --stats-json late.json >out.txt 2>err.txt ||
    { cat out.txt err.txt; fail "back to back with a partner that waits 2 ms for autonegotiation"; }
grep -Eq '^[0-9.]+ us DbgPrint: e1000c: waited [1-9][0-9]* ms for autonegotiation' out.txt ||
    { cat out.txt; fail "the partner's driver did not wait for autonegotiation"; }
up_us=$(sed -n 's/^\([0-9.]*\) us DbgPrint: e1000c: .*, link up$/\1/p' out.txt)
first_us=$(tshark -r late.pcap -c 1 -T fields -e frame.time_epoch 2>/dev/null | awk '{ printf "%.3f", $1 * 1e6 }')
python3 - late.json "$up_us" "$first_us" <<'PY' || fail "the late partner's run"
import json, sys
s = json.load(open(sys.argv[1]))
up, first = float(sys.argv[2]), float(sys.argv[3])
assert up >= 2000, f"the partner was up at {up} us, before its 2 ms autonegotiation"
assert first > up, f"the first frame left at {first} us, before the partner's driver was up at {up} us"
for d in ("transmit", "receive"):
    assert s[d]["frames_intact"] == 32 and s[d]["frames_missing"] == 0, s[d]
assert s["checks"]["verdict"] == "pass", s["checks"]
PY
"$NICSIM" --miniport "$so" --registry waitautonegcomplete=1 --autoneg 1ms --packets 2 --vcd none --pcap-out none \
    >out.txt 2>err.txt || { cat out.txt err.txt; fail "--registry WaitAutoNegComplete=1 on the first machine"; }
grep -q 'e1000c: waited [1-9][0-9]* ms for autonegotiation' out.txt ||
    fail "--registry did not reach the driver (registry names are case-insensitive)"
[ "$(tshark -r late.pcap -n 2>/dev/null | wc -l)" -eq 64 ] || fail "the late partner's run did not put 64 frames on the wire"
bash "$CHECK_PCAP" late.pcap || fail "the capture of the late partner's run does not validate"

# A serialized driver's NDIS_STATUS_RESOURCES: 200 sends of two buffers each need more descriptors than the
# example's 64-entry ring; NDIS keeps the refused packets and sends them after the next completion, none lost.
"$NICSIM" --miniport "$so" --packets 200 --fragments 2 --direction tx --vcd none --pcap-out r.pcap --stats-json r.json \
    >out.txt 2>err.txt || { cat out.txt err.txt; fail "200 sends through the example's 64-descriptor ring"; }
python3 - r.json <<'PY' || fail "statistics of the RESOURCES run"
import json, sys
t = json.load(open(sys.argv[1]))["transmit"]
assert t["sends_requeued_after_resources"] > 0 and t["frames_intact"] == 200 and t["sends_refused"] == 0, t
PY
[ "$(tshark -r r.pcap -n 2>/dev/null | wc -l)" -eq 200 ] || fail "the RESOURCES run did not put 200 frames on the wire"

for bad in /nonexistent.so /etc/passwd; do
    "$NICSIM" --miniport "$bad" >out.txt 2>err.txt
    rc=$?
    [ "$rc" -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q -- "--miniport: $bad" err.txt ||
        { cat err.txt; fail "--miniport $bad: exit $rc, expected one line and exit 2"; }
done
"$NICSIM" --peer-miniport "$so" >out.txt 2>err.txt
[ $? -eq 2 ] && grep -q -- "--peer-miniport: needs --back-to-back" err.txt || fail "--peer-miniport without a peer"
"$NICSIM" --peer-miniport builtin >out.txt 2>err.txt
[ $? -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] || fail "--peer-miniport builtin without a peer: one line, exit 2"
"$NICSIM" --back-to-back --peer-miniport /nonexistent.so >out.txt 2>err.txt
[ $? -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q -- "--peer-miniport: /nonexistent.so" err.txt ||
    fail "--peer-miniport with a missing file: one line, exit 2"
[ ! -e nicsim-out ] || fail "bad input left nicsim-out behind"
echo "nicsim --miniport: all checks passed"
