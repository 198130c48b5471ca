import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { join } from 'node:path';
import { sandboxClientConfig, sandboxCredentials, type SandboxCredentials } from '../sandbox/credentials';
import { requireHealthySandbox, sandboxStatus } from '../sandbox/lifecycle';
import type { SandboxState } from '../sandbox/state-file';
import { PROJECT_DIR, sandboxPaths } from '../sandbox/paths';
import { sandboxProject, sandboxProjectVariables, type SandboxProject } from '../sandbox/sandbox-project';
import { clientConfig, type ClientConfig } from './aws-clients';
import { BootstrapError } from './errors';
import { callerIdentity } from './caller-identity';
import { withTerraformBinary } from './terraform-binary';
import { describeCliConfig } from './terraform-cli-config';

export type { ClientConfig } from './aws-clients';

/**
 * Where an AWS-facing command (bootstrap, drift) runs. In the sandbox each account gets its own
 * credentials from the sandbox, so environments never share an account; on AWS the caller's own
 * credentials are used as they are (profile, SSO, OIDC...).
 */
export type Target =
  | { readonly kind: 'sandbox'; readonly state: SandboxState; readonly outDir: string; readonly home: string; readonly project: SandboxProject }
  | { readonly kind: 'aws'; readonly outDir: string };

/** An account's view of the target: the environment for terraform/cdktf and the SDK client settings. */
export interface AccountSession {
  readonly accountId: string;
  readonly env: NodeJS.ProcessEnv;
  readonly clientConfig: ClientConfig;
}

/**
 * `SANDBOX=1` (or the --sandbox flag) selects the running sandbox, as its project describes it
 * (tooling/sandbox/sandbox-project.ts: output directory, bootstrap record, CLI configuration); `say`
 * gets one line when Terraform will use a generated CLI configuration.
 */
export async function resolveTarget(options: { sandbox: boolean; outDir?: string; say?: (line: string) => void }, env: NodeJS.ProcessEnv): Promise<Target> {
  if (!options.sandbox) return { kind: 'aws', outDir: options.outDir ?? join(PROJECT_DIR, 'cdktf.out') };
  const paths = sandboxPaths(env);
  const status = await sandboxStatus(paths);
  if (!status.running) throw new BootstrapError('the sandbox is not running: start it with `npm run sandbox -- up` (or drop --sandbox / SANDBOX=1 to use real AWS)');
  // Running is not answering: a stopped moto would leave every request below waiting on SDK timeouts.
  await requireHealthySandbox(status.state);
  const project = sandboxProject(paths, env);
  const line = describeCliConfig(project.cliConfig, env);
  if (line) options.say?.(line);
  return { kind: 'sandbox', state: status.state, home: paths.home, outDir: options.outDir ?? project.outDir, project };
}

/** Variables no process acting in a sandbox account may inherit from the caller: they would pick another identity or endpoint. */
const IDENTITY_VARIABLES = ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CA_BUNDLE'];

/**
 * The variables that make a process act as `credentials` in the sandbox, for every kind of process:
 * what `npm run sandbox -- credentials` exports, bootstrap's and drift's sessions, the tests'.
 * `AWS_ENDPOINT_URL` is the sandbox: the synthesized stacks carry their own endpoints, but the AWS
 * SDKs and CLI (npm run doctor, `aws s3 ls`, a workflow's script) would otherwise take these
 * credentials to real AWS.
 */
export function sandboxSessionVariables(sandbox: { readonly state: SandboxState; readonly home: string }, credentials: Omit<SandboxCredentials, 'accountId'>, region: string): Record<string, string> {
  const { state, home } = sandbox;
  return {
    SANDBOX: '1',
    SANDBOX_HOME: home,
    SANDBOX_ENDPOINT: state.endpoint,
    // Which sandbox these keys belong to: after a reset or restart they act as no one (or someone
    // else), so synth and the doctor refuse them with the fix (tooling/sandbox/connection.ts).
    ...(state.instance ? { SANDBOX_INSTANCE: state.instance } : {}),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_REGION: region,
    AWS_ENDPOINT_URL: state.endpoint,
    // Trust the sandbox's own CA: AWS_CA_BUNDLE for Terraform's S3 backend and AWS provider (their
    // documented custom_ca_bundle variable), NODE_EXTRA_CA_CERTS for Node (cdktf, npm run doctor).
    AWS_CA_BUNDLE: state.caFile,
    NODE_EXTRA_CA_CERTS: state.caFile,
    // These credentials are the only source: no SDK or provider may ask an EC2 instance metadata
    // service (outside the sandbox) when one of them is missing.
    AWS_EC2_METADATA_DISABLED: 'true',
    // The sandbox is often offline: no calls home from cdktf or terraform.
    CHECKPOINT_DISABLE: '1',
  };
}

/** `env` without any identity or endpoint of the caller's (every `AWS_ENDPOINT_URL*` too). */
function withoutCallerIdentity(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean = { ...env };
  for (const name of Object.keys(clean)) if (IDENTITY_VARIABLES.includes(name) || name.startsWith('AWS_ENDPOINT_URL')) delete clean[name];
  return clean;
}

/** Every process the tooling starts: the binary cdktf runs named, no phone-home, non-interactive. */
function toolingEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // No TF_INPUT=0: cdktf answers terraform's migrate-state question itself.
  return { ...withTerraformBinary(env), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
}

/** Environment for `cdktf synth` against the target: synthesizing needs the sandbox's endpoint, no account. */
export function synthEnv(target: Target, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (target.kind === 'aws') return toolingEnv(env);
  return {
    ...toolingEnv(env),
    ...sandboxProjectVariables(target.project),
    SANDBOX: '1',
    SANDBOX_HOME: target.home,
    SANDBOX_ENDPOINT: target.state.endpoint,
    ...(target.state.instance ? { SANDBOX_INSTANCE: target.state.instance } : {}),
  };
}

/**
 * A session acting in `accountId`. Sandbox: credentials assumed into that account. AWS: the caller's
 * credentials, checked with sts:GetCallerIdentity so a wrong profile fails here, naming the account
 * it should be, not later as an `allowed_account_ids` error from the provider.
 */
export async function accountSession(target: Target, accountId: string, region: string, env: NodeJS.ProcessEnv, stack: string): Promise<AccountSession> {
  if (target.kind === 'sandbox') {
    const { state } = target;
    let credentials;
    try {
      credentials = await sandboxCredentials(state, accountId, region);
    } catch (error) {
      throw new BootstrapError(`could not get sandbox credentials for account ${accountId} (${(error as Error).message}); is the sandbox healthy? \`npm run sandbox -- status\``);
    }
    return {
      accountId,
      env: { ...toolingEnv(withoutCallerIdentity(env)), ...sandboxProjectVariables(target.project), ...sandboxSessionVariables(target, credentials, region) },
      clientConfig: sandboxClientConfig(state, region, credentials),
    };
  }
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
 * bench's replay). Throws when STS answers without credentials.
 */
export async function assumeRoleCredentials(config: ClientConfig, roleArn: string, sessionName: string): Promise<{ credentials: RoleCredentials; assumedArn?: string }> {
  const sts = new STSClient(config);
  try {
    const { Credentials, AssumedRoleUser } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName.slice(0, 64) }));
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken) throw new Error(`STS returned no credentials for ${roleArn}`);
    return {
      credentials: { accessKeyId: Credentials.AccessKeyId, secretAccessKey: Credentials.SecretAccessKey, sessionToken: Credentials.SessionToken, expiration: Credentials.Expiration },
      assumedArn: AssumedRoleUser?.Arn,
    };
  } finally {
    sts.destroy();
  }
}
