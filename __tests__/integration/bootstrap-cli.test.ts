import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * Each command is a process of its own, started as npm starts it (`node --require
 * ./tooling/toolkit/typescript-hook.cjs tooling/bin/<script>`) with the environment npm would give it.
 */
const PROJECT_DIR = join(__dirname, '..', '..');
const home = mkdtempSync(join(tmpdir(), 'bootstrap-cli-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The scripts as npm runs them, with nothing from the developer's AWS setup and no sandbox running. */
function run(script: string, args: string[], env: Record<string, string> = {}) {
  const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, SANDBOX_HOME: join(home, 'sandbox'), AWS_EC2_METADATA_DISABLED: 'true', ...env };
  // drift synthesizes first (25-40 s under load): a bound of its own, and a timeout says so instead of
  // passing for a refusal (the tooling ends quietly with exit 1 on the SIGTERM that spawnSync sends).
  const result = spawnSync(process.execPath, typescriptNodeArgs(join('tooling', 'bin', script), ...args), { cwd: PROJECT_DIR, env: clean, encoding: 'utf8', timeout: RUN_BOUND_MS });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') throw new Error(`${script} ${args.join(' ')} did not finish within ${RUN_BOUND_MS / 1000} s (a slow machine, not a refusal)`);
  return result;
}
const RUN_BOUND_MS = 300_000;

describe('npm run bootstrap / drift / sandbox:state: errors say what to do', () => {
  test('bootstrap --sandbox without a running sandbox: exit 1, how to start one, nothing lost', () => {
    const result = run('bootstrap.ts', ['--sandbox']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('bootstrap: ✘ connect failed');
    expect(result.stderr).toContain('bootstrap: the sandbox is not running: start it with `npm run sandbox -- up`');
    expect(result.stderr).toContain('re-run `npm run bootstrap` after fixing this and it continues where it stopped');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('bootstrap on AWS with an unreachable STS: exit 1 naming the account to use and the sandbox alternative', () => {
    const result = run('bootstrap.ts', [], { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-secret', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/bootstrap: no usable AWS credentials \(.+\)\. Set AWS_PROFILE .* for account 333333333333, or use the local sandbox: npm run sandbox -- up, then npm run bootstrap -- --sandbox/);
    expect(result.stderr).not.toContain('not-a-secret');
  });

  test('bootstrap with an unknown argument: exit 2 and the usage', () => {
    const result = run('bootstrap.ts', ['--sandbx']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('bootstrap: unknown argument "--sandbx"');
    expect(result.stderr).toContain('usage: npm run bootstrap');
  });

  test('bootstrap ci-<env> with a stack that is not a CI stack: exit 2 naming the CI stacks, nothing done', () => {
    const result = run('bootstrap.ts', ['ci-dev']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('bootstrap: "ci-dev" is not a CI stack of this app (known: ci-staging, ci-production); nothing was done');
    expect(result.stderr).toContain('usage: npm run bootstrap [-- --sandbox] [-- --output DIR] [-- ci-<env>]');
    expect(run('bootstrap.ts', ['ci-staging', 'ci-production']).status).toBe(2);
  });

  test('bootstrap ci-staging moves as the environment account\'s administrator: with no usable credentials it names staging\'s account', () => {
    const result = run('bootstrap.ts', ['ci-staging'], { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-secret', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/bootstrap: no usable AWS credentials \(.+\)\. Set AWS_PROFILE .* for account 222222222222/);
    expect(result.stderr).not.toContain('not-a-secret');
  });

  test('drift with a misspelled stack: exit 1 listing every synthesized stack, ci-* included', () => {
    const result = run('drift.ts', ['stagign', '--output', join(home, 'drift-out')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('drift: unknown stack "stagign": choose from ci-production, ci-staging, dev, production, staging, state-backend');
  });

  test('drift --sandbox without a running sandbox: exit 1, how to start one', () => {
    const result = run('drift.ts', ['--sandbox']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('drift: the sandbox is not running: start it with `npm run sandbox -- up`');
  });

  test('a SANDBOX value that is not a boolean stops bootstrap instead of meaning real AWS', () => {
    const result = run('bootstrap.ts', [], { SANDBOX: 'ture' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('bootstrap: SANDBOX: "ture" is not a boolean: use SANDBOX=1 to target the local sandbox, or unset it for AWS');
  });

  test('sandbox:state without a running sandbox: exit 1, how to start one', () => {
    const result = run('sandbox-stack.ts', ['state', 'staging']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the sandbox is not running: start it with `npm run sandbox -- up`');
  });
});
