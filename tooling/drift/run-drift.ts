import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeOrThrow } from '../toolkit/app-synth';
import { outputTail, runCommand } from '../toolkit/run-command';
import { terraformBinary } from '../toolkit/terraform-binary';
import { BootstrapError } from '../toolkit/errors';
import { accountSession, resolveTarget, synthEnv, type Target } from '../sandbox/target';
import { manifestStacks, readSynthesizedStack, secretVariables, type ManifestStack } from '../toolkit/synthesized-stacks';
import { driftOf, resourcesInPulledState, type DriftedResource } from './drift-events';
import { endpointFor } from '../toolkit/aws-clients';
import { waitWithProgress, withHeartbeat } from '../toolkit/wait-progress';

/** The bound on getting one account's session (an STS request or two): far above a healthy answer. */
export const SESSION_BOUND_MS = 30_000;

/** Where a stack's requests go, for messages: the sandbox, an endpoint override, or AWS. */
function endpointOf(target: Target, env: NodeJS.ProcessEnv): string {
  if (target.kind === 'sandbox') return `the sandbox ${target.state.endpoint}`;
  const sts = endpointFor('STS', env);
  return sts ?? 'AWS STS';
}

function unansweredFix(target: Target): string {
  return target.kind === 'sandbox'
    ? 'Check the sandbox: `npm run sandbox -- status`; a stopped emulator (kill -STOP) resumes with kill -CONT <pid>, else `npm run sandbox -- down` and `up`'
    : 'Check network access and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS';
}

export type StackDrift =
  | { readonly stack: string; readonly status: 'clean' }
  | { readonly stack: string; readonly status: 'drifted'; readonly resources: readonly DriftedResource[] }
  | { readonly stack: string; readonly status: 'no-state'; readonly reason: string }
  | { readonly stack: string; readonly status: 'error'; readonly message: string };

export interface DriftOptions {
  readonly sandbox: boolean;
  /** Stacks to check (names in the synthesized manifest); default: every stack whose state is remote, plus local ones whose state file exists. */
  readonly stacks?: readonly string[];
  readonly outDir?: string;
  /** Use what is already synthesized in outDir. */
  readonly skipSynth?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly say?: (line: string) => void;
  /**
   * Per terraform call: a hung endpoint ends the run, named, instead of holding it. @default 10 minutes
   * (5 minutes stopped the state-backend's refresh-only plan, 47 resources, at a load average of 50-60)
   */
  readonly timeoutMs?: number;
}

/**
 * Out-of-band changes in every deployed stack: a refresh-only plan (no lock taken, nothing written)
 * per stack, each in its own account's credentials; the resources Terraform reports as drifted.
 */
