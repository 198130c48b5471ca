#!/usr/bin/env bash
# Runs a command with the environment's secrets as TF_VAR_* variables and leaves no file holding a
# secret behind, whether the command succeeds, fails or is interrupted.
#
#   with-secrets.sh --stack-dir DIR --env-file FILE [--example FILE] -- COMMAND...   (staging)
#   with-secrets.sh --stack-dir DIR --vals FILE -- COMMAND...                        (production)
#   with-secrets.sh --stack-dir DIR --from-environment -- COMMAND...                 (dev: TF_VAR_* already set)
#   --rerun TEXT (optional, any form): the command line that finishes the work, said after an interrupt.
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
#
# COMMAND runs in a session (process group) of its own, so a signal to this script never leaves cdktf
# and its terraform running detached. The first SIGINT or SIGTERM becomes one SIGINT (what Ctrl-C
# sends, and what Terraform answers by finishing the operations in flight, writing its state and
# releasing its lock) to the run's Terraform itself, found by WITH_SECRETS_RUN in its environment
# (Linux /proc): cdktf runs Terraform in a pty of its own, out of the group's reach, and cdktf given
# the signal hangs that pty up and exits at once, which kills Terraform before it writes its state.
# Without /proc, or before Terraform runs, the group gets the SIGINT. The script waits for it
# (WORKFLOW_INTERRUPT_GRACE_SECONDS, default 120, then SIGKILL to the group and that Terraform), says
# what happened and what to run next, and exits 130/143.
set -euo pipefail

say() { printf 'with-secrets: %s\n' "$*"; }
fail() {
  printf 'with-secrets: FAILED: %s\n' "$*" >&2
  exit 1
}

stack_dir='' env_file='' example='' vals_file='' from_environment='' rerun=''
while [ $# -gt 0 ]; do
  case $1 in
    --stack-dir) stack_dir=$2; shift 2 ;;
    --env-file) env_file=$2; shift 2 ;;
    --example) example=$2; shift 2 ;;
    --vals) vals_file=$2; shift 2 ;;
    --from-environment) from_environment=1; shift ;;
    --rerun) rerun=$2; shift 2 ;;
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
grace=${WORKFLOW_INTERRUPT_GRACE_SECONDS:-120}
[[ $grace =~ ^[1-9][0-9]{0,4}$ ]] || fail "WORKFLOW_INTERRUPT_GRACE_SECONDS='$grace' is not a whole number of seconds (1-99999); unset it for 120"
child_pid='' interrupted='' watchdog_pid='' killed_after_grace=''
killed_marker=''

