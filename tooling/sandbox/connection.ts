import { sandboxPaths } from './paths';
import { readState } from './state-file';

/**
 * Where `SANDBOX=1` points the synthesized stacks. Only connection settings come from here
 * (sandbox-extension.ts applies them to every stack); the integration test
 * `sandbox-synth-diff` fails on any other difference from the real configuration.
 */
export interface SandboxConnection {
  /** HTTPS endpoint of the running sandbox, e.g. https://127.0.0.1:43123 */
  readonly endpoint: string;
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

/** The endpoint from `SANDBOX_ENDPOINT`, else from the running sandbox's state file; an error says how to start one. */
export function resolveSandboxConnection(env: Readonly<Record<string, string | undefined>>): SandboxConnection | { readonly problem: string } {
  const explicit = env.SANDBOX_ENDPOINT;
  if (explicit) {
    let url: URL;
    try {
      url = new URL(explicit);
    } catch {
      return { problem: `SANDBOX_ENDPOINT: "${explicit}" is not a URL; use the endpoint \`npm run sandbox -- status\` prints, e.g. https://127.0.0.1:43123` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: `SANDBOX_ENDPOINT: "${explicit}" must be an http(s) URL` };
    return { endpoint: explicit.replace(/\/+$/, '') };
  }
  const paths = sandboxPaths(env);
  const state = readState(paths.stateFile);
  if (!state) return { problem: `SANDBOX: no sandbox is running (no ${paths.stateFile}); start it with \`npm run sandbox -- up\`, or set SANDBOX_ENDPOINT` };
  return { endpoint: state.endpoint };
}
