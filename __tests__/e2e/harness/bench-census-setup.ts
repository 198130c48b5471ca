import { markTestFile } from '../../../tooling/bench/process-census';

/**
 * jest.e2e.config.js's setupFilesAfterEnv: under `npm run bench:suite` (BENCH_CENSUS set), names
 * this test file in E2E_TEST_FILE, so the processes the file starts (terraform, the cdktf CLI, the
 * sandbox) carry it and the bench counts them against the file (tooling/bench/process-census.ts).
 * jest gives each test file its own copy of process.env, so the name never leaks into the next file.
 * Without BENCH_CENSUS it does nothing.
 */
markTestFile(process.env, expect.getState().testPath);
