# Shared by deploy.sh and destroy.sh (sourced, not run): checks and the warning, then the paths.
# WARNING printed below is the point of dev: one person, throw-away resources, secrets in the shell.

DEV_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_DIR=$(cd "$DEV_DIR/../.." && pwd)
LIB_DIR=$PROJECT_DIR/workflows/lib
CDKTF=${CDKTF:-npx --no-install cdktf}
OUTDIR=${OUTDIR:-cdktf.out}
export CHECKPOINT_DISABLE=${CHECKPOINT_DISABLE:-1}

dev_preflight() {
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
