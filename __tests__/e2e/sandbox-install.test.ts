import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEmulator, installedEmulator } from '../../tooling/sandbox/emulator';
import { INSTALL_SCRIPT, MOTO_LAUNCHER, sandboxPaths } from '../../tooling/sandbox/paths';
import { runStep, STEP_TIMEOUT_MS, testBudget } from './harness/step';

/**
 * The Debian route of tooling/sandbox/install-emulator.sh, exercised for real even where moto is on
 * PATH (SANDBOX_EMULATOR=debian): python3-moto from trixie through a private apt configuration,
 * unpacked into the sandbox home, runnable with Debian's python3 — and the system's apt
 * configuration exactly as before, and its lists too unless moto's dependencies were missing and
 * installed from the machine's own suites (which the script says).
 */
const home = mkdtempSync(join(tmpdir(), 'e2e-sandbox-install-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Path, size and mtime of every file under `dir` (missing dir: nothing), and a digest of their contents for small ones. */
function fingerprint(dir: string): string {
  if (!existsSync(dir)) return '';
  const lines: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        const stat = statSync(full);
        const digest = stat.size < 1_000_000 ? createHash('sha256').update(readFileSync(full)).digest('hex') : '';
        lines.push(`${full} ${stat.size} ${stat.mtimeMs} ${digest}`);
      }
    }
  };
  walk(dir);
  return lines.sort().join('\n');
}

/**
 * moto-launcher.py's changes other than the module list, loaded into `python`'s moto without running
 * the server: each applied, each answering as moto's own code does (what a moto without the replaced
 * function prints instead: "absent").
 */
