import { CASES } from './cases';
import { DENIAL } from './runner';
import type { ConformanceCase } from './types';

/**
 * docs/sandbox.md's conformance table, rendered from the cases (a unit test keeps the two equal;
 * `UPDATE_CONFORMANCE_TABLE=1 npx jest __tests__/iam-conformance-table.test.ts` rewrites it).
 */
export const TABLE_START = '<!-- iam-conformance-table: generated from __tests__/e2e/iam-conformance/cases.ts -->';
export const TABLE_END = '<!-- /iam-conformance-table -->';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function verdict(conformance: ConformanceCase): string {
  if (conformance.expect.verdict === 'allow') return `allowed (${conformance.expect.status ?? 200})`;
  const denial = DENIAL[conformance.request.service];
  return `denied (${conformance.expect.status ?? denial.status} ${conformance.expect.code ?? denial.code})`;
}

export function conformanceTable(cases: readonly ConformanceCase[] = CASES): string {
  const rows = cases.map(
    (conformance) =>
      `| ${conformance.id} | ${cell(conformance.description)} | \`${conformance.request.service}:${conformance.request.command}\` | ${verdict(conformance)}${conformance.divergence ? ` — **the sandbox diverges**: ${cell(conformance.divergence)}` : ''} | [${cell(conformance.source.section)}](${conformance.source.url}) |`,
  );
  return [TABLE_START, '', '| Case | Situation | Request | AWS\'s verdict | Source (page, section) |', '| --- | --- | --- | --- | --- |', ...rows, '', TABLE_END].join('\n');
}
