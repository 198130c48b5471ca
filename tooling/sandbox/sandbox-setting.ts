import type { Setting } from '../../lib/settings/blueprint';

/**
 * `SANDBOX` / context `sandbox`: strict, like every boolean of the settings table, so a typo never
 * silently means "real AWS". Read by synth (sandbox-extension.ts) and the tooling (sandbox-flag.ts).
 */
export const SANDBOX_SETTING = {
  context: 'sandbox',
  env: 'SANDBOX',
  kind: 'boolean',
  booleanFix: 'use SANDBOX=1 to target the local sandbox, or unset it for AWS',
} as const satisfies Setting;
