/**
 * Unit and snapshot tests. Type-checking is done once by `tsc --noEmit` (npm test), so tests only
 * transpile: @swc/jest does it file by file (safe: tsconfig has isolatedModules) and is ~1 s faster
 * than ts-jest on a cold cache (docs/performance.md). Keep `jsc.target` in step with tsconfig's target.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/__tests__/e2e/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
};
