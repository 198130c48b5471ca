import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Agent } from 'node:https';
import { readFileSync } from 'node:fs';
import type { SandboxState } from './state-file';

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

/** The role name assumed in each account (moto accepts any; the name says where it came from). */
export const SANDBOX_ROLE = 'sandbox-admin';
/** moto's default identity; any key pair is accepted as the caller of AssumeRole. */
const BOOTSTRAP_KEYS = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' };

/** An SDK request handler that trusts the sandbox CA (the endpoint serves HTTPS with its own CA). */
export function sandboxRequestHandler(state: Pick<SandboxState, 'caFile'>): { httpsAgent: Agent; requestTimeout: number } {
  // The SDK clients accept these handler options in place of a handler instance.
  return { httpsAgent: new Agent({ ca: readFileSync(state.caFile), keepAlive: true }), requestTimeout: 30_000 };
}

export async function sandboxCredentials(state: SandboxState, accountId: string, region: string): Promise<SandboxCredentials> {
  if (!/^\d{12}$/.test(accountId)) throw new Error(`"${accountId}" is not a 12-digit AWS account ID`);
  const sts = new STSClient({ region, endpoint: state.endpoint, credentials: BOOTSTRAP_KEYS, requestHandler: sandboxRequestHandler(state), maxAttempts: 2 });
  try {
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/${SANDBOX_ROLE}`, RoleSessionName: 'sandbox', DurationSeconds: 43_200 }));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken) throw new Error('AssumeRole returned no credentials');
    const credentials = { accountId, accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken };
    // Prove the mapping before handing them out: a wrong account here would only show up as a
    // confusing allowed_account_ids error in terraform much later.
    const check = new STSClient({ region, endpoint: state.endpoint, credentials, requestHandler: sandboxRequestHandler(state), maxAttempts: 2 });
    const identity = await check.send(new GetCallerIdentityCommand({}));
    check.destroy();
    if (identity.Account !== accountId) throw new Error(`the sandbox answered for account ${identity.Account}, not ${accountId}`);
    return credentials;
  } finally {
    sts.destroy();
  }
}

/** Shell `export` lines for a process that should act in the sandbox as `credentials.accountId`. */
export function exportLines(state: SandboxState, credentials: SandboxCredentials, region: string): string[] {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const vars: Array<[string, string]> = [
    ['SANDBOX', '1'],
    ['SANDBOX_ENDPOINT', state.endpoint],
    ['AWS_ACCESS_KEY_ID', credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey],
    ['AWS_SESSION_TOKEN', credentials.sessionToken],
    ['AWS_REGION', region],
    // For the AWS SDKs and CLI (npm run doctor, aws ...); the synthesized stacks carry their own endpoints.
    ['AWS_ENDPOINT_URL', state.endpoint],
    // Trust the sandbox's own CA: AWS_CA_BUNDLE for Terraform's S3 backend and AWS provider (their
    // documented custom_ca_bundle variable), NODE_EXTRA_CA_CERTS for Node (npm run doctor).
    ['AWS_CA_BUNDLE', state.caFile],
    ['NODE_EXTRA_CA_CERTS', state.caFile],
  ];
  return [`# sandbox credentials for account ${credentials.accountId}`, 'unset AWS_PROFILE', ...vars.map(([name, value]) => `export ${name}=${quote(value)}`)];
}
