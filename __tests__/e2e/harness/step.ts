import type { ChildProcess } from 'node:child_process';
import { outputTail, startCommand } from '../../../tooling/toolkit/run-command';
import { progress } from './progress';

/**
 * Bounds for one step of a scenario, by kind. Generous on purpose: measured on 2 cores under load
 * average 16, a sandbox deploy took 210 s and a synth 45 s (docs/performance.md); a bound is there to
 * end a hung step with its name, never to fail a slow but progressing machine.
 */
export const STEP_TIMEOUT_MS = {
  /** `sandbox up` in-process (startTestSandbox): its own bound is 300 s (tooling/sandbox/lifecycle.ts). */
  sandbox: 360_000,
  /** cdktf synth, terraform init / state commands. */
  synth: 300_000,
  /** terraform plan (refreshes every resource). */
  plan: 300_000,
  /** cdktf deploy / destroy, terraform apply, a workflow run: each lifecycle configuration alone waits 55 s. */
  deploy: 600_000,
  /** A whole workflow that deploys and destroys, or bootstrap's two phases. */
  workflow: 900_000,
} as const;
export type StepKind = keyof typeof STEP_TIMEOUT_MS;

/**
 * Jest's limit for a test that runs `steps` in sequence: their bounds summed, plus a margin, so a step
 * always fails first, with its own name, and jest's limit is never a race over the scenario.
 */
export function testBudget(...steps: StepKind[]): number {
  return steps.reduce((sum, kind) => sum + STEP_TIMEOUT_MS[kind], 0) + 120_000;
}

export interface StepOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** @default 'deploy' */
  readonly kind?: StepKind;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for matching error messages wherever the command printed them. */
  readonly output: string;
  readonly seconds: number;
}

/** A step still running (a test where one run holds a lock while another tries), and its result. */
export interface RunningStep {
  readonly process: ChildProcess;
  readonly done: Promise<RunResult>;
}

/** A step that ran past its bound: the message names the step and shows what it printed last. */
export class StepTimeoutError extends Error {
  constructor(readonly step: string, readonly timeoutMs: number, output: string) {
    super(`step "${step}" did not finish within ${timeoutMs / 1000} s (killed with its process group); its last output:\n${outputTail(output)}`);
    this.name = 'StepTimeoutError';
  }
}

/**
 * Starts one named step through the toolkit's process runner (own process group, so the bound also
 * kills the providers and provisioners it started), prints one progress line when it ends, and
 * rejects with StepTimeoutError at the bound. Exit codes are returned, not judged: scenarios assert
 * them with the output at hand.
 */
export function startStep(name: string, command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): RunningStep {
  const { timeoutMs } = options;
  // No signal forwarding: a test runs many commands at once; each is ended through its own group.
  const running = startCommand(command, args, { cwd: options.cwd, env: options.env, timeoutMs, forwardSignals: false });
  const done = running.done.then(({ code, stdout, stderr, output, timedOut, seconds }) => {
    progress(`${name} (${seconds.toFixed(1)}s, ${timedOut ? `KILLED after ${timeoutMs / 1000} s` : `exit ${code}`})`);
    if (timedOut) throw new StepTimeoutError(name, timeoutMs, output);
    return { code, stdout, stderr, output: `${stdout}\n${stderr}`, seconds };
  });
  return { process: running.process, done };
}

/** Runs one named step to its end with the bound of its kind (startStep). */
export function runStep(name: string, command: string, args: readonly string[], options: StepOptions): Promise<RunResult> {
  return startStep(name, command, args, { cwd: options.cwd, env: options.env, timeoutMs: STEP_TIMEOUT_MS[options.kind ?? 'deploy'] }).done;
}

/**
 * What a failed step printed, cause first: every error block (a line with "Error:" and the lines
 * after it, as Terraform, cdktf and the tooling print them), then the last lines. A tail alone can end
 * in progress lines that another stream interleaved after the error.
 */
export function failureDigest(output: string, tailChars = 3000): string {
  const lines = output.split('\n');
  const errors: string[] = [];
  for (let i = 0; i < lines.length && errors.length < 60; i++) {
    if (!/\bError:|\berror:/.test(lines[i])) continue;
    errors.push(...lines.slice(i, i + 8));
    i += 7;
  }
  const tail = output.slice(-tailChars);
  return errors.length > 0 ? `errors:\n${errors.join('\n')}\nlast output:\n${tail}` : tail;
}

/** Fails with the step's own output (errors first) when it did not exit with `code`. */
export function expectExit(result: Pick<RunResult, 'code' | 'output'>, code: number, step: string): void {
  if (result.code !== code) throw new Error(`${step}: expected exit ${code}, got ${result.code}\n${failureDigest(result.output)}`);
}
