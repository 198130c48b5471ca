/**
 * Unit and snapshot tests. Type-checking is done once by `tsc --noEmit` (npm test), so tests only
 * transpile: @swc/jest does it file by file (safe: tsconfig has isolatedModules) and is ~1 s faster
 * than ts-jest on a cold cache (docs/performance.md). Keep `jsc.target` in step with tsconfig's target.
 */
module.exports = {
  testEnvironment: 'node',
  // jest's default on 2 cores is one worker; two keep both cores busy loading cdktf per test file.
  maxWorkers: 2,
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Processes and real terraform run in their own suites: jest.integration.config.js, jest.e2e.config.js.
  testPathIgnorePatterns: ['/node_modules/', '/__tests__/e2e/', '/__tests__/integration/'],
  // jest's 5 s default failed an evaluator test at a load average of 60 (its first simulation loads
  // the IAM data); a slow machine must stretch the run, not fail it.
  testTimeout: 60000,
  // cdktf's token creation stacks formatted without jest's source maps (the file says why).
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/plain-object-stacks.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
};
