#!/usr/bin/env bash
# nicsim --miniport with the example C miniport built from the installed SDK (the sdk_build_example fixture):
# traffic both ways passes every check with the driver named in the statistics and a capture tshark validates;
# back to back with the cc-built copy as the peer's driver; bad shared objects are one line and exit 2.
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

for bad in /nonexistent.so /etc/passwd; do
    "$NICSIM" --miniport "$bad" >out.txt 2>err.txt
    rc=$?
    [ "$rc" -eq 2 ] && [ "$(wc -l <err.txt)" -eq 1 ] && grep -q -- "--miniport: $bad" err.txt ||
        { cat err.txt; fail "--miniport $bad: exit $rc, expected one line and exit 2"; }
done
"$NICSIM" --peer-miniport "$so" >out.txt 2>err.txt
[ $? -eq 2 ] && grep -q -- "--peer-miniport: needs --back-to-back" err.txt || fail "--peer-miniport without a peer"
[ ! -e nicsim-out ] || fail "bad input left nicsim-out behind"
echo "nicsim --miniport: all checks passed"
