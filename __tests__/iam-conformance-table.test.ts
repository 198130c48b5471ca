import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASES } from './e2e/iam-conformance/cases';
import { conformanceTable, TABLE_END, TABLE_START } from './e2e/iam-conformance/table';

/** docs/sandbox.md's IAM conformance table is the case table the e2e suite runs (__tests__/e2e/iam-conformance.test.ts). */
const file = join(__dirname, '..', 'docs', 'sandbox.md');

it('docs/sandbox.md lists exactly the conformance cases, with their verdicts and sources', () => {
  const doc = readFileSync(file, 'utf8');
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  const current = doc.slice(start, end + TABLE_END.length);
  if (process.env.UPDATE_CONFORMANCE_TABLE === '1') writeFileSync(file, doc.replace(current, conformanceTable()));
  else expect(current).toBe(conformanceTable());
});

it('every case has a unique id, an AWS documentation source and a section', () => {
  const ids = CASES.map((conformance) => conformance.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const conformance of CASES) {
    expect(conformance.source.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    expect(conformance.source.section.length).toBeGreaterThan(3);
  }
});
