#!/usr/bin/env bash
# Prerequisite checks shared by every workflow. Each check prints what it verified, or stops with
# exit code 1 and a message saying how to fix the problem.
#
#   preflight.sh terraform <cdktf.out/stacks/STACK/cdk.tf.json>   Terraform/OpenTofu new enough for that stack
#   preflight.sh aws                                               AWS credentials present
#   preflight.sh vals                                              vals on PATH, with `vals exec -i`
#   preflight.sh node                                              Node.js at least package.json's engines.node
#
# Binaries come from TERRAFORM_BINARY_NAME (the variable cdktf itself honours, default terraform)
# and VALS (default vals).
set -euo pipefail

say() { printf 'preflight: %s\n' "$*"; }
fail() {
  printf 'preflight: FAILED: %s\n' "$*" >&2
  exit 1
}

# The constraint comes from the synthesized stack, so the one source of truth stays the version table in
# lib/backends/terraform-version.ts (requiredVersionFor: the highest floor among the backend features the
# stack uses) and nothing is hard-coded here.
required_version_of() {
  node -e '
    const stack = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    process.stdout.write((stack.terraform && stack.terraform.required_version) || "");
  ' "$1"
}

uses_s3_lockfile() {
  node -e '
    const stack = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const s3 = stack.terraform && stack.terraform.backend && stack.terraform.backend.s3;
    process.exit(s3 && s3.use_lockfile === true ? 0 : 1);
  ' "$1"
}

# True when version $1 >= version $2 (numeric, dot-separated).
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

