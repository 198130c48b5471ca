/**
 * `npm run examples`: regenerates examples/ from the code. The drift test in `npm test` compares the
 * committed files with what this writes.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appDefinition } from '../../environments';
import { generateExamples } from '../examples/generate-examples';
import { FLOORS_TABLE_DOCUMENT, withVersionFloorsTable } from '../examples/version-floors';

const root = join(__dirname, '..', '..');
const files = generateExamples(appDefinition);
// Read what is there before clearing examples/ (so files the code no longer generates disappear).
const before = new Map([...files.keys()].map((path) => [path, existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined]));
rmSync(join(root, 'examples'), { recursive: true, force: true });
for (const [path, content] of files) {
  const target = join(root, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  process.stdout.write(`${before.get(path) === content ? 'unchanged' : 'wrote    '}  ${path}\n`);
}
process.stdout.write(`${files.size} example files generated.\n`);

// The guide's version table is generated from the same code (lib/backends/terraform-version.ts); only the
// lines between its markers are rewritten.
const guide = join(root, FLOORS_TABLE_DOCUMENT);
const current = readFileSync(guide, 'utf8');
const updated = withVersionFloorsTable(current);
if (updated !== current) writeFileSync(guide, updated);
process.stdout.write(`${updated === current ? 'unchanged' : 'wrote    '}  ${FLOORS_TABLE_DOCUMENT} (version table)\n`);
