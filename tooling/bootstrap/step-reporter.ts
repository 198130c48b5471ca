export interface BootstrapStep {
  readonly name: string;
  readonly seconds: number;
  readonly skipped?: string;
}

/** Runs bootstrap's steps one at a time, timing each and reporting one line per step (✔, ✘ or –). */
export class StepReporter {
  readonly steps: BootstrapStep[] = [];

  constructor(private readonly say: (line: string) => void) {}

  async run<T>(name: string, work: () => Promise<T>, detail?: (value: T) => string): Promise<T> {
    const started = Date.now();
    try {
      const value = await work();
      const seconds = (Date.now() - started) / 1000;
      this.steps.push({ name, seconds });
      this.say(`bootstrap: ✔ ${name}${detail ? `: ${detail(value)}` : ''} (${seconds.toFixed(1)} s)`);
      return value;
    } catch (error) {
      this.say(`bootstrap: ✘ ${name} failed after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      throw error;
    }
  }

  skip(name: string, why: string): void {
    this.steps.push({ name, seconds: 0, skipped: why });
    this.say(`bootstrap: – ${name}: skipped, ${why}`);
  }
}
