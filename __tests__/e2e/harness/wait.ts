import { STEP_TIMEOUT_MS } from './step';

/**
 * Polls `probe` until it returns a value other than undefined/false, or fails naming `what` after
 * `timeoutMs` (by default a terraform step's bound: what a run reaches in a second on an idle
 * machine can take minutes on a busy one, and the wait must not be the thing that fails).
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number = STEP_TIMEOUT_MS.synth): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
