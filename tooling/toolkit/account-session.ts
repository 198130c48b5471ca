import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { join } from 'node:path';
import { sandboxCredentials, sandboxRequestHandler } from '../sandbox/credentials';
import { sandboxStatus } from '../sandbox/lifecycle';
import type { SandboxState } from '../sandbox/state-file';
import { PROJECT_DIR, sandboxPaths } from '../sandbox/paths';
import { BootstrapError } from './errors';
import { withTerraformBinary } from './terraform-binary';

/** AWS SDK v3 client settings for the target (the S3, DynamoDB, KMS and STS clients take the same shape). */
export interface ClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly requestHandler?: ReturnType<typeof sandboxRequestHandler>;
  readonly maxAttempts?: number;
}

/**
 * Where an AWS-facing command (bootstrap, drift) runs. In the sandbox each account gets its own
 * credentials from the sandbox, so environments never share an account; on AWS the caller's own
 * credentials are used as they are (profile, SSO, OIDC...).
 */
export type Target =
  | { readonly kind: 'sandbox'; readonly state: SandboxState; readonly outDir: string; readonly home: string }
  | { readonly kind: 'aws'; readonly outDir: string };

/** An account's view of the target: the environment for terraform/cdktf and the SDK client settings. */
export interface AccountSession {
  readonly accountId: string;
  readonly env: NodeJS.ProcessEnv;
  readonly clientConfig: ClientConfig;
}

/** `SANDBOX=1` (or the --sandbox flag) selects the running sandbox; its output dir is discarded with it. */
export async function resolveTarget(options: { sandbox: boolean; outDir?: string }, env: NodeJS.ProcessEnv): Promise<Target> {
  if (!options.sandbox) return { kind: 'aws', outDir: options.outDir ?? join(PROJECT_DIR, 'cdktf.out') };
  const paths = sandboxPaths(env);
  const status = await sandboxStatus(paths);
  if (!status.running) throw new BootstrapError('the sandbox is not running: start it with `npm run sandbox -- up` (or drop --sandbox / SANDBOX=1 to use real AWS)');
  return { kind: 'sandbox', state: status.state, home: paths.home, outDir: options.outDir ?? join(paths.runDir, 'cdktf.out') };
}

/** Variables no child terraform/cdktf may inherit from the caller: they would pick another identity or endpoint. */
const IDENTITY_VARIABLES = ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_CA_BUNDLE'];

/**
 * A session acting in `accountId`. Sandbox: credentials assumed into that account. AWS: the caller's
 * credentials, checked with sts:GetCallerIdentity so a wrong profile fails here, naming the account
 * it should be, not later as an `allowed_account_ids` error from the provider.
 */
export async function accountSession(target: Target, accountId: string, region: string, env: NodeJS.ProcessEnv, stack: string): Promise<AccountSession> {
  // No TF_INPUT=0: cdktf answers terraform's migrate-state question itself.
  // TERRAFORM_BINARY_NAME explicitly: cdktf children run the binary the tooling runs.
  const base: NodeJS.ProcessEnv = { ...withTerraformBinary(env), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', AWS_REGION: region };
  if (target.kind === 'sandbox') {
    const { state } = target;
    let credentials;
    try {
      credentials = await sandboxCredentials(state, accountId, region);
    } catch (error) {
      throw new BootstrapError(`could not get sandbox credentials for account ${accountId} (${(error as Error).message}); is the sandbox healthy? \`npm run sandbox -- status\``);
    }
    const sessionEnv = { ...base };
    for (const name of IDENTITY_VARIABLES) delete sessionEnv[name];
    Object.assign(sessionEnv, {
      SANDBOX: '1',
      SANDBOX_HOME: target.home,
      SANDBOX_ENDPOINT: state.endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      // Terraform's S3 backend and AWS provider trust the sandbox's own CA through this variable.
      AWS_CA_BUNDLE: state.caFile,
    });
    return {
      accountId,
      env: sessionEnv,
      clientConfig: {
        region,
        endpoint: state.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
        requestHandler: sandboxRequestHandler(state),
        maxAttempts: 2,
      },
    };
  }
  const clientConfig: ClientConfig = { region };
  const sts = new STSClient(clientConfig);
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account !== accountId) {
      throw new BootstrapError(
        `${stack} must run in account ${accountId} (its allowedAccountIds), but the current AWS credentials are for account ${identity.Account} (${identity.Arn}). ` +
          `Use credentials for ${accountId} (AWS_PROFILE=...), or set the account ID (AWS_ACCOUNT_ID_${stack.toUpperCase().replace(/[^A-Z0-9]/g, '_')} or "accountIds" in cdktf.json context).`,
      );
    }
  } catch (error) {
    if (error instanceof BootstrapError) throw error;
    throw new BootstrapError(`no usable AWS credentials (${(error as Error).message}). Set AWS_PROFILE (SSO: \`aws sso login\`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY for account ${accountId}, or use the local sandbox: npm run sandbox -- up, then npm run bootstrap -- --sandbox`);
  } finally {
    sts.destroy();
  }
  return { accountId, env: base, clientConfig };
}
