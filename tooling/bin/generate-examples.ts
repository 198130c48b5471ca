/**
 * `npm run examples`: regenerates examples/ from the code. The drift test in `npm test` compares the
 * committed files with what this writes.
 */
// First: it reports a problem while the other modules load (an environment file that does not compile).
import { runCli } from '../toolkit/run-cli';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appDefinition } from '../../environments';
import { generateExamples } from '../examples/generate-examples';
import { parseArgs } from '../toolkit/cli-args';
import { requireTerraformBinary } from '../toolkit/terraform-binary';
import { FLOORS_TABLE_DOCUMENT, withVersionFloorsTable } from '../examples/version-floors';

const root = join(__dirname, '..', '..');
const USAGE = 'usage: npm run examples   (regenerates examples/ from the code; needs terraform or TERRAFORM_BINARY_NAME for `fmt`)';

async function main(args: string[]): Promise<number> {
  parseArgs({ usage: USAGE, options: {}, positionals: { name: 'argument', min: 0, max: 0 } }, args);
  requireTerraformBinary(process.env, 'npm run examples formats the examples with `terraform fmt`');
  const files = generateExamples(appDefinition);
  // Everything is written beside examples/ first: a read-only checkout or a full disk stops here,
  // with examples/ as it was. Only then is examples/ replaced (so files the code no longer generates disappear).
  const staging = mkdtempSync(join(root, '.examples-'));
  try {
    for (const [path, content] of files) {
      const target = join(staging, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    const before = new Map([...files.keys()].map((path) => [path, existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined]));
    rmSync(join(root, 'examples'), { recursive: true, force: true });
    renameSync(join(staging, 'examples'), join(root, 'examples'));
    for (const [path, content] of files) process.stdout.write(`${before.get(path) === content ? 'unchanged' : 'wrote    '}  ${path}\n`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  process.stdout.write(`${files.size} example files generated.\n`);

  // The guide's version table is generated from the same code (lib/backends/terraform-version.ts); only the
  // lines between its markers are rewritten.
  const guide = join(root, FLOORS_TABLE_DOCUMENT);
  const current = readFileSync(guide, 'utf8');
  const updated = withVersionFloorsTable(current);
  if (updated !== current) writeFileSync(guide, updated);
  process.stdout.write(`${updated === current ? 'unchanged' : 'wrote    '}  ${FLOORS_TABLE_DOCUMENT} (version table)\n`);
  return 0;
}

runCli('examples', main);
