import { UserError } from '../../lib/definitions/errors';
import { parseBoolean } from '../../lib/settings/blueprint';
import { loadSettingSources } from '../../lib/settings/setting-sources';
import { SANDBOX_SETTING } from './sandbox-setting';

/**
 * `SANDBOX` as the tooling reads it: the settings table's strict boolean, so `SANDBOX=ture` stops
 * with the same problem synth reports instead of silently meaning "real AWS".
 */
export function sandboxFromEnv(env: NodeJS.ProcessEnv): boolean {
  const value = env[SANDBOX_SETTING.env];
  if (value === undefined || value === '') return false;
  const parsed = parseBoolean(value);
  if (parsed === undefined) throw new UserError(`${SANDBOX_SETTING.env}: ${JSON.stringify(value)} is not a boolean: ${SANDBOX_SETTING.booleanFix}`);
  return parsed;
}

/**
 * cdktf.json's context "sandbox" on its own. The sandbox commands set SANDBOX=1 for their children,
 * which shadows the file's value: a value `cdktf synth` refuses ("maybe") would pass through them
 * unnoticed and fail the user's next plain `npx cdktf synth`. Refused here as synth refuses it.
 */
export function sandboxContextProblem(projectDir: string): string | undefined {
  const { sources } = loadSettingSources(projectDir, {});
  const value = sources.context(SANDBOX_SETTING.context);
  if (value === undefined) return undefined;
  if (typeof value === 'boolean' || (typeof value === 'string' && parseBoolean(value) !== undefined)) return undefined;
  return (
    `cdktf.json context "${SANDBOX_SETTING.context}": ${JSON.stringify(value)} is not a boolean, and \`cdktf synth\` refuses it ` +
    `(the sandbox commands set ${SANDBOX_SETTING.env}=1, which hid it): use true or false, or remove it and use ${SANDBOX_SETTING.env}=1; nothing was done`
  );
}

/** Throws sandboxContextProblem's problem, if any. */
export function requireValidSandboxContext(projectDir: string): void {
  const problem = sandboxContextProblem(projectDir);
  if (problem) throw new UserError(problem);
}
