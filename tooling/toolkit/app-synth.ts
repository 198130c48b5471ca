import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readRegularFile } from '../../lib/io/read-regular-file';
import { CDKTF_JSON_LIMIT } from '../../lib/settings/setting-sources';
import { BootstrapError } from './errors';
import { PROJECT_DIR } from './project-dir';
import { outputTail, runCommand, type CommandResult } from './run-command';

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
 * it runs; the app runs none), its `--hcl` output (`SYNTH_HCL_OUTPUT` is always false here: the tooling
 * reads `cdk.tf.json`), its progress display and its telemetry.
 * `__tests__/integration/app-synth.test.ts` runs both on the same project and compares.
 */

/** The parts of cdktf.json the synth reads; anything else in it is the CLI's or the app's. */
const CdktfJsonSchema = z.looseObject({
  app: z.string().min(1, 'must name the command that synthesizes the app').optional(),
  codeMakerOutput: z.string().optional(),
  terraformProviders: z.array(z.unknown()).optional(),
  terraformModules: z.array(z.union([z.string(), z.looseObject({ source: z.string() })])).optional(),
  context: z.unknown().optional(),
});
type CdktfJson = z.infer<typeof CdktfJsonSchema>;

/** What the synth reads of the manifest the app writes (cdktf's Manifest). */
const ManifestSchema = z.looseObject({
  stacks: z.record(
    z.string(),
    z.looseObject({
      name: z.string(),
      synthesizedStackPath: z.string(),
      annotations: z.array(z.looseObject({ constructPath: z.string(), level: z.string(), message: z.string(), stacktrace: z.array(z.string()).optional() })).optional(),
    }),
  ),
});

/** cdktf's AnnotationMetadataEntryType values, and the word the CLI prints for each. */
const LEVELS: Readonly<Record<string, string>> = { '@cdktf/info': 'INFO', '@cdktf/warn': 'WARN', '@cdktf/error': 'ERROR' };

/** Each problem of a zod result as `path: message`. */
const problems = (error: z.ZodError) => error.issues.map((issue) => `${issue.path.join('.') || '(the whole file)'}: ${issue.message}`).join('; ');

function readCdktfJson(projectDir: string): CdktfJson {
  const file = join(projectDir, 'cdktf.json');
  // Read as the settings read it (lib/settings/setting-sources.ts): a FIFO, a device or a huge file
  // is refused, never waited on; a byte order mark is kept, so JSON.parse refuses it as the CLI does.
  const read = readRegularFile(file, CDKTF_JSON_LIMIT, { keepBom: true });
  if ('problem' in read) throw new BootstrapError(`${file} ${read.problem}; nothing was synthesized`);
  let json: unknown;
  try {
    json = JSON.parse(read.text);
  } catch (error) {
    throw new BootstrapError(`${file} could not be read as JSON (${(error as Error).message}); nothing was synthesized: fix it (npx cdktf synth reads the same file)`);
  }
  const parsed = CdktfJsonSchema.safeParse(json);
  if (!parsed.success) throw new BootstrapError(`${file}: ${problems(parsed.error)}; nothing was synthesized: fix it (npx cdktf synth reads the same file)`);
  // The file as written (zod's copy orders each object's known keys first; the app gets them in the file's order).
  return json as CdktfJson;
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
  let context: unknown = config.context || {};
  if (!config.context && env.CDKTF_CONTEXT_JSON) {
    try {
      context = JSON.parse(env.CDKTF_CONTEXT_JSON);
    } catch {
      return result;
    }
  }
  const relativeModules = (config.terraformModules ?? []).filter((module) => {
    const source = typeof module === 'string' ? module : module.source;
    return source.startsWith('./') || source.startsWith('../');
  });
  // Spread as the CLI spreads it, whatever it is (a string spreads into its characters, as there).
  return { ...result, CDKTF_CONTEXT_JSON: JSON.stringify({ ...(context as object), cdktfRelativeModules: relativeModules }) };
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
  const manifestFile = join(outDir, 'manifest.json');
  let manifest: z.infer<typeof ManifestSchema>;
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(manifestFile, 'utf8')));
    if (!parsed.success) return fail(`synthesis failed: ${manifestFile} is not a cdktf manifest (${problems(parsed.error)})`);
    manifest = parsed.data;
  } catch (error) {
    return fail(`synthesis failed: the app (${config.app}) exited 0 but wrote no readable ${manifestFile} (${(error as Error).message}): it must call app.synth()`);
  }
  const stacks = Object.values(manifest.stacks);
  // Every stack the manifest names must have been written, as JSON (the CLI reads each).
  for (const stack of stacks) {
    const file = join(outDir, stack.synthesizedStackPath);
    try {
      JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      return fail(`synthesis failed: the manifest names stack ${JSON.stringify(stack.name)}, and ${file} could not be read as JSON (${(error as Error).message})`);
    }
  }
  // Directories of stacks the app no longer has, as the CLI removes them (before it looks at annotations).
  const names = new Set(stacks.map((stack) => stack.name));
  for (const name of before) if (!names.has(name)) rmSync(join(stacksDir, name), { recursive: true, force: true });
  const annotations = stacks.flatMap((stack) => stack.annotations ?? []).map((note) => ({ ...note, word: LEVELS[note.level] ?? note.level }));
  // An error's stack trace too, as the CLI prints it.
  const printed = annotations
    .map((note) => `${note.word} [${note.constructPath}]: ${note.message}\n${note.word === 'ERROR' && note.stacktrace ? `${note.stacktrace.join('\n')}\n` : ''}`)
    .join('');
  if (annotations.some((note) => note.word === 'ERROR')) {
    return fail(`${printed}While synthesizing one or more error annotations have been encountered. Please check the log output above.`);
  }
  return { ...result, output: result.output + printed, stdout: result.stdout + printed };
}

/**
 * `synthesizeApp`, for callers that cannot go on without the output: a failed synth throws a
 * BootstrapError with the app's last lines; `consequence` says what the failure left undone.
 */
export async function synthesizeOrThrow(outDir: string, options: AppSynthOptions, consequence = ''): Promise<CommandResult> {
  const result = await synthesizeApp(outDir, options);
  if (result.code === 0) return result;
  const how = result.timedOut ? `did not finish within ${options.timeoutMs / 1000} s` : result.code === null ? 'was stopped by a signal' : `failed (exit ${result.code})`;
  throw new BootstrapError(`synth ${how}${consequence}:\n${outputTail(result.output)}`);
}
