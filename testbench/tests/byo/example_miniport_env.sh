# Sourced by the scripts that run nicsim with the example C miniport built from the installed SDK (the
# sdk_build_example fixture, sdk_build.sh). Takes the scripts' arguments NICSIM SDK_OUT CHECK_PCAP, names the two
# builds of the example (so: with find_package(nicsim); cc_so: with a plain cc line from pkg-config), moves
# into a scratch directory removed on exit and defines fail.
set -u
NICSIM=$1 OUT=$2 CHECK_PCAP=$3
so=$OUT/cmake/e1000c.so
cc_so=$OUT/cc/e1000c.so
fail() {
    echo "FAIL: $*"
    exit 1
}
[ -f "$so" ] && [ -f "$cc_so" ] || fail "the example miniport is not built in $OUT (sdk_build.sh)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
