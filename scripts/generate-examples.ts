/**
 * `npm run examples`: regenerates examples/ from the code. The drift test in `npm test` compares the
 * committed files with what this writes.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appDefinition } from '../environments';
import { generateExamples } from '../lib/examples/generate-examples';

const root = join(__dirname, '..');
const files = generateExamples(appDefinition);
rmSync(join(root, 'examples'), { recursive: true, force: true });
for (const [path, content] of files) {
  const target = join(root, path);
  const before = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  process.stdout.write(`${before === content ? 'unchanged' : 'wrote    '}  ${path}\n`);
}
process.stdout.write(`${files.size} example files generated.\n`);
