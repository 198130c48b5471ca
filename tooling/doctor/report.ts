import { endpointFor } from '../toolkit/aws-clients';
import type { DoctorReport } from './run-doctor';

/** The report as printed by `npm run doctor`: PASS/FAIL per check, a fix under every failure. */
export function formatReport(report: DoctorReport, env: NodeJS.ProcessEnv): string {
  const lines: string[] = [];
  const binary = 'found' in report.binary ? `${report.binary.found.tool} ${report.binary.found.version} (${report.binary.found.path})` : report.binary.problem;
  lines.push(`state doctor: read-only preflight. Binary: ${binary}`);
  const s3 = endpointFor('S3', env);
  const dynamodb = endpointFor('DYNAMODB', env);
  if (s3 || dynamodb) lines.push(`Endpoints: S3 ${s3 ?? 'AWS'}, DynamoDB ${dynamodb ?? 'AWS'}`);
  for (const section of report.sections) {
    lines.push('', `[${section.title}]`);
    for (const result of section.results) {
      lines.push(`  ${result.warning ? 'WARN' : result.ok ? 'PASS' : 'FAIL'}  ${result.name}: ${result.detail}`);
      if ((!result.ok || result.warning) && result.fix) lines.push(`        fix: ${result.fix}`);
    }
  }
  const failed = report.sections.flatMap((section) => section.results).filter((result) => !result.ok).length;
  const warnings = report.sections.flatMap((section) => section.results).filter((result) => result.warning).length;
  const warned = warnings === 0 ? '' : ` ${warnings} warning${warnings === 1 ? '' : 's'} (WARN above).`;
  lines.push('', `${failed === 0 ? 'All checks passed.' : `${failed} check${failed === 1 ? '' : 's'} failed.`}${warned}`);
  return `${lines.join('\n')}\n`;
}
