import { join } from 'node:path';
import { sandboxClientConfig, sandboxCredentials, type SandboxCredentials } from './credentials';
import { requireHealthySandbox, sandboxStatus } from './lifecycle';
import type { SandboxState } from './state-file';
import { PROJECT_DIR, sandboxPaths } from './paths';
import { sandboxProject, sandboxProjectVariables, type SandboxProject } from './sandbox-project';
import { registerSandboxUse } from './sandbox-users';
import { awsAccountSession, toolingEnv, withoutCallerIdentity, type AccountSession } from '../toolkit/account-session';
import { BootstrapError } from '../toolkit/errors';
import { describeCliConfig } from '../toolkit/terraform-cli-config';

export type { AccountSession, ClientConfig } from '../toolkit/account-session';

/**
 * Where an AWS-facing command (bootstrap, drift) runs. In the sandbox each account gets its own
 * credentials from the sandbox, so environments never share an account; on AWS the caller's own
 * credentials are used as they are (profile, SSO, OIDC...). Here, not in the toolkit: the sandbox
 * builds on the toolkit, never the other way round (.dependency-cruiser.js, toolkit-not-sandbox).
 */
export type Target =
  | { readonly kind: 'sandbox'; readonly state: SandboxState; readonly outDir: string; readonly home: string; readonly project: SandboxProject }
  | { readonly kind: 'aws'; readonly outDir: string };

/**
 * `SANDBOX=1` (or the --sandbox flag) selects the running sandbox, as its project describes it
 * (sandbox-project.ts: output directory, bootstrap record, CLI configuration); `say` gets one line
 * when Terraform will use a generated CLI configuration.
 */
export async function resolveTarget(options: { sandbox: boolean; outDir?: string; say?: (line: string) => void }, env: NodeJS.ProcessEnv): Promise<Target> {
  if (!options.sandbox) return { kind: 'aws', outDir: options.outDir ?? join(PROJECT_DIR, 'cdktf.out') };
  const paths = sandboxPaths(env);
  const status = await sandboxStatus(paths);
  if (!status.running) throw new BootstrapError('the sandbox is not running: start it with `npm run sandbox -- up` (or drop --sandbox / SANDBOX=1 to use real AWS)');
  // Running is not answering: a stopped moto would leave every request below waiting on SDK timeouts.
  await requireHealthySandbox(status.state);
  const project = sandboxProject(paths, env);
  // From here on this command uses the sandbox: `sandbox down`/`reset` name it and need --force until
  // it exits (bootstrap, drift, npm run state, the doctor; sandbox:deploy also names its stack).
  registerSandboxUse(paths, commandLine(env));
  const line = describeCliConfig(project.cliConfig, env);
  if (line) options.say?.(line);
  return { kind: 'sandbox', state: status.state, home: paths.home, outDir: options.outDir ?? project.outDir, project };
}

/** The command as the user typed it, as far as npm tells: `npm run bootstrap -- --sandbox`. */
function commandLine(env: NodeJS.ProcessEnv): string {
  const args = process.argv.slice(2).join(' ');
  return env.npm_lifecycle_event ? `npm run ${env.npm_lifecycle_event}${args ? ` -- ${args}` : ''}` : `${process.argv.slice(1).join(' ')}`;
}

/**
 * The variables that make a process act as `credentials` in the sandbox, for every kind of process:
 * what `npm run sandbox -- credentials` exports, bootstrap's and drift's sessions, the tests'.
 * `AWS_ENDPOINT_URL` is the sandbox, for the AWS provider of the synthesized stacks (which trusts
 * the sandbox's CA alone: sandbox-extension.ts) and for the AWS SDKs and CLI (npm run doctor,
 * `aws s3 ls`, a workflow's script). A caller's `AWS_ENDPOINT_URL_<SERVICE>` would take precedence:
 * the tooling's sessions drop them (withoutCallerIdentity), the credentials file unsets them.
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
    // Trust the sandbox's own CA: AWS_CA_BUNDLE for Terraform's S3 backend (its documented
    // custom_ca_bundle variable; the AWS provider names the file in its synthesized custom_ca_bundle),
    // NODE_EXTRA_CA_CERTS for Node (cdktf, npm run doctor).
    AWS_CA_BUNDLE: state.caFile,
    NODE_EXTRA_CA_CERTS: state.caFile,
    // These credentials are the only source: no SDK or provider may ask an EC2 instance metadata
    // service (outside the sandbox) when one of them is missing.
    AWS_EC2_METADATA_DISABLED: 'true',
    // The sandbox is often offline: no calls home from cdktf or terraform.
    CHECKPOINT_DISABLE: '1',
  };
}

/** Environment for synthesizing the app against the target (toolkit/app-synth.ts): it needs the sandbox's endpoint, no account. */
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
 * credentials, checked against the account (toolkit/account-session.ts).
 */
export async function accountSession(target: Target, accountId: string, region: string, env: NodeJS.ProcessEnv, stack: string): Promise<AccountSession> {
  if (target.kind === 'aws') return awsAccountSession(accountId, region, env, stack);
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
