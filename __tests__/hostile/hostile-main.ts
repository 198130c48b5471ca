import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeMain } from '../../lib/app/synthesize-app';
import { sandboxExtension } from '../../tooling/sandbox/sandbox-extension';
import { realAppDefinition, SYNTH_CASES } from './cases';

/**
 * main.ts with one hostile case applied (HOSTILE_CASE=<id>): its definition change, its files and its
 * settings. Run by the integration suite the way `cdktf synth` runs main.ts.
 */
const testCase = SYNTH_CASES.find((c) => c.id === process.env.HOSTILE_CASE);
if (!testCase) {
  process.stderr.write(`hostile-main: no case "${process.env.HOSTILE_CASE}"\n`);
  process.exit(64);
}
const files = mkdtempSync(join(tmpdir(), `hostile-files-${testCase.id}-`));
process.on('exit', () => rmSync(files, { recursive: true, force: true }));
Object.assign(process.env, testCase.env ?? {}, testCase.setup?.(files) ?? {});
synthesizeMain(testCase.definition ? testCase.definition(realAppDefinition) : realAppDefinition, [sandboxExtension]);
