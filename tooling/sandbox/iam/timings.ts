/**
 * Enforcement's own stopwatch (docs/performance.md, "IAM enforcement's cost"): how long each request's
 * authorization took, and where the time went (the evaluator, policy reads from moto). Reported by the
 * shim's status endpoint, read by `npm run bench:sandbox`.
 */

/** The most recent per-request samples kept for percentiles (a fresh sandbox's deploys make ~1,000). */
const SAMPLES = 100_000;

export interface LatencySummary {
  /** Requests timed (since the sandbox started or was reset). */
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface TimingReport {
  /** Authorization time per request: mapping, policy reads, evaluations, the checks after moto's answer. */
  readonly perRequest: LatencySummary;
  /** Calls into the policy evaluator, and the time they took. */
  readonly evaluations: number;
  readonly evaluatorMs: number;
  /** Decisions answered from the decision cache instead of the evaluator. */
  readonly decisionCacheHits: number;
  /** HTTP reads of policies, keys, tables and encryption from moto, and the time they took. */
  readonly motoReads: number;
  readonly motoReadMs: number;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export class Timings {
  private readonly samples = new Float64Array(SAMPLES);
  private count = 0;
  private max = 0;
  evaluations = 0;
  evaluatorMs = 0;
  motoReads = 0;
  motoReadMs = 0;

  /** One request's authorization time. */
  record(ms: number): void {
    this.samples[this.count % SAMPLES] = ms;
    this.count += 1;
    this.max = Math.max(this.max, ms);
  }

  /** Times `work` as a moto read. */
  async motoRead<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.motoReads += 1;
      this.motoReadMs += performance.now() - started;
    }
  }

  /** Times `work` as an evaluator call. */
  async evaluation<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.evaluations += 1;
      this.evaluatorMs += performance.now() - started;
    }
  }

  /** `decisionCacheHits`: the decision cache's own count (decision-cache.ts). */
  report(decisionCacheHits: number): TimingReport {
    const kept = this.samples.slice(0, Math.min(this.count, SAMPLES)).sort();
    // Nearest-rank percentile.
    const percentile = (p: number) => (kept.length === 0 ? 0 : kept[Math.min(kept.length - 1, Math.ceil((p / 100) * kept.length) - 1)]);
    return {
      perRequest: { count: this.count, p50Ms: round(percentile(50)), p95Ms: round(percentile(95)), p99Ms: round(percentile(99)), maxMs: round(this.max) },
      evaluations: this.evaluations,
      evaluatorMs: Math.round(this.evaluatorMs),
      decisionCacheHits,
      motoReads: this.motoReads,
      motoReadMs: Math.round(this.motoReadMs),
    };
  }
}
