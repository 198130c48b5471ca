import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeApp, synthesizeOrThrow } from '../../tooling/toolkit/app-synth';
import { CDKTF_BIN, runCommand } from '../../tooling/toolkit/run-command';
import { PROJECT_DIR } from '../../tooling/toolkit/project-dir';

/**
 * The tooling's synth (tooling/toolkit/app-synth.ts) against the cdktf CLI it stands in for: the same
 * project synthesized both ways must give the app the same environment and leave the same output.
 * Two real CLI starts (what is compared); every other case runs only the stand-in, with a one-line
 * node app.
 */
const STEP_MS = 240_000;
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'app-synth-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An app that records its environment and writes a manifest with `annotations` on its one stack. */
const RECORDING_APP = `
const fs = require('fs');
const out = process.env.CDKTF_OUTDIR;
fs.mkdirSync(out + '/stacks/a', { recursive: true });
fs.writeFileSync(out + '/env.json', JSON.stringify(process.env));
const annotations = JSON.parse(process.env.APP_ANNOTATIONS || '[]');
const writeManifest = process.env.APP_NO_MANIFEST !== '1';
if (writeManifest) fs.writeFileSync(out + '/manifest.json', JSON.stringify({ version: '0.21.0', stacks: { a: { name: 'a', constructPath: 'a', workingDirectory: 'stacks/a', synthesizedStackPath: 'stacks/a/cdk.tf.json', annotations, dependencies: [] } } }));
if (process.env.APP_NO_STACK_FILE !== '1') fs.writeFileSync(out + '/stacks/a/cdk.tf.json', '{"//":{"metadata":{}},"terraform":{}}');
process.exit(Number(process.env.APP_EXIT || 0));
`;

/** A project directory of its own: cdktf.json (with `extra`) and the recording app. */
function project(name: string, extra: Record<string, unknown> = {}): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'app.js'), RECORDING_APP);
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'node app.js', ...extra }));
  return dir;
}

/** An output directory holding a stack directory the app will not write (the CLI removes it). */
function outWithOrphan(name: string): string {
  const out = join(work, name);
  mkdirSync(join(out, 'stacks', 'gone', '.terraform'), { recursive: true });
  return out;
}

