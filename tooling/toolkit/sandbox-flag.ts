import { UserError } from '../../lib/definitions/errors';
import { parseBoolean, SETTINGS } from '../../lib/settings/blueprint';

/**
 * `SANDBOX` as the tooling reads it: the settings table's strict boolean, so `SANDBOX=ture` stops
 * with the same problem synth reports instead of silently meaning "real AWS".
 */
export function sandboxFromEnv(env: NodeJS.ProcessEnv): boolean {
  const value = env[SETTINGS.sandbox.env];
  if (value === undefined || value === '') return false;
  const parsed = parseBoolean(value);
  if (parsed === undefined) throw new UserError(`${SETTINGS.sandbox.env}: ${JSON.stringify(value)} is not a boolean: ${SETTINGS.sandbox.booleanFix}`);
  return parsed;
}
