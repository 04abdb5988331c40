#!/usr/bin/env bash
# A single-node Slurm cluster in a folder, for trying deploy/slurm/jano-array.sbatch and for its test:
# munged, slurmctld and slurmd on this machine, as the current user, configured and logging in DIR.
#
#   deploy/slurm/local-cluster.sh start DIR [SLURMCTLD_PORT SLURMD_PORT]   # prints SLURM_CONF=DIR/slurm.conf
#   SLURM_CONF=DIR/slurm.conf sbatch --array=0-3 deploy/slurm/jano-array.sbatch ...
#   deploy/slurm/local-cluster.sh stop DIR
#
# Needs Debian's slurm-wlm and munge (apt-get install slurm-wlm munge). The node offers two GPUs to
# the scheduler so that --gres=gpu:1 schedules as on a GPU cluster: on a machine without GPUs they are
# stand-ins (/dev/null; Slurm requires a device file per GPU), jano's --provider auto then runs on the
# CPU, and two array tasks run at a time.
set -euo pipefail

usage() { echo "usage: $0 start DIR [SLURMCTLD_PORT SLURMD_PORT] | stop DIR" >&2; exit 2; }
[ "$#" -ge 2 ] || usage
command=$1 dir=$2

stop() {
  local d=$1
  for pid_file in "$d/slurmd.pid" "$d/slurmctld.pid" "$d/munge/munged.pid"; do
    [ -f "$pid_file" ] || continue
    pid=$(cat "$pid_file")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pid_file"
  done
}

case "$command" in
  stop) stop "$dir"; exit 0 ;;
  start) ;;
  *) usage ;;
esac

for tool in munged slurmctld slurmd sinfo; do
  command -v "$tool" >/dev/null 2>&1 || { echo "local-cluster.sh: $tool is not installed (apt-get install slurm-wlm munge)" >&2; exit 3; }
done
ctld_port=${3:-6817} slurmd_port=${4:-6818}
dir=$(mkdir -p "$dir" && cd "$dir" && pwd)
node=$(hostname -s)
user=$(id -un)
mkdir -p "$dir/munge" "$dir/state" "$dir/spool"
chmod 700 "$dir/munge"
chmod 755 "$dir"

# munge: a fresh key for this cluster only, the socket in the folder (AuthInfo tells Slurm where).
head -c 1024 /dev/urandom > "$dir/munge/munge.key"
chmod 400 "$dir/munge/munge.key"
munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"

ln -sf /dev/null "$dir/gpu0"
ln -sf /dev/null "$dir/gpu1"
cat > "$dir/gres.conf" <<CONF
NodeName=$node Name=gpu File=$dir/gpu[0-1]
CONF
# linuxproc process tracking and no task plugin: no cgroups needed (containers and sandboxes lack them).
cat > "$dir/slurm.conf" <<CONF
ClusterName=jano-local
SlurmctldHost=$node(127.0.0.1)
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
GresTypes=gpu
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) Gres=gpu:2 State=UNKNOWN
PartitionName=jano Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
if ! slurmctld -f "$SLURM_CONF" || ! slurmd -f "$SLURM_CONF"; then
  echo "local-cluster.sh: a Slurm daemon did not start; logs in $dir" >&2
  stop "$dir"; exit 4
fi
for _ in $(seq 120); do
  state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
  if [ "$state" = "idle" ]; then echo "SLURM_CONF=$SLURM_CONF"; exit 0; fi
  sleep 0.5
done
echo "local-cluster.sh: node $node did not become idle (state '${state:-none}'); logs in $dir:" >&2
tail -n 5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
stop "$dir"
exit 4
