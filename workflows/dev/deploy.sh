#!/usr/bin/env bash
# dev: deploy the dev stack with the secret from TF_VAR_app_api_token, or with --sandbox into the
# running local sandbox (docs/sandbox.md; no account, no secret needed). Extra arguments go to
# `cdktf deploy` (e.g. --auto-approve).   TF_VAR_app_api_token=... workflows/dev/deploy.sh
set -euo pipefail
# shellcheck source=workflows/dev/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [ "${1:-}" = --sandbox ]; then
  shift
  dev_refuse_misplaced_sandbox "$@"
  dev_sandbox
fi
dev_refuse_misplaced_sandbox "$@"
dev_preflight
# After the checks and synth, before cdktf could take a lock it cannot release without a terminal.
"$LIB_DIR/require-approval.sh" dev "add --auto-approve: workflows/dev/deploy.sh $([ "$SANDBOX_MODE" = 1 ] && echo "--sandbox ")--auto-approve" "$@"
echo "== dev: deploying"
cd "$PROJECT_DIR"
# Through with-secrets.sh for the saved plan alone: it holds the token, so it goes to a private
# directory and is removed on every exit. exec: a signal to this script reaches with-secrets.sh, which
# passes it to cdktf and terraform once and waits for them (nothing is left running detached).
exec "$LIB_DIR/with-secrets.sh" --stack-dir "$OUTDIR/stacks/dev" --rerun "workflows/dev/deploy.sh $([ "$SANDBOX_MODE" = 1 ] && echo "--sandbox ")$*" --from-environment -- $CDKTF deploy dev --skip-synth --output "$OUTDIR" "${SANDBOX_CDKTF_FLAGS[@]}" "$@"
