import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GUARDRAIL_CASES } from './e2e/iam-guardrails/cases';
import { guardrailTable, TABLE_END, TABLE_START } from './e2e/iam-guardrails/table';

/** docs/sandbox.md's guardrail table is the case table the e2e suite runs (__tests__/e2e/iam-guardrails.test.ts). */
const file = join(__dirname, '..', 'docs', 'sandbox.md');

it('docs/sandbox.md lists exactly the guardrail cases, with their verdicts and sources', () => {
  const doc = readFileSync(file, 'utf8');
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  const current = doc.slice(start, end + TABLE_END.length);
  if (process.env.UPDATE_CONFORMANCE_TABLE === '1') writeFileSync(file, doc.replace(current, guardrailTable()));
  else expect(current).toBe(guardrailTable());
});

it('every case has a unique id, an AWS documentation source and a section', () => {
  const ids = GUARDRAIL_CASES.map((conformance) => conformance.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const conformance of GUARDRAIL_CASES) {
    expect(conformance.source.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    expect(conformance.source.section.length).toBeGreaterThan(3);
  }
});
