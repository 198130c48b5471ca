import { createHash, randomUUID } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../tooling/toolkit/run-command';
import type { ToolingCase } from './tooling-cases';
import { typescriptHookOf } from '../../tooling/toolkit/typescript-entry';

/** The project whose tooling runs (HOSTILE_TOOLING_ROOT: another checkout, to measure a commit before a fix). */
export const TOOLING_ROOT = process.env.HOSTILE_TOOLING_ROOT ?? join(__dirname, '..', '..');

export interface ToolingRun {
  readonly code: number | null;
  readonly output: string;
  readonly ms: number;
  readonly timedOut: boolean;
}

/** SHA-256 (or link target) of everything under `dir`, by relative path; directories listed too. */
export function fingerprint(dir: string, skip: readonly string[] = []): Record<string, string> {
  const digest: Record<string, string> = {};
  const walk = (path: string, relative: string) => {
    let entries;
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const rel = `${relative}${entry.name}`;
      if (skip.includes(rel)) continue;
      const child = join(path, entry.name);
      if (entry.isSymbolicLink()) digest[rel] = `-> ${readlinkSync(child)}`;
      else if (entry.isDirectory()) {
        digest[`${rel}/`] = 'dir';
        walk(child, `${rel}/`);
      } else if (entry.isFile()) digest[rel] = createHash('sha256').update(readFileSync(child)).digest('hex');
      else digest[rel] = 'special';
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return digest;
}

/** The project root's own files (not its folders, which other suites write to): stray or changed files show. */
export function projectRootFingerprint(): Record<string, string> {
  const digest: Record<string, string> = {};
  for (const name of readdirSync(TOOLING_ROOT)) {
    const path = join(TOOLING_ROOT, name);
    const stat = lstatSync(path);
    digest[name] = stat.isFile() ? createHash('sha256').update(readFileSync(path)).digest('hex') : stat.isDirectory() ? 'dir' : 'other';
  }
  return digest;
}

/** Every process whose environment carries `marker`: what a case left running. */
export function processesWith(marker: string): number[] {
  if (!existsSync('/proc')) return [];
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) found.push(Number(entry));
    } catch {
      /* gone or not ours */
    }
  }
  return found;
}

export function caseDir(id: string): string {
  return mkdtempSync(join(tmpdir(), `hostile-tooling-${id}-`));
}

/** The environment of every case: nothing from the developer's shell or AWS setup, a marker to find what it left running. */
export function toolingEnv(dir: string, marker: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    LANG: 'C.UTF-8',
    SANDBOX_HOME: join(dir, 'home'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CHECKPOINT_DISABLE: '1',
    // npm (the dev workflow calls it) keeps its cache and debug logs under HOME otherwise: npm's
    // files, not the tooling's, so they stay out of the directory whose changes the case judges.
    npm_config_cache: join(tmpdir(), 'hostile-tooling-npm-cache'),
    npm_config_update_notifier: 'false',
    HOSTILE_TOOLING_MARKER: marker,
    ...extra,
  };
}

/** What a checkout of the project is, for a copy: the sources the tooling runs, with the dependencies linked. */
const PROJECT_SOURCES = ['tooling', 'lib', 'environments', 'workloads', 'workflows', 'main.ts', 'package.json', 'tsconfig.json'];

/**
 * A copy of the project (TOOLING_ROOT) at `<dir>/project` whose cdktf.json is `cdktfJson` (else the
 * real one) and whose `files` are replaced: a case that needs another cdktf.json or a broken
 * environment file runs there, and the real ones are never edited. node_modules is linked.
 */
export function projectCopy(dir: string, cdktfJson: string | undefined, files: Readonly<Record<string, string>> = {}): string {
  const root = join(dir, 'project');
  mkdirSync(root);
  for (const name of PROJECT_SOURCES) if (existsSync(join(TOOLING_ROOT, name))) cpSync(join(TOOLING_ROOT, name), join(root, name), { recursive: true });
  symlinkSync(join(TOOLING_ROOT, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'cdktf.json'), cdktfJson ?? readFileSync(join(TOOLING_ROOT, 'cdktf.json'), 'utf8'));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  return root;
}

/**
 * Runs one case's command (in `root`: the project, or a copy of it) through the project's one
 * process runner (run-command.ts): its own process group, killed whole (and reported as a hang)
 * after `timeoutMs`. A node case runs `node --require ./tooling/toolkit/typescript-hook.cjs
 * tooling/bin/<script>` as npm does.
 */
export async function runToolingCommand(testCase: ToolingCase, env: Record<string, string>, timeoutMs: number, root: string = TOOLING_ROOT): Promise<ToolingRun> {
  const [command, args] =
    'node' in testCase.run
      ? // The hook of `root`, as package.json's scripts name it there: a copy runs its own.
        [process.execPath, ['--require', typescriptHookOf(root), join('tooling', 'bin', testCase.run.node), ...testCase.run.args]]
      : ['bash', [testCase.run.bash, ...testCase.run.args]];
  // Tests run cases side by side: no signal forwarding, each ends through its own group.
  const result = await runCommand(command, args, { cwd: root, env, timeoutMs, forwardSignals: false });
  return { code: result.code, output: result.output, ms: Math.round(result.seconds * 1000), timedOut: result.timedOut };
}

export const newMarker = () => `hostile-tooling-${randomUUID()}`;

/** Every way a run fell short of "refused clearly": wrong code, missing words, a trace, a hang. */
export function judgeRun(testCase: ToolingCase, run: ToolingRun): string[] {
  const problems: string[] = [];
  if (run.timedOut) problems.push(`hang: no exit within the bound (${run.ms} ms)`);
  if (run.code !== testCase.code) problems.push(`exit code ${run.code}, expected ${testCase.code}`);
  for (const words of testCase.says) {
    const found = typeof words === 'string' ? run.output.includes(words) : words.test(run.output);
    if (!found) problems.push(`output lacks ${String(words)}`);
  }
  if (/\n\s+at .+:\d+:\d+\)?/.test(run.output) || /crashed:/.test(run.output)) problems.push('a stack trace');
  return problems;
}
