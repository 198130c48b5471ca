/**
 * Stopping processes the tooling started (or a killed run of it left): SIGTERM, a grace period in
 * which they may finish (terraform writes and releases its state), SIGKILL for those still there,
 * then a bounded wait until they are gone. One helper for the sandbox's supervisor, moto and marked
 * processes and bootstrap's leftovers, so each stops the same way.
 */
export interface TerminateOptions {
  /** How long the processes get after SIGTERM before SIGKILL. */
  readonly graceMs: number;
  /**
   * Whether `pid` is still the process meant (its marker or owner): a pid recycled by another
   * process is never signalled again. @default the pid exists
   */
  readonly alive?: (pid: number) => boolean;
  /** How long SIGKILLed processes may take to be gone (a busy machine) before giving up. @default 10000 */
  readonly killBoundMs?: number;
  /** Called with the pids still alive after the grace, just before they get SIGKILL. */
  readonly onKill?: (left: readonly number[]) => void;
  /** Called every `progressEveryMs` during the grace with the pids still alive and the time waited. */
  readonly onWaiting?: (left: readonly number[], waitedMs: number) => void;
  /** @default 5000 */
  readonly progressEveryMs?: number;
}

export interface TerminateResult {
  /** Pids that outlived the grace and were sent SIGKILL. */
  readonly killed: readonly number[];
  /** Pids still alive when the kill bound passed (normally none). */
  readonly left: readonly number[];
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    /* gone in between */
  }
}

const POLL_MS = 50;

/** Stops `pids` (only those `alive` says are still the ones meant): SIGTERM, `graceMs`, SIGKILL, wait until gone. */
export async function terminate(pids: readonly number[], options: TerminateOptions): Promise<TerminateResult> {
  const alive = options.alive ?? exists;
  const living = () => pids.filter((pid) => alive(pid));
  const targets = living();
  if (targets.length === 0) return { killed: [], left: [] };
  for (const pid of targets) signal(pid, 'SIGTERM');
  const started = Date.now();
  const everyMs = options.progressEveryMs ?? 5000;
  let nextReport = started + everyMs;
  let left = living();
  while (left.length > 0 && Date.now() - started <= options.graceMs) {
    if (options.onWaiting && Date.now() >= nextReport) {
      options.onWaiting(left, Date.now() - started);
      nextReport += everyMs;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    left = living();
  }
  if (left.length === 0) return { killed: [], left: [] };
  const killed = left;
  options.onKill?.(killed);
  for (const pid of killed) signal(pid, 'SIGKILL');
  const killBound = Date.now() + (options.killBoundMs ?? 10_000);
  while (left.length > 0 && Date.now() <= killBound) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    left = living();
  }
  return { killed, left };
}
