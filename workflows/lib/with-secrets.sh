#!/usr/bin/env bash
# Runs a command with the environment's secrets as TF_VAR_* variables and leaves no file holding a
# secret behind, whether the command succeeds, fails or is interrupted.
#
#   with-secrets.sh --stack-dir DIR --env-file FILE [--example FILE] -- COMMAND...   (staging)
#   with-secrets.sh --stack-dir DIR --vals FILE -- COMMAND...                        (production)
#   with-secrets.sh --stack-dir DIR --from-environment -- COMMAND...                 (dev: TF_VAR_* already set)
#
# --env-file: TF_VAR_<name>=VALUE lines, parsed by tooling/bin/secrets-env.ts (never `source`d, so the file
#   cannot run code; any key but TF_VAR_* is refused, and no problem message shows a value). With
#   --example, every key of the example file must have a non-empty value.
# --vals: a flat YAML map of NAME: ref+BACKEND://... resolved by `vals exec -i`, which hands the
#   values to COMMAND as environment variables; nothing is rendered to disk.
#
# Secrets still reach one file without this script's help: the saved plan `cdktf diff|deploy` makes
# Terraform write to DIR/plan holds every variable value, sensitive ones included. DIR/plan is made a
# symlink into a private directory (mode 0700, under TMPDIR, outside cdktf.out), so the plan is
# written there; the directory and the link are removed on every exit (EXIT, INT, TERM). A run killed
# with SIGKILL cannot clean up: the next run removes what it left and says so.
set -euo pipefail

say() { printf 'with-secrets: %s\n' "$*"; }
fail() {
  printf 'with-secrets: FAILED: %s\n' "$*" >&2
  exit 1
}

stack_dir='' env_file='' example='' vals_file='' from_environment=''
while [ $# -gt 0 ]; do
  case $1 in
    --stack-dir) stack_dir=$2; shift 2 ;;
    --env-file) env_file=$2; shift 2 ;;
    --example) example=$2; shift 2 ;;
    --vals) vals_file=$2; shift 2 ;;
    --from-environment) from_environment=1; shift ;;
    --) shift; break ;;
    *) fail "unknown argument '$1'" ;;
  esac
