/**
 * `npm run bench:sandbox`: all four stacks deployed into a fresh sandbox from nothing, the way the
 * fastest honest route does it: bootstrap (tooling/bootstrap) and, as soon as the bucket, lock table and
 * key exist, staging and production in parallel (each with its own account's credentials); dev (local
 * state, no backend needed) from the start. The figure is from the first synth to the last apply;
 * starting the sandbox is timed separately. docs/performance.md explains why ~55 s of every stack with
 * an S3 lifecycle configuration is the AWS provider's own wait (waitLifecycleConfigEquals).
 *
 * BENCH_RUNS (default 1) fresh sandboxes, one after the other. Needs terraform and its providers
 * (TF_CLI_CONFIG_FILE for an offline mirror), like every deploy.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CDKTF_BIN, outputTail, runCommand, type CommandResult } from '../toolkit/run-command';
import { runBootstrap } from '../bootstrap/run-bootstrap';
import { appDefinition } from '../../environments';
import { accountSession, resolveTarget, synthEnv } from '../toolkit/account-session';
import { readSynthesizedStack, secretVariables } from '../toolkit/synthesized-stacks';
import { ensureEmulator } from '../sandbox/emulator';
import { sandboxDown, sandboxUp } from '../sandbox/lifecycle';
import { PROJECT_DIR, sandboxPaths } from '../sandbox/paths';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS must be a whole number >= 1, got "${process.env.BENCH_RUNS}"`);
const ACCOUNTS = { dev: '111111111111', staging: '222222222222', production: '333333333333' } as const;
const REGION = 'eu-west-1';
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Timing {
  sandboxUp: number;
  backendReady: number;
  stacks: Record<string, number>;
  total: number;
}

async function oneRun(): Promise<Timing> {
  const home = mkdtempSync(join(tmpdir(), 'bench-sandbox-'));
  const env: NodeJS.ProcessEnv = { ...process.env, SANDBOX_HOME: home, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0' };
  for (const name of ['SANDBOX', 'SANDBOX_ENDPOINT', 'STATE_BACKEND_MIGRATED', 'BACKEND_CONFIG_FILE', 'AWS_PROFILE']) delete env[name];
  const shared = sandboxPaths({ ...process.env, SANDBOX_HOME: '' });
  ensureEmulator(shared, { ...process.env, SANDBOX_HOME: '' });
  symlinkSync(shared.emulatorDir, join(home, 'emulator'));
  let started = Date.now();
  await sandboxUp(env);
  const upSeconds = (Date.now() - started) / 1000;
  try {
    const target = await resolveTarget({ sandbox: true }, env);
    const envsOut = join(home, 'run', 'environments.out');
    const sessions = {
      dev: await accountSession(target, ACCOUNTS.dev, REGION, env, 'dev'),
      staging: await accountSession(target, ACCOUNTS.staging, REGION, env, 'staging'),
      production: await accountSession(target, ACCOUNTS.production, REGION, env, 'production'),
    };
    const seconds = () => (Date.now() - started) / 1000;
    const stacks: Record<string, number> = {};
    const deploy = (stack: keyof typeof sessions) =>
      runCommand(CDKTF_BIN, ['deploy', stack, '--auto-approve', '--skip-synth', '--skip-provider-lock', '--output', envsOut], {
        cwd: PROJECT_DIR,
        // The stack's own sensitive variables, as synthesized (whatever the workload declares).
        env: { ...sessions[stack].env, ...secretVariables(readSynthesizedStack(stack, join(envsOut, 'stacks', stack)), {}, `bench-${stack}-token`) },
        timeoutMs: 600_000,
      }).then((result) => finished(stack, result));
    const finished = (stack: string, result: CommandResult) => {
      if (result.code !== 0) throw new Error(`cdktf deploy ${stack} failed (exit ${result.code}):\n${outputTail(result.output)}`);
      stacks[stack] = seconds();
      log(`  ${stack} deployed at ${stacks[stack].toFixed(1)} s`);
      return result;
    };

    started = Date.now();
    // The environments' stacks are synthesized once, alongside bootstrap's own synth.
    const synth = runCommand(CDKTF_BIN, ['synth', '--output', envsOut], { cwd: PROJECT_DIR, env: synthEnv(target, env), timeoutMs: 300_000 }).then((result) => {
      if (result.code !== 0) throw new Error(`cdktf synth failed:\n${outputTail(result.output)}`);
    });
    const dev = synth.then(() => deploy('dev'));
    // Failures are reported by the Promise.all below, once bootstrap is done; left unhandled until
    // then, a rejection would end the process before `finally` stops the sandbox.
    const handled = <T>(promise: Promise<T>) => (promise.catch(() => undefined), promise);
    handled(dev);
    let backendReady = 0;
    const environments: Array<Promise<CommandResult>> = [];
    await runBootstrap({
      appDefinition,
      sandbox: true,
      env,
      say: (line) => log(`  ${line}`),
      onBackendReady: () => {
        backendReady = seconds();
        log(`  backend ready at ${backendReady.toFixed(1)} s: staging and production start`);
        environments.push(handled(synth.then(() => deploy('staging'))), handled(synth.then(() => deploy('production'))));
      },
    });
    stacks['state-backend'] = seconds();
    await Promise.all([dev, ...environments]);
    return { sandboxUp: upSeconds, backendReady, stacks, total: seconds() };
  } finally {
    await sandboxDown(env);
    rmSync(home, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  log(`bench:sandbox: ${RUNS} run(s); ${cpus().length} CPUs, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  const timings: Timing[] = [];
  for (let run = 1; run <= RUNS; run++) {
    log(`run ${run}/${RUNS}`);
    timings.push(await oneRun());
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const row = (label: string, values: number[]) => `| ${label} | ${median(values).toFixed(1)} s | ${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)} s |`;
  const lines = [
    '| sandbox (fresh, from nothing) | median | range |',
    '|---|---|---|',
    row('`npm run sandbox -- up` (moto + shim)', timings.map((t) => t.sandboxUp)),
    row('**all four stacks deployed** (bootstrap + staging, production, dev)', timings.map((t) => t.total)),
    row('bootstrap (both phases, verified, local retired)', timings.map((t) => t.stacks['state-backend'])),
    row('backend usable by the environments (bucket, table, key)', timings.map((t) => t.backendReady)),
    ...['dev', 'staging', 'production'].map((stack) => row(`${stack} deployed (from the start)`, timings.map((t) => t.stacks[stack]))),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  log(`load average after: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
}

main().catch((error: unknown) => {
  log(`bench:sandbox failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
