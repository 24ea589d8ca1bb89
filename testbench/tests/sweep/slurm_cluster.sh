#!/usr/bin/env bash
# A throw-away single-node Slurm cluster for tests: munged and slurmctld/slurmd (Debian's slurm-wlm and munge) with
# every file in one temporary folder, nothing under /etc touched. Source it, then:
#   slurm_cluster_start DIR   start munged, slurmctld and slurmd; SLURM_CONF points at DIR/slurm.conf
#   slurm_cluster_stop        stop the daemons this file started (by their pid files) and remove DIR
# Needs root (slurmd runs jobs as their users); the caller checks that first.

slurm_cluster_start() {
    SLURM_TEST_DIR=$1
    local d=$SLURM_TEST_DIR host cpus port
    mkdir -p "$d/state" "$d/spool" "$d/munge"
    chmod 700 "$d/munge"
    dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$d/munge/munge.key"
    munged --force --key-file="$d/munge/munge.key" --socket="$d/munge/munge.sock" \
        --pid-file="$d/munge/munged.pid" --log-file="$d/munge/munged.log" --seed-file="$d/munge/seed" ||
        return 1
    host=$(hostname -s)
    cpus=$(nproc)
    # Ports away from Slurm's defaults (6817/6818), so a real cluster on the machine is not disturbed.
    port=$((20000 + RANDOM % 20000))
    cat >"$d/slurm.conf" <<CONF
ClusterName=nicsimtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$d/munge/munge.sock
CredType=cred/munge
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=2
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF=$d/slurm.conf
    slurmctld -f "$SLURM_CONF" || return 1
    slurmd -f "$SLURM_CONF" || return 1
    # The node is ready when the controller reports it idle.
    local i
    for i in $(seq 1 100); do
        sinfo -h -o %t 2>/dev/null | grep -qx idle && return 0
        sleep 0.2
    done
    echo "slurm_cluster: the node did not come up" >&2
    return 1
}

slurm_cluster_stop() {
    local d=${SLURM_TEST_DIR:-} f pid
    [ -n "$d" ] || return 0
    for f in slurmd.pid slurmctld.pid munge/munged.pid; do
        pid=$(cat "$d/$f" 2>/dev/null) || continue
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$d"
    SLURM_TEST_DIR=
}
