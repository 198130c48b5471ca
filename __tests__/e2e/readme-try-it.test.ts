import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCommand, type CommandResult } from '../../tooling/toolkit/run-command';
import { processMatches, readState, SUPERVISOR_MARKER, type SandboxState } from '../../tooling/sandbox/state-file';
import { providerMirror } from '../../tooling/toolkit/terraform-cli-config';
import { progress } from './harness/progress';
import { failureDigest } from './harness/step';

/**
 * The README's "Try it without an AWS account" block, run verbatim, one command at a time, in a
 * fresh clone of this repository (node_modules linked, nothing else prepared: offline, the commands
 * must find the provider mirror themselves). Each command has its own timeout naming it, and each
 * test checks what the README's comment for that command promises. A step after a failed one reports
 * "not run because <step> failed" instead of failing on its own.
 */
const PROJECT_DIR = join(__dirname, '..', '..');
const README = readFileSync(join(PROJECT_DIR, 'README.md'), 'utf8');

/** The shell block under "## Try it without an AWS account", one command per line, comments dropped. */
function tryItCommands(): string[] {
  const section = README.slice(README.indexOf('## Try it without an AWS account'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: no ```sh block under "## Try it without an AWS account"');
  return block[1]
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '');
}

const commands = tryItCommands();
/** Per command: a bound of its own (the bootstrap pays the AWS provider's 55 s lifecycle wait; a busy 2-core machine is slow). */
const TIMEOUTS: Record<string, number> = {
  'npm run sandbox -- up': 5 * 60_000,
  'npm run bootstrap -- --sandbox': 25 * 60_000,
  'npm run sandbox:deploy -- staging': 20 * 60_000,
  'npm run sandbox:state -- staging': 5 * 60_000,
  'npm run sandbox -- down': 2 * 60_000,
};

let clone: string;
let env: NodeJS.ProcessEnv;
const results = new Map<string, CommandResult>();
let failed: { step: string; error: string } | undefined;

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), 'readme-try-it-'));
  clone = join(root, 'clone');
  const cloned = spawnSync('git', ['clone', '--quiet', PROJECT_DIR, clone], { encoding: 'utf8', timeout: 120_000 });
  if (cloned.status !== 0) throw new Error(`git clone ${PROJECT_DIR} failed: ${cloned.stderr}`);
  symlinkSync(join(PROJECT_DIR, 'node_modules'), join(clone, 'node_modules'), 'dir');
  env = { ...process.env, FORCE_COLOR: '0' };
  // A new user's shell: no sandbox or AWS identity of the caller's, no settings exported.
  for (const name of Object.keys(env)) {
    if (/^(AWS_|SANDBOX|STATE_BACKEND_MIGRATED$|BACKEND_CONFIG_FILE$|CHECKPOINT_DISABLE$|NODE_EXTRA_CA_CERTS$)/.test(name)) delete env[name];
  }
  progress(`readme-try-it: ${commands.length} commands in ${clone}`);
}, 180_000);

afterAll(() => {
  // Whatever happened, the clone's sandbox is stopped by the pids it recorded.
  const state: SandboxState | undefined = clone ? readState(join(clone, '.sandbox', 'run', 'sandbox.json')) : undefined;
  if (state) {
    for (const [pid, marker] of [[state.pid, SUPERVISOR_MARKER], [state.motoPid, 'moto']] as const) {
      if (processMatches(pid, marker)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
  }
  if (clone) rmSync(join(clone, '..'), { recursive: true, force: true });
});

/** Runs one README command in the clone, bounded by its own timeout; records the first failure. */
async function step(command: string): Promise<CommandResult> {
  if (failed) throw new Error(`not run because \`${failed.step}\` failed: ${failed.error}`);
  const timeoutMs = TIMEOUTS[command];
  if (!timeoutMs) throw new Error(`README "Try it" has a command this test does not know: ${command}; add what it promises here`);
  const result = await runCommand('bash', ['-c', command], { cwd: clone, env, timeoutMs });
  progress(`readme-try-it: ${command} (${result.seconds.toFixed(1)} s, ${result.timedOut ? 'TIMED OUT' : `exit ${result.code}`})`);
  results.set(command, result);
  if (result.timedOut || result.code !== 0) {
    failed = { step: command, error: result.timedOut ? `timed out after ${timeoutMs / 1000} s` : `exit ${result.code}` };
    throw new Error(`\`${command}\` ${failed.error}:\n${failureDigest(result.output)}`);
  }
  return result;
}

const stepTimeout = (command: string) => (TIMEOUTS[command] ?? 60_000) + 30_000;

test('the README block is the five documented commands', () => {
  expect(commands).toEqual(Object.keys(TIMEOUTS));
});

test('npm run sandbox -- up: starts the sandbox and prints the endpoint and the real next steps', async () => {
  const result = await step('npm run sandbox -- up');
  expect(result.output).toMatch(/https:\/\/127\.0\.0\.1:\d+/);
  expect(result.output).toMatch(/next: npm run bootstrap -- --sandbox, then npm run sandbox:deploy -- staging/);
}, stepTimeout('npm run sandbox -- up'));

test('npm run bootstrap -- --sandbox: state bucket, lock table and key; its own state moves into the bucket, recorded for the sandbox', async () => {
  const result = await step('npm run bootstrap -- --sandbox');
  expect(result.output).toMatch(/state-backend's state is in s3:\/\/acme-platform-tfstate\/acme-platform\/state-backend\/terraform\.tfstate/);
  expect(result.output).toMatch(/recorded in .*bootstrap\.json/);
  expect(result.output).not.toMatch(/set "stateBackendMigrated": true in cdktf\.json/);
  expect(existsSync(join(clone, '.sandbox', 'run', 'bootstrap.json'))).toBe(true);
  // Offline with no CLI configuration of the user's: the one line saying where providers come from.
  const ownConfig = env.TF_CLI_CONFIG_FILE ? existsSync(env.TF_CLI_CONFIG_FILE) : existsSync(join(homedir(), '.terraformrc'));
  if (!ownConfig && providerMirror(env)) expect(result.output).toMatch(/terraform: providers from the mirror /);
  expect(result.output).not.toMatch(/checkpoint-api\.hashicorp\.com/);
}, stepTimeout('npm run bootstrap -- --sandbox'));

test("npm run sandbox:deploy -- staging: cdktf deploy staging as staging's account, state in the sandbox's bucket", async () => {
  const result = await step('npm run sandbox:deploy -- staging');
  expect(result.output).toMatch(/cdktf deploy staging as account 222222222222/);
  expect(result.output).toMatch(/Apply complete!/);
  expect(result.output).not.toMatch(/checkpoint-api\.hashicorp\.com/);
}, stepTimeout('npm run sandbox:deploy -- staging'));

test("npm run sandbox:state -- staging: where staging's state is (S3 key, encryption, lineage, serial) and what it holds", async () => {
  const result = await step('npm run sandbox:state -- staging');
  // Read through staging's state role, as Terraform reads it; SSE-S3 because the backend sends encrypt = true without a key.
  expect(result.output).toMatch(/staging: state in s3:\/\/acme-platform-tfstate\/acme-platform\/staging\/terraform\.tfstate \(\d+ bytes, AES256\), read as state role arn:aws:iam::\d{12}:role\/\S+, lineage [0-9a-f-]{36}, serial \d+, [1-9]\d* resources:/);
  expect(result.stdout).toMatch(/^aws_s3_bucket\./m);
}, stepTimeout('npm run sandbox:state -- staging'));

/**
 * The doctor on the README's healthy sandbox (not a README line: README says it works there), for
 * every stack, each as users run it: exit 0, every check PASS, each S3 stack reached through its
 * state role with the backend's own requests (before: staging failed "state bucket exists ...
 * (Unknown: HTTP 403: UnknownError)", its HeadBucket refused to the state role, rightly).
 */
const DOCTOR_TIMEOUT_MS = 3 * 60_000;
test.each(['dev', 'staging', 'production', 'state-backend'])('npm run doctor -- --sandbox %s passes on the README\'s healthy sandbox', async (stack) => {
  if (failed) throw new Error(`not run because \`${failed.step}\` failed: ${failed.error}`);
  const command = `npm run doctor -- --sandbox ${stack}`;
  const result = await runCommand('bash', ['-c', command], { cwd: clone, env, timeoutMs: DOCTOR_TIMEOUT_MS });
  progress(`readme-try-it: ${command} (${result.seconds.toFixed(1)} s, ${result.timedOut ? 'TIMED OUT' : `exit ${result.code}`})`);
  expect({ timedOut: result.timedOut, code: result.code, failures: result.output.split('\n').filter((line) => /^\s+FAIL /.test(line)) }).toEqual({ timedOut: false, code: 0, failures: [] });
  if (stack === 'dev') {
    expect(result.output).toMatch(/PASS  backend checks: the doctor checks S3 state only/);
    return;
  }
  expect(result.output).toMatch(/PASS  state bucket exists: s3:\/\/acme-platform-tfstate is reachable \(listing with prefix acme-platform\/\S+\/terraform\.tfstate works/);
  expect(result.output).toMatch(stack === 'staging' ? /PASS  state object: s3:\/\/\S+ is readable \(\d+ bytes, AES256\): lineage/ : /PASS  state object: /);
  if (stack !== 'state-backend') expect(result.output).toMatch(new RegExp(`PASS  state role: assumed arn:aws:iam::\\d{12}:role/acme-platform-${stack}-tfstate`));
  expect(result.output).not.toMatch(/UnknownError|HeadBucket/);
}, DOCTOR_TIMEOUT_MS + 30_000);

test('npm run sandbox -- down: stops it; every resource and state in it is gone', async () => {
  const state = readState(join(clone, '.sandbox', 'run', 'sandbox.json'));
  const result = await step('npm run sandbox -- down');
  expect(result.output).toMatch(/sandbox: stopped; its resources and state are gone/);
  expect(existsSync(join(clone, '.sandbox', 'run'))).toBe(false);
  if (state) expect(processMatches(state.pid, SUPERVISOR_MARKER)).toBe(false);
}, stepTimeout('npm run sandbox -- down'));
