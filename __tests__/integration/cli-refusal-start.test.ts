import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TYPESCRIPT_HOOK } from '../../tooling/toolkit/typescript-entry';

/**
 * bootstrap, drift and the doctor load the blueprint (and with it the engine and cdktf, about 0.45 CPU
 * s) only once their command line has passed: `--help` and a refused argument answer without it. A
 * run that goes on still loads it before anything runs (the hostile cases env-syntax-bootstrap and
 * env-syntax-drift prove an environment file that does not compile is reported).
 */
const root = join(__dirname, '..', '..');
const hook = join(root, '__tests__', 'support', 'loaded-modules-hook.js');

function run(script: string, args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'cli-refusal-'));
  try {
    const file = join(dir, 'loaded.txt');
    const result = spawnSync(process.execPath, ['--require', TYPESCRIPT_HOOK, '--require', hook, join('tooling', 'bin', script), ...args], {
      cwd: root,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', LOADED_MODULES_FILE: file, SANDBOX: '', TERRAFORM_BINARY_NAME: '/nonexistent/terraform' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const loaded = readFileSync(file, 'utf8').trim().split('\n');
    return { status: result.status, stderr: result.stderr, blueprint: loaded.filter((path) => path.includes(`${join(root, 'environments')}/`) || path.includes('/node_modules/cdktf/')).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each([
  ['bootstrap.ts', 'usage: npm run bootstrap'],
  ['drift.ts', 'usage: npm run drift'],
  ['doctor.ts', 'usage: npm run doctor'],
])('%s', (script, usage) => {
  it('answers --help without loading the blueprint', () => {
    expect(run(script, ['--help'])).toEqual({ status: 0, stderr: expect.stringContaining(usage), blueprint: 0 });
  });

  it('refuses an unknown argument without loading the blueprint', () => {
    expect(run(script, ['--bogus'])).toEqual({ status: 2, stderr: expect.stringContaining('unknown argument "--bogus"'), blueprint: 0 });
  });
});

it('a command line that passes loads the blueprint before anything runs (here: before the missing terraform is reported)', () => {
  const result = run('drift.ts', ['staging']);
  expect(result).toMatchObject({ status: 1, stderr: expect.stringContaining('TERRAFORM_BINARY_NAME="/nonexistent/terraform" names no executable') });
  expect(result.blueprint).toBeGreaterThan(100);
});
