import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { clientConfig, type ClientConfig } from './aws-clients';
import { BootstrapError } from './errors';
import { callerIdentity } from './caller-identity';
import { withTerraformBinary } from './terraform-binary';

export type { ClientConfig } from './aws-clients';

/**
 * Account sessions on AWS, and what every session shares. The sandbox builds its own sessions on
 * these (tooling/sandbox/target.ts): the toolkit knows nothing of the sandbox.
 */

/** An account's view of the target: the environment for terraform/cdktf and the SDK client settings. */
export interface AccountSession {
  readonly accountId: string;
  readonly env: NodeJS.ProcessEnv;
  readonly clientConfig: ClientConfig;
}

/** Variables no process acting in another identity may inherit from the caller: they would pick another identity or endpoint. */
const IDENTITY_VARIABLES = ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CA_BUNDLE'];

/**
 * Endpoint variables of the caller's: `AWS_ENDPOINT_URL*`, the switch that ignores them, and the AWS
 * provider's older per-service `AWS_<SERVICE>_ENDPOINT` / `TF_AWS_<SERVICE>_ENDPOINT`, which it still
 * reads and which would take precedence over AWS_ENDPOINT_URL.
 */
const isEndpointVariable = (name: string) => name.startsWith('AWS_ENDPOINT_URL') || name === 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS' || /^(TF_)?AWS_[A-Z0-9_]+_ENDPOINT$/.test(name);

/** `env` without any identity or endpoint of the caller's. */
export function withoutCallerIdentity(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const name of Object.keys(clean)) if (IDENTITY_VARIABLES.includes(name) || isEndpointVariable(name)) delete clean[name];
  return clean;
}

/** Every process the tooling starts: the binary cdktf runs named, no phone-home, non-interactive. */
export function toolingEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // No TF_INPUT=0: cdktf answers terraform's migrate-state question itself.
  return { ...withTerraformBinary(env), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
}

/**
 * A session acting in `accountId` on AWS: the caller's credentials, checked with
 * sts:GetCallerIdentity so a wrong profile fails here, naming the account it should be, not later as
 * an `allowed_account_ids` error from the provider.
 */
export async function awsAccountSession(accountId: string, region: string, env: NodeJS.ProcessEnv, stack: string): Promise<AccountSession> {
  const config = clientConfig({ region, profile: { kind: 'aws' } });
  let identity;
  try {
    identity = await callerIdentity(config);
  } catch (error) {
    throw new BootstrapError(`no usable AWS credentials (${(error as Error).message}). Set AWS_PROFILE (SSO: \`aws sso login\`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY for account ${accountId}, or use the local sandbox: npm run sandbox -- up, then npm run bootstrap -- --sandbox`);
  }
  if (identity.account !== accountId) {
    throw new BootstrapError(
      `${stack} must run in account ${accountId} (its allowedAccountIds), but the current AWS credentials are for account ${identity.account} (${identity.arn}). ` +
        `Use credentials for ${accountId} (AWS_PROFILE=...), or set the account ID (AWS_ACCOUNT_ID_${stack.toUpperCase().replace(/[^A-Z0-9]/g, '_')} or "accountIds" in cdktf.json context).`,
    );
  }
  return { accountId, env: { ...toolingEnv(env), AWS_REGION: region }, clientConfig: config };
}

/** Credentials a role session holds (`sessionToken` always set: STS issues one with every session). */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration?: Date;
}

/**
 * `sts:AssumeRole` into `roleArn` with the identity and endpoint of `config`: the one place the
 * tooling and the tests turn a role into credentials (a state role read as its backend reads it, the
 * bench's replay), passing the external ID its trust requires when there is one (`assume_role { external_id }`).
 * Throws when STS answers without credentials.
 */
export async function assumeRoleCredentials(config: ClientConfig, roleArn: string, sessionName: string, externalId?: string): Promise<{ credentials: RoleCredentials; assumedArn?: string }> {
  const sts = new STSClient(config);
  try {
    const { Credentials, AssumedRoleUser } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName.slice(0, 64), ...(externalId ? { ExternalId: externalId } : {}) }));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken) throw new Error(`STS returned no credentials for ${roleArn}`);
    return {
      credentials: { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken, expiration: Credentials.Expiration },
      assumedArn: AssumedRoleUser?.Arn,
    };
  } finally {
    sts.destroy();
  }
}
