import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { TYPESCRIPT_HOOK } from '../../tooling/toolkit/typescript-entry';

/**
 * The sandbox's IAM evaluator, @cloud-copilot/iam-simulate, is AGPL-3.0-or-later; this project is
 * MPL-2.0 and is copied into company repositories. It stays a development dependency of the sandbox:
 * one module imports it, and synth (what deploys run) never loads it.
 */
const root = join(__dirname, '..', '..');
const hook = join(root, '__tests__', 'support', 'loaded-modules-hook.js');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name.startsWith('.') ? [] : sourceFiles(path);
    return /\.(ts|js|cjs|mjs)$/.test(name) ? [path] : [];
  });
}

/** The modules a node process loads running `args` (with the TypeScript hook, as cdktf.json runs main.ts). */
function loadedModules(args: string[], env: NodeJS.ProcessEnv = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'confinement-'));
  try {
    const file = join(dir, 'loaded.txt');
    const result = spawnSync(process.execPath, ['--require', TYPESCRIPT_HOOK, '--require', hook, ...args], {
      cwd: root,
      env: { ...process.env, CDKTF_OUTDIR: join(dir, 'cdktf.out'), CHECKPOINT_DISABLE: '1', LOADED_MODULES_FILE: file, ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    return readFileSync(file, 'utf8').trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const evaluatorModules = (modules: string[]) => modules.filter((path) => path.includes(`${join('node_modules', '@cloud-copilot')}`));

describe('the AGPL evaluator stays in the sandbox', () => {
  it('only tooling/sandbox/iam/evaluator.ts imports it', () => {
    const importers = ['main.ts', 'lib', 'tooling', 'environments', 'workloads']
      .flatMap((entry) => (statSync(join(root, entry)).isDirectory() ? sourceFiles(join(root, entry)) : [join(root, entry)]))
      .filter((path) => /['"]@cloud-copilot\//.test(readFileSync(path, 'utf8')))
      .map((path) => relative(root, path));
    expect(importers).toEqual(['tooling/sandbox/iam/evaluator.ts']);
  });

  it('a synth of main.ts (with SANDBOX=1, the most it ever loads) does not load it', () => {
    const modules = loadedModules(['main.ts'], { SANDBOX: '1', SANDBOX_ENDPOINT: 'https://127.0.0.1:4566' });
    // The hook saw the synth: cdktf and the engine were loaded.
    expect(modules.some((path) => path.includes(join('node_modules', 'cdktf', 'lib')))).toBe(true);
    expect(modules).toContain(join(root, 'lib', 'app', 'synthesize-app.ts'));
    expect(evaluatorModules(modules)).toEqual([]);
  });

  it('control: the sandbox shim does load it (so the check above can see it)', () => {
    const modules = loadedModules(['-e', "require('./tooling/sandbox/shim/server')"]);
    expect(evaluatorModules(modules).length).toBeGreaterThan(0);
  });
});
