import { sandboxHealth } from './lifecycle';
import type { SandboxState } from './state-file';

/** How often a long command probes the sandbox, and after how long without an answer it says so. */
export const WATCH_INTERVAL_MS = 5000;
export const REPORT_AFTER_MS = 10_000;
/** Repeats the report while the sandbox stays silent, so a log shows it is still the cause. */
const REPEAT_MS = 30_000;

/**
 * While a long command (a deploy) runs against the sandbox, probes moto and the shim every few
 * seconds (each probe bounded, lifecycle.ts `sandboxHealth`) and says, within REPORT_AFTER_MS of them
 * going silent, which one does not answer and how to resume it: before, a SIGSTOPped moto left a
 * deploy printing nothing for minutes while `sandbox status` said "running". Reports only; the
 * command keeps running (resuming moto lets it finish; the shim gives up on each request after
 * `UPSTREAM_TIMEOUT_MS`, and Terraform then fails naming moto). Returns the stop function: when a
 * silence was reported and no probe has seen the end of it yet (the command can finish within one
 * interval of the sandbox resuming), it probes once more, so the log never ends on "not answered"
 * while the sandbox answers.
 */
export function watchSandbox(state: SandboxState, what: string, say: (line: string) => void, options: { intervalMs?: number; reportAfterMs?: number } = {}): () => Promise<void> {
  const intervalMs = options.intervalMs ?? WATCH_INTERVAL_MS;
  const reportAfterMs = options.reportAfterMs ?? REPORT_AFTER_MS;
  let stopped = false;
  let silentSince: number | undefined;
  let reportedAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const seconds = (ms: number) => Math.round(ms / 1000);
  const answersAgain = (silentMs: number) => say(`${what}: the sandbox answers again (after ${seconds(silentMs)} s)`);
  const probe = async () => {
    const health = await sandboxHealth(state);
    if (stopped) return;
    const now = Date.now();
    if (health.ok) {
      if (reportedAt !== undefined && silentSince !== undefined) answersAgain(now - silentSince);
      silentSince = undefined;
      reportedAt = undefined;
    } else {
      silentSince ??= now;
      const due = reportedAt === undefined ? now - silentSince >= reportAfterMs : now - reportedAt >= REPEAT_MS;
      if (due) {
        say(`${what}: the sandbox has not answered for ${seconds(now - silentSince)} s, so this run is waiting on it: ${health.problems.join('; ')}`);
        reportedAt = now;
      }
    }
    timer = setTimeout(() => void probe(), intervalMs);
    timer.unref();
  };
  timer = setTimeout(() => void probe(), intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    if (reportedAt === undefined || silentSince === undefined) return;
    const health = await sandboxHealth(state);
    if (health.ok) answersAgain(Date.now() - silentSince);
  };
}
