import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../tooling/toolkit/run-command';
import { TERRAFORM_BIN } from '../e2e/harness/terraform';

/**
 * Issue #28, item 6: a full disk under the sandbox home while Terraform applies. Terraform can write
 * neither the state nor errored.tfstate there, so it prints the whole state, the secret included
 * (the first run, terraform alone, shows that happens: the test can fail). Through the workflows'
 * with-secrets.sh and through the tooling's process runner, no secret reaches stdout or stderr; the
 * state is saved 0600 where there is room and the output says where.
 *
 * The disk is a tmpfs of 512 KiB, filled up but one page after `terraform init` (the lock-info file
 * takes that page, so the state write is what fails, as when a disk fills during an apply). Mounting
 * needs root (CI's containers and these machines run tests as root); without it the test says so.
 */
const SECRET = `secret-${process.pid}-do-not-log`;
const CONFIG = {
  variable: { app_api_token: { type: 'string', sensitive: true } },
  resource: { terraform_data: { workload: { input: '${var.app_api_token}' } } },
};
const STEP_MS = 120_000;

let base = '';
let home = '';
let mounted = false;

function mountTmpfs(): string | undefined {
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', home], { encoding: 'utf8' });
  return result.status === 0 ? undefined : `${result.stderr || result.error?.message}`.trim();
}

/** A stack directory on the tmpfs, initialised, then the disk filled but one 4 KiB page. */
function fullDiskStack(name: string): string {
  const stackDir = join(home, 'run', 'cdktf.out', 'stacks', name);
  mkdirSync(stackDir, { recursive: true });
  writeFileSync(join(stackDir, 'cdk.tf.json'), JSON.stringify(CONFIG));
  execFileSync(TERRAFORM_BIN, ['init', '-input=false', '-no-color'], { cwd: stackDir, env: terraformEnv(), stdio: 'pipe', timeout: STEP_MS });
  writeFileSync(join(home, 'reserve'), Buffer.alloc(4096));
  spawnSync('dd', ['if=/dev/zero', `of=${join(home, `fill-${name}`)}`, 'bs=4k'], { stdio: 'ignore', timeout: STEP_MS });
  rmSync(join(home, 'reserve'));
  return stackDir;
}

function terraformEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: base, TMPDIR: join(base, 'tmp'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_VAR_app_api_token: SECRET };
}

function freeDisk(): void {
  for (const name of readdirSync(home)) if (name.startsWith('fill-')) rmSync(join(home, name));
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'state-dump-full-disk-'));
  home = join(base, 'home');
  mkdirSync(home);
  mkdirSync(join(base, 'tmp'));
  const problem = mountTmpfs();
  if (problem) throw new Error(`mounting a 512 KiB tmpfs as the sandbox home failed (${problem}): this test needs root to fill a disk`);
  mounted = true;
});

afterAll(() => {
  if (mounted) spawnSync('umount', [home]);
  rmSync(base, { recursive: true, force: true });
});

afterEach(() => freeDisk());

const apply = ['apply', '-auto-approve', '-input=false', '-no-color'];

test('terraform alone prints the state, secret included, when the disk is full (what the filter is for)', () => {
  const stackDir = fullDiskStack('bare');
  const run = spawnSync(TERRAFORM_BIN, apply, { cwd: stackDir, env: terraformEnv(), encoding: 'utf8', timeout: STEP_MS });
  expect(run.status).toBe(1);
  expect(`${run.stdout}${run.stderr}`).toContain('Failed to persist state to backend');
  expect(`${run.stdout}${run.stderr}`).toContain(SECRET);
}, STEP_MS * 2);

test('workflows (with-secrets.sh): no secret on stdout or stderr; the state saved 0600 (stack directory, else TMPDIR), the output says where', async () => {
  const stackDir = fullDiskStack('dev');
  const script = join(__dirname, '..', '..', 'workflows', 'lib', 'with-secrets.sh');
  const run = spawnSync('bash', [script, '--stack-dir', stackDir, '--from-environment', '--', TERRAFORM_BIN, ...apply], { cwd: stackDir, env: terraformEnv(), encoding: 'utf8', timeout: STEP_MS });
  const output = `${run.stdout}\n${run.stderr}`;
  expect({ status: run.status, leaked: output.includes(SECRET) }).toEqual({ status: 1, leaked: false });
  expect(output).toContain('Failed to persist state to backend');
  const saved = /saved to (\S+\.tfstate) \(mode 0600\)/.exec(output)?.[1];
  // Where the page the lock held is free again when Terraform dumps, the stack directory takes it.
  expect([stackDir, join(base, 'tmp')].some((dir) => saved?.startsWith(`${dir}/`))).toBe(true);
  expect(statSync(saved!).mode & 0o777).toBe(0o600);
  const state = JSON.parse(readFileSync(saved!, 'utf8')) as { serial: number; resources: unknown[] };
  expect(state.resources).toHaveLength(1);
  expect(readFileSync(saved!, 'utf8')).toContain(SECRET);
  expect(output).toContain(`terraform state push ${saved}`);
}, STEP_MS * 2);

test("tooling's process runner: no secret in what it captures (and so in any tail it prints); it says where the state went", async () => {
  const stackDir = fullDiskStack('tooling');
  const run = await runCommand(TERRAFORM_BIN, apply, { cwd: stackDir, env: terraformEnv(), timeoutMs: STEP_MS, forwardSignals: false });
  expect({ code: run.code, leaked: run.output.includes(SECRET) }).toEqual({ code: 1, leaked: false });
  // The runner saves only in the stack's own directory (a sandbox command writes nothing outside the sandbox home).
  expect(run.output).toMatch(new RegExp(`withheld from this output( and saved to ${stackDir}/withheld-[^ ]+\\.tfstate \\(mode 0600\\)|\\. It could not be saved either \\(ENOSPC writing )`));
}, STEP_MS * 2);
