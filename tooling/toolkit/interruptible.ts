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

/**
 * Runs a command that must be allowed to end cleanly (cdktf deploy, terraform apply): in its own
 * process group, so a signal to this process (SIGTERM to npm's wrapper, which passes it on, or to the
 * node process) never leaves it running detached. The first SIGINT or SIGTERM is passed to the
 * group once, as SIGINT (what Ctrl-C sends, and what Terraform answers by stopping after the current
 * operations, writing its state and releasing its lock); further signals only say that it is still
 * waiting. After `graceMs` the group is killed. The caller says what to run next.
 */
export async function runInterruptible(command: string, args: readonly string[], options: InterruptibleOptions): Promise<InterruptibleResult> {
  const { graceMs, say, label } = options;
  const running = startCommand(command, args, { ...options, forwardSignals: false });
  let interrupted: NodeJS.Signals | undefined;
  let killedAfterGrace = false;
  let grace: NodeJS.Timeout | undefined;
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-running.process.pid!, signal);
    } catch {
      /* already gone */
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      say(`${signal} again: ${label} was already asked to stop; still waiting for it (killed ${Math.round(graceMs / 1000)} s after the first signal at the latest)`);
      return;
    }
    interrupted = signal;
    say(`${signal}: asked ${label} to stop (SIGINT to it and its terraform, once, as Ctrl-C does); waiting up to ${Math.round(graceMs / 1000)} s for Terraform to write its state and release its lock`);
    group('SIGINT');
    grace = setTimeout(() => {
      killedAfterGrace = true;
      say(`${label} did not stop within ${Math.round(graceMs / 1000)} s of ${signal}: killing it (SIGKILL to its process group)`);
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
