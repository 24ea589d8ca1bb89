#!/usr/bin/env bash
# The SDK as a driver writer uses it: install the "ddk" component of this build into a fresh prefix, then build
# examples/e1000_c twice from that prefix alone - with the CMake package (find_package(nicsim),
# nicsim_add_miniport) and with a plain C compiler line from pkg-config - into <out>/cmake/e1000c.so and
# <out>/cc/e1000c.so. Usage: sdk_build.sh <source dir> <build dir> <out dir>
set -euo pipefail
src=$1
build=$2
out=$3
rm -rf "$out"
mkdir -p "$out/cc"
cmake --install "$build" --prefix "$out/prefix" --component ddk > "$out/install.log"
test -f "$out/prefix/include/nicsim/ddk/ndis.h"

cmake -S "$src/examples/e1000_c" -B "$out/cmake" -DCMAKE_PREFIX_PATH="$out/prefix" > "$out/cmake-configure.log"
cmake --build "$out/cmake" > "$out/cmake-build.log"
test -f "$out/cmake/e1000c.so"

export PKG_CONFIG_PATH="$out/prefix/lib/pkgconfig"
cflags=$(pkg-config --cflags nicsim-ddk)
case "$cflags" in *"/include/nicsim/ddk"*) ;; *) echo "pkg-config gave no DDK include directory: $cflags"; exit 1 ;; esac
# shellcheck disable=SC2086
cc -std=c99 -Wall -Wextra -Werror -shared -fPIC $cflags "$src"/examples/e1000_c/*.c -o "$out/cc/e1000c.so"
echo "built $out/cmake/e1000c.so and $out/cc/e1000c.so"