const recorded = (out: string) => JSON.parse(readFileSync(join(out, 'env.json'), 'utf8')) as Record<string, string>;
// Without NODE_ENV (jest sets it to "test"), so the CLI's default is what is compared.
const { NODE_ENV: _jestsNodeEnv, ...inherited } = process.env;
const baseEnv = { ...inherited, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0', TF_VAR_token: 'not-for-the-app', CDKTF_CONTEXT_JSON: '{"fromCaller":true}' };

test('the app gets the environment the cdktf CLI gives it, and the same output is left (warning printed, orphaned stack removed)', async () => {
  const dir = project('parity', {
    context: { sandbox: false, answer: 42 },
    terraformModules: ['./local-module', { name: 'm', source: '../other' }, 'terraform-aws-modules/vpc/aws'],
  });
  // cdktf.json lists modules, so both refuse to synthesize without their generated bindings.
  mkdirSync(join(dir, '.gen'));
  const annotations = [{ constructPath: 'a/bucket', level: '@cdktf/warn', message: 'a warning for the user' }];
  const env = { ...baseEnv, APP_ANNOTATIONS: JSON.stringify(annotations) };
  const [cliOut, oursOut] = [outWithOrphan('cli-out'), outWithOrphan('ours-out')];
  const [cli, ours] = await Promise.all([
    runCommand(CDKTF_BIN, ['synth', '--output', cliOut], { cwd: dir, env, timeoutMs: STEP_MS }),
    synthesizeApp(oursOut, { env, timeoutMs: STEP_MS, projectDir: dir }),
  ]);
  expect({ step: 'cdktf synth', code: cli.code, output: cli.code === 0 ? '' : cli.output }).toEqual({ step: 'cdktf synth', code: 0, output: '' });
  expect({ step: 'synthesizeApp', code: ours.code, output: ours.code === 0 ? '' : ours.output }).toEqual({ step: 'synthesizeApp', code: 0, output: '' });

  const [cliEnv, oursEnv] = [recorded(cliOut), recorded(oursOut)];
  // What the CLI sets that this stand-in does not (for the terraform it runs; the app runs none), and
  // what differs by design (each its own output directory, `_` of the shell).
  const ignored = new Set(['TF_PLUGIN_CACHE_DIR', 'CDKTF_OUTDIR', '_']);
  const comparable = (recordedEnv: Record<string, string>) => Object.fromEntries(Object.entries(recordedEnv).filter(([key]) => !ignored.has(key)));
  expect(comparable(oursEnv)).toEqual(comparable(cliEnv));
  // The parts of the contract, spelled out (the comparison above holds them for both).
  expect(JSON.parse(oursEnv.CDKTF_CONTEXT_JSON)).toEqual({ sandbox: false, answer: 42, cdktfRelativeModules: ['./local-module', { name: 'm', source: '../other' }] });
  expect(oursEnv).not.toHaveProperty('TF_VAR_token');
  expect(oursEnv).toMatchObject({ CDKTF_OUTDIR: oursOut, CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true', SYNTH_HCL_OUTPUT: 'false', NODE_ENV: 'production', NODE_OPTIONS: '--max-old-space-size=4096' });

  for (const out of [cliOut, oursOut]) expect(readdirSync(join(out, 'stacks'))).toEqual(['a']);
  expect(readFileSync(join(oursOut, 'manifest.json'), 'utf8')).toBe(readFileSync(join(cliOut, 'manifest.json'), 'utf8'));
  expect(cli.output).toContain('WARN [a/bucket]: a warning for the user');
  expect(ours.output).toContain('WARN [a/bucket]: a warning for the user');
}, STEP_MS * 2);

test('the real app synthesizes byte for byte as `cdktf synth --output` writes it', async () => {
  const [cliOut, oursOut] = [join(work, 'real-cli'), join(work, 'real-ours')];
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0' };
  const [cli, ours] = await Promise.all([
    runCommand(CDKTF_BIN, ['synth', '--output', cliOut], { cwd: PROJECT_DIR, env, timeoutMs: STEP_MS }),
    synthesizeApp(oursOut, { env, timeoutMs: STEP_MS }),
  ]);
  expect({ step: 'cdktf synth', code: cli.code, output: cli.code === 0 ? '' : cli.output }).toEqual({ step: 'cdktf synth', code: 0, output: '' });
  expect({ step: 'synthesizeApp', code: ours.code, output: ours.code === 0 ? '' : ours.output }).toEqual({ step: 'synthesizeApp', code: 0, output: '' });
  const stacks = readdirSync(join(cliOut, 'stacks')).sort();
  expect(stacks).toEqual(expect.arrayContaining(['dev', 'staging', 'production', 'state-backend']));
  expect(readdirSync(join(oursOut, 'stacks')).sort()).toEqual(stacks);
  expect(readFileSync(join(oursOut, 'manifest.json'), 'utf8')).toBe(readFileSync(join(cliOut, 'manifest.json'), 'utf8'));
  for (const stack of stacks) {
    expect({ stack, json: readFileSync(join(oursOut, 'stacks', stack, 'cdk.tf.json'), 'utf8') }).toEqual({ stack, json: readFileSync(join(cliOut, 'stacks', stack, 'cdk.tf.json'), 'utf8') });
  }
}, STEP_MS * 2);

describe('what the stand-in refuses, as the CLI does', () => {
  const run = (name: string, env: Record<string, string>, extra: Record<string, unknown> = {}) =>
    synthesizeApp(join(work, `${name}-out`), { env: { ...baseEnv, ...env }, timeoutMs: STEP_MS, projectDir: project(name, extra) });

  test('an error annotation fails the synth and is printed with its stack trace (orphaned stacks removed first, as the CLI does)', async () => {
    const out = outWithOrphan('error-annotation-out');
    const annotations = [{ constructPath: 'a/role', level: '@cdktf/error', message: 'wildcard action', stacktrace: ['at Role (lib/iam/role.ts:12:3)'] }];
    const result = await synthesizeApp(out, { env: { ...baseEnv, APP_ANNOTATIONS: JSON.stringify(annotations) }, timeoutMs: STEP_MS, projectDir: project('error-annotation') });
    expect(result.code).toBe(1);
    expect(result.output).toContain('ERROR [a/role]: wildcard action\nat Role (lib/iam/role.ts:12:3)\n');
    expect(result.output).toContain('error annotations have been encountered');
    expect(readdirSync(join(out, 'stacks'))).toEqual(['a']);
  });

  test('a stack the manifest names but the app did not write fails, naming its file', async () => {
    const result = await run('no-stack-file', { APP_NO_STACK_FILE: '1' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/the manifest names stack "a", and .*no-stack-file-out\/stacks\/a\/cdk\.tf\.json could not be read as JSON/);
  });

  test('an app that exits 0 without a manifest fails, naming it', async () => {
    const result = await run('no-manifest', { APP_NO_MANIFEST: '1' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/exited 0 but wrote no readable .*no-manifest-out\/manifest\.json .*it must call app\.synth\(\)/);
  });

  test("the app's own exit code and output come back as they are", async () => {
    const result = await run('exit-3', { APP_EXIT: '3' });
    expect(result.code).toBe(3);
  });

  test('providers listed without their generated bindings: refused before the app runs', async () => {
    const result = await run('no-bindings', {}, { terraformProviders: ['hashicorp/random@~>3'] });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/bindings are not in .*no-bindings\/\.gen: run `npx cdktf get` first/);
    expect(existsSync(join(work, 'no-bindings-out', 'env.json'))).toBe(false);
  });

  test("a caller's CDKTF_CONTEXT_JSON that is not JSON reaches the app as it is, for the app to report", async () => {
    const out = join(work, 'bad-context-out');
    const result = await run('bad-context', { CDKTF_CONTEXT_JSON: '{not json' });
    expect(result.code).toBe(0);
    expect(recorded(out).CDKTF_CONTEXT_JSON).toBe('{not json');
  });

  test('synthesizeOrThrow: a BootstrapError saying how the synth failed, what that left undone, and the last lines', async () => {
    const failing = synthesizeOrThrow(join(work, 'throw-exit-out'), { env: { ...baseEnv, APP_EXIT: '3' }, timeoutMs: STEP_MS, projectDir: project('throw-exit') }, '; fix the app first');
    await expect(failing).rejects.toThrow(/^synth failed \(exit 3\); fix the app first:/);
    const slow = project('throw-slow', { app: 'echo started; sleep 30' });
    const timedOut = synthesizeOrThrow(join(work, 'throw-slow-out'), { env: baseEnv, timeoutMs: 500, projectDir: slow });
    await expect(timedOut).rejects.toThrow(/^synth did not finish within 0\.5 s:\nstarted\n/);
  });

  test('cdktf.json fields of the wrong kind: a BootstrapError naming each, nothing run', async () => {
    const dir = project('bad-fields', { app: 123, terraformModules: ['./ok', { name: 'no-source' }] });
    const attempt = synthesizeApp(join(work, 'bad-fields-out'), { env: baseEnv, timeoutMs: STEP_MS, projectDir: dir });
    await expect(attempt).rejects.toThrow(/bad-fields\/cdktf\.json: app: .*; terraformModules\.1.*nothing was synthesized/);
    expect(existsSync(join(work, 'bad-fields-out'))).toBe(false);
  });

  test('cdktf.json that is a named pipe: refused at once, never waited on, nothing run', async () => {
    const dir = project('fifo-cdktf-json');
    rmSync(join(dir, 'cdktf.json'));
    execFileSync('mkfifo', [join(dir, 'cdktf.json')]);
    await expect(synthesizeApp(join(work, 'fifo-cdktf-json-out'), { env: baseEnv, timeoutMs: STEP_MS, projectDir: dir })).rejects.toThrow(
      /fifo-cdktf-json\/cdktf\.json is a named pipe \(FIFO\), not a regular file: give the path of a file; nothing was synthesized/,
    );
  });

  test('cdktf.json that is not JSON: a BootstrapError naming the file, nothing run', async () => {
    const dir = project('bad-cdktf-json');
    writeFileSync(join(dir, 'cdktf.json'), '{ "app": ');
    await expect(synthesizeApp(join(work, 'bad-cdktf-json-out'), { env: baseEnv, timeoutMs: STEP_MS, projectDir: dir })).rejects.toThrow(/bad-cdktf-json\/cdktf\.json could not be read as JSON/);
  });
});
