import { UserError } from '../../lib/definitions/errors';
import { parseBoolean } from '../../lib/settings/blueprint';
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
