/**
 * Integration tests: they run the app, the workflows and the CLI entry points as separate processes
 * (stand-ins for vals, cdktf and terraform where noted). Slower than unit tests, no cloud, no servers.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__/integration'],
  testMatch: ['**/*.test.ts'],
  transform: require('./jest.config.js').transform,
  testTimeout: 60000,
};
