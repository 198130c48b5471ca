import { existsSync, statSync } from 'node:fs';
import { sandboxPaths } from './paths';
import { readState, type SandboxState } from './state-file';

/**
 * Where `SANDBOX=1` points the synthesized stacks. Only connection settings come from here
 * (sandbox-extension.ts applies them to every stack); the integration test
 * `sandbox-synth-diff` fails on any other difference from the real configuration.
 */
export interface SandboxConnection {
  /** HTTPS endpoint of the running sandbox, e.g. https://127.0.0.1:43123 */
  readonly endpoint: string;
  /**
   * The running sandbox's own CA, when the endpoint is that sandbox's: then the AWS provider trusts
   * that CA alone and takes its endpoint from the session's AWS_ENDPOINT_URL (sandbox-extension.ts
   * says why). Any other endpoint (your own emulator, the sandbox's plain-HTTP port, another
   * spelling of its address) has none: the provider then names its endpoints itself, as before.
   */
  readonly caFile: string | undefined;
}

/** AWS provider services the stacks use; all of them are served by the one sandbox endpoint. */
export const PROVIDER_SERVICES = ['dynamodb', 'iam', 'kms', 's3', 'ssm', 'sts'] as const;
/** Services the S3 backend calls: state (s3), locks (dynamodb), identity (sts), assume_role (iam). */
export const BACKEND_SERVICES = ['dynamodb', 'iam', 's3', 'sts'] as const;

/**
 * SDK retries against an endpoint that is gone once kept one `terraform plan` busy for 54 minutes
 * (docs/sandbox.md). The sandbox is one local process that is either up or down, never throttling,
 * so the sandbox caps retries; real AWS keeps the SDK defaults.
 */
export const SANDBOX_MAX_RETRIES = 1;

const TAKE_CREDENTIALS = 'take them first: `npm run sandbox -- credentials <environment>` and `. .sandbox/run/credentials/<environment>.sh` (docs/sandbox.md), or use `npm run sandbox:deploy -- <environment>`';

/**
 * Credentials taken from a sandbox (SANDBOX_INSTANCE, exported by `npm run sandbox -- credentials`
 * and every session of the tooling) must be this sandbox's: after a `reset` or a restart their keys
 * act as no one, or as another principal. Undefined when they are, or carry no instance.
 */
export function staleCredentialsProblem(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const instance = env.SANDBOX_INSTANCE;
  if (!instance) return undefined;
  const paths = sandboxPaths(env);
  const state = readState(paths.stateFile);
  if (!state) return `SANDBOX: the sandbox credentials in this shell (SANDBOX_INSTANCE=${instance}) belong to a sandbox that is no longer running (no ${paths.stateFile}): start one with \`npm run sandbox -- up\`, then ${TAKE_CREDENTIALS.replace('take them first', 'take fresh credentials')}`;
  if (state.instance !== instance) {
    return `SANDBOX: the sandbox credentials in this shell (SANDBOX_INSTANCE=${instance}) are from before the running sandbox (${state.endpoint}, instance ${state.instance ?? 'unrecorded'}) was reset or restarted, so their keys now act as no one or as another principal: ${TAKE_CREDENTIALS.replace('take them first', 'take fresh ones')}`;
  }
  return undefined;
}

/**
 * The endpoint from `SANDBOX_ENDPOINT`, else from the running sandbox's state file; an error says how
 * to start one. Credentials of an earlier sandbox are refused. Without SANDBOX_ENDPOINT nor a
 * sandbox session (SANDBOX_INSTANCE: `SANDBOX=1` alone in a shell), synth is refused too: Terraform
 * would look for credentials outside the sandbox (a profile, the EC2 instance metadata service).
 */
export function resolveSandboxConnection(env: Readonly<Record<string, string | undefined>>): SandboxConnection | { readonly problem: string } {
  const stale = staleCredentialsProblem(env);
  if (stale) return { problem: stale };
  const paths = sandboxPaths(env);
  const explicit = env.SANDBOX_ENDPOINT;
  if (explicit) {
    let url: URL;
    try {
      url = new URL(explicit);
    } catch {
      return { problem: `SANDBOX_ENDPOINT: "${explicit}" is not a URL; use the endpoint \`npm run sandbox -- status\` prints, e.g. https://127.0.0.1:43123` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: `SANDBOX_ENDPOINT: "${explicit}" must be an http(s) URL` };
    const running = readState(paths.stateFile);
    return running && sameEndpoint(running.endpoint, url) ? withOwnCa(running, paths.stateFile) : { endpoint: explicit.replace(/\/+$/, ''), caFile: undefined };
  }
  const state = readState(paths.stateFile);
  if (!state) return { problem: `SANDBOX: no sandbox is running (no ${paths.stateFile}); start it with \`npm run sandbox -- up\`, or set SANDBOX_ENDPOINT` };
  if (!env.SANDBOX_INSTANCE) {
    return { problem: `SANDBOX: this shell has no sandbox credentials (no SANDBOX_INSTANCE), and without them Terraform would look for credentials outside the sandbox (a profile, the EC2 instance metadata service): ${TAKE_CREDENTIALS}` };
  }
  return withOwnCa(state, paths.stateFile);
}

/** Whether `recorded` is the endpoint `url` names, however spelled: scheme and host case, a trailing slash. */
function sameEndpoint(recorded: string, url: URL): boolean {
  const normal = (href: string) => href.replace(/\/+$/, '');
  try {
    return normal(new URL(recorded).href) === normal(url.href);
  } catch {
    return false;
  }
}

/**
 * The running sandbox's endpoint with its own CA; refused when that file is gone (Terraform would
 * fail on it later, further from the cause). A state file from before the CA was recorded: none.
 */
function withOwnCa(state: SandboxState, stateFile: string): SandboxConnection | { readonly problem: string } {
  const { endpoint, caFile } = state;
  if (!caFile) return { endpoint, caFile: undefined };
  if (!existsSync(caFile) || !statSync(caFile).isFile()) {
    return { problem: `SANDBOX: the sandbox's CA (${caFile}, "caFile" in ${stateFile}) is not a file, so the AWS provider's custom_ca_bundle could not trust ${endpoint}: restart the sandbox (\`npm run sandbox -- down\`, then \`npm run sandbox -- up\`; its resources are discarded)` };
  }
  return { endpoint, caFile };
}
