# shellcheck shell=bash disable=SC2034  # sets SCRIPT_FLAG for the script that sources it
# Sourced by the bench scripts that drive pgbench: WORKLOAD=select (-S, the
# default) or tpcb (pgbench's TPC-B-like script), as SCRIPT_FLAG.
WORKLOAD=${WORKLOAD:-select}
case "$WORKLOAD" in
  select) SCRIPT_FLAG=-S ;;
  tpcb) SCRIPT_FLAG= ;;
  *) echo "$(basename "$0" .sh): WORKLOAD=$WORKLOAD: must be select or tpcb" >&2; exit 2 ;;
esac
