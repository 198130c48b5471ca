import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { terminate } from '../toolkit/terminate';

/**
 * Processes a killed bootstrap left running. Every command bootstrap starts (cdktf, terraform, the
 * provider) carries `BOOTSTRAP_STATE_FILE=<local state file>` in its environment and runs in its own
 * process group, so a SIGKILL of bootstrap leaves them running, still writing (and locking) the local
 * state. The next run holds the bootstrap lock, so any process carrying the marker is a leftover: it is
 * asked to stop (SIGTERM: terraform then writes and releases its state) before anything else runs.
 */
export const BOOTSTRAP_MARKER = 'BOOTSTRAP_STATE_FILE';

/** Whether `pid` carries the marker for `localStateFile` (false when gone or not ours to read). */
function carriesMarker(pid: number, localStateFile: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`${BOOTSTRAP_MARKER}=${localStateFile}`);
  } catch {
    return false;
  }
}

/** Pids (not this process) whose environment carries the marker for `localStateFile` (Linux /proc; elsewhere none). */
export function leftoverProcesses(localStateFile: string): number[] {
  if (!existsSync('/proc/self/environ')) return [];
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .map(Number)
    .filter((pid) => carriesMarker(pid, localStateFile));
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).map((part) => part.split('/').pop()).slice(0, 2).join(' ');
  } catch {
    return '?';
  }
}

/** Stops what a killed run left (SIGTERM, then SIGKILL after `graceMs`), saying what and waiting with progress. Returns how many there were. */
export async function stopLeftovers(localStateFile: string, say: (line: string) => void, graceMs = 60_000): Promise<number> {
  const pids = leftoverProcesses(localStateFile);
  if (pids.length === 0) return 0;
  say(
    `bootstrap: a killed run left ${pids.length} process(es) running (${pids.map((pid) => `${pid} ${commandOf(pid)}`).join(', ')}); ` +
      'asked them to stop (SIGTERM) so Terraform writes and releases the local state before this run uses it',
  );
  await terminate(pids, {
    graceMs,
    alive: (pid) => carriesMarker(pid, localStateFile),
    onWaiting: (left, waitedMs) => say(`bootstrap: waiting for the left processes to stop (${left.join(', ')}; ${Math.round(waitedMs / 1000)} s of at most ${graceMs / 1000} s)`),
    onKill: (left) => say(`bootstrap: ${left.length} of them did not stop within ${graceMs / 1000} s (${left.join(', ')}); killed them (SIGKILL)`),
  });
  return pids.length;
}
