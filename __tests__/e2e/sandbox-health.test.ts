import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { sandboxPaths } from '../../tooling/sandbox/paths';
import { readState } from '../../tooling/sandbox/state-file';
import { CDKTF_BIN, startCommand, type RunningCommand } from '../../tooling/toolkit/run-command';
import { startTestSandbox, type TestSandbox } from './harness/sandbox';
import { runStep, STEP_TIMEOUT_MS, testBudget } from './harness/step';
import { waitFor } from './harness/wait';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * The sandbox when moto stops answering, credentials that outlive their sandbox, and a printed path
 * that would run code when pasted (issue #28 items 3 and 5; the `sandbox-health.test.ts` rows of
 * E2E_TOOLING_CASES in __tests__/hostile/tooling-cases.ts and docs/hostile-input.md). One sandbox of
 * this file's own, whose home holds `$(touch pwned)` and a space; real processes as users run them,
 * each a bounded step. cdktf runs twice, where it is what is proven: a deploy that moto stops under,
 * and `SANDBOX=1 npx cdktf deploy` in a shell without the sandbox's credentials.
 */
const PROJECT_DIR = join(__dirname, '..', '..');
let sandbox: TestSandbox | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'e2e-sandbox-health-'));
/** Processes of the sandbox this file stopped (SIGSTOP): resumed whatever happens. */
const stopped = new Set<number>();
let deploy: RunningCommand | undefined;

/** A tooling command as users run it (`npm run <script>` runs this node command), one bounded step. */
const tool = (name: string, script: string, args: string[], env: NodeJS.ProcessEnv) =>
  runStep(`sandbox-health: ${name}`, process.execPath, typescriptNodeArgs(join('tooling', 'bin', script), ...args), { cwd: PROJECT_DIR, env, kind: 'synth' });
const noTrace = (output: string) => expect(output).not.toMatch(/\n\s+at .+:\d+:\d+\)?|crashed:/);

function resumeAll(): void {
  for (const pid of stopped) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      /* gone */
    }
  }
  stopped.clear();
}
function stop(pid: number): number {
  stopped.add(pid);
  process.kill(pid, 'SIGSTOP');
  return pid;
}
const stopMoto = () => stop(sandbox!.state.motoPid);

