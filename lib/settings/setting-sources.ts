import { join } from 'node:path';
import { SETTINGS, type SettingSources } from './blueprint';
import { readRegularFile } from '../io/read-regular-file';

/** cdktf.json is a few hundred bytes; anything near this is not a cdktf.json. */
export const CDKTF_JSON_LIMIT = 256 * 1024;
/** Keys the cdktf CLI adds to CDKTF_CONTEXT_JSON itself. */
const CLI_CONTEXT_KEYS = new Set(['cdktfRelativeModules', 'cdktfStaticModuleAssetHash']);

export interface LoadedSources {
  readonly sources: SettingSources;
  readonly problems: readonly string[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The settings every entry point reads (synth, the doctor; the examples use the defaults): the
 * process environment and cdktf.json's "context", read from the file itself so that a run outside
 * the cdktf CLI sees exactly what `cdktf synth` sees.
 *
 * cdktf-cli 0.21 has no `-c/--context` and overwrites CDKTF_CONTEXT_JSON with cdktf.json's "context"
 * when that key exists. So CDKTF_CONTEXT_JSON is not a way to set anything: a setting in it that
 * cdktf.json does not hold is refused rather than silently ignored.
 */
export function loadSettingSources(projectDir: string, env: NodeJS.ProcessEnv, cliFlags: readonly string[] = []): LoadedSources {
  const problems: string[] = [];
  if (cliFlags.length > 0) {
    problems.push(
      `cdktf ${cliFlags.join(' ')}: cdktf-cli 0.21 has no -c/--context option and ignores it: set the setting's environment variable (e.g. PROJECT_NAME=...) or put it in cdktf.json's "context" (README "Settings")`,
    );
  }
  let fileContext: Record<string, unknown> = {};
  const read = readRegularFile(join(projectDir, 'cdktf.json'), CDKTF_JSON_LIMIT, { keepBom: true });
  if ('text' in read) {
    const config = cdktfJsonAsTheCliReadsIt(read.text, problems);
    const context = isObject(config) ? config.context : undefined;
    if (context !== undefined && !isObject(context)) problems.push('cdktf.json: "context" must be an object of setting names to values, e.g. { "project": "acme-platform" }');
    else fileContext = context ?? {};
  } else if (read.problem !== 'does not exist') {
    problems.push(`cdktf.json: ${read.problem}`);
  }

  if (env.CDKTF_CONTEXT_JSON) {
    let passed: unknown;
    try {
      passed = JSON.parse(env.CDKTF_CONTEXT_JSON);
    } catch {
      passed = undefined;
    }
    if (!isObject(passed)) {
      problems.push('CDKTF_CONTEXT_JSON: is not a JSON object; unset it and use the environment variables of the settings (README "Settings")');
    } else {
      const contextKeys = new Set([...Object.values(SETTINGS).map((setting) => setting.context), 'accountIds']);
      for (const [key, value] of Object.entries(passed)) {
        if (CLI_CONTEXT_KEYS.has(key) || JSON.stringify(value) === JSON.stringify(fileContext[key])) continue;
        const setting = Object.values(SETTINGS).find((s) => s.context === key);
        problems.push(
          `CDKTF_CONTEXT_JSON: "${key}" is not read from here (cdktf-cli 0.21 replaces CDKTF_CONTEXT_JSON with cdktf.json's "context"): ` +
            (setting ? `set ${setting.env} instead, or "${key}" in cdktf.json's "context"` : contextKeys.has(key) ? `set it in cdktf.json's "context"` : 'unset CDKTF_CONTEXT_JSON'),
        );
      }
    }
  }
  return { sources: { context: (key) => fileContext[key], env }, problems };
}

/**
 * cdktf.json parsed as the cdktf CLI 0.21 parses it next (`JSON.parse` of the file's text in
 * @cdktf/commons' readConfigSync, then `app` and `language` read from it), so a file it would fail on
 * with a SyntaxError trace is refused here, naming the fix: a byte order mark (which JSON.parse does
 * not skip), comments or trailing commas (not JSON), a root that is not an object, a `language`
 * other than typescript. Problems go to `problems`; the parsed object (or undefined) is returned.
 */
function cdktfJsonAsTheCliReadsIt(text: string, problems: string[]): unknown {
  if (text.startsWith('\uFEFF')) {
    problems.push('cdktf.json: starts with a byte order mark (BOM), which the cdktf CLI cannot parse: save it as UTF-8 without BOM');
    return undefined;
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    const comments = /^\s*\/\/|\/\*/m.test(text) ? ' (comments are not allowed in it: JSON has none)' : '';
    problems.push(`cdktf.json: is not valid JSON${comments} (${(error as Error).message.split('\n')[0]}), and the cdktf CLI reads it with JSON.parse: fix the file`);
    return undefined;
  }
  if (!isObject(config)) {
    problems.push('cdktf.json: must be a JSON object such as { "language": "typescript", "app": "node --require ./tooling/toolkit/typescript-hook.cjs main.ts" }');
    return undefined;
  }
  if (config.language !== undefined && config.language !== 'typescript') problems.push(`cdktf.json: "language" is ${JSON.stringify(config.language)}; this app is TypeScript: "language": "typescript"`);
  return config;
}