done
[ $# -gt 0 ] || fail "no command given after --"
[ -n "$stack_dir" ] || fail "--stack-dir is required (where Terraform writes its saved plan)"
sources=$(( ${#env_file} > 0 ? 1 : 0 ))$(( ${#vals_file} > 0 ? 1 : 0 ))${from_environment:-0}
case $sources in
  100 | 010 | 001) ;;
  000) fail "give --env-file FILE, --vals FILE or --from-environment" ;;
  *) fail "give only one of --env-file, --vals and --from-environment" ;;
esac

[ -d "$stack_dir" ] || fail "$stack_dir does not exist: synthesize first (npx cdktf synth)"
project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
plan_root=${TMPDIR:-/tmp}
plan_link=$stack_dir/plan
plan_dir=''

# A saved plan left by a run that could not clean up (SIGKILL, power loss): its owner is gone.
remove_leftovers() {
  local dir pid
  for dir in "$plan_root"/cdktf-plan.*; do
    [ -d "$dir" ] && [ -O "$dir" ] || continue
    pid=$(cat "$dir/owner.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then continue; fi
    rm -rf -- "$dir"
    say "removed $dir, a saved plan directory left by a killed run${pid:+ (pid $pid)}: it held secret values"
  done
  if [ -L "$plan_link" ]; then
    local target
    target=$(readlink -- "$plan_link")
    pid=$(cat "$(dirname -- "$target")/owner.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      fail "another run (pid $pid) is using $stack_dir; wait for it to finish (two runs on one stack would also fight over its state lock)"
    fi
    rm -f -- "$plan_link"
    say "removed $plan_link, a link to a saved plan of a killed run"
  elif [ -e "$plan_link" ]; then
    rm -rf -- "$plan_link"
    say "removed $plan_link, a saved plan left in the stack directory: it held secret values"
  fi
}

cleanup() {
  local status=$?
  if [ -n "$plan_dir" ]; then
    if [ -L "$plan_link" ] && [ "$(readlink -- "$plan_link")" = "$plan_dir/plan" ]; then rm -f -- "$plan_link"; fi
    if [ -e "$plan_dir/plan" ]; then say "removed the saved plan $plan_dir/plan (a saved plan holds the secret values)"; fi
    rm -rf -- "$plan_dir"
  fi
  # Whatever wrote a plan file past the link (it should not happen) is removed too.
  if [ -e "$plan_link" ] && [ ! -L "$plan_link" ]; then
    rm -f -- "$plan_link"
    say "removed $plan_link (a saved plan holds the secret values)"
  fi
  return "$status"
}
# Terraform prints the whole state, secret values included, when it can write neither the state nor
# errored.tfstate (a full disk). When the output is not a terminal (CI logs keep it), it goes through
# tooling/bin/withhold-state.ts, which keeps that block out and saves it (0600) in the stack
# directory, else (that disk is full too) in a private directory under TMPDIR, as the saved plan is,
# saying where. stderr joins stdout for that: cdktf already merges Terraform's two streams.
run_command() {
  if [ -t 1 ]; then
    "$@"
    return
  fi
  local stack_abs
  stack_abs=$(cd "$stack_dir" && pwd)
  set +e
  "$@" 2>&1 | (cd "$project_dir" && exec node --require tsx/cjs tooling/bin/withhold-state.ts "$stack_abs" "$plan_root")
  local status=("${PIPESTATUS[@]}")
  set -e
  [ "${status[1]}" = 0 ] || say "warning: the output filter (tooling/bin/withhold-state.ts) exited ${status[1]}"
  return "${status[0]}"
}

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

remove_leftovers
# mktemp -d creates the directory with mode 0700: only this user can read the plan.
plan_dir=$(mktemp -d "$plan_root/cdktf-plan.XXXXXXXX")
printf '%s\n' "$$" > "$plan_dir/owner.pid"
# ln fails when another run created its link first (two runs started at once).
ln -s -- "$plan_dir/plan" "$plan_link" 2>/dev/null ||
  fail "another run is using $stack_dir (its $plan_link appeared just now); wait for it to finish"

if [ -n "$from_environment" ]; then
  say "using the TF_VAR_* variables already in the environment; running: $*"
  run_command "$@"
  exit $?
fi

if [ -n "$vals_file" ]; then
  [ -e "$vals_file" ] || fail "$vals_file does not exist"
  [ -f "$vals_file" ] || fail "$vals_file is not a regular file: give the path of the vals secrets file (workflows/production/secrets.yaml)"
  say "resolving the references in $vals_file with vals and running: $*"
  # vals exits 1 (printing "exit status N") when the command fails; the failure still propagates.
  run_command "${VALS:-vals}" exec -i -f "$vals_file" -- "$@"
  exit $?
fi

[ -e "$env_file" ] || fail "$env_file does not exist. Copy ${example:-the example file} to $env_file and fill in the values."
if [ -n "$(find "$env_file" -maxdepth 0 -perm /077 2>/dev/null)" ]; then
  say "warning: $env_file is readable by other users; run: chmod 600 $env_file"
fi

# NUL-separated KEY=VALUE pairs, or every problem (by line, never a value) and exit code 1.
parse_env_file() {
  local file=$1
  [[ $file == /* ]] || file=$PWD/$file
  # From the project directory, where node finds tsx; the file is shown as given.
  (cd "$project_dir" && SECRETS_FILE_LABEL=$1 node --require tsx/cjs tooling/bin/secrets-env.ts "$file")
}

# One parse per file; `wait $!` gives the parser's exit status (a process substitution hides it otherwise).
mapfile -d '' pairs < <(parse_env_file "$env_file")
wait $! || exit 1
declare -A values=()
for pair in "${pairs[@]}"; do values[${pair%%=*}]=${pair#*=}; done

if [ -n "$example" ]; then
  mapfile -d '' pairs < <(parse_env_file "$example")
  wait $! || exit 1
  missing=()
  for pair in "${pairs[@]}"; do
    key=${pair%%=*}
    [ -n "${values[$key]:-}" ] || missing+=("$key")
  done
  [ ${#missing[@]} -eq 0 ] || fail "$env_file has no value for: ${missing[*]} (listed in $example)"
fi

for key in "${!values[@]}"; do export "$key=${values[$key]}"; done
say "loaded ${#values[@]} variable(s) from $env_file (${!values[*]}); running: $*"
run_command "$@"
