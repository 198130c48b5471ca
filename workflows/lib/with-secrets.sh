#!/usr/bin/env bash
# Runs a command with the environment's secrets as TF_VAR_* variables and leaves no file holding a
# secret behind, whether the command succeeds, fails or is interrupted.
#
#   with-secrets.sh --stack-dir DIR --env-file FILE [--example FILE] -- COMMAND...   (staging)
#   with-secrets.sh --stack-dir DIR --vals FILE -- COMMAND...                        (production)
#
# --env-file: KEY=VALUE lines, parsed by Node's util.parseEnv (dotenv syntax), never `source`d, so the
#   file cannot run code. With --example, every key of the example file must have a non-empty value.
# --vals: a flat YAML map of NAME: ref+BACKEND://... resolved by `vals exec -i`, which hands the
#   values to COMMAND as environment variables; nothing is rendered to disk.
#
# Secrets still reach one file without this script's help: the saved plan `cdktf diff` makes Terraform
# write to DIR/plan holds every variable value, sensitive ones included. The EXIT trap removes it.
set -euo pipefail

say() { printf 'with-secrets: %s\n' "$*"; }
fail() {
  printf 'with-secrets: FAILED: %s\n' "$*" >&2
  exit 1
}

stack_dir='' env_file='' example='' vals_file=''
while [ $# -gt 0 ]; do
  case $1 in
    --stack-dir) stack_dir=$2; shift 2 ;;
    --env-file) env_file=$2; shift 2 ;;
    --example) example=$2; shift 2 ;;
    --vals) vals_file=$2; shift 2 ;;
    --) shift; break ;;
    *) fail "unknown argument '$1'" ;;
  esac
done
[ $# -gt 0 ] || fail "no command given after --"
[ -n "$stack_dir" ] || fail "--stack-dir is required (where Terraform writes its saved plan)"
if [ -n "$env_file" ] && [ -n "$vals_file" ]; then fail "give either --env-file or --vals, not both"; fi
if [ -z "$env_file" ] && [ -z "$vals_file" ]; then fail "give --env-file FILE or --vals FILE"; fi

cleanup() {
  local status=$?
  # Terraform's saved plan contains the variable values in plain text (inside its zip container).
  if [ -e "$stack_dir/plan" ]; then
    rm -f -- "$stack_dir/plan"
    say "removed $stack_dir/plan (a saved plan holds the secret values)"
  fi
  return "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "$vals_file" ]; then
  [ -f "$vals_file" ] || fail "$vals_file does not exist"
  say "resolving the references in $vals_file with vals and running: $*"
  # vals exits 1 (printing "exit status N") when the command fails; the failure still propagates.
  "${VALS:-vals}" exec -i -f "$vals_file" -- "$@"
  exit $?
fi

[ -f "$env_file" ] || fail "$env_file does not exist. Copy ${example:-the example file} to $env_file and fill in the values."
if [ -n "$(find "$env_file" -perm /077 2>/dev/null)" ]; then
  say "warning: $env_file is readable by other users; run: chmod 600 $env_file"
fi

# NUL-separated KEY=VALUE pairs: values may contain newlines and any character.
parse_env_file() {
  node -e '
    const fs = require("fs");
    const { parseEnv } = require("util");
    if (typeof parseEnv !== "function") { console.error("with-secrets: FAILED: util.parseEnv needs Node.js ^20.12.0 or >= 21.7.0"); process.exit(1); }
    const entries = Object.entries(parseEnv(fs.readFileSync(process.argv[1], "utf8")));
    for (const [key, value] of entries) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) { console.error(`with-secrets: FAILED: ${process.argv[1]}: "${key}" is not a valid variable name`); process.exit(1); }
      process.stdout.write(`${key}=${value}\0`);
    }
  ' "$1"
}

# Validate first: the process substitution below would hide the parser's exit status.
parse_env_file "$env_file" >/dev/null || exit 1
declare -A values=()
while IFS= read -r -d '' pair; do
  values[${pair%%=*}]=${pair#*=}
done < <(parse_env_file "$env_file")

if [ -n "$example" ]; then
  missing=()
  while IFS= read -r -d '' pair; do
    key=${pair%%=*}
    [ -n "${values[$key]:-}" ] || missing+=("$key")
  done < <(parse_env_file "$example")
  [ ${#missing[@]} -eq 0 ] || fail "$env_file has no value for: ${missing[*]} (listed in $example)"
fi

for key in "${!values[@]}"; do export "$key=${values[$key]}"; done
say "loaded ${#values[@]} variable(s) from $env_file (${!values[*]}); running: $*"
"$@"
