import { S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxClientConfig, sandboxCredentials, type SandboxCredentials } from '../../../tooling/sandbox/credentials';
import { ensureEmulator } from '../../../tooling/sandbox/emulator';
import { sandboxDown, sandboxUp } from '../../../tooling/sandbox/lifecycle';
import { sandboxPaths } from '../../../tooling/sandbox/paths';
import { processMatches, type SandboxState } from '../../../tooling/sandbox/state-file';
import { sandboxSessionVariables } from '../../../tooling/sandbox/target';
import { withoutCallerIdentity } from '../../../tooling/toolkit/account-session';
import { progress } from './progress';
import { terraformEnv } from './terraform';

export const SANDBOX_REGION = 'eu-west-1';
// The SDK's Node-version notice would otherwise fill the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface TestSandbox {
  readonly state: SandboxState;
  /** SANDBOX_HOME of this sandbox (a temporary directory). */
  readonly home: string;
  /** Environment for the sandbox CLI, cdktf synth (SANDBOX=1) and friends. */
  readonly env: NodeJS.ProcessEnv;
  credentials(accountId: string): Promise<SandboxCredentials>;
  /** Environment for terraform / cdktf acting in `accountId`: the harness CLI config plus sandbox credentials and CA. */
  terraformEnv(accountId: string): Promise<NodeJS.ProcessEnv>;
  /** An S3 client acting in `accountId`, over HTTPS (secure) or the plain-HTTP port. */
  s3(accountId: string, secure?: boolean): Promise<S3Client>;
  stop(): Promise<void>;
}

/**
 * What the sandbox's log says went wrong (IAM denials, unmapped requests, 502s from an unanswered
 * moto), last lines first cut: the cause a failed deploy's own output may not show.
 */
export function sandboxLogDigest(env: NodeJS.ProcessEnv, lines = 20): string {
  const file = sandboxPaths(env).logFile;
  if (!existsSync(file)) return `(no sandbox log at ${file})`;
  const notable = readFileSync(file, 'utf8').split('\n').filter((line) => /iam: (denied|unmapped)| answered 502/.test(line));
  return notable.length === 0 ? '(the sandbox log names no denial, unmapped request or 502)' : notable.slice(-lines).join('\n');
}

/**
 * The emulator, installed once into the project's `.sandbox/` (the same install users and CI get),
 * or an error telling how to install it: the suite fails, never skips.
 */
export function ensureSandboxEmulator(): void {
  const emulator = ensureEmulator(sandboxPaths({}));
  progress(`sandbox emulator: moto ${emulator.version} (${emulator.source})`);
}

/**
 * A sandbox of the test's own (own SANDBOX_HOME, own ports), sharing the installed emulator. Stopped
 * by its recorded pids in `stop()`, which afterAll must call also on failure.
 */
export async function startTestSandbox(label: string, extraEnv: Record<string, string> = {}, baseEnv: NodeJS.ProcessEnv = process.env): Promise<TestSandbox> {
  ensureSandboxEmulator();
  const home = mkdtempSync(join(tmpdir(), `e2e-sandbox-${label}-`));
  symlinkSync(sandboxPaths({}).emulatorDir, join(home, 'emulator'));
  const env: NodeJS.ProcessEnv = { ...baseEnv, SANDBOX_HOME: home, SANDBOX_PORT: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extraEnv };
  const started = Date.now();
  const state = await sandboxUp(env);
  progress(`${label}: sandbox up on ${state.endpoint} in ${((Date.now() - started) / 1000).toFixed(1)}s (moto pid ${state.motoPid})`);
  const cache = new Map<string, Promise<SandboxCredentials>>();
  const credentials = (accountId: string) => {
    if (!cache.has(accountId)) cache.set(accountId, sandboxCredentials(state, accountId, SANDBOX_REGION));
    return cache.get(accountId)!;
  };
  const clients: S3Client[] = [];
  return {
    state,
    home,
    env,
    credentials,
    async terraformEnv(accountId) {
      // The harness CLI config without the caller's identity or endpoints (as the tooling's sessions),
      // then the tooling's own sandbox session variables for that account.
      return { ...withoutCallerIdentity(terraformEnv()), ...sandboxSessionVariables({ state, home }, await credentials(accountId), SANDBOX_REGION) };
    },
    async s3(accountId, secure = true) {
      const { accessKeyId, secretAccessKey, sessionToken } = await credentials(accountId);
      const endpoint = secure ? state.endpoint : state.insecureEndpoint;
      const client = new S3Client(sandboxClientConfig({ endpoint, caFile: state.caFile }, SANDBOX_REGION, { accessKeyId, secretAccessKey, sessionToken }));
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients.splice(0)) client.destroy();
      await sandboxDown(env);
      // Whatever happened above, nothing this sandbox started may outlive the test.
      for (const pid of [state.pid, state.motoPid]) {
        if (processMatches(pid, 'sandbox-supervisor') || processMatches(pid, 'moto')) process.kill(pid, 'SIGKILL');
      }
      if (existsSync(home)) rmSync(home, { recursive: true, force: true });
    },
  };
}
