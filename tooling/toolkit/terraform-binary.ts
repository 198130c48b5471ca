import { UserError } from '../../lib/definitions/errors';

/**
 * The one variable that picks the Terraform binary: `TERRAFORM_BINARY_NAME`, because the cdktf CLI
 * itself runs what it names (cdktf deploy/synth children), so the tooling, the doctor, the tests and
 * the workflows (workflows/lib/stack.mk) all run the same binary. `tofu` selects OpenTofu.
 */
export const TERRAFORM_BINARY_VARIABLE = 'TERRAFORM_BINARY_NAME';

/** The binary to run: `TERRAFORM_BINARY_NAME`, else `terraform`. */
export function terraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  // The README once documented TERRAFORM_BIN; ignoring it would silently run terraform instead of tofu.
  if (env.TERRAFORM_BIN && env.TERRAFORM_BIN !== env[TERRAFORM_BINARY_VARIABLE]) {
    throw new UserError(`TERRAFORM_BIN is not read (it would not reach cdktf): set ${TERRAFORM_BINARY_VARIABLE}=${env.TERRAFORM_BIN} instead, and unset TERRAFORM_BIN`);
  }
  return env[TERRAFORM_BINARY_VARIABLE] || 'terraform';
}

/** `env` with the binary named explicitly, for cdktf children (which read only TERRAFORM_BINARY_NAME). */
export function withTerraformBinary(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, [TERRAFORM_BINARY_VARIABLE]: terraformBinary(env) };
}