export async function runDrift(options: DriftOptions): Promise<StackDrift[]> {
  const env = options.env ?? process.env;
  const say = options.say ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 600_000;
  const target: Target = await resolveTarget({ sandbox: options.sandbox, outDir: options.outDir, say }, env);
  if (!options.skipSynth) {
    const started = Date.now();
    await synthesizeOrThrow(target.outDir, { env: synthEnv(target, env), timeoutMs });
    say(`drift: synthesized into ${target.outDir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  // The stacks as synthesized: every one the app has, ci-* included.
  const all = manifestStacks(target.outDir);
  const unknown = (options.stacks ?? []).filter((name) => !all.some((stack) => stack.name === name));
  if (unknown.length > 0) throw new BootstrapError(`unknown stack ${unknown.map((n) => `"${n}"`).join(', ')}: choose from ${all.map((s) => s.name).join(', ')}`);
  const selected = options.stacks && options.stacks.length > 0 ? all.filter((stack) => options.stacks!.includes(stack.name)) : all;

  const check = async ({ name, directory: stackDir }: ManifestStack): Promise<StackDrift> => {
    const started = Date.now();
    if (!existsSync(join(stackDir, 'cdk.tf.json'))) {
      say(`drift: ${name}: could not check: ${stackDir} has no cdk.tf.json; synthesize first (drop --skip-synth)`);
      return { stack: name, status: 'error', message: `${stackDir} has no cdk.tf.json` };
    }
    const stack = readSynthesizedStack(name, stackDir);
    if (stack.localStateFile !== undefined && !existsSync(stack.localStateFile)) {
      return { stack: stack.name, status: 'no-state', reason: `local state, and ${stack.localStateFile} does not exist (not deployed from ${target.outDir})` };
    }
    let session;
    const endpoint = endpointOf(target, env);
    try {
      session = await waitWithProgress(
        { what: `${stack.name}'s credentials (account ${stack.accountId})`, endpoint, timeoutMs: SESSION_BOUND_MS, say: (line) => say(`drift: ${stack.name}: ${line}`), fix: unansweredFix(target) },
        () => accountSession(target, stack.accountId, stack.region, env, stack.name),
      );
    } catch (error) {
      say(`drift: ${stack.name}: could not check: ${(error as Error).message}`);
      return { stack: stack.name, status: 'error', message: (error as Error).message };
    }
    // A refresh-only plan never compares configuration, so the secrets' values do not matter here.
    const runEnv = { ...session.env, TF_INPUT: '0', ...secretVariables(stack, env, 'not-needed-for-refresh-only') };
    // Each terraform call says every 10 s that it still runs, and a call killed at its bound names where it was waiting.
    const terraform = async (args: string[]) => {
      const result = await withHeartbeat(
        runCommand(terraformBinary(env), args, { cwd: stackDir, env: runEnv, timeoutMs }),
        () => `drift: ${stack.name}: terraform ${args[0] === 'state' ? args.slice(0, 2).join(' ') : args[0]} (requests to ${endpoint})`,
        say,
      );
      if (!result.timedOut) return result;
      return { ...result, output: `${result.output}\nterraform ${args[0]} did not finish within ${timeoutMs / 1000} s waiting on ${endpoint}: ${unansweredFix(target)}` };
    };
    const init = await terraform(['init', '-input=false', '-reconfigure', '-no-color']);
    if (init.code !== 0) {
      const message = `terraform init failed (exit ${init.code}):\n${outputTail(init.output, 10)}`;
      say(`drift: ${stack.name}: could not check: ${message}`);
      return { stack: stack.name, status: 'error', message };
    }
    // A stack never deployed (ci-* until their first CI run) has nothing to compare: `state pull`
    // says so without starting a provider, where a plan would start it three times and show once more.
    // Its output is the state (secrets too): only counted, never shown.
    const pulled = await terraform(['state', 'pull']);
    if (pulled.timedOut) {
      const message = `terraform state pull did not finish within ${timeoutMs / 1000} s waiting on ${endpoint}: ${unansweredFix(target)}`;
      say(`drift: ${stack.name}: could not check: ${message}`);
      return { stack: stack.name, status: 'error', message };
    }
    if (pulled.code === 0 && resourcesInPulledState(pulled.stdout) === 0) {
      return { stack: stack.name, status: 'no-state', reason: 'its state holds no resources (not deployed; nothing to plan)' };
    }
    // The saved plan holds state values (a secret too): a private directory, removed whatever happens.
    const planDir = mkdtempSync(join(tmpdir(), 'drift-'));
    try {
      const planFile = join(planDir, 'refresh.tfplan');
      const plan = await terraform(['plan', '-refresh-only', '-lock=false', '-input=false', '-no-color', `-out=${planFile}`]);
      const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
      if (plan.code !== 0) {
        const message = outputTail(plan.output, 10);
        say(`drift: ${stack.name}: could not check (${seconds()} s): ${message}`);
        return { stack: stack.name, status: 'error', message };
      }
      const show = await runCommand(terraformBinary(env), ['show', '-json', planFile], { cwd: stackDir, env: runEnv, timeoutMs });
      if (show.code !== 0) {
        say(`drift: ${stack.name}: could not check: terraform show failed (exit ${show.code})`);
        return { stack: stack.name, status: 'error', message: `terraform show failed (exit ${show.code})` };
      }
      const report = driftOf(show.output.slice(show.output.indexOf('{')));
      if (report.empty) return { stack: stack.name, status: 'no-state', reason: 'its state holds no resources (not deployed)' };
      if (report.drifted.length === 0) {
        say(`drift: ${stack.name}: no drift (${seconds()} s)`);
        return { stack: stack.name, status: 'clean' };
      }
      say(`drift: ${stack.name}: DRIFTED: ${report.drifted.map((r) => `${r.address} (${r.action}${r.attributes.length ? `: ${r.attributes.join(', ')}` : ''})`).join('; ')} (${seconds()} s)`);
      return { stack: stack.name, status: 'drifted', resources: report.drifted };
    } finally {
      rmSync(planDir, { recursive: true, force: true });
    }
  };

  // Two at a time: each plan runs a provider process, and this machine class has two cores.
  const results: StackDrift[] = new Array(selected.length);
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < selected.length) {
        const index = next++;
        results[index] = await check(selected[index]);
      }
    }),
  );
  for (const result of results) if (result.status === 'no-state') say(`drift: ${result.stack}: skipped, ${result.reason}`);
  return results;
}
