import { Timings } from '../../tooling/sandbox/iam/timings';

describe('enforcement\'s stopwatch', () => {
  it('reports nearest-rank percentiles of the per-request times, and the evaluator\'s and moto\'s share', async () => {
    const timings = new Timings();
    for (let ms = 1; ms <= 100; ms++) timings.record(ms);
    await timings.evaluation(async () => undefined);
    await timings.motoRead(async () => undefined);
    await expect(timings.motoRead(async () => Promise.reject(new Error('moto down')))).rejects.toThrow('moto down');
    const report = timings.report(7);
    expect(report.perRequest).toEqual({ count: 100, p50Ms: 50, p95Ms: 95, p99Ms: 99, maxMs: 100 });
    expect([report.evaluations, report.motoReads, report.decisionCacheHits]).toEqual([1, 2, 7]);
  });

  it('reports zeros before any request', () => {
    expect(new Timings().report(0).perRequest).toEqual({ count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 });
  });
});
