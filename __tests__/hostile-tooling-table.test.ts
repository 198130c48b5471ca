import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolingTableRows } from './hostile/tooling-cases';

/** docs/hostile-input.md's tooling tables say what the tooling cases are (the suites prove them). */
it('the tooling tables in docs/hostile-input.md match __tests__/hostile/tooling-cases.ts', () => {
  const doc = readFileSync(join(__dirname, '..', 'docs', 'hostile-input.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## The tooling'));
  const rows = section.split('\n').filter((line) => /^\| (sandbox CLI|bootstrap|drift|sandbox:deploy\/state|doctor CLI|workflows\/dev --sandbox|\*\*all tooling\*\*) \|/.test(line));
  const { after, before } = toolingTableRows();
  expect(rows).toEqual([...after, ...before]);
});
