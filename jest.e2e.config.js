/**
 * End-to-end tests with the real terraform binary against local S3 (s3rver) and DynamoDB (dynalite).
 * Each file starts its own servers (and sandbox) on free ports, so files run side by side: most of a
 * sandbox deploy is the AWS provider waiting (about 55 s per S3 lifecycle configuration, see
 * docs/sandbox.md), not CPU, so three files at once on 2 cores finish far sooner than one at a time.
 */
// The Go runtime of every terraform and AWS provider process the suite starts (they inherit this
// environment): collect garbage at 9x the live heap instead of 2x. Each terraform command decodes the
// provider's whole schema, which its first provider process builds (about 3 s of CPU together, most
// of it allocation); this cut about a fifth of that CPU for about 140 MB more memory per process on
// the machine of issue #27's second round, and made no measurable difference on its ninth round's
// (docs/performance.md). It changes nothing the programs do.
process.env.GOGC ??= '800';

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__/e2e'],
  testMatch: ['**/*.test.ts'],
  // Same transpile-only transform as the unit tests (jest.config.js).
  transform: require('./jest.config.js').transform,
  maxWorkers: 3,
  // The critical path's files first (harness/longest-first-sequencer.js).
  testSequencer: '<rootDir>/__tests__/e2e/harness/longest-first-sequencer.js',
  // Under `npm run bench:suite` only (BENCH_CENSUS set): names the test file in E2E_TEST_FILE for the
  // processes it starts, so the bench counts them per file; otherwise it does nothing.
  setupFilesAfterEnv: [...require('./jest.config.js').setupFilesAfterEnv, '<rootDir>/__tests__/e2e/harness/bench-census-setup.ts'],
  // Above the sum of the step bounds of any test (harness/step.ts): a slow machine fails a step by its
  // name, never jest's clock. Files with long chains set their own (testBudget).
  testTimeout: 900000,
};
