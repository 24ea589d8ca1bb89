#!/usr/bin/env bash
# nicsim's one entry point for a fresh Debian 12 machine:
#   ./build.sh run   [nicsim options]  install what is missing, build, run the default simulation
#   ./build.sh test  [ctest options]    install what is missing, build, run every test (the default selection)
#   ./build.sh asan  [ctest options]    the same in build-asan with AddressSanitizer + UBSan (NICSIM_SANITIZE)
#   ./build.sh fuzz  [SECONDS]          install clang, build the libFuzzer targets in build-fuzz, run each briefly
#   ./build.sh matrix | soak            the long selections: full scenario matrix + 500 random seeds; the 1M soak
#   ./build.sh matrix --slurm [sbatch options]   the matrix as a Slurm job array (docs/sweeps.md)
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the build and the tests need (tshark and gtkwave read our pcap, VCD and FST output in tests;
# verilator installs the sources of GTKWave's FST writer, which the build compiles for --trace-format fst; zlib1g-dev
# and libdeflate-dev its compression; matplotlib draws sweep figures; slurm-wlm and munge run the Slurm sweep test).
PACKAGES=(build-essential cmake pkg-config libsystemc-dev catch2 tshark gtkwave xvfb clang-format libcli11-dev
    libtomlplusplus-dev nlohmann-json3-dev python3-jsonschema python3-matplotlib slurm-wlm munge verilator zlib1g-dev
    libdeflate-dev)

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

werror() { if [ "${CI:-}" = "true" ]; then echo ON; else echo OFF; fi; }
# CI keeps only line tables (-g1), enough for a stack trace: GCC generates the same code at any -g level, and full
# debug information is about a quarter of the build's CPU time. Elsewhere the default (-g) stays, for the debugger.
debug_info() { if [ "${CI:-}" = "true" ]; then echo -g1; else echo -g; fi; }

build() {
    cmake -S . -B build -DNICSIM_WERROR="$(werror)" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 $(debug_info) -DNDEBUG" \
        -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 $(debug_info) -DNDEBUG" >/dev/null
    cmake --build build -j"$(nproc)"
}

# Sanitizer build: everything the tests run, with ASan + UBSan (UBSan findings are fatal). The benchmarks are left
# out, -O1 (the usual level for ASan; it builds in 9 minutes instead of 12) and line tables (-g1) are enough for the sanitizers' stack traces: the CI budget is 30 minutes.
build_asan() {
    cmake -S . -B build-asan -DNICSIM_WERROR="$(werror)" -DNICSIM_SANITIZE=address,undefined -DNICSIM_BENCH=OFF \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
        -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" >/dev/null
    cmake --build build-asan -j"$(nproc)"
}

install_clang() {
    command -v clang++ >/dev/null && return 0
    local PACKAGES=(clang)
    install_missing
}

cmd=${1:-}
shift || true
case "$cmd" in
    run)
        install_missing
        build
        exec ./build/nicsim "$@"
        ;;
    test)
        install_missing
        build
        cd build && exec ctest --output-on-failure -j"$(nproc)" "$@"
        ;;
    asan)
        install_missing
        build_asan
        # Leak checking is off: LeakSanitizer's stop-the-world scan faults on the guard pages of SystemC's coroutine
        # stacks (intermittent "Tracer caught signal 11"), and SC_THREAD stacks are never unwound at sc_stop anyway.
        export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
        export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:suppressions=$PWD/testbench/sanitizers/ubsan.supp
        # Left out, because they ran in the normal build and the CI budget is 30 minutes: the source checks (they
        # read the tree, not the build), the sweep runner's orchestration tests, the bus-width matrix (regression_ and a
        # cell's name; the Catch suite regression_tests, whose names go on with a colon, does run), and the long
        # option-by-option and preset walks (their runs are covered here by the scenario, fault and random tests).
        cd build-asan && exec ctest --output-on-failure -j"$(nproc)" \
            -E '^(format|layering|names|tags|function_length|sweep_cli_.*|nicsim_cli_declared-defaults|nicsim_cli_help|nicsim_cli_miniport_presets|nicsim_detail_switch-points|regression_[a-z0-9_]+)$' "$@"
        ;;
    fuzz)
        seconds=${1:-30}
        install_missing
        install_clang
        CC=clang CXX=clang++ cmake -S . -B build-fuzz -DNICSIM_FUZZ=ON -DNICSIM_TESTS=OFF >/dev/null
        cmake --build build-fuzz -j"$(nproc)" --target fuzz_pcap_reader fuzz_descriptors fuzz_command_line \
            fuzz_deflate_encoder
        for t in pcap_reader descriptors command_line deflate_encoder; do
            work=$(mktemp -d)  # new inputs go here; the committed seed corpus is only read
            echo "build.sh: fuzzing $t for ${seconds}s"
            ./build-fuzz/fuzz/fuzz_$t -max_total_time="$seconds" -print_final_stats=1 "$work" fuzz/corpus/$t
            rm -rf "$work"
        done
        ;;
    matrix)
        install_missing
        build
        # --slurm [sbatch options]: one Slurm array task per test, the build directory shared with the nodes.
        if [ "${1:-}" = "--slurm" ]; then
            shift
            exec scripts/slurm_ctest.sh build matrix matrix "$@"
        fi
        cd build && exec ctest --output-on-failure -j"$(nproc)" -C matrix -L matrix "$@"
        ;;
    soak)
        install_missing
        build
        cd build && exec ctest --output-on-failure -C soak -L soak "$@"
        ;;
    *)
        echo "usage: ./build.sh run [nicsim options] | test [ctest options] | asan [ctest options] | fuzz [SECONDS]" \
             "| matrix | soak" >&2
        exit 2
        ;;
esac
