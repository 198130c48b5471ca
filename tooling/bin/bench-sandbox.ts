/**
 * `npm run bench:sandbox`: all four stacks deployed into a fresh sandbox from nothing, the way the
 * fastest honest route does it: bootstrap (tooling/bootstrap) and, as soon as the bucket, lock table and
 * key exist, staging and production in parallel (each with its own account's credentials); dev (local
 * state, no backend needed) from the start. The figure is from the first synth to the last apply;
 * starting the sandbox is timed separately. docs/performance.md explains why ~55 s of every stack with
 * an S3 lifecycle configuration is the AWS provider's own wait (waitLifecycleConfigEquals).
 *
 * Each run deploys twice, into one sandbox with IAM enforcement on (the default) and one with it off
 * (SANDBOX_IAM=off, which exists for this comparison only), alternating which goes first, so the
 * cost of enforcement is measured in the same run on the same machine.
 *
 * BENCH_RUNS (default 1) runs, one after the other. Needs terraform and its providers
 * (TF_CLI_CONFIG_FILE for an offline mirror), like every deploy. BENCH_MODE=requests measures
 * enforcement's per-request cost instead, without deploys (requestsMain below).
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CDKTF_BIN, outputTail, runCommand, type CommandResult } from '../toolkit/run-command';
import { runBootstrap } from '../bootstrap/run-bootstrap';
import { appDefinition } from '../../environments';
import { accountSession, resolveTarget, synthEnv } from '../sandbox/target';
import { readSynthesizedStack, secretVariables } from '../toolkit/synthesized-stacks';
import { ensureEmulator } from '../sandbox/emulator';
import { sandboxDown, sandboxIamStatus, sandboxUp } from '../sandbox/lifecycle';
import { PROJECT_DIR, sandboxPaths } from '../sandbox/paths';
import type { SandboxState } from '../sandbox/state-file';
import { prepareStateAccess } from '../bench/state-access-replay';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS must be a whole number >= 1, got "${process.env.BENCH_RUNS}"`);
const ACCOUNTS = { dev: '111111111111', staging: '222222222222', production: '333333333333' } as const;
const REGION = 'eu-west-1';
const log = (line: string) => process.stderr.write(`${line}\n`);
/** The shim's IAM status (the type comes through lifecycle: the bench never imports the shim or the evaluator). */
type IamStatus = Awaited<ReturnType<typeof sandboxIamStatus>>;

interface Timing {
  sandboxUp: number;
  backendReady: number;
  stacks: Record<string, number>;
  total: number;
  /** Enforcement's own bill: requests authorized, the time spent authorizing them, and its breakdown. */
  iam: { requests: number; authorizingMs: number; timing?: IamStatus['timing'] };
}

type Enforcement = 'on' | 'off';

