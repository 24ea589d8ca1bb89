#!/usr/bin/env bash
# A driver whose MiniportInitialize sleeps 30 ms (three times the stall limit of a running driver) and then fails:
# nicsim reports the failed initialisation with its status, not a stalled run.
# Usage: nicsim_slow_init_test.sh NICSIM DRIVER_SO
set -u
NICSIM=$1 SO=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
"$NICSIM" --miniport "$SO" --vcd none --pcap-out none >out.txt 2>err.txt
rc=$?
fail() { cat out.txt err.txt; echo "FAIL: $*"; exit 1; }
[ "$rc" -eq 1 ] || fail "exit $rc, expected 1"
grep -q "fixture: slept 30 ms" out.txt || fail "the driver's sleep did not finish"
grep -q "MiniportInitialize failed with NDIS_STATUS_ADAPTER_NOT_FOUND" err.txt || fail "the failure is not reported"
grep -q "ended by  *driver failed" out.txt || fail "the run does not say the driver failed"
! grep -q "stalled\|time limit" err.txt out.txt || fail "the bring-up was taken for a stall or a time limit"
echo "slow bring-up: all checks passed"
