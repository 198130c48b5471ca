import { carriesMarker, commandOf, markedProcesses, runsProgram, TERRAFORM_PROGRAMS } from '../toolkit/marked-processes';
import { terminate } from '../toolkit/terminate';

/**
 * Processes a killed bootstrap left running. Every command bootstrap starts (the app's synth, terraform,
 * the provider) carries `BOOTSTRAP_STATE_FILE=<local state file>` in its environment and runs in its own
 * process group, so a SIGKILL of bootstrap leaves them running, still writing (and locking) the local
 * state. The next run holds the bootstrap lock, so any process carrying the marker is a leftover: it is
 * asked to stop (SIGTERM: terraform then writes and releases its state) before anything else runs.
 */
export const BOOTSTRAP_MARKER = 'BOOTSTRAP_STATE_FILE';

/** Pids (not this process) whose environment carries the marker for `localStateFile`. */
export function leftoverProcesses(localStateFile: string): number[] {
  return markedProcesses(BOOTSTRAP_MARKER, localStateFile);
}

/** Stops what a killed run left (SIGTERM, then SIGKILL after `graceMs`), saying what and waiting with progress. Returns how many there were. */
export async function stopLeftovers(localStateFile: string, say: (line: string) => void, graceMs = 60_000): Promise<number> {
  const pids = leftoverProcesses(localStateFile);
  if (pids.length === 0) return 0;
  say(
    `bootstrap: a killed run left ${pids.length} process(es) running (${pids.map((pid) => `${pid} ${commandOf(pid)}`).join(', ')}); ` +
      'asked them to stop (SIGTERM) so Terraform writes and releases the local state before this run uses it',
  );
  const options = {
    graceMs,
    alive: (pid: number) => carriesMarker(pid, BOOTSTRAP_MARKER, localStateFile),
    onWaiting: (left: readonly number[], waitedMs: number) => say(`bootstrap: waiting for the left processes to stop (${left.join(', ')}; ${Math.round(waitedMs / 1000)} s of at most ${graceMs / 1000} s)`),
    onKill: (left: readonly number[]) => say(`bootstrap: ${left.length} of them did not stop within ${graceMs / 1000} s (${left.join(', ')}); killed them (SIGKILL)`),
  };
  // Terraform first, on its own: a parent signalled with it may pass the interrupt on (cdktf, which
  // earlier versions of bootstrap ran, types Ctrl-C into Terraform's pty), and a second interrupt
  // makes Terraform exit at once without writing its state.
  const terraform = pids.filter((pid) => runsProgram(pid, TERRAFORM_PROGRAMS));
  if (terraform.length > 0) await terminate(terraform, options);
  await terminate(
    pids.filter((pid) => !terraform.includes(pid)),
    options,
  );
  return pids.length;
}
