import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROCESS_CASES, SECRETS_CASES, SYNTH_CASES, type HostileCase } from '../hostile/cases';
import { caseEnv, outputProblems, treeDigest, uniqueSecret } from '../hostile/run-case';
import { PROJECT_DIR, synthMain, WorkflowSandbox } from '../support/workflow-sandbox';
import { startStsServer, type LocalSts } from '../e2e/harness/sts-server';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * The hostile cases as real processes: main.ts (through a fixture that applies one case), the
 * workflow scripts and the doctor. Each asserts the exit code, the message (field and fix, no trace),
 * that no secret reaches any output, and that an existing cdktf.out is byte-for-byte unchanged.
 *
 * The fixture (../hostile/hostile-main.ts: main.ts's synthesizeMain with one case applied) runs as
 * its own process, as cdktf.json runs main.ts (`node --require ./tooling/toolkit/typescript-hook.cjs
 * <file>`). main.ts itself runs here for the good synth every case starts from (once for the file,
 * shared read-only by both describes that need it) and 'outdir-is-a-file'.
 */
interface Run {
  readonly code: number | null;
  readonly output: string;
}

/**
 * Each process's own bound: generous, because a busy 2-core machine is slow, and a process that
 * exceeds it is killed and says so in its output. Jest's limits sit above the bounds they cover.
 */
const PROCESS_BOUND_MS = 120_000;
jest.setTimeout(3 * PROCESS_BOUND_MS);

/** Spawns without blocking the event loop (the doctor cases talk to a server in this process). */
function run(command: string, args: string[], env: Record<string, string>, timeoutMs = PROCESS_BOUND_MS): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: PROJECT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      output += `\n[hostile-input: ${[command, ...args].join(' ')} killed after its ${timeoutMs / 1000} s bound]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** At most two at a time: the machine has two cores. */
async function inPairs<T, R>(items: readonly T[], body: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await body(items[index]);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

const baseEnv = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8', ...extra });
const byId = (id: string): HostileCase => [...SYNTH_CASES, ...SECRETS_CASES, ...PROCESS_CASES].find((c) => c.id === id)!;
const judged = (testCase: HostileCase, result: Run, secrets: readonly string[], code = 1) => [
  ...(result.code === code ? [] : [`exit code ${result.code}, expected ${code}`]),
  ...outputProblems({ code: result.code ?? -1, output: result.output, secrets }, testCase.field, testCase.fix),
];

/** The good app, synthesized once for this file by main.ts as `cdktf synth` runs it; only read after. */
const good = mkdtempSync(join(tmpdir(), 'hostile-int-good-'));
beforeAll(() => {
  const synth = synthMain(good, {}, PROCESS_BOUND_MS);
  if (synth.status !== 0) throw new Error(`synthesizing the good app into ${good} failed (exit ${synth.status}, ${synth.error?.message ?? 'no error'}):\n${synth.stderr}`);
}, PROCESS_BOUND_MS + 10_000);
afterAll(() => rmSync(good, { recursive: true, force: true }));

describe('hostile synth input as real processes (main.ts)', () => {
  const root = mkdtempSync(join(tmpdir(), 'hostile-int-'));
  const cases = SYNTH_CASES.filter((c) => c.process);
  const results = new Map<string, { run: Run; secrets: string[]; unchanged: boolean }>();

  beforeAll(async () => {
    const digest = JSON.stringify(treeDigest(good));
    await inPairs(cases, async (testCase) => {
      const outdir = join(root, testCase.id);
      cpSync(good, outdir, { recursive: true });
      const { env, secrets } = caseEnv({ CDKTF_OUTDIR: outdir, HOSTILE_CASE: testCase.id });
      const result = await run(process.execPath, typescriptNodeArgs(join('__tests__', 'hostile', 'hostile-main.ts')), baseEnv(env));
      results.set(testCase.id, { run: result, secrets, unchanged: JSON.stringify(treeDigest(outdir)) === digest });
    });
    // The cases two at a time, each within its own bound.
  }, PROCESS_BOUND_MS * Math.ceil(cases.length / 2) + 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs a representative set of at least 10 cases as processes', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s: exit 1, field and fix named, no trace, no secret, cdktf.out unchanged', (id, testCase) => {
    const { run: result, secrets, unchanged } = results.get(id)!;
    expect(judged(testCase, result, secrets)).toEqual([]);
    expect(unchanged).toBe(true);
  });

  it('cdktf-cli-context-flag: the real cdktf CLI with -c is refused, not ignored', async () => {
    const outdir = join(root, 'cli-context');
    cpSync(good, outdir, { recursive: true });
    const before = JSON.stringify(treeDigest(outdir));
    const { env, secrets } = caseEnv({ CHECKPOINT_DISABLE: '1' });
    const cli = join(PROJECT_DIR, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf');
    const result = await run(process.execPath, [cli, 'synth', '-c', 'project=other', '--output', outdir], baseEnv(env));
    expect(judged(byId('cdktf-cli-context-flag'), result, secrets)).toEqual([]);
    expect(JSON.stringify(treeDigest(outdir))).toBe(before);
  });

  it('outdir-is-a-file: refused before cdktf touches it, the file unchanged', async () => {
    const file = join(root, 'not-a-dir');
    writeFileSync(file, 'keep me\n');
    const { env, secrets } = caseEnv({ CDKTF_OUTDIR: file });
    const result = await run(process.execPath, typescriptNodeArgs('main.ts'), baseEnv(env));
    expect(judged(byId('outdir-is-a-file'), result, secrets)).toEqual([]);
    expect(require('node:fs').readFileSync(file, 'utf8')).toBe('keep me\n');
  });
});

describe('hostile secrets and workflows (with-secrets.sh)', () => {
  const WITH_SECRETS = join(PROJECT_DIR, 'workflows', 'lib', 'with-secrets.sh');
  let sandbox: WorkflowSandbox;
  let stackDir: string;
  beforeEach(() => {
    sandbox = new WorkflowSandbox();
    sandbox.installCdktf(good);
    sandbox.run(join(sandbox.bin, 'cdktf'), ['synth', '--output', sandbox.outdir], sandbox.baseEnv());
    stackDir = join(sandbox.outdir, 'stacks', 'staging');
  });
  afterEach(() => sandbox.cleanup());

  const withSecrets = (envFile: string, extra: Record<string, string> = {}, command = ['diff', 'staging']) =>
    run(WITH_SECRETS, ['--stack-dir', stackDir, '--env-file', envFile, '--', join(sandbox.bin, 'cdktf'), ...command, '--output', sandbox.outdir], sandbox.baseEnv(extra));

  it.each(SECRETS_CASES.filter((c) => c.process).map((c) => [c.id, c] as const))('%s: refused by line, no value shown, nothing run', async (_id, testCase) => {
    const secret = uniqueSecret('dGhpcyBpcyBhIHRva2Vu');
    const file = testCase.setup ? testCase.setup(sandbox.root) : join(sandbox.root, 'secrets.env');
    if (testCase.content !== undefined) writeFileSync(file, testCase.content.replace(/SECRET/g, secret), { mode: 0o600 });
    const before = JSON.stringify(treeDigest(sandbox.outdir));
    const result = await withSecrets(file);
    expect(judged(testCase, result, [secret])).toEqual([]);
    expect(sandbox.cdktfCalls()).toEqual(['synth']);
    expect(JSON.stringify(treeDigest(sandbox.outdir))).toBe(before);
  });

  /** Saved-plan directories under the sandbox's TMPDIR. */
  const planDirs = () => readdirSync(sandbox.tmp).filter((name) => name.startsWith('cdktf-plan.'));

  function secretsFile(): { file: string; token: string } {
    const token = uniqueSecret('api-token');
    const file = join(sandbox.root, 'secrets.env');
    writeFileSync(file, `TF_VAR_app_api_token=${token}\n`, { mode: 0o600 });
    return { file, token };
  }

  it('workflow-private-plan-dir: the plan lands in a 0700 directory under TMPDIR, outside cdktf.out, and is removed', async () => {
    const { file, token } = secretsFile();
    // The stand-in records where its plan went and that directory's mode.
    const probe = join(sandbox.root, 'probe');
    const result = await withSecrets(file, { FAKE_CDKTF_AFTER: `d=$(dirname "$(readlink -f "$out/stacks/$stack/plan")"); echo "$d $(stat -c %a "$d")" > ${probe}` });
    expect(judged(byId('workflow-private-plan-dir'), result, [token], 0)).toEqual([]);
    const [dir, mode] = require('node:fs').readFileSync(probe, 'utf8').trim().split(' ');
    expect(mode).toBe('700');
    expect(dir.startsWith(sandbox.tmp)).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(stackDir, 'plan'))).toBe(false);
    expect(planDirs()).toEqual([]);
  });

  it('workflow-sigkill-leftover: a run killed with SIGKILL leaves a plan; the next run removes it and says so', async () => {
    const { file, token } = secretsFile();
    const killed = await withSecrets(file, { FAKE_CDKTF_SIGNAL_PARENT: 'KILL' });
    expect(killed.code).toBeNull(); // killed by the signal
    const leftovers = planDirs();
    expect(leftovers).toHaveLength(1); // the failure this case is about
    expect(statSync(join(sandbox.tmp, leftovers[0])).mode & 0o777).toBe(0o700);
    const next = await withSecrets(file);
    expect(judged(byId('workflow-sigkill-leftover'), next, [token], 0)).toEqual([]);
    expect(planDirs()).toEqual([]);
    expect(existsSync(join(stackDir, 'plan'))).toBe(false);
  });

  it('workflow-stale-plan-file: a plan file in the stack directory is removed and reported', async () => {
    const { file, token } = secretsFile();
    writeFileSync(join(stackDir, 'plan'), `old plan holding ${token}`);
    const result = await withSecrets(file);
    expect(judged(byId('workflow-stale-plan-file'), result, [token], 0)).toEqual([]);
    expect(existsSync(join(stackDir, 'plan'))).toBe(false);
  });

  it('workflow-concurrent-run: a second run on a stack in use is refused before it runs anything', async () => {
    const { file, token } = secretsFile();
    const marker = join(sandbox.root, 'release');
    const first = withSecrets(file, { FAKE_CDKTF_AFTER: `while [ ! -e ${marker} ]; do sleep 0.05; done` });
    // Wait until the first run holds the stack directory.
    for (let i = 0; i < 200 && !existsSync(join(stackDir, 'plan')); i++) await new Promise((r) => setTimeout(r, 25));
    const second = await withSecrets(file);
    writeFileSync(marker, '');
    expect((await first).code).toBe(0);
    expect(judged(byId('workflow-concurrent-run'), second, [token])).toEqual([]);
  });

  it('workflow-no-stack-dir: refused before synth', async () => {
    const { file, token } = secretsFile();
    rmSync(sandbox.outdir, { recursive: true, force: true });
    expect(judged(byId('workflow-no-stack-dir'), await withSecrets(file), [token])).toEqual([]);
  });

  it('workflow-vals-fifo: a vals file that is a pipe is refused without blocking', async () => {
    const fifo = join(sandbox.root, 'secrets.yaml');
    spawnSync('mkfifo', [fifo]);
    sandbox.installVals();
    const result = await run(WITH_SECRETS, ['--stack-dir', stackDir, '--vals', fifo, '--', 'true'], sandbox.baseEnv(), 10_000);
    expect(judged(byId('workflow-vals-fifo'), result, [])).toEqual([]);
  });
});

describe('hostile endpoints and settings for the doctor (tooling/bin/doctor.ts)', () => {
  let server: Server;
  let endpoint: string;
  // Staging's and production's backends assume their state role first: a real STS answer gets the
  // doctor to the S3 and DynamoDB checks these cases are about.
  let sts: LocalSts;
  /** `mode` decides the answers: 'not-aws' 404s everything with HTML; 'no-bucket' answers like S3 without the bucket. */
  let mode: 'not-aws' | 'no-bucket' = 'not-aws';
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (mode === 'no-bucket' && request.method === 'GET') {
        response.writeHead(404, { 'content-type': 'application/xml' });
        response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>');
        return;
      }
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end(request.method === 'HEAD' ? undefined : '<html><body>Not Found</body></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sts = await startStsServer();
  });
  afterAll(async () => {
    await sts.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const doctor = (stacks: string[], extra: Record<string, string>) => {
    const { env, secrets } = caseEnv({
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      ...extra,
    });
    return run(process.execPath, typescriptNodeArgs(join('tooling', 'bin', 'doctor.ts'), ...stacks), baseEnv(env)).then((result) => ({ result, secrets }));
  };

  it('doctor-404-s3 and doctor-404-dynamodb: an endpoint that is not AWS is named as such', async () => {
    mode = 'not-aws';
    const { result, secrets } = await doctor(['production'], {});
    expect(judged(byId('doctor-404-s3'), result, secrets)).toEqual([]);
    expect(judged(byId('doctor-404-dynamodb'), result, secrets)).toEqual([]);
    expect(result.output).not.toContain('does not exist');
  });

  it('doctor-missing-bucket: NoSuchBucket is still a missing bucket', async () => {
    mode = 'no-bucket';
    const { result, secrets } = await doctor(['staging'], {});
    expect(judged(byId('doctor-missing-bucket'), result, secrets)).toEqual([]);
  });

  it.each([
    ['doctor-backend-config-missing', { BACKEND_CONFIG_FILE: '/nonexistent/backend.yaml' }],
    ['doctor-migrated-maybe', { STATE_BACKEND_MIGRATED: 'maybe' }],
    ['doctor-context-json', { CDKTF_CONTEXT_JSON: '{"stateBucket":"doctor-only-bucket"}' }],
  ])('%s: the same problem synth reports, exit code 2', async (id, extra) => {
    const { result, secrets } = await doctor([], extra);
    expect(judged(byId(id), result, secrets, 2)).toEqual([]);
  });
});
