#!/usr/bin/env bash
# Fails (exit 1) listing every dependency that crosses the line between the two halves of the tree: model/ (the
# hardware) and hostdrv/ (the host software) include nothing of each other, and neither includes testbench/ (which
# assembles and checks both). The same holds for CMake: no library of one half links a library of the other half or
# of the testbench. Inside model/, the wire includes and links nothing of the NIC. CTest runs it as the 'layering'
# test.
#
# Includes are the quoted ones (#include "..."), resolved the way the compiler does: beside the including file
# first, then from the repository root (the one include directory the project's libraries export).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# forbidden[<half>] = the top-level folders that half may not reach.
declare -A forbidden=([model]="hostdrv testbench" [hostdrv]="model testbench")
bad=0

# The top-level folder a quoted include of `file` resolves to (empty when it resolves to nothing in the tree).
include_target() {
    local file=$1 inc=$2 dir path
    dir=$(dirname "$file")
    if [ -e "$dir/$inc" ]; then
        path=$(realpath -m --relative-to="$root" "$dir/$inc")
    else
        path=$(realpath -m --relative-to="$root" "$root/$inc")
    fi
    case "$path" in
        ../* | /*) echo "" ;;
        *) echo "${path%%/*}" ;;
    esac
}

for half in model hostdrv; do
    while IFS= read -r -d '' file; do
        while IFS= read -r hit; do
            line=${hit%%:*}
            [[ ${hit#*:} =~ \"([^\"]+)\" ]] || continue
            inc=${BASH_REMATCH[1]}
            [[ $inc == */* ]] || continue  # a bare name stays in its own folder (or the root)
            top=$(include_target "$file" "$inc")
            for no in ${forbidden[$half]}; do
                if [ "$top" = "$no" ]; then
                    echo "$file:$line: includes \"$inc\" ($half/ must not include $no/)"
                    bad=1
                fi
            done
        done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file" || true)
    done < <(find "$half" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.c' -o -name '*.cc' -o -name '*.cpp' \
                                     -o -name '*.inc' \) -print0)
done

# Libraries each top-level folder defines (add_library in its CMakeLists.txt files).
libraries_of() {
    find "$1" -name CMakeLists.txt -print0 | xargs -0 grep -hoE 'add_library\([[:space:]]*[A-Za-z0-9_]+' |
        sed -E 's/add_library\([[:space:]]*//' | sort -u
}
for half in model hostdrv; do
    for no in ${forbidden[$half]}; do
        for lib in $(libraries_of "$no"); do
            # target_link_libraries calls may span lines: look at each CMakeLists.txt of the half as one text.
            while IFS= read -r -d '' cm; do
                if tr '\n' ' ' <"$cm" | grep -qE "target_link_libraries\([^)]*[[:space:]]$lib([[:space:])])"; then
                    echo "$cm: links $lib ($half/ must not link a library of $no/)"
                    bad=1
                fi
            done < <(find "$half" -name CMakeLists.txt -print0)
        done
    done
done

# Inside model/: the wire is Ethernet between two ends and knows nothing of the NIC at either end; both build on
# model/net. blocks_forbidden[<folder>] = the folders its files may not include; block_libs the libraries it may not
# link.
declare -A blocks_forbidden=([model/wire]="model/nic")
declare -A block_libs=([model/wire]="nicsim_nic")
for block in "${!blocks_forbidden[@]}"; do
    while IFS= read -r -d '' file; do
        for no in ${blocks_forbidden[$block]}; do
            while IFS= read -r hit; do
                echo "$file:${hit%%:*}: includes a file of $no/ ($block/ must not include $no/)"
                bad=1
            done < <(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*\"$no/" "$file" || true)
        done
    done < <(find "$block" -type f \( -name '*.h' -o -name '*.cpp' \) -print0)
    for lib in ${block_libs[$block]}; do
        if tr '\n' ' ' <"$block/CMakeLists.txt" | grep -qE "target_link_libraries\([^)]*[[:space:]]$lib([[:space:])])"; then
            echo "$block/CMakeLists.txt: links $lib ($block/ must not link it)"
            bad=1
        fi
    done
done

[ "$bad" -eq 0 ] && echo "check_layering: model/ and hostdrv/ reach neither each other nor testbench/; model/wire reaches no NIC"
exit "$bad"
