/**
 * Integration tests: they run the app, the workflows and the CLI entry points as separate processes
 * (stand-ins for vals, cdktf and terraform where noted). Slower than unit tests, no cloud, no servers.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__/integration'],
  testMatch: ['**/*.test.ts'],
  transform: require('./jest.config.js').transform,
  setupFilesAfterEnv: require('./jest.config.js').setupFilesAfterEnv,
  testTimeout: 60000,
  // Two files at a time (jest's default is cores - 1, one here): most of a file's time is its child
  // processes, and the files keep to their own temporary directories. Measured on 2 cores (loaded):
  // 329 s wall for 367 s CPU with two, 1053 s for 375 s CPU with one (docs/performance.md).
  maxWorkers: 2,
};
