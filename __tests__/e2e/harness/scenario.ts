/** What became of one step: done, failed (with its error), or never finished. */
type StepRecord = { readonly state: 'done' } | { readonly state: 'failed'; readonly error: unknown };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The steps of a scenario whose tests share work (one deploy read by several tests). A step that
 * fails is recorded; a test that depends on it calls `requires(step)` first and reports
 * "not run because <step> failed: <its error>", so one failure reads as one failure instead of
 * undefined-property reads or unrelated 404s in every test after it.
 */
export class Scenario {
  private readonly steps = new Map<string, StepRecord>();

  /** Runs `action` as the step `name`, recording whether it completed. */
  async step<T>(name: string, action: () => Promise<T>): Promise<T> {
    try {
      const value = await action();
      this.steps.set(name, { state: 'done' });
      return value;
    } catch (error) {
      this.steps.set(name, { state: 'failed', error });
      throw error;
    }
  }

  private readonly started = new Map<string, Promise<unknown>>();

  /**
   * Starts the step `name` once every step it `after` has settled, and returns its promise; later
   * calls return the same promise, so chains of steps run side by side while each test awaits its
   * own. A step `after` names that failed (or was never started) makes this one fail with
   * "not run because …" without running. Never an unhandled rejection: the test awaiting it reports.
   */
  start<T>(name: string, after: readonly string[], action: () => Promise<T>): Promise<T> {
    const running = this.started.get(name);
    if (running) return running as Promise<T>;
    const promise = Promise.allSettled(after.map((dependency) => this.started.get(dependency))).then(() => {
      this.requires(...after);
      return this.step(name, action);
    });
    promise.catch(() => undefined);
    this.started.set(name, promise);
    return promise;
  }

  /** Throws, naming the first of `names` that failed or never completed. */
  requires(...names: string[]): void {
    for (const name of names) {
      const record = this.steps.get(name);
      if (!record) throw new Error(`not run because ${name} did not complete (it was never run, or is still running)`);
      if (record.state === 'failed') throw new Error(`not run because ${name} failed: ${messageOf(record.error)}`);
    }
  }
}