# Every process of this run carries the marker; terraform_pids lists the run's Terraform (or OpenTofu).
WITH_SECRETS_RUN="$$-$RANDOM$RANDOM"
export WITH_SECRETS_RUN
terraform_pids() {
  local dir argv0
  [ -r /proc/self/environ ] || return 0
  for dir in /proc/[0-9]*; do
    # grep reads to the end (no -q), so tr never gets SIGPIPE and pipefail sees grep's verdict.
    tr '\0' '\n' < "$dir/environ" 2>/dev/null | grep -xF "WITH_SECRETS_RUN=$WITH_SECRETS_RUN" > /dev/null || continue
    argv0=$(tr '\0' '\n' < "$dir/cmdline" 2>/dev/null | sed -n 1p) || continue
    case ${argv0##*/} in terraform | tofu) printf '%s\n' "${dir#/proc/}" ;; esac
  done
  return 0
}

# A trapped SIGINT/SIGTERM. Before COMMAND starts (or after it ended), it ends the script at once.
on_signal() {
  local signal=$1
  if [ -z "$child_pid" ]; then
    [ "$signal" = INT ] && exit 130
    exit 143
  fi
  if [ -n "$interrupted" ]; then
    say "SIG$signal again: the command was already asked to stop; still waiting for it (killed ${grace} s after the first signal at the latest)"
    return
  fi
  interrupted=$signal
  local pids
  pids=$(terraform_pids | tr '\n' ' ')
  pids=${pids% }
  if [ -n "$pids" ]; then
    say "SIG$signal: asked the command to stop (SIGINT, once, to its terraform, pid $pids, as Ctrl-C in Terraform's terminal does); waiting up to ${grace} s for Terraform to write its state and release its lock"
    # shellcheck disable=SC2086 # one pid per word
    kill -INT $pids 2>/dev/null || true
  else
    say "SIG$signal: asked the command to stop (SIGINT, once, to its process group, as Ctrl-C does); waiting up to ${grace} s for Terraform to write its state and release its lock"
    kill -INT -- "-$child_pid" 2>/dev/null || true
  fi
  killed_marker=$plan_dir/killed
  # The watchdog is a child of this script; it is ended, its sleep with it, as soon as the command
  # has stopped (a sleep left behind would keep this script's output open for the whole grace time).
  (
    trap - INT
    sleep "$grace" </dev/null >/dev/null 2>&1 &
    sleeper=$!
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    wait "$sleeper"
    if kill -0 -- "-$child_pid" 2>/dev/null; then
      : > "$killed_marker"
      say "the command did not stop within ${grace} s of SIG$signal: killing it (SIGKILL to its process group and its terraform)"
      # shellcheck disable=SC2046 # one pid per word
      kill -KILL $(terraform_pids) 2>/dev/null || true
      kill -KILL -- "-$child_pid" 2>/dev/null || true
    fi
  ) &
  watchdog_pid=$!
}

# What an interrupted run left, what to run next; then the exit code of the signal (130/143).
after_interrupt() {
  local status=$1 lock state
  if [ -n "$killed_after_grace" ]; then
    say "stopped after SIG$interrupted (killed when the grace period ended)"
  else
    say "stopped after SIG$interrupted (the command exited $status)"
  fi
  # A local backend (dev): its lock is a file beside the state, relative paths from the stack directory.
  state=$(node -e 'const l = ((require(process.argv[1]).terraform || {}).backend || {}).local; process.stdout.write(l ? l.path || "terraform.tfstate" : "")' "$(cd "$stack_dir" && pwd)/cdk.tf.json" 2>/dev/null || true)
  if [ -n "$state" ]; then
    [[ $state == /* ]] || state=$stack_dir/$state
    lock=$(dirname -- "$state")/.$(basename -- "$state").lock.info
    if [ -e "$lock" ]; then
      say "the state lock is still held ($lock): Terraform was stopped before releasing it; once no terraform runs for this stack, remove that file"
    else
      say "Terraform released its state lock; the state is in $state"
    fi
  fi
  if [ -s "$stack_dir/errored.tfstate" ]; then
    say "Terraform could not write its state and saved it to $stack_dir/errored.tfstate: run \`terraform state push errored.tfstate\` in $stack_dir before anything else (docs/recovery.md)"
  fi
  local again='the same command'
  [ -z "$rerun" ] || again="\`$rerun\`"
  say "next: run $again again: Terraform plans from the state it wrote and finishes what was left; if it reports a state lock, see docs/recovery.md"
  [ "$interrupted" = INT ] && return 130
  return 143
}

# Terraform prints the whole state, secret values included, when it can write neither the state nor
# errored.tfstate (a full disk). When the output is not a terminal (CI logs keep it), it goes through
# tooling/bin/withhold-state.ts, which keeps that block out and saves it (0600) in the stack
# directory, else (that disk is full too) in a private directory under TMPDIR, as the saved plan is,
# saying where. stderr joins stdout for that: cdktf already merges Terraform's two streams. The
# filter stays in this script's process group and ignores SIGINT/SIGTERM: it ends with its input.
# Perl (in every Linux base system and on macOS, which has no setsid(1)) starts COMMAND as the leader
# of a new session, so its group is its pid, with SIGINT back to default: bash starts a background
# command with SIGINT ignored, and a shell script (a stand-in for cdktf) could not undo that.
own_group=(perl -MPOSIX -e 'POSIX::setsid() or die "with-secrets: setsid: $!\n"; $SIG{INT} = $SIG{QUIT} = "DEFAULT";
  exec { $ARGV[0] } @ARGV or do { print STDERR "with-secrets: $ARGV[0]: $!\n"; exit 127 }' --)

run_command() {
  local filter_pid='' status filter_status=0
  if [ -t 1 ]; then
    # `<&0`: a background command would otherwise read /dev/null, and cdktf could not ask to approve.
    "${own_group[@]}" "$@" <&0 &
    child_pid=$!
  else
    local stack_abs
    stack_abs=$(cd "$stack_dir" && pwd)
    exec 3> >(cd "$project_dir" && exec node --require ./tooling/toolkit/typescript-hook.cjs tooling/bin/withhold-state.ts "$stack_abs" "$plan_root")
    filter_pid=$!
    "${own_group[@]}" "$@" <&0 >&3 2>&1 3>&- &
    child_pid=$!
    exec 3>&-
  fi
  set +e
  wait "$child_pid"
  status=$?
  # A trapped signal ends `wait` early (status > 128) while the command still runs: wait again.
  while kill -0 "$child_pid" 2>/dev/null; do
    wait "$child_pid"
    status=$?
  done
  if [ -n "$watchdog_pid" ]; then kill "$watchdog_pid" 2>/dev/null; wait "$watchdog_pid" 2>/dev/null; fi
  local pid=$child_pid
  child_pid=''
  if [ -n "$killed_marker" ] && [ -e "$killed_marker" ]; then killed_after_grace=1; fi
  # Nothing of the command's group may outlive the run (a grandchild that ignored the SIGINT).
  if [ -z "$killed_after_grace" ] && kill -0 -- "-$pid" 2>/dev/null; then
    say "processes of the command's group were still running after it ended: killing them (SIGKILL)"
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  # After the sweep: a process of the group left running would keep the filter's input open.
  if [ -n "$filter_pid" ]; then
    wait "$filter_pid"
    filter_status=$?
    [ "$filter_status" = 0 ] || say "warning: the output filter (tooling/bin/withhold-state.ts) exited $filter_status"
  fi
  set -e
  if [ -n "$interrupted" ]; then
    after_interrupt "$status"
    return
  fi
  return "$status"
}

trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

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
  # From the project directory, where node finds the TypeScript hook; the file is shown as given.
  (cd "$project_dir" && SECRETS_FILE_LABEL=$1 node --require ./tooling/toolkit/typescript-hook.cjs tooling/bin/secrets-env.ts "$file")
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
