import { join } from 'node:path';
import { CASES } from './e2e/iam-conformance/cases';
import { conformanceTable, TABLE_END, TABLE_START } from './e2e/iam-conformance/table';
import { expectDocumentedCases, expectGeneratedTable } from './support/doc-case-table';

/** docs/sandbox.md's IAM conformance table is the case table the e2e suite runs (__tests__/e2e/iam-conformance.test.ts). */
const file = join(__dirname, '..', 'docs', 'sandbox.md');

it('docs/sandbox.md lists exactly the conformance cases, with their verdicts and sources', () => {
  expectGeneratedTable(file, TABLE_START, TABLE_END, conformanceTable);
});

it('every case has a unique id, an AWS documentation source and a section', () => {
  expectDocumentedCases(CASES);
});
