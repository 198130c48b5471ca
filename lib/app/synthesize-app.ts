import { statSync } from 'node:fs';
import { App } from 'cdktf';
import type { AppExtension } from './app-extension';
import { buildApp, type AppDefinition } from './build-app';
import { DefinitionError } from '../definitions/errors';
import { assertGuardrails, GuardrailError } from '../guardrails';
import { ignoredContextFlags } from '../settings/cli-context-flags';
import { loadSettingSources, type LoadedSources } from '../settings/setting-sources';

/** Prints a user error as the list it is and exits 1: the user has something to fix, not a bug to report. */
function exitWith(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** How a synth run ended: 0 = written; 1 = a problem the user must fix, listed in `message`. */
export type SynthOutcome = { readonly code: 0 } | { readonly code: 1; readonly message: string };

/**
 * What `cdktf synth` runs: build and validate every stack, check the guardrails, and only then
 * write anything. A problem the user must fix comes back as a list, never as a trace.
 */
export function runSynth(app: App, definition: AppDefinition, input: LoadedSources, extensions: readonly AppExtension[] = []): SynthOutcome {
  try {
    buildApp(app, definition, input, extensions);
    assertGuardrails(app);
  } catch (error) {
    if (error instanceof DefinitionError || error instanceof GuardrailError) return { code: 1, message: error.message };
    throw error;
  }
  try {
    app.synth();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code) return { code: 1, message: `Synth could not write ${app.outdir} (${code}: ${(error as Error).message.split('\n')[0]}): check that it is a writable directory` };
    throw error;
  }
  return { code: 0 };
}

/** `runSynth`, printing the problem list and exiting 1 when there is one. */
export function synthesizeApp(
  app: App,
  definition: AppDefinition,
  input: LoadedSources = loadSettingSources(process.cwd(), process.env),
  extensions: readonly AppExtension[] = [],
): void {
  const outcome = runSynth(app, definition, input, extensions);
  if (outcome.code !== 0) exitWith(outcome.message);
}

/**
 * main.ts: checks the output directory before cdktf's App touches it (its constructor creates
 * `<outdir>/stacks` and throws a trace when the outdir is a file), then synthesizes.
 */
export function synthesizeMain(definition: AppDefinition, extensions: readonly AppExtension[] = [], env: NodeJS.ProcessEnv = process.env): void {
  const outdir = env.CDKTF_OUTDIR || 'cdktf.out';
  for (const path of [outdir, `${outdir}/stacks`]) {
    let isDirectory = true;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      // absent: cdktf creates it
    }
    if (!isDirectory) {
      exitWith(`Invalid output directory; nothing was synthesized:\n  - ${path}: is a file, not a directory: move it away or pass another --output`);
    }
  }
  const input = loadSettingSources(process.cwd(), env, ignoredContextFlags());
  let app: App;
  try {
    app = new App();
  } catch (error) {
    // The App parses CDKTF_CONTEXT_JSON itself and throws on bad JSON: report it as the setting problem it is.
    if (input.problems.length > 0) exitWith(new DefinitionError(input.problems).message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code) exitWith(`Invalid output directory; nothing was synthesized:\n  - ${outdir}: cannot be created (${code}): check the --output path and its permissions`);
    throw error;
  }
  synthesizeApp(app, definition, input, extensions);
}
