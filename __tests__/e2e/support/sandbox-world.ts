import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { App } from 'cdktf';
import { appDefinition } from '../../../environments';
import { runSynth } from '../../../lib/app/synthesize-app';
import { loadSettingSources } from '../../../lib/settings/setting-sources';
import { sandboxExtension } from '../../../tooling/sandbox/sandbox-extension';
import type { RunResult } from '../harness/step';
import { accountSession, resolveTarget, type AccountSession, type Target } from '../../../tooling/sandbox/target';
import { PROJECT_DIR } from '../../../tooling/sandbox/paths';
import type { SandboxState } from '../../../tooling/sandbox/state-file';
import { runStep } from '../harness/step';
import { startTestSandbox, type TestSandbox } from '../harness/sandbox';
import { terraformEnv } from '../harness/terraform';
import { WorkflowSandbox } from '../../support/workflow-sandbox';

/** Account of each stack in the sandbox (environments/*.ts defaults). */
export const ACCOUNTS = { dev: '111111111111', staging: '222222222222', production: '333333333333', 'state-backend': '333333333333' } as const;
export type StackName = keyof typeof ACCOUNTS;
export const REGION = 'eu-west-1';

/**
 * The lifecycle suite's view of a sandbox of its own (harness/sandbox.ts starts and stops it by its
 * recorded pids, also when a test fails): per-stack account sessions, workflow runs and stand-ins.
 */
export class SandboxWorld {
  private sandbox?: TestSandbox;
  target!: Target;
  private readonly sessions = new Map<string, AccountSession>();

  async start(): Promise<void> {
    // The harness CLI config, and no identity, endpoint or setting of the caller's.
    const base = terraformEnv();
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_DYNAMODB', 'SANDBOX', 'SANDBOX_ENDPOINT', 'STATE_BACKEND_MIGRATED', 'BACKEND_CONFIG_FILE']) delete base[name];
    this.sandbox = await startTestSandbox('lifecycle', { FORCE_COLOR: '0' }, base);
    this.target = await resolveTarget({ sandbox: true, outDir: this.outDir('bootstrap') }, this.env);
  }

  async stop(): Promise<void> {
    try {
      await this.sandbox?.stop();
    } finally {
      this.cleanupStandIns();
    }
  }

  private get started(): TestSandbox {
    if (!this.sandbox) throw new Error('SandboxWorld: call start() first');
    return this.sandbox;
  }

  /** SANDBOX_HOME of this sandbox (a temporary directory, removed by stop()). */
  get home(): string {
    return this.started.home;
  }

  /** Environment for the sandbox CLI and for bootstrap (its sessions add each account's credentials). */
  get env(): NodeJS.ProcessEnv {
    return this.started.env;
  }

  get state(): SandboxState {
    return this.started.state;
  }

  /** An output directory of its own per purpose, so parallel synths never rewrite each other's stacks. */
  outDir(purpose: string): string {
    return join(this.home, 'run', `${purpose}.out`);
  }

  async session(stack: StackName): Promise<AccountSession> {
    const cached = this.sessions.get(stack);
    if (cached) return cached;
    const session = await accountSession(this.target, ACCOUNTS[stack], REGION, this.env, stack);
    this.sessions.set(stack, session);
    return session;
  }

  /**
   * The app synthesized in this process into `outDir`, as `cdktf synth --output <outDir>` runs it
   * (main.ts: runSynth of environments/ with the sandbox extension, settings read from `env` and
   * cdktf.json), without paying for the cdktf CLI where the synth is not what a step proves.
   */
  synth(outDir: string, env: NodeJS.ProcessEnv): void {
    const outcome = runSynth(new App({ outdir: outDir, stackTraces: false }), appDefinition, loadSettingSources(PROJECT_DIR, env), [sandboxExtension]);
    if (outcome.code !== 0) throw new Error(`in-process synth into ${outDir} failed:\n${outcome.message}`);
  }

  /** `make -C workflows/<stack> <goal>` as a user runs it, acting in the stack's account. */
  async make(stack: 'staging' | 'production', goal: string, vars: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    const session = await this.session(stack);
    const args = ['-C', join(PROJECT_DIR, 'workflows', stack), goal, ...Object.entries(vars).map(([key, value]) => `${key}=${value}`)];
    return runStep(`${stack}: make ${goal}`, 'make', args, { cwd: PROJECT_DIR, env: { ...session.env, ...extraEnv }, kind: 'deploy' });
  }

  /** A 0600 secrets.env for the staging workflow. */
  writeSecretsEnv(values: Record<string, string>): string {
    const file = join(this.home, 'staging-secrets.env');
    writeFileSync(file, Object.entries(values).map(([key, value]) => `${key}=${value}\n`).join(''));
    chmodSync(file, 0o600);
    return file;
  }

  /** The real vals when installed; else the suite's stand-in (__tests__/support/workflow-sandbox.ts), resolving `secrets`. */
  valsEnv(secrets: Record<string, string>): NodeJS.ProcessEnv {
    if (spawnSync('vals', ['version'], { encoding: 'utf8' }).status === 0) return {};
    this.standIns ??= new WorkflowSandbox();
    this.standIns.installVals();
    return { VALS: join(this.standIns.bin, 'vals'), FAKE_VALS_SECRETS: JSON.stringify(secrets) };
  }

  private standIns?: WorkflowSandbox;

  cleanupStandIns(): void {
    this.standIns?.cleanup();
  }
}
