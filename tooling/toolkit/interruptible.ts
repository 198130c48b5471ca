import { markedProcesses, runsProgram, TERRAFORM_PROGRAMS } from './marked-processes';
import { startCommand, type CommandOptions, type CommandResult } from './run-command';

export interface InterruptibleOptions extends Omit<CommandOptions, 'forwardSignals'> {
  /** How long, after the first signal, the command may take to stop (Terraform writing its state and releasing its lock). */
  readonly graceMs: number;
  /** Progress and what happened, one line each (stderr). */
  readonly say: (line: string) => void;
  /** What the command does, for the lines: "cdktf deploy staging". */
  readonly label: string;
}

export interface InterruptibleResult extends CommandResult {
  /** The first SIGINT/SIGTERM this process received while the command ran, if any. */
  readonly interrupted?: NodeJS.Signals;
  /** The command did not stop within `graceMs` of the signal and was killed (SIGKILL to its group). */
  readonly killedAfterGrace: boolean;
}

/** Marks every process a run starts (inherited by Terraform in cdktf's pty), so the run's Terraform can be found. */
const RUN_MARKER = 'TOOLING_INTERRUPTIBLE_RUN';
let runs = 0;

/**
 * Runs a command that must be allowed to end cleanly (cdktf deploy, terraform apply): in its own
 * process group, so a signal to this process (SIGTERM to npm's wrapper, which passes it on, or to the
 * node process) never leaves it running detached. The first SIGINT or SIGTERM becomes one SIGINT
 * (what Terraform answers by stopping after the current operations, writing its state and releasing
 * its lock) to the run's Terraform itself, found by a marker in its environment: under `cdktf deploy`
 * Terraform runs in a pty of its own, and cdktf, given the signal, types Ctrl-C into that pty and
 * exits at once, and the pty's hangup then kills Terraform before it has written its state (measured:
 * an empty local state, 0.4 s after the signal). With no Terraform running yet, the group gets the
 * SIGINT. Further signals only say that it is still waiting. After `graceMs` the group and the run's
 * Terraform are killed. The caller says what to run next.
 */
export async function runInterruptible(command: string, args: readonly string[], options: InterruptibleOptions): Promise<InterruptibleResult> {
  const { graceMs, say, label } = options;
  const marker = `${process.pid}-${++runs}-${Date.now()}`;
  const running = startCommand(command, args, { ...options, env: { ...options.env, [RUN_MARKER]: marker }, forwardSignals: false });
  let interrupted: NodeJS.Signals | undefined;
  let killedAfterGrace = false;
  let grace: NodeJS.Timeout | undefined;
  const signalPid = (pid: number, signal: NodeJS.Signals) => {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  };
  const group = (signal: NodeJS.Signals) => signalPid(-running.process.pid!, signal);
  const terraform = () => markedProcesses(RUN_MARKER, marker).filter((pid) => runsProgram(pid, TERRAFORM_PROGRAMS));
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      say(`${signal} again: ${label} was already asked to stop; still waiting for it (killed ${Math.round(graceMs / 1000)} s after the first signal at the latest)`);
      return;
    }
    interrupted = signal;
    const pids = terraform();
    say(
      `${signal}: asked ${label} to stop (SIGINT, once, to ${pids.length > 0 ? `its terraform, pid ${pids.join(', ')}` : 'it'}, as Ctrl-C in Terraform's terminal does); ` +
        `waiting up to ${Math.round(graceMs / 1000)} s for Terraform to write its state and release its lock`,
    );
    if (pids.length > 0) for (const pid of pids) signalPid(pid, 'SIGINT');
    else group('SIGINT');
    grace = setTimeout(() => {
      killedAfterGrace = true;
      say(`${label} did not stop within ${Math.round(graceMs / 1000)} s of ${signal}: killing it (SIGKILL to its process group and its terraform)`);
      for (const pid of terraform()) signalPid(pid, 'SIGKILL');
      group('SIGKILL');
    }, graceMs);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await running.done;
    return { ...result, interrupted, killedAfterGrace };
  } finally {
    if (grace) clearTimeout(grace);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The exit code of a command line ended by `signal` (128 + its number), as shells report it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1;
}
