import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issue28TableRows, toolingTableRows } from './hostile/tooling-cases';

/** docs/hostile-input.md's tooling tables say what the tooling cases are (the suites prove them). */
it('the tooling tables in docs/hostile-input.md match __tests__/hostile/tooling-cases.ts', () => {
  const doc = readFileSync(join(__dirname, '..', 'docs', 'hostile-input.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## The tooling'));
  const rows = section.split('\n').filter((line) => /^\| (sandbox CLI|bootstrap|drift|sandbox:deploy\/state|doctor CLI|workflows\/dev --sandbox|\*\*all tooling\*\*) \|/.test(line));
  const { after, before } = toolingTableRows();
  expect(rows).toEqual([...after, ...before]);
});

it("issue #28's tooling table in docs/hostile-input.md lists every case of that pass, grouped by kind", () => {
  const doc = readFileSync(join(__dirname, '..', 'docs', 'hostile-input.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## The tooling, second pass (issue #28)'));
  const rows = section.split('\n').filter((line) => /^\| [^|]+ \| `[a-z0-9-]+` \|/.test(line));
  const ours = issue28TableRows();
  // Rows another pass appends after these (a block of its own) are not this test's.
  expect(rows.slice(0, ours.length)).toEqual(ours);
});
