import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sandboxPaths } from '../../tooling/sandbox/paths';

/**
 * Writes the state file of `home` as a running sandbox records itself, with the fields synth reads
 * (tooling/sandbox/connection.ts): its endpoint, its CA, its instance. No process stands behind it
 * (`pid` 1): for tests of what synth makes of a sandbox, not of the sandbox. Returns the file.
 */
export function recordSandbox(home: string, fields: { readonly endpoint: string; readonly caFile?: string; readonly instance?: string }): string {
  const { stateFile } = sandboxPaths({ SANDBOX_HOME: home });
  mkdirSync(dirname(stateFile), { recursive: true });
  writeFileSync(stateFile, JSON.stringify({ pid: 1, ...fields }));
  return stateFile;
}
