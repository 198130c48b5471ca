import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxPaths } from '../../tooling/sandbox/paths';
import { processMatches } from '../../tooling/sandbox/state-file';
import { processStartTime } from '../../tooling/toolkit/process-lock';
import { startTestSandbox, type TestSandbox } from './harness/sandbox';
import { runStep, STEP_TIMEOUT_MS, testBudget } from './harness/step';
import { fingerprint, projectRootFingerprint } from '../hostile/run-tooling-case';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * The hostile tooling cases that need a running sandbox (docs/hostile-input.md; the rest are in
 * __tests__/integration/hostile-tooling.test.ts). Real processes against a real moto; each step has
 * the harness's bound, which names it (jest's limit sits above), and everything started is stopped
 * by its pid in afterAll.
 */
const PROJECT_DIR = join(__dirname, '..', '..');
let sandbox: TestSandbox | undefined;
const extraProcesses: ChildProcess[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'e2e-hostile-tooling-'));

/** A tooling command as users run it, as one named step with the synth bound (harness/step.ts). */
function tool(name: string, script: string, args: string[], env: NodeJS.ProcessEnv) {
  return runStep(`hostile-tooling: ${name}`, process.execPath, typescriptNodeArgs(join('tooling', 'bin', script), ...args), { cwd: PROJECT_DIR, env, kind: 'synth' });
}
const TEST_BUDGET = testBudget('synth');

const noTrace = (output: string) => expect(output).not.toMatch(/\n\s+at .+:\d+:\d+\)?|crashed:/);

beforeAll(async () => {
  sandbox = await startTestSandbox('hostile-tooling');
}, STEP_TIMEOUT_MS.sandbox);

afterAll(async () => {
  for (const child of extraProcesses) if (child.exitCode === null) child.kill('SIGKILL');
  await sandbox?.stop();
  rmSync(scratch, { recursive: true, force: true });
}, STEP_TIMEOUT_MS.sandbox);

describe('hostile tooling input against a running sandbox', () => {
  test('bootstrap --sandbox --output cdktf.out never adopts the project root\'s real-AWS state (before: it did, and renamed it)', async () => {
    const root = projectRootFingerprint();
    const result = await tool('bootstrap --sandbox --output cdktf.out', 'bootstrap.ts', ['--sandbox', '--output', 'cdktf.out'], sandbox!.env);
    expect(result.code).toBe(1);
    expect(result.output).toContain('is outside the sandbox');
    expect(result.output).toContain('Drop --output');
    noTrace(result.output);
    expect(projectRootFingerprint()).toEqual(root);
  }, TEST_BUDGET);

  test('a second bootstrap says another bootstrap is running (before: Terraform\'s lock error)', async () => {
    const holder = spawn('sleep', ['300'], { stdio: 'ignore' });
    extraProcesses.push(holder);
    const runDir = sandboxPaths(sandbox!.env).runDir;
    const lock = join(runDir, 'terraform.state-backend.tfstate.bootstrap.lock');
    writeFileSync(lock, `${holder.pid} ${processStartTime(holder.pid!)}\n`);
    // The sandbox's own request log grows with every call (bootstrap's connect step among them): not the bootstrap's doing.
    const before = fingerprint(runDir, ['sandbox.log']);
    try {
      const result = await tool('bootstrap while another holds the lock', 'bootstrap.ts', ['--sandbox'], sandbox!.env);
      expect(result.code).toBe(1);
      expect(result.output).toContain(`another bootstrap is running (pid ${holder.pid}`);
      noTrace(result.output);
      expect(fingerprint(runDir, ['sandbox.log'])).toEqual(before);
    } finally {
      holder.kill('SIGKILL');
      rmSync(lock, { force: true });
    }
  }, TEST_BUDGET);

  test('a 0-byte local state (kill -9 early in phase 1) names the recovery, no absent .backup (before: it pointed at one)', async () => {
    const file = join(sandboxPaths(sandbox!.env).runDir, 'terraform.state-backend.tfstate');
    writeFileSync(file, '');
    const result = await tool('bootstrap with an empty local state', 'bootstrap.ts', ['--sandbox'], sandbox!.env);
    expect(result.code).toBe(1);
    expect(result.output).toContain('is empty (0 bytes)');
    expect(result.output).toContain('does not exist): move the empty file away');
    noTrace(result.output);
    rmSync(file);
  }, TEST_BUDGET);

  test('credentials through npm without -s: the sourced file holds only comments and exports, no stray files (before: eval ran npm\'s banner)', async () => {
    const root = projectRootFingerprint();
    const npm = await runStep('hostile-tooling: npm run sandbox -- credentials staging', 'npm', ['run', 'sandbox', '--', 'credentials', 'staging'], { cwd: PROJECT_DIR, env: sandbox!.env, kind: 'synth' });
    expect(npm.code).toBe(0);
    const file = join(sandboxPaths(sandbox!.env).runDir, 'credentials', 'staging.sh');
    expect(npm.stderr).toContain(`take them into this shell with: . ${file}`);
    const lines = require('node:fs').readFileSync(file, 'utf8').trimEnd().split('\n') as string[];
    expect(lines.filter((line) => !/^(#.*|unset( [A-Z][A-Z0-9_]*)+|export [A-Z][A-Z0-9_]*='[^']*')$/.test(line))).toEqual([]);
    const sourced = spawnSync('bash', ['-c', `. '${file}' && echo "$SANDBOX $AWS_REGION"`], { cwd: scratch, encoding: 'utf8' });
    expect(sourced.stdout).toMatch(/^1 [a-z]{2}-[a-z]+-\d\n$/);
    expect(projectRootFingerprint()).toEqual(root);
  }, TEST_BUDGET);

  test('down in a copied SANDBOX_HOME leaves the original sandbox running (before: it stopped it)', async () => {
    const copy = join(scratch, 'copied-home');
    cpSync(sandbox!.home, copy, { recursive: true, verbatimSymlinks: true });
    const result = await tool('down in a copied home', 'sandbox.ts', ['down'], { ...sandbox!.env, SANDBOX_HOME: copy });
    expect(result.code).toBe(1);
    expect(result.output).toContain('is a copy of the sandbox run directory of');
    noTrace(result.output);
    expect(processMatches(sandbox!.state.pid, 'sandbox-supervisor')).toBe(true);
    expect(existsSync(join(copy, 'run', 'sandbox.json'))).toBe(true);
  }, TEST_BUDGET);

  test('a damaged sandbox.json never orphans the processes: status finds them by their marker and stops them (before: "not running", both kept running)', async () => {
    const { pid, motoPid } = sandbox!.state;
    writeFileSync(sandboxPaths(sandbox!.env).stateFile, '{"pid": "garbage"');
    const result = await tool('status with a damaged state file', 'sandbox.ts', ['status'], sandbox!.env);
    expect(result.code).toBe(1);
    // The supervisor, moto, and any other process carrying the marker (a third was seen once under load).
    expect(result.output).toMatch(/stopped [1-9]\d* leftover process\(es\) of it, found by their marker/);
    noTrace(result.output);
    expect(processMatches(pid, 'sandbox-supervisor')).toBe(false);
    expect(processMatches(motoPid, 'moto')).toBe(false);
  }, TEST_BUDGET);
});
