import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * Processes a killed bootstrap left running. Every command bootstrap starts (cdktf, terraform, the
 * provider) carries `BOOTSTRAP_STATE_FILE=<local state file>` in its environment and runs in its own
 * process group, so a SIGKILL of bootstrap leaves them running, still writing (and locking) the local
 * state. The next run holds the bootstrap lock, so any process carrying the marker is a leftover: it is
 * asked to stop (SIGTERM: terraform then writes and releases its state) before anything else runs.
 */
export const BOOTSTRAP_MARKER = 'BOOTSTRAP_STATE_FILE';

/** Pids (not this process) whose environment carries the marker for `localStateFile` (Linux /proc; elsewhere none). */
export function leftoverProcesses(localStateFile: string): number[] {
  if (!existsSync('/proc/self/environ')) return [];
  const entry = `${BOOTSTRAP_MARKER}=${localStateFile}`;
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(entry)) found.push(Number(name));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).map((part) => part.split('/').pop()).slice(0, 2).join(' ');
  } catch {
    return '?';
  }
}

const signal = (pid: number, name: NodeJS.Signals) => {
  try {
    process.kill(pid, name);
  } catch {
    /* gone */
  }
};

/** Stops what a killed run left (SIGTERM, then SIGKILL after `graceMs`), saying what and waiting with progress. Returns how many there were. */
export async function stopLeftovers(localStateFile: string, say: (line: string) => void, graceMs = 60_000): Promise<number> {
  const pids = leftoverProcesses(localStateFile);
  if (pids.length === 0) return 0;
  say(
    `bootstrap: a killed run left ${pids.length} process(es) running (${pids.map((pid) => `${pid} ${commandOf(pid)}`).join(', ')}); ` +
      'asked them to stop (SIGTERM) so Terraform writes and releases the local state before this run uses it',
  );
  for (const pid of pids) signal(pid, 'SIGTERM');
  const started = Date.now();
  let reported = started;
  while (leftoverProcesses(localStateFile).length > 0) {
    if (Date.now() - started > graceMs) {
      const left = leftoverProcesses(localStateFile);
      say(`bootstrap: ${left.length} of them did not stop within ${graceMs / 1000} s (${left.join(', ')}); killed them (SIGKILL)`);
      for (const pid of left) signal(pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 500));
      break;
    }
    if (Date.now() - reported >= 5000) {
      reported = Date.now();
      say(`bootstrap: waiting for the left processes to stop (${leftoverProcesses(localStateFile).join(', ')}; ${Math.round((reported - started) / 1000)} s of at most ${graceMs / 1000} s)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return pids.length;
}
