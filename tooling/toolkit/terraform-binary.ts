import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
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

/** The executable `name` resolves to on `env`'s PATH (or `name` itself when it is a path), if any. */
export function binaryOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  if (isAbsolute(name) || name.includes('/')) return existsExecutable(name) ? name : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (existsExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Whether `path` is a regular file this process may execute (a directory or a non-executable file is not). */
export function existsExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The binary to run, checked before anything starts: a missing one is named with the variable that
 * chose it (`TERRAFORM_BINARY_NAME=tofu` with no tofu installed says so, instead of a spawn ENOENT).
 * `why` says what the command needs it for.
 */
export function requireTerraformBinary(env: NodeJS.ProcessEnv, why: string): string {
  const name = terraformBinary(env);
  if (binaryOnPath(name, env)) return name;
  const explicit = env[TERRAFORM_BINARY_VARIABLE];
  if (explicit) {
    throw new UserError(
      `${TERRAFORM_BINARY_VARIABLE}=${JSON.stringify(explicit)} names no executable on the PATH (${why}): install it, give its full path, or unset ${TERRAFORM_BINARY_VARIABLE} to use terraform; nothing was done`,
    );
  }
  throw new UserError(
    `terraform is not on the PATH (${why}): install Terraform (npm run doctor says which versions each stack needs), or set ${TERRAFORM_BINARY_VARIABLE}=tofu for OpenTofu; nothing was done`,
  );
}