check_terraform() {
  local stack_json=$1
  local bin=${TERRAFORM_BINARY_NAME:-terraform}
  [ -f "$stack_json" ] || fail "$stack_json does not exist. Run \`npx cdktf synth\` first (the workflows' synth step does this)."

  local constraint
  constraint=$(required_version_of "$stack_json")
  if ! command -v "$bin" >/dev/null 2>&1; then
    fail "$bin not found on PATH; this stack needs '${constraint:-any version}'. Install Terraform (https://developer.hashicorp.com/terraform/install) or OpenTofu and set TERRAFORM_BINARY_NAME=tofu."
  fi

  local version
  # `version -json` exists since Terraform 0.13; OpenTofu prints the same `terraform_version` key.
  version=$("$bin" version -json 2>/dev/null | node -e '
    let raw = ""; process.stdin.on("data", (c) => (raw += c)).on("end", () => {
      try { process.stdout.write(JSON.parse(raw).terraform_version || ""); } catch { process.stdout.write(""); }
    });') || true
  [ -n "$version" ] || fail "could not read the version of $bin (\`$bin version -json\` printed no terraform_version). Use Terraform or OpenTofu >= 1.6."

  if [ -z "$constraint" ]; then
    say "$bin $version (the stack declares no required_version)"
    return 0
  fi
  # requiredVersionFor emits `>= X.Y.Z` optionally followed by `, != A.B.C` exclusions; anything else is
  # left to Terraform's own check at init.
  local version_re='[0-9]+\.[0-9]+\.[0-9]+'
  if [[ ! $constraint =~ ^\>=\ *($version_re)((,\ *!=\ *$version_re)*)$ ]]; then
    say "$bin $version; constraint '$constraint' is not of the form '>= X.Y.Z[, != A.B.C...]', Terraform will check it at init"
    return 0
  fi
  local minimum=${BASH_REMATCH[1]} exclusions=${BASH_REMATCH[2]}
  local stack
  stack=$(basename "$(dirname "$stack_json")")
  version_at_least "$version" "$minimum" ||
    fail "$bin $version is too old for $stack: its backend needs $constraint (terraform.required_version in $stack_json). Install $bin $minimum or newer (which feature sets that floor: docs/backend-configuration.md#version-floors)."
  local excluded
  for excluded in $(printf '%s' "$exclusions" | tr -d ' ' | tr ',' '\n' | sed -n 's/^!=//p'); do
    [ "$version" != "$excluded" ] ||
      fail "$bin $version is excluded for $stack: its backend needs $constraint (terraform.required_version in $stack_json). Terraform $excluded prints the dynamodb_table deprecation warning on stdout of \`terraform output -json\`, which breaks cdktf deploy; use another release (docs/troubleshooting.md)."
  done
  say "$bin $version satisfies $constraint"

  if uses_s3_lockfile "$stack_json" && [[ $bin != *tofu* ]] && ! version_at_least "$version" 1.11.0; then
    say "warning: S3-native locking (use_lockfile) is experimental in Terraform 1.10 and GA from 1.11; prefer 1.11+"
  fi
}

# Presence only: nothing here calls AWS, so expired or wrong credentials surface at `terraform init`.
check_aws() {
  if [ "${SKIP_AWS_CREDENTIALS_CHECK:-}" = 1 ]; then
    say "AWS credentials not checked (SKIP_AWS_CREDENTIALS_CHECK=1, e.g. an EC2 instance profile)"
    return 0
  fi
  if [ -n "${AWS_ACCESS_KEY_ID:-}" ] || [ -n "${AWS_SECRET_ACCESS_KEY:-}" ]; then
    [ -n "${AWS_ACCESS_KEY_ID:-}" ] && [ -n "${AWS_SECRET_ACCESS_KEY:-}" ] ||
      fail "only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set; set both (and AWS_SESSION_TOKEN for temporary keys) or unset both and use a profile."
    say "AWS credentials: access keys from the environment"
    return 0
  fi
  if [ -n "${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ] && [ -n "${AWS_ROLE_ARN:-}" ]; then
    [ -r "$AWS_WEB_IDENTITY_TOKEN_FILE" ] || fail "AWS_WEB_IDENTITY_TOKEN_FILE=$AWS_WEB_IDENTITY_TOKEN_FILE is not a readable file."
    say "AWS credentials: web identity (AWS_ROLE_ARN=$AWS_ROLE_ARN)"
    return 0
  fi
  if [ -n "${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" ]; then
    say "AWS credentials: container credentials endpoint"
    return 0
  fi
  local config=${AWS_CONFIG_FILE:-$HOME/.aws/config}
  local credentials=${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}
  local profile=${AWS_PROFILE:-default}
  # ~/.aws/config names profiles `[profile NAME]` (except `[default]`); ~/.aws/credentials uses `[NAME]`.
  if grep -Eqs "^\[(profile )?${profile}\][[:space:]]*$" "$config" || grep -Eqs "^\[${profile}\][[:space:]]*$" "$credentials"; then
    say "AWS credentials: profile '$profile' (for an SSO profile run \`aws sso login --profile $profile\` if its session expired)"
    return 0
  fi
  if [ -n "${AWS_PROFILE:-}" ]; then
    fail "AWS_PROFILE=$AWS_PROFILE names no profile in $config or $credentials. Create it (\`aws configure --profile $AWS_PROFILE\` or \`aws configure sso\`) or fix the name."
  fi
  fail "no AWS credentials found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (a profile in $config or $credentials; SSO: \`aws sso login --profile NAME\`), or AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN (CI OIDC). On an EC2 instance profile set SKIP_AWS_CREDENTIALS_CHECK=1."
}

check_vals() {
  local vals=${VALS:-vals}
  command -v "$vals" >/dev/null 2>&1 ||
    fail "$vals not found on PATH; production resolves its secret references with it. Install vals (https://github.com/helmfile/vals/releases, \`brew install vals\`) or set VALS=/path/to/vals."
  # Without -i, `vals exec` starts the command with the secrets alone: no PATH, HOME or AWS credentials.
  "$vals" exec -i -f <(printf '{}\n') -- true >/dev/null 2>&1 ||
    fail "$vals on PATH does not support \`vals exec -i\` (inherit the environment). Install a newer vals release."
  say "vals: $(command -v "$vals")"
}

# The Node.js floor is package.json's engines.node (a plain ">=X.Y.Z"), so it is written down once.
check_node() {
  command -v node >/dev/null 2>&1 || fail "node not found on PATH. Install Node.js (see engines.node in package.json)."
  local project_dir constraint version
  project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  constraint=$(node -e 'process.stdout.write(String((require(process.argv[1]).engines || {}).node || ""))' "$project_dir/package.json" 2>/dev/null) ||
    fail "could not read engines.node from $project_dir/package.json."
  [[ $constraint =~ ^\>=\ *([0-9]+\.[0-9]+\.[0-9]+)$ ]] ||
    fail "engines.node in $project_dir/package.json is '$constraint'; this check understands only '>=X.Y.Z'."
  local minimum=${BASH_REMATCH[1]}
  version=$(node -p 'process.versions.node' 2>/dev/null) || fail "could not run \`node -p\` to read the Node.js version."
  version_at_least "$version" "$minimum" ||
    fail "Node.js $version is too old for this project: package.json engines.node is '$constraint' (the highest floor among its dependencies). Install Node.js $minimum or newer."
  say "Node.js $version satisfies $constraint"
}

[ $# -gt 0 ] || fail "usage: preflight.sh terraform <cdk.tf.json> | aws | vals | node"
case $1 in
  terraform)
    [ $# -eq 2 ] || fail "usage: preflight.sh terraform <cdktf.out/stacks/STACK/cdk.tf.json>"
    check_terraform "$2"
    ;;
  aws) check_aws ;;
  vals) check_vals ;;
  node) check_node ;;
  *) fail "unknown check '$1' (expected terraform, aws, vals or node)" ;;
esac
