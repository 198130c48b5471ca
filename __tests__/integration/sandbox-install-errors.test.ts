import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installedEmulator } from '../../tooling/sandbox/emulator';
import { INSTALL_SCRIPT, MOTO_LAUNCHER, PROJECT_DIR, sandboxPaths } from '../../tooling/sandbox/paths';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * When the emulator cannot be installed, the installer (and with it `.ci/run`, `sandbox up` and the
 * e2e suite) stops with the reason and what to do, never skips. No network needed: these paths fail
 * before any download.
 */
const home = mkdtempSync(join(tmpdir(), 'sandbox-install-errors-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const run = (env: Record<string, string>, script = INSTALL_SCRIPT) =>
  spawnSync('bash', [script], { env: { HOME: home, SANDBOX_HOME: home, ...env }, encoding: 'utf8' });

it('run as .ci/run and docs/sandbox.md run it (no SANDBOX_HOME): installs into the project\'s own .sandbox/, never beside the script', () => {
  // A copy of the script at the same depth in a project of its own, so the real .sandbox/ is untouched.
  const project = mkdtempSync(join(tmpdir(), 'sandbox-install-project-'));
  try {
    mkdirSync(join(project, 'tooling', 'sandbox'), { recursive: true });
    const script = join(project, 'tooling', 'sandbox', 'install-emulator.sh');
    copyFileSync(INSTALL_SCRIPT, script);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? home, SANDBOX_EMULATOR: 'path' };
    const result = spawnSync('bash', [script], { cwd: project, env, encoding: 'utf8', timeout: 120_000 });
    if (spawnSync('bash', ['-c', 'command -v moto_server'], { env }).status !== 0) {
      // Without moto on PATH the path route fails; where it points is still the project's .sandbox.
      expect(result.stderr).toContain('SANDBOX_EMULATOR=path but no working moto_server on PATH');
    } else {
      expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
      expect(JSON.parse(readFileSync(join(project, '.sandbox', 'emulator', 'emulator.json'), 'utf8'))).toMatchObject({ source: 'path' });
    }
    expect(existsSync(join(project, 'tooling', '.sandbox'))).toBe(false);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

it('SANDBOX_EMULATOR=path without moto_server on PATH: fails naming the pip command', () => {
  const result = run({ PATH: '/usr/bin:/bin', SANDBOX_EMULATOR: 'path' });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("sandbox-install: FAILED: SANDBOX_EMULATOR=path but no working moto_server on PATH. Install it: pip install 'moto[server]>=5.1'");
});

it('an unknown SANDBOX_EMULATOR value is refused, naming the choices', () => {
  const result = run({ PATH: '/usr/bin:/bin', SANDBOX_EMULATOR: 'docker' });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('SANDBOX_EMULATOR=docker: use auto, path or debian');
});

it('no moto on PATH and no Debian tools: fails with the pip instructions', () => {
  // A PATH with bash and coreutils but without apt-get.
  const bin = mkdtempSync(join(tmpdir(), 'sandbox-install-bin-'));
  for (const tool of ['bash', 'mkdir', 'sed', 'cat', 'mv', 'rm', 'flock', 'dirname', 'id']) spawnSync('ln', ['-s', spawnSync('which', [tool], { encoding: 'utf8' }).stdout.trim(), join(bin, tool)]);
  try {
    const result = spawnSync(join(bin, 'bash'), [INSTALL_SCRIPT], { env: { PATH: bin, HOME: home, SANDBOX_HOME: home }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("this is not a Debian-family machine (apt-get missing). Install moto yourself so that moto_server is on PATH: pip install 'moto[server]>=5.1'");
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

it('sandbox up reports the installer failure instead of starting anything', () => {
  const result = spawnSync(process.execPath, typescriptNodeArgs('tooling/bin/sandbox.ts', 'up'), {
    cwd: PROJECT_DIR,
    env: { ...process.env, SANDBOX_HOME: home, SANDBOX_EMULATOR: 'path', PATH: `${join(process.execPath, '..')}:/usr/bin:/bin` },
    encoding: 'utf8',
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('sandbox: the sandbox emulator (moto) could not be installed:');
  expect(result.stderr).toContain("pip install 'moto[server]>=5.1'");
});

it('workflows/dev/deploy.sh --sandbox without a running sandbox: stops before synth, saying how to start one', () => {
  const result = spawnSync('bash', [join(PROJECT_DIR, 'workflows', 'dev', 'deploy.sh'), '--sandbox'], {
    cwd: PROJECT_DIR,
    env: { ...process.env, SANDBOX_HOME: home, CDKTF: '/nonexistent/cdktf' },
    encoding: 'utf8',
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain('dev: --sandbox needs the local sandbox running: npm run sandbox -- up');
  expect(result.stdout).not.toContain('synthesizing');
});

describe("the Debian route reads the machine's own sources", () => {
  /** A fake /etc/apt and os-release; the archive URI is a closed loopback port, so apt fails fast and offline. */
  function fakeMachine(files: Record<string, string>): { env: Record<string, string>; dir: string } {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-apt-'));
    mkdirSync(join(dir, 'apt', 'sources.list.d'), { recursive: true });
    writeFileSync(join(dir, 'os-release'), 'ID=debian\nVERSION_CODENAME=bookworm\n');
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, 'apt', name), content);
    return { dir, env: { PATH: '/usr/bin:/bin', SANDBOX_EMULATOR: 'debian', SANDBOX_APT_ETC: join(dir, 'apt'), SANDBOX_OS_RELEASE: join(dir, 'os-release') } };
  }
  const privateSources = () => readFileSync(join(home, 'emulator', 'apt', 'sources.list.d', 'sandbox.sources'), 'utf8');

  it('one-line sources.list: the archive and keyring of the release\'s main component, with the newer suite', () => {
    const machine = fakeMachine({
      'sources.list': [
        'deb http://127.0.0.1:9/debian-security bookworm-security main',
        'deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://127.0.0.1:9/debian bookworm main contrib',
      ].join('\n'),
    });
    try {
      const result = run(machine.env);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('apt-get update of Debian trixie failed');
      expect(privateSources()).toBe('Types: deb\nURIs: http://127.0.0.1:9/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n');
    } finally {
      rmSync(machine.dir, { recursive: true, force: true });
    }
  });

  it('deb822 .sources: skips other suites and an inline key, takes the first URI', () => {
    const machine = fakeMachine({
      'sources.list.d/security.sources': 'Types: deb\nURIs: http://127.0.0.1:9/security\nSuites: bookworm-security\nComponents: main\n',
      'sources.list.d/debian.sources': 'Types: deb deb-src\nURIs: http://127.0.0.1:9/debian http://127.0.0.1:9/other\nSuites: bookworm bookworm-updates\nComponents: main non-free\nSigned-By: -----BEGIN PGP PUBLIC KEY BLOCK-----\n',
    });
    try {
      expect(run(machine.env).status).toBe(1);
      expect(privateSources()).toBe('Types: deb\nURIs: http://127.0.0.1:9/debian\nSuites: trixie\nComponents: main\n');
    } finally {
      rmSync(machine.dir, { recursive: true, force: true });
    }
  });

  it('no source for this release: fails saying where it looked and what to do instead', () => {
    const machine = fakeMachine({ 'sources.list': 'deb http://127.0.0.1:9/ubuntu noble main\n' });
    try {
      const result = run(machine.env);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`found no Debian 'main' source for this release in ${machine.env.SANDBOX_APT_ETC}/sources.list.d/*.sources or ${machine.env.SANDBOX_APT_ETC}/sources.list. Install moto yourself`);
    } finally {
      rmSync(machine.dir, { recursive: true, force: true });
    }
  });
});

describe('the path route records the interpreter moto_server runs on, and the sandbox starts moto through moto-launcher.py with it', () => {
  /** A PATH whose moto_server is a script with `shebang`, and a stand-in Python that imports moto when `withMoto`. */
  const fakeInstall = (shebang: (python: string) => string, withMoto = true) => {
    const bin = mkdtempSync(join(tmpdir(), 'sandbox-install-path-'));
    const python = join(bin, 'python3.11');
    // Answers what the installer asks: `-c 'import moto.server'`, the version, and running the script (`--help`).
    writeFileSync(python, `#!/bin/bash\ncase "$*" in\n  *'print(moto.__version__)'*) ${withMoto ? 'echo 9.8.7' : 'exit 1'} ;;\n  *'import moto.server'*) exit ${withMoto ? 0 : 1} ;;\n  *) exit 0 ;;\nesac\n`, { mode: 0o755 });
    writeFileSync(join(bin, 'moto_server'), `${shebang(python)}\nimport sys\n`, { mode: 0o755 });
    return { bin, python };
  };
  const install = (bin: string, sandboxHome: string) =>
    spawnSync('bash', [INSTALL_SCRIPT], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: home, SANDBOX_HOME: sandboxHome, SANDBOX_EMULATOR: 'path' }, encoding: 'utf8' });

  it.each([
    ['an absolute interpreter (pip\'s console scripts)', 'its own', (python: string) => `#!${python}`, true],
    ['`#!/usr/bin/env python3`', 'no', () => '#!/usr/bin/env python3', true],
    ['an interpreter without moto', 'no', (python: string) => `#!${python}`, false],
  ] as const)('moto_server naming %s: %s interpreter recorded', (_what, recorded, shebang, withMoto) => {
    const { bin, python } = fakeInstall(shebang, withMoto);
    const sandboxHome = mkdtempSync(join(tmpdir(), 'sandbox-install-path-home-'));
    try {
      const result = install(bin, sandboxHome);
      expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
      const paths = sandboxPaths({ SANDBOX_HOME: sandboxHome });
      const descriptor = JSON.parse(readFileSync(paths.emulatorDescriptor, 'utf8')) as Record<string, string>;
      const emulator = installedEmulator(paths)!;
      if (recorded === 'its own') {
        expect(descriptor).toEqual({ source: 'path', command: join(bin, 'moto_server'), version: '9.8.7', python });
        expect(result.stderr).toContain(`started with ${python} through tooling/sandbox/moto-launcher.py`);
        expect(emulator).toMatchObject({ launcher: true, command: python, args: [MOTO_LAUNCHER] });
      } else {
        expect(descriptor).toMatchObject({ source: 'path', command: join(bin, 'moto_server'), python: '' });
        expect(emulator).toMatchObject({ launcher: false, command: join(bin, 'moto_server'), args: [] });
      }
    } finally {
      rmSync(bin, { recursive: true, force: true });
      rmSync(sandboxHome, { recursive: true, force: true });
    }
  });

  it('an interpreter recorded that can no longer be executed (a directory, a file without its x bit): moto_server itself, never a spawn the supervisor fails on', () => {
    const { bin } = fakeInstall((interpreter) => `#!${interpreter}`);
    const sandboxHome = mkdtempSync(join(tmpdir(), 'sandbox-install-path-home-'));
    try {
      const paths = sandboxPaths({ SANDBOX_HOME: sandboxHome });
      mkdirSync(join(sandboxHome, 'emulator'), { recursive: true });
      const notExecutable = join(bin, 'python-copy');
      writeFileSync(notExecutable, '', { mode: 0o644 });
      for (const python of [bin, notExecutable]) {
        writeFileSync(paths.emulatorDescriptor, JSON.stringify({ source: 'path', command: join(bin, 'moto_server'), version: '9.8.7', python }));
        expect(installedEmulator(paths)).toMatchObject({ launcher: false, command: join(bin, 'moto_server'), args: [] });
      }
    } finally {
      rmSync(bin, { recursive: true, force: true });
      rmSync(sandboxHome, { recursive: true, force: true });
    }
  });

  it('a pyenv shim is followed to the script it runs, with the shim\'s PYENV_ROOT', () => {
    const { bin, python } = fakeInstall((interpreter) => `#!${interpreter}`);
    const root = mkdtempSync(join(tmpdir(), 'sandbox-install-pyenv-'));
    const sandboxHome = mkdtempSync(join(tmpdir(), 'sandbox-install-path-home-'));
    try {
      // pyenv's own layout: <root>/libexec/pyenv, and shims that exec it (what `pyenv rehash` writes).
      mkdirSync(join(root, 'libexec'));
      mkdirSync(join(root, 'shims'));
      writeFileSync(join(root, 'libexec', 'pyenv'), `#!/bin/bash\n[ "$1 $2" = "which moto_server" ] && [ "$PYENV_ROOT" = ${JSON.stringify(root)} ] && echo ${join(bin, 'moto_server')}\n`, { mode: 0o755 });
      writeFileSync(join(root, 'shims', 'moto_server'), `#!/usr/bin/env bash\nset -e\nprogram="\${0##*/}"\n\nexport PYENV_ROOT="${root}"\nexec "${root}/libexec/pyenv" exec "$program" "$@"\n`, { mode: 0o755 });
      // The shim's own `exec` would need a real pyenv: the stand-in answers --help through the script.
      writeFileSync(join(root, 'libexec', 'pyenv'), `${readFileSync(join(root, 'libexec', 'pyenv'), 'utf8')}exit 0\n`);
      const result = spawnSync('bash', [INSTALL_SCRIPT], { env: { PATH: `${join(root, 'shims')}:/usr/bin:/bin`, HOME: home, SANDBOX_HOME: sandboxHome, SANDBOX_EMULATOR: 'path' }, encoding: 'utf8' });
      expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
      expect(JSON.parse(readFileSync(sandboxPaths({ SANDBOX_HOME: sandboxHome }).emulatorDescriptor, 'utf8'))).toEqual({ source: 'path', command: join(root, 'shims', 'moto_server'), version: '9.8.7', python });
    } finally {
      for (const dir of [bin, root, sandboxHome]) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an install recorded before the launcher (no "python"): the same moto_server, its interpreter looked for once in place, even when moto_server is no longer on PATH', () => {
    const { bin, python } = fakeInstall((interpreter) => `#!${interpreter}`);
    const sandboxHome = mkdtempSync(join(tmpdir(), 'sandbox-install-path-home-'));
    try {
      const paths = sandboxPaths({ SANDBOX_HOME: sandboxHome });
      mkdirSync(join(sandboxHome, 'emulator'), { recursive: true });
      writeFileSync(paths.emulatorDescriptor, `{"source":"path","command":"${join(bin, 'moto_server')}","version":"9.8.7"}\n`);
      // A venv no longer active: moto_server is not on PATH, the recorded one still runs.
      const elsewhere = () => spawnSync('bash', [INSTALL_SCRIPT], { env: { PATH: '/usr/bin:/bin', HOME: home, SANDBOX_HOME: sandboxHome }, encoding: 'utf8' });
      const upgraded = elsewhere();
      expect({ status: upgraded.status, stderr: upgraded.stderr }).toMatchObject({ status: 0 });
      expect(upgraded.stderr).toContain(`moto 9.8.7 ready (path: ${join(bin, 'moto_server')}, started with ${python} through tooling/sandbox/moto-launcher.py)`);
      expect(JSON.parse(readFileSync(paths.emulatorDescriptor, 'utf8'))).toEqual({ source: 'path', command: join(bin, 'moto_server'), version: '9.8.7', python });
      const again = elsewhere();
      expect(again.stderr).toContain('already installed: moto_server on PATH');
      expect(installedEmulator(paths)).toMatchObject({ launcher: true, command: python });
    } finally {
      rmSync(bin, { recursive: true, force: true });
      rmSync(sandboxHome, { recursive: true, force: true });
    }
  });
});
