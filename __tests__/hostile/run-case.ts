import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { loadSecretsEnv } from '../../tooling/secrets/secrets-env-file';
import { loadSettingSources } from '../../lib/settings/setting-sources';
import { runSynth } from '../../lib/app/synthesize-app';
import { sandboxExtension } from '../../tooling/sandbox/sandbox-extension';
import { realAppDefinition, type SecretsCase, type SynthCase } from './cases';

export const PROJECT_DIR = join(__dirname, '..', '..');

/** A value that cannot occur by chance; every case runs with secrets like it in the environment. */
export function uniqueSecret(label: string): string {
  return `${label}${Date.now().toString(36)}${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

/** SHA-256 of every file under `dir` by relative path: "byte-for-byte unchanged" made comparable. */
export function treeDigest(dir: string): Record<string, string> {
  const digest: Record<string, string> = {};
  const walk = (path: string, relative: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child, `${relative}${entry.name}/`);
      else digest[`${relative}${entry.name}`] = createHash('sha256').update(readFileSync(child)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir, '');
  return digest;
}

export interface CaseRun {
  readonly code: number;
  readonly output: string;
  readonly secrets: readonly string[];
}

/** The environment every case starts from: nothing from the developer's shell, secrets present. */
export function caseEnv(extra: Record<string, string> = {}): { env: Record<string, string>; secrets: string[] } {
  const secrets = [uniqueSecret('tfvar'), uniqueSecret('awssecret')];
  return { env: { TF_VAR_app_api_token: secrets[0], AWS_SECRET_ACCESS_KEY: secrets[1], ...extra }, secrets };
}

/**
 * A synth case in-process, through `runSynth` (what main.ts runs), into a copy of `goodOutdir`;
 * returns the outcome and fails when the copy changed.
 */
export function runSynthCase(testCase: SynthCase, goodOutdir: string): CaseRun & { outdirChanged: boolean } {
  const dir = mkdtempSync(join(tmpdir(), `hostile-${testCase.id}-`));
  try {
    const outdir = join(dir, 'cdktf.out');
    cpSync(goodOutdir, outdir, { recursive: true });
    const before = treeDigest(outdir);
    const { env, secrets } = caseEnv({ ...(testCase.env ?? {}), ...(testCase.setup?.(dir) ?? {}) });
    let projectDir = PROJECT_DIR;
    if (testCase.cdktfJson !== undefined) {
      projectDir = join(dir, 'project');
      require('node:fs').mkdirSync(projectDir);
      writeFileSync(join(projectDir, 'cdktf.json'), testCase.cdktfJson);
    }
    const definition = testCase.definition ? testCase.definition(realAppDefinition) : realAppDefinition;
    const app = Testing.app({ outdir, stackTraces: false });
    const outcome = runSynth(app, definition, loadSettingSources(projectDir, env), [sandboxExtension]);
    const outdirChanged = JSON.stringify(treeDigest(outdir)) !== JSON.stringify(before);
    return { code: outcome.code, output: outcome.code === 0 ? '' : outcome.message, secrets, outdirChanged };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A secrets case in-process, through `loadSecretsEnv` (what with-secrets.sh runs). */
export function runSecretsCase(testCase: SecretsCase): CaseRun {
  const dir = mkdtempSync(join(tmpdir(), `hostile-${testCase.id}-`));
  try {
    const secret = uniqueSecret('dGhpcyBpcyBhIHRva2Vu');
    const path = testCase.setup ? testCase.setup(dir) : join(dir, 'secrets.env');
    if (testCase.content !== undefined) writeFileSync(path, testCase.content.replace(/SECRET/g, secret), { mode: 0o600 });
    const loaded = loadSecretsEnv(path);
    return { code: 'message' in loaded ? 1 : 0, output: 'message' in loaded ? loaded.message : '', secrets: [secret] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A good synth of the real app, the "existing cdktf.out" every failing case must leave alone. */
export function goodSynth(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'hostile-good-'));
  const { env } = caseEnv();
  const app = Testing.app({ outdir, stackTraces: false });
  const outcome = runSynth(app, realAppDefinition, loadSettingSources(PROJECT_DIR, env), [sandboxExtension]);
  if (outcome.code !== 0) throw new Error(`the real app does not synthesize: ${outcome.message}`);
  if (!statSync(join(outdir, 'manifest.json')).isFile()) throw new Error('no manifest written');
  return outdir;
}

/** "Names the field and the fix", "no trace", "no secret": the checks every case makes on its output. */
export function outputProblems(run: CaseRun, field: string, fix: RegExp): string[] {
  const problems: string[] = [];
  if (!run.output.includes(field)) problems.push(`does not name the field: expected ${JSON.stringify(field)}`);
  if (!fix.test(run.output)) problems.push(`does not give the fix: expected ${fix}`);
  if (/\n\s+at .+:\d+:\d+/.test(run.output)) problems.push('contains a stack trace');
  for (const secret of run.secrets) if (run.output.includes(secret)) problems.push('contains a secret value');
  return problems;
}
