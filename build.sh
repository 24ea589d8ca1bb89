#!/usr/bin/env bash
# nicsim's one entry point for a fresh Debian 12 machine:
#   ./build.sh run   [nicsim options]  install what is missing, build, run the default simulation
#   ./build.sh test  [ctest options]    install what is missing, build, run every test
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the build and the tests need (tshark and gtkwave read our pcap and VCD output in tests).
PACKAGES=(build-essential cmake pkg-config libsystemc-dev catch2 tshark gtkwave)

install_missing() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "build.sh: installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
    local werror=OFF
    [ "${CI:-}" = "true" ] && werror=ON
    cmake -S . -B build -DNICSIM_WERROR=$werror >/dev/null
    cmake --build build -j"$(nproc)"
}

cmd=${1:-}
shift || true
case "$cmd" in
    run)
        install_missing
        build
        exec ./build/testbench/nicsim "$@"
        ;;
    test)
        install_missing
        build
        cd build && exec ctest --output-on-failure -j"$(nproc)" "$@"
        ;;
    *)
        echo "usage: ./build.sh run [nicsim options] | ./build.sh test [ctest options]" >&2
        exit 2
        ;;
esac
