import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processesWith, newMarker } from '../hostile/run-tooling-case';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';
import { CDKTF_BIN } from '../../tooling/toolkit/run-command';
import { App, DataResource, LocalBackend, TerraformStack } from 'cdktf';

/**
 * Issue #28, item 4: a signal to a tooling command ends the whole run the way Terraform survives it.
 * A real node process runs tooling/toolkit/interruptible.ts (as sandbox:deploy runs cdktf deploy) on
 * a child that, like Terraform, answers SIGINT by finishing its write; the test signals the node
 * process only (as `kill <pid>` or npm passing SIGTERM on does), never the child.
 */
const FIXTURE = join(__dirname, '..', 'fixtures', 'interruptible-main.ts');
const BOUND_MS = 60_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly marker: string;
}

/** Starts the fixture, waits for `ready` on its stdout, sends `signals` to the node process (not its group), waits for the end. */
function interrupt(graceMs: number, script: string, signals: NodeJS.Signals[]): Promise<Run> {
  const marker = newMarker();
  const child = spawn(process.execPath, typescriptNodeArgs(FIXTURE, String(graceMs), script), { cwd: join(__dirname, '..', '..'), env: { ...process.env, HOSTILE_TOOLING_MARKER: marker }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (!sent && stdout.includes('ready')) {
      sent = true;
      signals.forEach((signal, index) => setTimeout(() => child.kill(signal), index * 300));
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const bound = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the fixture did not end within ${BOUND_MS / 1000} s; its output:\n${stdout}\n${stderr}`));
    }, BOUND_MS);
    child.on('close', (code) => {
      clearTimeout(bound);
      resolve({ code, stdout, stderr, marker });
    });
  });
}

let dir = '';
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'interruptible-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('SIGTERM, then SIGTERM again: the child gets SIGINT once, finishes its write, the command says so and exits 143; nothing is left running', async () => {
  const state = join(dir, 'state');
  const ints = join(dir, 'ints');
  // Like Terraform: on SIGINT, finish the write (1 s), then exit; count every SIGINT received.
  const script = `trap 'echo x >> ${ints}; stopping=1' INT; echo ready; while [ -z "\${stopping:-}" ]; do sleep 0.1; done; sleep 1; echo written > ${state}; exit 1`;
  const run = await interrupt(30_000, script, ['SIGTERM', 'SIGTERM']);
  expect(run.code).toBe(143);
  expect(readFileSync(state, 'utf8')).toBe('written\n');
  expect(readFileSync(ints, 'utf8')).toBe('x\n');
  expect(run.stderr).toContain('fixture: SIGTERM: asked the child to stop (SIGINT, once, to it, as Ctrl-C in Terraform\'s terminal does); waiting up to 30 s');
  expect(run.stderr).toContain('fixture: SIGTERM again: the child was already asked to stop; still waiting for it');
  expect(run.stderr).toContain('fixture: child ended: SIGTERM, exit 1, killed false');
  expect(processesWith(run.marker)).toEqual([]);
}, BOUND_MS + 10_000);

test('a child that ignores SIGINT is killed when the grace period ends, with its group; the command says so', async () => {
  const script = `trap '' INT; echo ready; sleep 300 & wait; sleep 300`;
  const run = await interrupt(1500, script, ['SIGINT']);
  expect(run.code).toBe(130);
  expect(run.stderr).toContain('fixture: the child did not stop within 2 s of SIGINT: killing it (SIGKILL to its process group and its terraform)');
  expect(run.stderr).toContain('killed true');
  expect(processesWith(run.marker)).toEqual([]);
  expect(existsSync(join(dir, 'state'))).toBe(false);
}, BOUND_MS + 10_000);

test('cdktf deploy\'s shape: Terraform in a session of its own under a parent that, given SIGINT, hangs it up and exits at once; Terraform itself gets the one SIGINT, writes its state, and the parent ends with it (before: the parent got it, the hangup killed Terraform, the state was empty)', async () => {
  const state = join(dir, 'state');
  const ints = join(dir, 'ints');
  const fakeTerraform = join(dir, 'terraform.js');
  // Terraform: on SIGINT, finish the write (1 s), then exit 1; a hangup kills it (node's default, as Go's).
  // Node, not bash: a non-interactive shell's background job cannot trap the SIGINT it starts ignoring.
  writeFileSync(
    fakeTerraform,
    `const fs = require('fs'); process.on('SIGINT', () => { fs.appendFileSync(${JSON.stringify(ints)}, 'x\\n'); setTimeout(() => { fs.writeFileSync(${JSON.stringify(state)}, 'written\\n'); process.exit(1); }, 1000); }); console.log('ready'); setInterval(() => {}, 1000);\n`,
  );
  // cdktf: Terraform in its own session (as node-pty starts it), named terraform (argv[0]); on SIGINT, hang it up and exit.
  const script = `setsid bash -c 'exec -a terraform ${process.execPath} ${fakeTerraform}' & child=$!; trap 'kill -HUP $child; exit 1' INT; wait $child`;
  const run = await interrupt(30_000, script, ['SIGINT']);
  expect(run.code).toBe(130);
  expect(readFileSync(state, 'utf8')).toBe('written\n');
  expect(readFileSync(ints, 'utf8')).toBe('x\n');
  expect(run.stderr).toMatch(/fixture: SIGINT: asked the child to stop \(SIGINT, once, to its terraform, pid \d+, as Ctrl-C in Terraform's terminal does\)/);
  expect(run.stderr).toContain('fixture: child ended: SIGINT, exit 1, killed false');
  expect(processesWith(run.marker)).toEqual([]);
}, BOUND_MS + 10_000);

test('the real cdktf deploy (Terraform in its pty): one SIGINT reaches Terraform itself, which stops its apply and writes its state; the command exits 130 and leaves nothing running', async () => {
  // A one-resource stack on local state: the built-in terraform_data provider, so no provider to install.
  const statePath = join(dir, 'interrupt.tfstate');
  const app = new App({ outdir: join(dir, 'cdktf.out') });
  const stack = new TerraformStack(app, 'interrupt');
  new LocalBackend(stack, { path: statePath });
  // `re''ady` so that Terraform's own "Executing: ..." line does not say ready before the command runs.
  new DataResource(stack, 'hold', { provisioners: [{ type: 'local-exec', command: "echo re''ady; sleep 120" }] });
  app.synth();
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'false', output: 'cdktf.out' }));
  const script = `cd ${JSON.stringify(dir)} && CHECKPOINT_DISABLE=1 FORCE_COLOR=0 exec ${JSON.stringify(CDKTF_BIN)} deploy interrupt --auto-approve --skip-synth --skip-provider-lock`;
  const run = await interrupt(60_000, script, ['SIGINT']);
  expect(run.stderr).toMatch(/fixture: SIGINT: asked the child to stop \(SIGINT, once, to its terraform, pid \d+, as Ctrl-C in Terraform's terminal does\)/);
  expect(run.stdout).toMatch(/Interrupt received/);
  expect(run.code).toBe(130);
  // Terraform wrote its state before it exited: the resource whose provisioner was cut off, tainted.
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as { resources: Array<{ type: string; instances: Array<{ status?: string }> }> };
  expect(state.resources.map((resource) => [resource.type, resource.instances.map((instance) => instance.status)])).toEqual([['terraform_data', ['tainted']]]);
  expect(processesWith(run.marker)).toEqual([]);
}, BOUND_MS + 10_000);