/** The variables a credentials file exports, as a shell that sourced it has them. */
function sourced(file: string): Record<string, string> {
  const result = spawnSync('bash', ['-c', `. "$1" && env -0`, 'sourced', file], { cwd: scratch, encoding: 'utf8' });
  return Object.fromEntries(result.stdout.split('\0').filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

beforeAll(async () => {
  // The home's path is what `sandbox -- credentials` prints in its `. <path>` line.
  sandbox = await startTestSandbox('health-$(touch pwned) x');
}, STEP_TIMEOUT_MS.sandbox);

afterAll(async () => {
  resumeAll();
  if (deploy && deploy.process.exitCode === null && deploy.process.pid) {
    try {
      process.kill(-deploy.process.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await sandbox?.stop();
  rmSync(scratch, { recursive: true, force: true });
}, STEP_TIMEOUT_MS.sandbox);

describe('doctor/waits/safe-output against a running sandbox', () => {
  test('credentials: the printed `. <path>` line, pasted, takes the credentials and runs nothing (before: the unquoted path ran `touch pwned`)', async () => {
    const result = await tool('sandbox -- credentials staging', 'sandbox.ts', ['credentials', 'staging'], sandbox!.env);
    expect(result.code).toBe(0);
    const line = /take them into this shell with: (.+)$/m.exec(result.stderr)?.[1];
    expect(line).toBeDefined();
    const file = join(sandboxPaths(sandbox!.env).runDir, 'credentials', 'staging.sh');
    expect(line).toBe(`. '${file}'`);
    const pasted = spawnSync('bash', ['-c', `${line} && printf '%s %s' "$SANDBOX_INSTANCE" "$AWS_EC2_METADATA_DISABLED"`], { cwd: scratch, encoding: 'utf8' });
    expect(pasted.stdout).toBe(`${readState(sandboxPaths(sandbox!.env).stateFile)!.instance} true`);
    expect(readdirSync(scratch)).not.toContain('pwned');
    expect(readFileSync(file, 'utf8')).toMatch(/^# sandbox credentials for account 222222222222 \(sandbox instance [0-9a-f-]{36}: refused after a reset or restart\)$/m);
  }, testBudget('synth'));

  test('moto stopped: status, credentials, sandbox:state and the doctor each fail within seconds naming moto, its pid and `kill -CONT` (before: status "running", the others silent past 200 s)', async () => {
    const pid = stopMoto();
    try {
      const env = sandbox!.env;
      const runs = await Promise.all([
        tool('status, moto stopped', 'sandbox.ts', ['status'], env),
        tool('credentials, moto stopped', 'sandbox.ts', ['credentials', 'staging'], env),
        tool('sandbox:state, moto stopped', 'sandbox-stack.ts', ['state', 'staging'], env),
        tool('doctor --sandbox, moto stopped', 'doctor.ts', ['--sandbox', 'staging'], env),
      ]);
      for (const run of runs) {
        expect(run.code).not.toBe(0);
        expect(run.output).toContain(`moto (pid ${pid}, ${sandbox!.state.motoEndpoint}) does not answer`);
        expect(run.output).toContain(`the process is stopped (SIGSTOP, or ctrl-Z in its terminal); resume it with \`kill -CONT ${pid}\``);
        noTrace(run.output);
        // Four node starts at once on a loaded 2-core machine take most of this; the probe itself 3 s.
        expect(run.seconds).toBeLessThan(90);
      }
      expect(runs[0].output).toContain('sandbox: running, but not answering');
    } finally {
      resumeAll();
    }
    const healthy = await tool('status, moto resumed', 'sandbox.ts', ['status'], sandbox!.env);
    expect(healthy.code).toBe(0);
    expect(healthy.output).toContain('sandbox: moto and the shim answer');
  }, testBudget('synth', 'synth'));

  test('supervisor stopped: status names the shim, its pid and `kill -CONT`, and exits 1 (before: "sandbox crashed: Error: no answer from ..." with a stack trace)', async () => {
    const pid = stop(sandbox!.state.pid);
    try {
      const status = await tool('status, supervisor stopped', 'sandbox.ts', ['status'], sandbox!.env);
      expect(status.code).toBe(1);
      expect(status.output).toContain(`NOT ANSWERING: the shim (the sandbox supervisor) (pid ${pid}, ${sandbox!.state.endpoint}) does not answer`);
      expect(status.output).toContain(`resume it with \`kill -CONT ${pid}\``);
      // moto itself answers: only the shim is named.
      expect(status.output).not.toContain('NOT ANSWERING: moto');
      noTrace(status.output);
    } finally {
      resumeAll();
    }
  }, testBudget('synth'));

  test('sandbox:deploy: moto stopped mid-apply is named within seconds, and the deploy finishes once it resumes (before: no output for minutes)', async () => {
    let output = '';
    deploy = startCommand(process.execPath, typescriptNodeArgs(join('tooling', 'bin', 'sandbox-stack.ts'), 'deploy', 'dev'), {
      cwd: PROJECT_DIR,
      env: { ...sandbox!.env, FORCE_COLOR: '0' },
      timeoutMs: STEP_TIMEOUT_MS.deploy,
      forwardSignals: false,
      onOutput: (text) => (output += text),
    });
    const exited = () => deploy!.process.exitCode !== null;
    // The apply is under way (the provider polls moto through the lifecycle configuration's 55 s wait).
    await waitFor('sandbox:deploy dev starts creating resources', async () => /Creating\.\.\.|Still creating/.test(output) || exited(), STEP_TIMEOUT_MS.deploy);
    expect(exited()).toBe(false);
    const pid = stopMoto();
    const stoppedAt = Date.now();
    try {
      await waitFor('sandbox:deploy dev names the silent sandbox', async () => output.includes('sandbox:deploy dev: the sandbox has not answered for') || exited(), 120_000);
      expect(output).toMatch(new RegExp(`sandbox:deploy dev: the sandbox has not answered for \\d+ s, so this run is waiting on it: moto \\(pid ${pid}, .*kill -CONT ${pid}`));
      // Reported after 10 s of silence, probed every 5 s (each probe at most 3 s): well under a minute.
      expect(Date.now() - stoppedAt).toBeLessThan(60_000);
    } finally {
      resumeAll();
    }
    const result = await deploy.done;
    expect(result.timedOut).toBe(false);
    expect(result.code).toBe(0);
    expect(output).toContain('sandbox:deploy dev: the sandbox answers again');
    expect(output).toMatch(/Apply complete!/);
  }, testBudget('deploy', 'synth'));

  test('credentials taken before a reset are refused by synth and the doctor, naming the fix (before: used, their keys now someone else\'s)', async () => {
    // Its own credentials file, not the one the first test wrote: each test stands on its own.
    const taken = await tool('sandbox -- credentials staging, before the reset', 'sandbox.ts', ['credentials', 'staging'], sandbox!.env);
    expect(taken.code).toBe(0);
    const file = join(sandboxPaths(sandbox!.env).runDir, 'credentials', 'staging.sh');
    const before = sourced(file);
    expect(before.SANDBOX_INSTANCE).toMatch(/^[0-9a-f-]{36}$/);
    const reset = await tool('sandbox -- reset', 'sandbox.ts', ['reset'], sandbox!.env);
    expect(reset.code).toBe(0);
    expect(readState(sandboxPaths(sandbox!.env).stateFile)!.instance).not.toBe(before.SANDBOX_INSTANCE);
    const env = { ...process.env, ...before, CDKTF_OUTDIR: join(scratch, 'stale-out') };
    const synth = await runStep('sandbox-health: synth with credentials from before the reset', process.execPath, typescriptNodeArgs('main.ts'), { cwd: PROJECT_DIR, env, kind: 'synth' });
    const doctor = await tool('doctor with credentials from before the reset', 'doctor.ts', ['staging'], env);
    for (const run of [synth, doctor]) {
      expect(run.code).not.toBe(0);
      expect(run.output).toContain(`the sandbox credentials in this shell (SANDBOX_INSTANCE=${before.SANDBOX_INSTANCE}) are from before the running sandbox`);
      expect(run.output).toContain('take fresh ones: `npm run sandbox -- credentials <environment>`');
      noTrace(run.output);
    }
    expect(existsSync(join(scratch, 'stale-out', 'stacks', 'staging', 'cdk.tf.json'))).toBe(false);
  }, testBudget('synth', 'synth', 'synth', 'synth'));

  test('SANDBOX=1 npx cdktf deploy without the credentials file fails naming the fix, never asking a metadata service (before: it reached for the EC2 metadata endpoint)', async () => {
    const env: NodeJS.ProcessEnv = { ...sandbox!.env, SANDBOX: '1', CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0', TF_VAR_app_api_token: 'x' };
    for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
    const result = await runStep('sandbox-health: SANDBOX=1 npx cdktf deploy staging without credentials', CDKTF_BIN, ['deploy', 'staging', '--auto-approve', '--skip-provider-lock', '--output', join(scratch, 'bare-out')], {
      cwd: PROJECT_DIR,
      env,
      kind: 'synth',
    });
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('SANDBOX: this shell has no sandbox credentials (no SANDBOX_INSTANCE)');
    expect(result.output).toContain('npm run sandbox -- credentials <environment>');
    expect(result.output).not.toMatch(/169\.254\.169\.254|IMDS|EC2 IMDS/);
  }, testBudget('synth'));
});
