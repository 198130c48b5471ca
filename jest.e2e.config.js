/**
 * End-to-end tests with the real terraform binary against local S3 (s3rver) and DynamoDB (dynalite).
 * One file at a time: each file starts its own servers, and terraform runs are heavy on 2 cores.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__/e2e'],
  testMatch: ['**/*.test.ts'],
  // Same transpile-only transform as the unit tests (jest.config.js).
  transform: require('./jest.config.js').transform,
  maxWorkers: 1,
  testTimeout: 120000,
};
