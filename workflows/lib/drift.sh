#!/usr/bin/env bash
# Drift check of one synthesized stack: `terraform plan -detailed-exitcode` in its directory.
# Exit 0: no changes; 2: drift (the plan shows what differs); anything else: the check failed.
# No saved plan is written (a saved plan holds every variable value, secrets included).
#   drift.sh <cdktf.out/stacks/STACK>     (run by `make drift`, inside with-secrets.sh)
# DRIFT_EXIT_FILE: also write the exit code there (make reports every failure as 2).
set -uo pipefail

stack_dir=${1:?usage: drift.sh <cdktf.out/stacks/STACK>}
bin=${TERRAFORM_BINARY_NAME:-terraform}
record() {
  [ -z "${DRIFT_EXIT_FILE:-}" ] || printf '%s\n' "$1" >"$DRIFT_EXIT_FILE"
}

cd "$stack_dir" || { echo "drift: $stack_dir does not exist; run synth first" >&2; record 1; exit 1; }
if ! "$bin" init -input=false >/dev/null; then
  echo "drift: ERROR: $bin init failed in $stack_dir (run it there to see why)" >&2
  record 1
  exit 1
fi
"$bin" plan -detailed-exitcode -input=false -lock-timeout=5m
code=$?
record "$code"
case $code in
  0) echo "drift: none (the infrastructure matches the configuration)" ;;
  2) echo "drift: DETECTED in $(basename "$stack_dir"): the plan above shows what differs; apply through the deploy workflow or fix the change at its source" >&2 ;;
  *) echo "drift: ERROR: $bin plan failed with exit code $code" >&2 ;;
esac
exit "$code"
