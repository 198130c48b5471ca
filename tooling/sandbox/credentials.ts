import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientConfig, type AwsCredentialIdentity, type ClientConfig } from '../toolkit/aws-clients';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROVIDER_SERVICES } from './connection';
import type { SandboxPaths } from './paths';
import type { SandboxState } from './state-file';
import { SANDBOX_ROLE } from './sandbox-role';

/**
 * Credentials acting in one account of the sandbox. moto keeps resources per account and answers
 * `sts:AssumeRole` into `arn:aws:iam::<account>:role/<any>` with credentials whose calls act in that
 * account, so every environment keeps its real account ID (and its provider's `allowed_account_ids`
 * guard is exercised for real).
 */
export interface SandboxCredentials {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export { SANDBOX_ROLE };
/** moto's default identity; any key pair is accepted as the caller of AssumeRole. */
const BOOTSTRAP_KEYS = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

/** SDK client settings for the sandbox endpoint (its own CA trusted) acting with `credentials`. */
export function sandboxClientConfig(state: Pick<SandboxState, 'endpoint' | 'caFile'>, region: string, credentials?: AwsCredentialIdentity): ClientConfig {
  return clientConfig({ region, profile: { kind: 'sandbox', caFile: state.caFile }, endpoint: state.endpoint, credentials });
}

export async function sandboxCredentials(state: SandboxState, accountId: string, region: string): Promise<SandboxCredentials> {
  if (!/^\d{12}$/.test(accountId)) throw new Error(`"${accountId}" is not a 12-digit AWS account ID`);
  const sts = new STSClient(sandboxClientConfig(state, region, BOOTSTRAP_KEYS));
  try {
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${SANDBOX_ROLE}`, RoleSessionName: 'sandbox', DurationSeconds: 43_200 }));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken) throw new Error('AssumeRole returned no credentials');
    const credentials = { accountId, accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken };
    // Prove the mapping before handing them out: a wrong account here would only show up as a
    // confusing allowed_account_ids error in terraform much later.
    const check = new STSClient(sandboxClientConfig(state, region, credentials));
    const identity = await check.send(new GetCallerIdentityCommand({}));
    check.destroy();
    if (identity.Account !== accountId) throw new Error(`the sandbox answered for account ${identity.Account}, not ${accountId}`);
    return credentials;
  } finally {
    sts.destroy();
  }
}

/**
 * Variables of the user's shell that would take these credentials' calls elsewhere: a profile, the
 * switch that makes the AWS SDKs and provider ignore AWS_ENDPOINT_URL, and the per-service endpoints
 * of every service the stacks use that would take precedence over it: `AWS_ENDPOINT_URL_<SERVICE>`
 * and the AWS provider's older `AWS_<SERVICE>_ENDPOINT` / `TF_AWS_<SERVICE>_ENDPOINT`.
 */
const UNSET_IN_SHELL = [
  'AWS_PROFILE',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  ...PROVIDER_SERVICES.flatMap((service) => [`AWS_ENDPOINT_URL_${service.toUpperCase()}`, `AWS_${service.toUpperCase()}_ENDPOINT`, `TF_AWS_${service.toUpperCase()}_ENDPOINT`]),
];

/** Shell `export` lines for a shell that should act in account `accountId` (tooling/sandbox/target.ts builds the variables). */
export function exportLines(accountId: string, variables: Readonly<Record<string, string>>): string[] {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const instance = variables.SANDBOX_INSTANCE ? ` (sandbox instance ${variables.SANDBOX_INSTANCE}: refused after a reset or restart)` : '';
  return [`# sandbox credentials for account ${accountId}${instance}`, `unset ${UNSET_IN_SHELL.join(' ')}`, ...Object.entries(variables).map(([name, value]) => `export ${name}=${quote(value)}`)];
}

/**
 * Writes the export lines to `<run>/credentials/<name>.sh` (mode 0600, discarded with the sandbox):
 * the documented way to take them is to source this file, which holds nothing but comments and
 * exports whatever npm prints around the command (`eval "$(npm run ...)"` would run npm's banner).
 * `name` is an environment name or account ID the caller has already checked.
 */
export function writeCredentialsFile(paths: SandboxPaths, name: string, lines: readonly string[]): string {
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(name)) throw new Error(`not a file name: ${JSON.stringify(name)}`);
  const dir = join(paths.runDir, 'credentials');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${name}.sh`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${lines.join('\n')}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  return file;
}
