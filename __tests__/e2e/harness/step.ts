import { outputTail, runCommand, type CommandResult } from '../../../tooling/toolkit/run-command';
import { progress } from './progress';

/**
 * Bounds for one step of a scenario, by kind. Generous on purpose: measured on 2 cores under load
 * average 16, a sandbox deploy took 210 s and a synth 45 s (docs/performance.md); a bound is there to
 * end a hung step with its name, never to fail a slow but progressing machine.
 */
export const STEP_TIMEOUT_MS = {
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

/** A step that ran past its bound: the message names the step and shows what it printed last. */
export class StepTimeoutError extends Error {
  constructor(readonly step: string, readonly timeoutMs: number, output: string) {
    super(`step "${step}" did not finish within ${timeoutMs / 1000} s (killed with its process group); its last output:\n${outputTail(output)}`);
    this.name = 'StepTimeoutError';
  }
}

/**
 * Runs one named step through the toolkit's process runner (own process group, killed by its pid at
 * the bound), prints one progress line, and throws StepTimeoutError when the bound is reached. Exit
 * codes are returned, not judged: scenarios assert them with the output at hand.
 */
export async function runStep(step: string, command: string, args: readonly string[], options: StepOptions): Promise<CommandResult> {
  const timeoutMs = STEP_TIMEOUT_MS[options.kind ?? 'deploy'];
  // No signal forwarding: a test runs many commands at once; each is ended through its own group.
  const result = await runCommand(command, args, { cwd: options.cwd, env: options.env, timeoutMs, forwardSignals: false });
  progress(`${step} (${result.seconds.toFixed(1)} s, ${result.timedOut ? `KILLED after ${timeoutMs / 1000} s` : `exit ${result.code}`})`);
  if (result.timedOut) throw new StepTimeoutError(step, timeoutMs, result.output);
  return result;
}

/** Fails with the step's own output when it did not exit with `code`. */
export function expectExit(result: CommandResult, code: number, step: string): void {
  if (result.code !== code) throw new Error(`${step}: expected exit ${code}, got ${result.code}\n${result.output.slice(-4000)}`);
}