/** A fresh sandbox of its own (enforcement on or off) for `work`, stopped and deleted afterwards. */
async function withSandbox<T>(iam: Enforcement, work: (sandbox: SandboxState, env: NodeJS.ProcessEnv, upSeconds: number) => Promise<T>): Promise<T> {
  const home = mkdtempSync(join(tmpdir(), 'bench-sandbox-'));
  const env: NodeJS.ProcessEnv = { ...process.env, SANDBOX_HOME: home, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0' };
  for (const name of ['SANDBOX', 'SANDBOX_ENDPOINT', 'STATE_BACKEND_MIGRATED', 'BACKEND_CONFIG_FILE', 'AWS_PROFILE', 'SANDBOX_IAM']) delete env[name];
  if (iam === 'off') env.SANDBOX_IAM = 'off';
  const shared = sandboxPaths({ ...process.env, SANDBOX_HOME: '' });
  ensureEmulator(shared, { ...process.env, SANDBOX_HOME: '' });
  symlinkSync(shared.emulatorDir, join(home, 'emulator'));
  const started = Date.now();
  const sandbox = await sandboxUp(env);
  try {
    return await work(sandbox, env, (Date.now() - started) / 1000);
  } finally {
    await sandboxDown(env);
    rmSync(home, { recursive: true, force: true });
  }
}

function oneRun(iam: Enforcement): Promise<Timing> {
  return withSandbox(iam, async (sandbox, env, upSeconds) => {
    let started = Date.now();
    const target = await resolveTarget({ sandbox: true }, env);
    const envsOut = join(env.SANDBOX_HOME!, 'run', 'environments.out');
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
    const total = seconds();
    const status = await sandboxIamStatus(sandbox);
    const requests = status.allowed + status.denied + status.unmapped.reduce((sum, entry) => sum + entry.count, 0);
    return { sandboxUp: upSeconds, backendReady, stacks, total, iam: { requests, authorizingMs: status.authorizingMs, timing: status.timing } };
  });
}

/** The shim's own per-request figures (tooling/sandbox/iam/timings.ts): percentiles, then where the time went. */
function timingLine(timing: NonNullable<IamStatus['timing']>): string {
  const { perRequest: r } = timing;
  return (
    `authorization per request (shim's counters, ${r.count} requests): median ${r.p50Ms.toFixed(2)} ms, p95 ${r.p95Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(1)} ms; ` +
    `${timing.evaluations} evaluator calls (${timing.evaluatorMs} ms), ${timing.decisionCacheHits} decision cache hits, ${timing.motoReads} policy reads from moto (${timing.motoReadMs} ms)`
  );
}

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/**
 * BENCH_MODE=requests: no deploys; the state access pattern of Terraform's S3 backend
 * (tooling/bench/state-access-replay.ts) replayed BENCH_CYCLES times (default 100, 7 requests each)
 * into two fresh sandboxes running side by side, one with enforcement on and one with it off, cycle
 * by cycle in alternating order: both see the same machine load at the same moment, which on a busy
 * 2-core machine matters more than anything the shim does. Every 25 cycles the role's policy is
 * rewritten in both (the shim re-reads it). A couple of minutes instead of a quarter of an hour.
 */
async function requestsMain(): Promise<void> {
  const cycles = Number(process.env.BENCH_CYCLES ?? 100);
  if (!Number.isInteger(cycles) || cycles < 1) throw new Error(`BENCH_CYCLES must be a whole number >= 1, got "${process.env.BENCH_CYCLES}"`);
  log(`bench:sandbox requests: ${RUNS} run(s) of ${cycles} cycles; ${cpus().length} CPUs, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  const roundTrips: Record<Enforcement, number[]> = { on: [], off: [] };
  const seconds: Record<Enforcement, number> = { on: 0, off: 0 };
  const shim: Array<IamStatus['timing']> = [];
  for (let run = 1; run <= RUNS; run++) {
    log(`run ${run}/${RUNS} (load average ${loadavg()[0].toFixed(2)})`);
    await withSandbox('on', (onSandbox) =>
      withSandbox('off', async (offSandbox) => {
        const replays = { on: await prepareStateAccess(onSandbox), off: await prepareStateAccess(offSandbox) };
        try {
          for (let cycle = 0; cycle < cycles; cycle++) {
            const order: Enforcement[] = (cycle + run) % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
            for (const iam of order) {
              if (cycle > 0 && cycle % 25 === 0) await replays[iam].rewritePolicy();
              const started = performance.now();
              roundTrips[iam].push(...(await replays[iam].cycle(cycle)));
              seconds[iam] += (performance.now() - started) / 1000;
            }
          }
        } finally {
          replays.on.close();
          replays.off.close();
        }
        shim.push((await sandboxIamStatus(onSandbox)).timing);
      }),
    );
  }
  const row = (label: string, on: number, off: number, unit: string) => `| ${label} | ${on.toFixed(2)} ${unit} | ${off.toFixed(2)} ${unit} | ${(((on - off) / off) * 100).toFixed(1)} % |`;
  const lines = [
    `| state access replay (${cycles * 7} requests per run and sandbox, ${RUNS} run(s)) | IAM enforcement on | off (SANDBOX_IAM=off) | on vs off |`,
    '|---|---|---|---|',
    row('round trip per request, median', percentile(roundTrips.on, 50), percentile(roundTrips.off, 50), 'ms'),
    row('round trip per request, p95', percentile(roundTrips.on, 95), percentile(roundTrips.off, 95), 'ms'),
    row('all cycles, summed', seconds.on, seconds.off, 's'),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const [run, timing] of shim.entries()) if (timing) log(`IAM enforcement, run ${run + 1}: ${timingLine(timing)}`);
  log(`load average after: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
}

async function main(): Promise<void> {
  if (process.env.BENCH_MODE === 'requests') return requestsMain();
  if (process.env.BENCH_MODE !== undefined && process.env.BENCH_MODE !== 'deploy') throw new Error(`BENCH_MODE must be deploy (the default) or requests, got "${process.env.BENCH_MODE}"`);
  log(`bench:sandbox: ${RUNS} run(s); ${cpus().length} CPUs, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
  const timings: Record<Enforcement, Timing[]> = { on: [], off: [] };
  for (let run = 1; run <= RUNS; run++) {
    const order: Enforcement[] = run % 2 === 1 ? ['on', 'off'] : ['off', 'on'];
    for (const iam of order) {
      log(`run ${run}/${RUNS}, IAM enforcement ${iam}`);
      timings[iam].push(await oneRun(iam));
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const cell = (values: number[]) => `${median(values).toFixed(1)} s (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
  const row = (label: string, pick: (timing: Timing) => number) => {
    const on = timings.on.map(pick);
    const off = timings.off.map(pick);
    return `| ${label} | ${cell(on)} | ${cell(off)} | ${(((median(on) - median(off)) / median(off)) * 100).toFixed(1)} % |`;
  };
  const lines = [
    '| sandbox (fresh, from nothing) | IAM enforcement on: median (range) | off (SANDBOX_IAM=off) | on vs off |',
    '|---|---|---|---|',
    row('`npm run sandbox -- up` (moto + shim)', (t) => t.sandboxUp),
    row('**all four stacks deployed** (bootstrap + staging, production, dev)', (t) => t.total),
    row('bootstrap (both phases, verified, local retired)', (t) => t.stacks['state-backend']),
    row('backend usable by the environments (bucket, table, key)', (t) => t.backendReady),
    ...['dev', 'staging', 'production'].map((stack) => row(`${stack} deployed (from the start)`, (t) => t.stacks[stack])),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const overhead = (median(timings.on.map((t) => t.total)) - median(timings.off.map((t) => t.total))) / median(timings.off.map((t) => t.total));
  log(`IAM enforcement: ${(overhead * 100).toFixed(1)} % on the total (budget: 10 %)${overhead > 0.1 ? ' — OVER BUDGET' : ''}`);
  for (const [run, timing] of timings.on.entries()) {
    const { requests, authorizingMs } = timing.iam;
    log(`IAM enforcement, run ${run + 1}: ${requests} requests authorized in ${(authorizingMs / 1000).toFixed(1)} s of shim time, ${(authorizingMs / Math.max(requests, 1)).toFixed(2)} ms per request`);
    if (timing.iam.timing) log(`  ${timingLine(timing.iam.timing)}`);
  }
  log(`load average after: ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);
}

main().catch((error: unknown) => {
  log(`bench:sandbox failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
