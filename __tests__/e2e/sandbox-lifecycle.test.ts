import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxClientConfig } from '../../tooling/sandbox/credentials';
import { claimRunDir } from '../../tooling/sandbox/ownership';
import { sandboxPaths } from '../../tooling/sandbox/paths';
import { processMatches, readState, type SandboxState } from '../../tooling/sandbox/state-file';
import { ensureSandboxEmulator, SANDBOX_REGION } from './harness/sandbox';
import { progress } from './harness/progress';
import { STEP_TIMEOUT_MS } from './harness/step';
import { waitFor } from './harness/wait';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * `npm run sandbox -- up|status|down|reset|credentials` as users run it: real processes, a real moto,
 * each assertion on the processes, the state file or the resources — not on exit codes alone.
 */
const PROJECT_DIR = join(__dirname, '..', '..');
const home = mkdtempSync(join(tmpdir(), 'e2e-sandbox-cli-'));
const env: NodeJS.ProcessEnv = { ...process.env, SANDBOX_HOME: home, SANDBOX_PORT: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const paths = sandboxPaths(env);
/** Every pid any sandbox of this file recorded: killed in afterAll whatever happened. */
const started = new Set<number>();

function sandbox(args: string[], extraEnv: Record<string, string> = {}) {
  const begin = Date.now();
  const result = spawnSync(process.execPath, typescriptNodeArgs('tooling/bin/sandbox.ts', ...args), {
    cwd: PROJECT_DIR,
    env: { ...env, ...extraEnv },
    encoding: 'utf8',
    // The CLI's own start-up bound (tooling/sandbox/lifecycle.ts) plus node's: never a short clock.
    timeout: STEP_TIMEOUT_MS.sandbox,
  });
  progress(`sandbox ${args.join(' ')}: exit ${result.status} (${((Date.now() - begin) / 1000).toFixed(1)}s)`);
  const state = readState(paths.stateFile);
  if (state) [state.pid, state.motoPid].forEach((pid) => started.add(pid));
  return result;
}

function currentState(): SandboxState {
  const state = readState(paths.stateFile);
  if (!state) throw new Error(`no state file at ${paths.stateFile}`);
  return state;
}

function clientsFor(state: SandboxState, credentials = { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' } as { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  const common = sandboxClientConfig(state, SANDBOX_REGION, credentials);
  return { s3: new S3Client(common), sts: new STSClient(common) };
}

/** Pids whose command line contains `marker` and whose environment names this file's SANDBOX_HOME (no pgrep needed). */
function ourProcesses(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker) && readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`SANDBOX_HOME=${home}`);
      } catch {
        return false;
      }
    });
}

/** Parses `export NAME='value'` lines as printed by `sandbox credentials`. */
function exportsOf(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const match of text.matchAll(/^export ([A-Z_]+)='((?:[^']|'\\'')*)'$/gm)) vars[match[1]] = match[2].replace(/'\\''/g, "'");
  return vars;
}

beforeAll(() => {
  ensureSandboxEmulator();
  mkdirSync(home, { recursive: true });
  symlinkSync(sandboxPaths({}).emulatorDir, join(home, 'emulator'));
});

afterAll(() => {
  sandbox(['down']);
  for (const pid of started) {
    if (processMatches(pid, 'sandbox-supervisor') || processMatches(pid, 'moto')) process.kill(pid, 'SIGKILL');
  }
  rmSync(home, { recursive: true, force: true });
});

