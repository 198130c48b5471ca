/**
 * End-to-end tests with the real terraform binary against local S3 (s3rver) and DynamoDB (dynalite).
 * One file at a time: each file starts its own servers, and terraform runs are heavy on 2 cores.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__/e2e'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  maxWorkers: 1,
  testTimeout: 120000,
};
