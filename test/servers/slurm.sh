#!/usr/bin/env bash
# A single-node SLURM cluster (munge + slurmctld + slurmd) under a temp folder, for the tests of
# `executor: slurm` stages. `start` prints the SLURM_CONF path on stdout and exits 0 only when the
# node is idle; anything else goes to stderr with the reason. `stop` ends the daemons it started.
# Facts behind the settings: ../../docs/slurm.md and the toolchain notes (no systemd, no cgroups).
set -uo pipefail

DIR="${STRATA_SLURM_DIR:-/tmp/strata-slurm}"
CONF="$DIR/slurm.conf"

fail() {
  echo "slurm.sh: $*" >&2
  stop
  exit 1
}

stop() {
  for pidfile in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" "$DIR/munged.pid"; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$pidfile"
  done
}

start() {
  for bin in munged mungekey slurmctld slurmd sinfo; do
    command -v "$bin" >/dev/null || fail "$bin not found: install Debian's slurm-wlm and munge"
  done
  stop
  rm -rf "$DIR"
  mkdir -p "$DIR/run" "$DIR/state" "$DIR/spool" "$DIR/log" || fail "cannot create $DIR"
  # munged refuses a socket folder others cannot reach; slurmd's job steps connect to it too.
  chmod 755 "$DIR" "$DIR/run"
  mungekey --create --keyfile="$DIR/munge.key" 2>"$DIR/log/mungekey.log" ||
    fail "mungekey failed: $(cat "$DIR/log/mungekey.log")"
  chmod 600 "$DIR/munge.key"
  munged --key-file="$DIR/munge.key" --socket="$DIR/run/munge.socket.2" \
    --pid-file="$DIR/munged.pid" --log-file="$DIR/log/munged.log" --seed-file="$DIR/munge.seed" \
    2>>"$DIR/log/munged.log" || fail "munged did not start: $(tail -3 "$DIR/log/munged.log")"

  host="$(hostname -s)"
  cat >"$CONF" <<CONF
ClusterName=strata-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/run/munge.socket.2
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
MailProg=/bin/true
SlurmctldPort=${STRATA_SLURM_PORT:-16817}
SlurmdPort=$(( ${STRATA_SLURM_PORT:-16817} + 1 ))
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 Sockets=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=20000
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  slurmctld -f "$CONF" 2>>"$DIR/log/slurmctld.err" ||
    fail "slurmctld did not start: $(tail -3 "$DIR/log/slurmctld.err" "$DIR/log/slurmctld.log" 2>/dev/null)"
  slurmd -f "$CONF" 2>>"$DIR/log/slurmd.err" ||
    fail "slurmd did not start: $(tail -3 "$DIR/log/slurmd.err" "$DIR/log/slurmd.log" 2>/dev/null)"
  for _ in $(seq 1 100); do
    state="$(SLURM_CONF="$CONF" sinfo -h -N -o %t 2>/dev/null)"
    if [ "$state" = "idle" ]; then
      echo "$CONF"
      exit 0
    fi
    sleep 0.2
  done
  fail "the node did not become idle in 20 s (state: ${state:-none}); logs in $DIR/log"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) fail "usage: slurm.sh start|stop" ;;
esac
