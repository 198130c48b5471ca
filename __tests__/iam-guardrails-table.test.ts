import { join } from 'node:path';
import { GUARDRAIL_CASES } from './e2e/iam-guardrails/cases';
import { guardrailTable, TABLE_END, TABLE_START } from './e2e/iam-guardrails/table';
import { expectDocumentedCases, expectGeneratedTable } from './support/doc-case-table';

/** docs/sandbox.md's guardrail table is the case table the e2e suite runs (__tests__/e2e/iam-guardrails.test.ts). */
const file = join(__dirname, '..', 'docs', 'sandbox.md');

it('docs/sandbox.md lists exactly the guardrail cases, with their verdicts and sources', () => {
  expectGeneratedTable(file, TABLE_START, TABLE_END, guardrailTable);
});

it('every case has a unique id, an AWS documentation source and a section', () => {
  expectDocumentedCases(GUARDRAIL_CASES);
});
