# Shared by deploy.sh and destroy.sh (sourced, not run): checks and the warning, then the paths.
# WARNING printed below is the point of dev: one person, throw-away resources, secrets in the shell.
# With --sandbox as the first argument, dev goes to the running local sandbox instead (docs/sandbox.md).

DEV_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_DIR=$(cd "$DEV_DIR/../.." && pwd)
LIB_DIR=$PROJECT_DIR/workflows/lib
CDKTF=${CDKTF:-npx --no-install cdktf}
OUTDIR=${OUTDIR:-cdktf.out}
export CHECKPOINT_DISABLE=${CHECKPOINT_DISABLE:-1}

# --sandbox: dev's zero-account, zero-cost home. Dev's account credentials come from the sandbox,
# and the output directory is the sandbox's one (tooling/sandbox/sandbox-project.ts), so dev's local
# state is <sandbox home>/run/terraform.dev.tfstate, where drift --sandbox looks, and `npm run
# sandbox -- down` or `reset` discards it. Sets SANDBOX_MODE=1 and SANDBOX_CDKTF_FLAGS for the cdktf call.
SANDBOX_MODE=0
SANDBOX_CDKTF_FLAGS=()
dev_sandbox() {
  SANDBOX_MODE=1
  local credentials
  if ! (cd "$PROJECT_DIR" && npm run -s sandbox -- status >/dev/null 2>&1); then
    echo "dev: --sandbox needs the local sandbox running: npm run sandbox -- up" >&2
    exit 1
  fi
  credentials=$(cd "$PROJECT_DIR" && npm run -s sandbox -- credentials dev) || {
    echo "dev: could not get dev's sandbox credentials (npm run sandbox -- credentials dev)" >&2
    exit 1
  }
  eval "$credentials"
  OUTDIR=${SANDBOX_HOME:-$PROJECT_DIR/.sandbox}/run/cdktf.out
  mkdir -p "$OUTDIR"
  # The token guards nothing in the sandbox; a fixed throw-away value keeps dev zero-setup.
  export TF_VAR_app_api_token=${TF_VAR_app_api_token:-sandbox-throw-away-token}
  # The lock file would live in the discarded output directory; skip the registry round trip.
  SANDBOX_CDKTF_FLAGS=(--skip-provider-lock)
  echo "== dev: sandbox $SANDBOX_ENDPOINT (account of dev; state in ${SANDBOX_HOME:-$PROJECT_DIR/.sandbox}/run/terraform.dev.tfstate, discarded with the sandbox)"
}

# --sandbox is read only as the first argument; anywhere else (or as --sandbox=1) it would pass on to
# cdktf while dev took the real-AWS path, so it is refused before anything runs.
dev_refuse_misplaced_sandbox() {
  local arg
  for arg in "$@"; do
    case "$arg" in
      --sandbox | --sandbox=*)
        echo "dev: \"$arg\" is only understood as the first argument, alone: workflows/dev/$(basename "$0") --sandbox [cdktf flags...]; nothing was done" >&2
        exit 2
        ;;
    esac
  done
}

dev_preflight() {
  if [ "$SANDBOX_MODE" = 1 ]; then
    "$LIB_DIR/preflight.sh" aws
    echo "== dev: synthesizing into $OUTDIR"
    (cd "$PROJECT_DIR" && $CDKTF synth --output "$OUTDIR")
    (cd "$PROJECT_DIR" && "$LIB_DIR/preflight.sh" terraform "$OUTDIR/stacks/dev/cdk.tf.json")
    return
  fi
  cat >&2 <<'WARN'
WARNING: dev reads its secrets from plain environment variables (TF_VAR_app_api_token) and keeps
         its state in terraform.dev.tfstate on this disk, where Terraform stores the secret in plain
         text. Use it only for solo, throw-away work with a throw-away token. Shared environments
         use workflows/staging (git-ignored secrets.env) or workflows/production (vals references).
WARN
  if [ -z "${TF_VAR_app_api_token:-}" ]; then
    echo "dev: TF_VAR_app_api_token is not set. Export a throw-away token first, e.g.:" >&2
    echo "       read -rs TF_VAR_app_api_token && export TF_VAR_app_api_token" >&2
    exit 1
  fi
  "$LIB_DIR/preflight.sh" node
  "$LIB_DIR/preflight.sh" aws
  echo "== dev: synthesizing into $OUTDIR"
  (cd "$PROJECT_DIR" && $CDKTF synth --output "$OUTDIR")
  (cd "$PROJECT_DIR" && "$LIB_DIR/preflight.sh" terraform "$OUTDIR/stacks/dev/cdk.tf.json")
}
