export interface BootstrapStep {
  readonly name: string;
  readonly seconds: number;
  readonly skipped?: string;
}

/** Runs bootstrap's steps one at a time, timing each and reporting one line per step (✔, ✘ or –). */
export class StepReporter {
  readonly steps: BootstrapStep[] = [];

  /** The step running now, for messages (a signal names it). */
  current: string | undefined;

  /** `beforeStep` may refuse to start a step (bootstrap was interrupted): it throws. */
  constructor(
    private readonly say: (line: string) => void,
    private readonly beforeStep: (name: string) => void = () => undefined,
  ) {}

  async run<T>(name: string, work: () => Promise<T>, detail?: (value: T) => string): Promise<T> {
    this.beforeStep(name);
    const started = Date.now();
    this.current = name;
    // A start line too: a long step (phase 1 waits ~55 s on the lifecycle rule alone) is never silent.
    this.say(`bootstrap: … ${name}`);
    try {
      const value = await work();
      const seconds = (Date.now() - started) / 1000;
      this.steps.push({ name, seconds });
      this.say(`bootstrap: ✔ ${name}${detail ? `: ${detail(value)}` : ''} (${seconds.toFixed(1)} s)`);
      return value;
    } catch (error) {
      this.say(`bootstrap: ✘ ${name} failed after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      throw error;
    } finally {
      this.current = undefined;
    }
  }

  skip(name: string, why: string): void {
    this.steps.push({ name, seconds: 0, skipped: why });
    this.say(`bootstrap: – ${name}: skipped, ${why}`);
  }
}