function launcherChanges(python: string, env: NodeJS.ProcessEnv) {
  const script = [
    'import runpy',
    'from moto.moto_server import werkzeug_app as w',
    'from moto.core import responses as r, utils as u',
    'from moto.kms import utils as k, responses as kr',
    'from cryptography.hazmat.primitives.asymmetric import rsa',
    'own_host, own_names, own_loader = w.DomainDispatcherApplication.get_backend_for_host, r.method_names_from_class, getattr(u, "create_loader", None)',
    `runpy.run_path(${JSON.stringify(MOTO_LAUNCHER)}, run_name="check")`,
    'app = w.DomainDispatcherApplication(None)',
    'hosts = ["s3.amazonaws.com", "sts.amazonaws.com", "kms.eu-west-1.amazonaws.com", "nowhere.example"]',
    'print("host", w.DomainDispatcherApplication.get_backend_for_host is not own_host, [app.get_backend_for_host(h) for h in hosts] == [own_host(app, h) for h in hosts])',
    'print("names", r.method_names_from_class is not own_names, list(r.method_names_from_class(kr.KmsResponse)) == own_names(kr.KmsResponse))',
    'print("loader", "absent" if own_loader is None else (u.create_loader() is u.create_loader() and own_loader() is not own_loader()))',
    'key = k.RSAPrivateKey(2048)',
    'print("rsa", "private_key" not in vars(key), isinstance(key.private_key, rsa.RSAPrivateKey) and key.private_key is key.private_key, key.private_key.key_size)',
    'try:\n    k.RSAPrivateKey(1000)\nexcept Exception as e:\n    print(type(e).__name__)',
  ].join('\n');
  const result = spawnSync(python, ['-s', '-c', script], { env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout.trim().split('\n'), stderr: result.status === 0 ? '' : result.stderr };
}

/** The install script as a bounded step: a download from Debian took 295 s under load (docs/performance.md). */
async function install(env: Record<string, string>) {
  const result = await runStep(`install-sandbox-emulator.sh ${JSON.stringify(env)}`, 'bash', [INSTALL_SCRIPT], { cwd: home, env: { ...process.env, SANDBOX_HOME: home, ...env }, kind: 'workflow' });
  return { status: result.code, stdout: result.stdout, stderr: result.stderr };
}

it('installs python3-moto from Debian trixie into the sandbox home without touching the system apt configuration', async () => {
  const before = { etc: fingerprint('/etc/apt'), lists: fingerprint('/var/lib/apt/lists') };
  const first = await install({ SANDBOX_EMULATOR: 'debian' });
  expect(first.stderr).toContain('fetching python3-moto from Debian trixie');
  expect(first.status).toBe(0);

  const paths = sandboxPaths({ SANDBOX_HOME: home });
  expect(JSON.parse(readFileSync(paths.emulatorDescriptor, 'utf8'))).toEqual({ source: 'debian', command: '/usr/bin/python3', version: '5.1.1' });
  const emulator = installedEmulator(paths)!;
  const imported = spawnSync(emulator.command, ['-s', '-c', 'import moto, moto.server; print(moto.__file__)'], { env: { ...process.env, ...emulator.env }, encoding: 'utf8' });
  expect(imported.stdout.trim()).toBe(join(home, 'emulator', 'debian', 'usr', 'lib', 'python3', 'dist-packages', 'moto', '__init__.py'));
  // The private source list names trixie, on the machine's own archive (whatever host that is).
  expect(readFileSync(join(home, 'emulator', 'apt', 'sources.list.d', 'sandbox.sources'), 'utf8')).toMatch(/^Suites: trixie$/m);

  expect(fingerprint('/etc/apt')).toBe(before.etc);
  // The system's lists change only where the script says it installed moto's missing dependencies
  // from the machine's own suites (a machine without python3-flask-cors & co., e.g. a fresh CI one):
  // the documented plain `apt-get update && apt-get install`, which then leaves them installed.
  const installedDependencies = /installing moto's dependencies from this machine's Debian suites: (.+)/.exec(first.stderr);
  if (installedDependencies) {
    for (const name of installedDependencies[1].trim().split(/\s+/)) {
      expect(spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' }).stdout).toBe('install ok installed');
    }
  } else {
    expect(fingerprint('/var/lib/apt/lists')).toBe(before.lists);
  }
}, testBudget('workflow'));

it('is idempotent: a second run recognises the install and changes nothing', async () => {
  const paths = sandboxPaths({ SANDBOX_HOME: home });
  const before = fingerprint(join(home, 'emulator', 'debian'));
  const again = await install({ SANDBOX_EMULATOR: 'debian' });
  expect(again.status).toBe(0);
  expect(again.stderr).toContain('already installed: 5.1.1 (debian');
  expect(again.stderr).not.toContain('fetching');
  expect(fingerprint(join(home, 'emulator', 'debian'))).toBe(before);
  expect(installedEmulator(paths)?.source).toBe('debian');
}, testBudget('workflow'));

/** A loopback port free right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

it('moto-launcher.py: the Debian moto serves through it, and its module list is moto\'s own, taken once', async () => {
  const paths = sandboxPaths({ SANDBOX_HOME: home });
  const emulator = installedEmulator(paths);
  if (!emulator) throw new Error(`no emulator installed in ${home}: this file's first test installs it, and did not`);
  expect(emulator.launcher).toBe(true);
  expect(emulator.args).toEqual(['-s', MOTO_LAUNCHER]);
  const env = { ...process.env, ...emulator.env };

  // Loaded without running the server: the patched function answers what moto's own listing does, from one tuple.
  const check = [
    'import runpy, moto.backends as b',
    'own = list(b.list_of_moto_modules())',
    `runpy.run_path(${JSON.stringify(MOTO_LAUNCHER)}, run_name="check")`,
    'first, second = b.list_of_moto_modules(), b.list_of_moto_modules()',
    'print(list(first) == own, first is second, "s3" in first, len(own) > 100)',
  ].join('\n');
  const patched = spawnSync(emulator.command, ['-s', '-c', check], { env, encoding: 'utf8' });
  expect({ status: patched.status, stdout: patched.stdout.trim(), stderr: patched.status === 0 ? '' : patched.stderr }).toEqual({ status: 0, stdout: 'True True True True', stderr: '' });

  expect(launcherChanges(emulator.command, env)).toEqual({
    status: 0,
    // Debian's moto 5.1.1 builds no botocore loader of its own (moto.core.loaders came later): nothing to share.
    stdout: ['host True True', 'names True True', 'loader absent', 'rsa True True 2048', 'ValidationException'],
    stderr: '',
  });

  // Started as the supervisor starts it: moto answers, and stops on SIGTERM.
  const port = await freePort();
  const moto = spawn(emulator.command, [...emulator.args, '-H', '127.0.0.1', '-p', String(port)], { env, stdio: 'ignore' });
  try {
    // Bounded as `sandbox up` waits for moto (a loaded machine can take a minute to start it).
    const deadline = Date.now() + STEP_TIMEOUT_MS.sandbox;
    let status = 0;
    while (status !== 200) {
      if (moto.exitCode !== null || moto.signalCode !== null) throw new Error(`moto through moto-launcher.py exited (${moto.exitCode ?? moto.signalCode}) before it answered`);
      if (Date.now() > deadline) throw new Error(`moto through moto-launcher.py did not answer on port ${port} within ${STEP_TIMEOUT_MS.sandbox / 1000} s`);
      status = await fetch(`http://127.0.0.1:${port}/moto-api/`).then((response) => response.status, () => 0);
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const listed = await fetch(`http://127.0.0.1:${port}/`, { headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=a/20261207/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=0' } });
    expect(listed.status).toBe(200);
    expect(await listed.text()).toContain('ListAllMyBucketsResult');
  } finally {
    if (moto.exitCode === null && moto.signalCode === null) {
      const exited = new Promise((resolve) => moto.once('exit', resolve));
      moto.kill('SIGTERM');
      await exited;
    }
  }
}, testBudget('sandbox'));

it("moto-launcher.py's changes on the suite's own emulator (the moto every sandbox test runs on)", () => {
  const emulator = ensureEmulator(sandboxPaths({}));
  if (!emulator.launcher) {
    expect(emulator.args).not.toContain(MOTO_LAUNCHER); // moto_server itself: nothing of the launcher's runs
    return;
  }
  const python = emulator.command;
  const result = launcherChanges(python, { ...process.env, ...emulator.env });
  expect(result).toMatchObject({ status: 0, stderr: '' });
  expect(result.stdout).toEqual(['host True True', 'names True True', expect.stringMatching(/^loader (absent|True)$/), 'rsa True True 2048', 'ValidationException']);
}, testBudget('sandbox'));
