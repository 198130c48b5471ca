import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BootstrapError } from './errors';
import { PROJECT_DIR } from './project-dir';
import { runCommand, type CommandResult } from './run-command';

/**
 * The app synthesized into `outDir` as `cdktf synth --output <outDir>` writes it, without starting
 * the cdktf CLI: the tooling's own synths (bootstrap's two phases, `npm run drift`, `npm run state`,
 * `sandbox:deploy`) need the output, not the CLI, whose start costs about 3.5 CPU s on top of the
 * app's own second (docs/performance.md, issue #27's sixth round). Users' `npx cdktf synth` and the
 * workflows' synth step still run the CLI.
 *
 * What the CLI does, kept here (cdktf-cli 0.21: @cdktf/cli-core `synth-stack.ts`, @cdktf/commons
 * `config.ts`): cdktf.json's `app` runs through a shell in the project directory with
 * `CDKTF_OUTDIR`, `CDKTF_CONTEXT_JSON` (cdktf.json's `context` when it has one, else the caller's,
 * plus `cdktfRelativeModules`), `CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS=true`,
 * `SYNTH_HCL_OUTPUT=false`, `NODE_OPTIONS=--max-old-space-size=4096` when NODE_OPTIONS is unset and
 * `NODE_ENV=production` when NODE_ENV is, and without `TF_VAR_*` (those are for Terraform). A
 * cdktf.json that lists providers or modules needs their generated bindings (`codeMakerOutput`,
 * `.gen`) first. After the app, the manifest must exist, an error annotation fails the synth (its
 * lines are printed, as the CLI prints them), and the directories of stacks the app no longer has
 * are removed from `<outDir>/stacks`. Not kept: the CLI's `TF_PLUGIN_CACHE_DIR` (for the terraform
 * it runs; the app runs none), its progress display and its telemetry.
 * `__tests__/integration/app-synth.test.ts` runs both on the same project and compares.
 */

/** The parts of cdktf.json the synth reads. */
interface CdktfJson {
  readonly app?: string;
  readonly codeMakerOutput?: string;
  readonly terraformProviders?: readonly unknown[];
  readonly context?: Record<string, unknown>;
  readonly terraformModules?: ReadonlyArray<string | { readonly source: string }>;
}

interface ManifestAnnotation {
  readonly constructPath: string;
  readonly level: string;
  readonly message: string;
}

interface Manifest {
  readonly stacks?: Readonly<Record<string, { readonly name: string; readonly annotations?: readonly ManifestAnnotation[] }>>;
}

/** cdktf's AnnotationMetadataEntryType values, and the word the CLI prints for each. */
const LEVELS: Readonly<Record<string, string>> = { '@cdktf/info': 'INFO', '@cdktf/warn': 'WARN', '@cdktf/error': 'ERROR' };

function readCdktfJson(projectDir: string): CdktfJson {
  const file = join(projectDir, 'cdktf.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CdktfJson;
  } catch (error) {
    throw new BootstrapError(`${file} could not be read as JSON (${(error as Error).message}); nothing was synthesized: fix it (npx cdktf synth reads the same file)`);
  }
}

/** The environment the CLI gives the app. */
export function appSynthEnv(outDir: string, env: NodeJS.ProcessEnv, config: CdktfJson): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('TF_VAR_'))),
    CDKTF_OUTDIR: outDir,
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true',
    SYNTH_HCL_OUTPUT: 'false',
  };
  if (!result.NODE_OPTIONS) result.NODE_OPTIONS = '--max-old-space-size=4096';
  if (!result.NODE_ENV) result.NODE_ENV = 'production';
  // cdktf.json's context replaces the caller's CDKTF_CONTEXT_JSON (commons' parseConfig sets it). A
  // caller's value that is not JSON goes to the app as it is: the app reports it as the setting problem it is.
  let context = config.context ?? {};
  if (!config.context && env.CDKTF_CONTEXT_JSON) {
    try {
      context = JSON.parse(env.CDKTF_CONTEXT_JSON) as Record<string, unknown>;
    } catch {
      return result;
    }
  }
  const relativeModules = (config.terraformModules ?? []).filter((module) => {
    const source = typeof module === 'string' ? module : module.source;
    return source.startsWith('./') || source.startsWith('../');
  });
  return { ...result, CDKTF_CONTEXT_JSON: JSON.stringify({ ...context, cdktfRelativeModules: relativeModules }) };
}

/** A synth that never started the app, for `line`. */
function refused(line: string): CommandResult {
  return { code: 1, output: `${line}\n`, stdout: '', stderr: `${line}\n`, timedOut: false, seconds: 0 };
}

export interface AppSynthOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** @default the project directory (where cdktf.json is) */
  readonly projectDir?: string;
  /** Called with each piece of the app's output as it comes. */
  readonly onOutput?: (text: string) => void;
}

/**
 * Synthesizes the app into `outDir` (see the top of this file). The result is the app's own, with
 * code 1 and a line saying why when the app exited 0 but wrote no manifest or annotated an error.
 */
export async function synthesizeApp(outDir: string, options: AppSynthOptions): Promise<CommandResult> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const config = readCdktfJson(projectDir);
  if (!config.app) {
    return refused(`${join(projectDir, 'cdktf.json')} names no "app": the command that synthesizes the app, e.g. "node --require ./tooling/toolkit/typescript-hook.cjs main.ts"`);
  }
  const bindings = join(projectDir, config.codeMakerOutput ?? '.gen');
  if (((config.terraformProviders ?? []).length > 0 || (config.terraformModules ?? []).length > 0) && !existsSync(bindings)) {
    return refused(`synthesis failed: cdktf.json lists providers or modules, and their bindings are not in ${bindings}: run \`npx cdktf get\` first`);
  }
  const stacksDir = join(outDir, 'stacks');
  const before = existsSync(stacksDir) ? readdirSync(stacksDir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name) : [];
  const result = await runCommand('/bin/sh', ['-c', config.app], { cwd: projectDir, env: appSynthEnv(outDir, options.env, config), timeoutMs: options.timeoutMs, onOutput: options.onOutput });
  if (result.code !== 0) return result;

  const fail = (line: string): CommandResult => ({ ...result, code: 1, output: `${result.output}${line}\n`, stderr: `${result.stderr}${line}\n` });
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as Manifest;
  } catch (error) {
    return fail(`synthesis failed: the app (${config.app}) exited 0 but wrote no readable ${join(outDir, 'manifest.json')} (${(error as Error).message}): it must call app.synth()`);
  }
  const stacks = Object.values(manifest.stacks ?? {});
  const annotations = stacks.flatMap((stack) => stack.annotations ?? []).map((note) => ({ ...note, word: LEVELS[note.level] ?? note.level }));
  const printed = annotations.map((note) => `${note.word} [${note.constructPath}]: ${note.message}\n`).join('');
  if (annotations.some((note) => note.word === 'ERROR')) {
    return fail(`${printed}While synthesizing one or more error annotations have been encountered. Please check the log output above.`);
  }
  // Directories of stacks the app no longer has, as the CLI removes them.
  const names = new Set(stacks.map((stack) => stack.name));
  for (const name of before) if (!names.has(name)) rmSync(join(stacksDir, name), { recursive: true, force: true });
  return { ...result, output: result.output + printed, stdout: result.stdout + printed };
}
