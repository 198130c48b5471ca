import { GUARDRAIL_CASES, type GuardrailCase } from './cases';

/**
 * docs/sandbox.md's guardrail table, rendered from the cases (a unit test keeps the two equal;
 * `UPDATE_CONFORMANCE_TABLE=1 npx jest __tests__/iam-guardrails-table.test.ts` rewrites it).
 */
export const TABLE_START = '<!-- iam-guardrails-table: generated from __tests__/e2e/iam-guardrails/cases.ts -->';
export const TABLE_END = '<!-- /iam-guardrails-table -->';

const DENIAL = { s3: '403 AccessDenied', dynamodb: '400 AccessDeniedException', ssm: '400 AccessDeniedException', sts: '403 AccessDenied' } as const;
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const verdict = (conformance: GuardrailCase) =>
  conformance.expect.verdict === 'allow' ? `allowed (${conformance.expect.status ?? 200})` : `denied (${conformance.expect.status !== undefined ? `${conformance.expect.status} ${conformance.expect.code}` : DENIAL[conformance.request.service]})`;

export function guardrailTable(cases: readonly GuardrailCase[] = GUARDRAIL_CASES): string {
  const rows = cases.map(
    (conformance) =>
      `| ${conformance.id} | ${cell(conformance.description)} | \`${conformance.request.service}:${conformance.request.command}\` | ${verdict(conformance)} | [${cell(conformance.source.section)}](${conformance.source.url}) |`,
  );
  return [TABLE_START, '', '| Case | Situation | Request | AWS\'s verdict | Source (page, section) |', '| --- | --- | --- | --- | --- |', ...rows, '', TABLE_END].join('\n');
}
