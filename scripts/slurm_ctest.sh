#!/usr/bin/env bash
# Runs a CTest selection as a Slurm job array: one array task per test, in a build directory every node sees.
#   scripts/slurm_ctest.sh BUILD_DIR CONFIGURATION LABEL [sbatch options...]
# e.g. `./build.sh matrix --slurm --partition=batch --time=10:00`. Waits for the job (squeue), then lists the tests
# that failed or did not run and exits 1 if there are any; each test's output is BUILD_DIR/slurm-LABEL/TASK.out.
# No sbatch or squeue on PATH: one line, exit 2.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: slurm_ctest.sh BUILD_DIR CONFIGURATION LABEL [sbatch options...]" >&2; exit 2; }
build=$(realpath "$1") config=$2 label=$3
shift 3
for tool in sbatch squeue; do
    command -v $tool >/dev/null || { echo "slurm_ctest: no '$tool' on PATH: Slurm is not installed here" >&2; exit 2; }
done
work=$build/slurm-$label
rm -rf "$work"
mkdir -p "$work"
(cd "$build" && ctest -N -C "$config" -L "$label") | sed -n 's/^ *Test *#[0-9]*: //p' >"$work/tests.txt"
count=$(wc -l <"$work/tests.txt")
[ "$count" -gt 0 ] || { echo "slurm_ctest: no test has the label '$label'" >&2; exit 2; }
cat >"$work/tests.sbatch" <<SCRIPT
#!/bin/sh
#SBATCH --job-name=nicsim-ctest-$label
#SBATCH --array=0-$((count - 1))
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output=$work/%a.out
name=\$(sed -n "\$((SLURM_ARRAY_TASK_ID + 1))p" "$work/tests.txt")
# The test by its exact name: regular-expression characters in it are escaped.
pattern=\$(printf '%s' "\$name" | sed 's/[][\\\\.*^\$+?(){}|]/\\\\&/g')
cd "$build" && ctest --output-on-failure -C "$config" -R "^\$pattern\\\$"
echo \$? >"$work/\$SLURM_ARRAY_TASK_ID.rc"
SCRIPT
job=$(sbatch --parsable "$@" "$work/tests.sbatch")
job=${job%%;*}
echo "slurm_ctest: submitted job $job: $count tests of '$label'" >&2
trap 'scancel "$job"; echo "slurm_ctest: cancelled job $job" >&2; exit 130' INT TERM
while [ -n "$(squeue -h -j "$job" -o %i 2>/dev/null)" ]; do sleep 2; done
trap - INT TERM
bad=0
for i in $(seq 0 $((count - 1))); do
    rc=$(cat "$work/$i.rc" 2>/dev/null || echo "not run")
    if [ "$rc" != 0 ]; then
        echo "slurm_ctest: $(sed -n "$((i + 1))p" "$work/tests.txt"): ${rc/#[0-9]*/failed} (see $work/$i.out)" >&2
        bad=$((bad + 1))
    fi
done
echo "slurm_ctest: $((count - bad)) of $count tests passed" >&2
[ "$bad" -eq 0 ]