describe('npm run sandbox', () => {
  let first: SandboxState;

  it('up: starts moto and the shim, records both pids, prints an endpoint that answers over HTTPS', async () => {
    const up = sandbox(['up']);
    expect(up.status).toBe(0);
    first = currentState();
    expect(up.stdout.trim()).toBe(first.endpoint);
    expect(first.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(processMatches(first.pid, 'sandbox-supervisor')).toBe(true);
    expect(processMatches(first.motoPid, 'moto')).toBe(true);
    const { sts } = clientsFor(first);
    // moto's default account: plain keys act there until a role is assumed.
    expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
    sts.destroy();
  });

  it('status: exit 0 with the endpoint while running', () => {
    const status = sandbox(['status']);
    expect(status.status).toBe(0);
    expect(status.stdout.trim()).toBe(first.endpoint);
    expect(status.stderr).toContain(`supervisor pid ${first.pid}, moto pid ${first.motoPid}`);
    // IAM enforcement is on by default, and reports what it could not map (nothing, here) and which services it judges.
    expect(status.stderr).toMatch(/sandbox: IAM enforcement on: \d+ requests allowed, \d+ denied \(0 of them unmapped\), 0 allowed unjudged/);
    expect(status.stderr).toContain('sandbox: judged: s3, kms, dynamodb, ssm, sts, iam (an unmapped request to them is refused unless SANDBOX_IAM_UNMAPPED=allow)');
    expect(status.stderr).not.toContain('sandbox:   unmapped');
  });

  it('up again: the same sandbox, not a second one', () => {
    const again = sandbox(['up']);
    expect(again.status).toBe(0);
    expect(again.stdout.trim()).toBe(first.endpoint);
    expect(currentState().pid).toBe(first.pid);
  });

  it('credentials <env>: export lines whose keys act in that environment\'s real account', async () => {
    const printed = sandbox(['credentials', 'staging']);
    expect(printed.status).toBe(0);
    const vars = exportsOf(printed.stdout);
    expect(vars).toMatchObject({ SANDBOX: '1', SANDBOX_ENDPOINT: first.endpoint, AWS_REGION: 'eu-west-1', AWS_CA_BUNDLE: first.caFile, NODE_EXTRA_CA_CERTS: first.caFile });
    const { sts } = clientsFor(first, { accessKeyId: vars.AWS_ACCESS_KEY_ID, secretAccessKey: vars.AWS_SECRET_ACCESS_KEY, sessionToken: vars.AWS_SESSION_TOKEN });
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: '222222222222', Arn: 'arn:aws:sts::222222222222:assumed-role/sandbox-admin/sandbox' });
    sts.destroy();
    const unknown = sandbox(['credentials', 'qa']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('unknown environment "qa": choose from dev, staging, production, state-backend');
  });

  it('keeps accounts apart, and reset empties every one of them while it keeps running', async () => {
    const staging = exportsOf(sandbox(['credentials', 'staging']).stdout);
    const production = exportsOf(sandbox(['credentials', 'production']).stdout);
    const s3Of = (vars: Record<string, string>) => clientsFor(first, { accessKeyId: vars.AWS_ACCESS_KEY_ID, secretAccessKey: vars.AWS_SECRET_ACCESS_KEY, sessionToken: vars.AWS_SESSION_TOKEN }).s3;
    const stagingS3 = s3Of(staging);
    const productionS3 = s3Of(production);
    await stagingS3.send(new CreateBucketCommand({ Bucket: 'e2e-staging-only', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    const names = async (client: S3Client) => ((await client.send(new ListBucketsCommand({}))).Buckets ?? []).map((bucket) => bucket.Name);
    expect(await names(stagingS3)).toEqual(['e2e-staging-only']);
    expect(await names(productionS3)).toEqual([]);

    const reset = sandbox(['reset']);
    expect(reset.status).toBe(0);
    // Credentials are gone with everything else; fresh ones see an empty account.
    const fresh = s3Of(exportsOf(sandbox(['credentials', 'staging']).stdout));
    expect(await names(fresh)).toEqual([]);
    expect(currentState()).toMatchObject({ pid: first.pid, endpoint: first.endpoint });
    for (const client of [stagingS3, productionS3, fresh]) client.destroy();
  });

  it('down: stops exactly the recorded processes and discards the run directory', async () => {
    const down = sandbox(['down']);
    expect(down.status).toBe(0);
    expect(down.stderr).toContain('sandbox: stopped');
    await waitFor('the sandbox processes to exit', async () => !processMatches(first.pid, 'sandbox-supervisor') && !processMatches(first.motoPid, 'moto'), 15_000);
    expect(existsSync(paths.stateFile)).toBe(false);
    expect(existsSync(paths.runDir)).toBe(false);
    const status = sandbox(['status']);
    expect(status.status).toBe(1);
    expect(status.stderr).toContain('sandbox: not running');
  });
});

describe('a sandbox that did not end cleanly', () => {
  it('a state file with a dead pid is stale: status says so and removes it; up starts afresh', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    // A run directory the sandbox made (its owner marker): a stale sandbox of this home, not a stranger's folder.
    claimRunDir(paths);
    writeFileSync(paths.stateFile, JSON.stringify({ pid: deadPid, motoPid: deadPid, endpoint: 'https://127.0.0.1:1', caFile: '/nonexistent' }));
    const status = sandbox(['status']);
    expect(status.status).toBe(1);
    expect(status.stderr).toContain('not running (removed a stale state file)');
    expect(existsSync(paths.stateFile)).toBe(false);
    const up = sandbox(['up']);
    expect(up.status).toBe(0);
    expect(currentState().pid).not.toBe(deadPid);
    expect(sandbox(['down']).status).toBe(0);
  });

  it('a recorded pid now used by another process is not the sandbox: that process is left alone', async () => {
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      claimRunDir(paths);
      writeFileSync(paths.stateFile, JSON.stringify({ pid: bystander.pid, motoPid: bystander.pid, endpoint: 'https://127.0.0.1:1', caFile: '/nonexistent' }));
      const status = sandbox(['status']);
      expect(status.status).toBe(1);
      expect(status.stderr).toContain('removed a stale state file');
      expect(bystander.exitCode).toBeNull();
      expect(() => process.kill(bystander.pid!, 0)).not.toThrow();
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('a supervisor killed with SIGKILL leaves moto orphaned: status stops moto by its recorded pid', async () => {
    expect(sandbox(['up']).status).toBe(0);
    const state = currentState();
    process.kill(state.pid, 'SIGKILL');
    await waitFor('the supervisor to die', async () => !processMatches(state.pid, 'sandbox-supervisor'), 10_000);
    expect(processMatches(state.motoPid, 'moto')).toBe(true);
    const status = sandbox(['status']);
    expect(status.status).toBe(1);
    await waitFor('the orphaned moto to be stopped', async () => !processMatches(state.motoPid, 'moto'), 10_000);
    expect(existsSync(paths.stateFile)).toBe(false);
  });

  it('SANDBOX_PORT in use: up fails naming the port and the fix, and starts nothing', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
    try {
      const up = sandbox(['up'], { SANDBOX_PORT: `${port}` });
      expect(up.status).toBe(1);
      expect(up.stderr).toContain(`SANDBOX_PORT=${port}: port ${port} on 127.0.0.1 is in use; pick another or unset SANDBOX_PORT to let the sandbox choose a free one`);
      expect(existsSync(paths.stateFile)).toBe(false);
      expect(ourProcesses('moto')).toEqual([]);
      expect(ourProcesses('sandbox-supervisor')).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it.each(['abc', '0', '70000', '443.5'])('SANDBOX_PORT=%s is refused before anything starts', (value) => {
    const up = sandbox(['up'], { SANDBOX_PORT: value });
    // A usage problem (tooling/toolkit/cli-args.ts): exit 2, nothing done.
    expect(up.status).toBe(2);
    expect(up.stderr).toContain(`SANDBOX_PORT=${JSON.stringify(value)} is not a whole number from 1 to 65535`);
    expect(up.stderr).toContain('unset it to let the sandbox choose a free port');
    expect(existsSync(paths.stateFile)).toBe(false);
  });

  it('two `up` at once start one sandbox: both print its endpoint, one supervisor runs', async () => {
    const upInBackground = () =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, typescriptNodeArgs('tooling/bin/sandbox.ts', 'up'), { cwd: PROJECT_DIR, env });
        let stdout = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.on('close', (code) => resolve({ code, stdout }));
      });
    const [a, b] = await Promise.all([upInBackground(), upInBackground()]);
    const state = currentState();
    [state.pid, state.motoPid].forEach((pid) => started.add(pid));
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(a.stdout.trim()).toBe(state.endpoint);
    expect(b.stdout.trim()).toBe(state.endpoint);
    expect(ourProcesses('sandbox-supervisor')).toEqual([state.pid]);
    expect(ourProcesses('moto-launcher.py').length + ourProcesses('moto.server').length + ourProcesses('moto_server').length).toBe(1);
    expect(sandbox(['down']).status).toBe(0);
  });

  it('SANDBOX_PORT free: the sandbox serves HTTPS exactly there', () => {
    const probe = spawnSync(process.execPath, ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"], { encoding: 'utf8' });
    const port = Number(probe.stdout);
    const up = sandbox(['up'], { SANDBOX_PORT: `${port}` });
    expect(up.status).toBe(0);
    expect(up.stdout.trim()).toBe(`https://127.0.0.1:${port}`);
    expect(readFileSync(paths.stateFile, 'utf8')).toContain(`"endpoint": "https://127.0.0.1:${port}"`);
    expect(sandbox(['down']).status).toBe(0);
  });
});
