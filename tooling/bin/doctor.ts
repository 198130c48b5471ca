import { join } from 'node:path';
import { appDefinition } from '../../environments';
import { formatReport } from '../doctor/report';
import { runDoctor } from '../doctor/run-doctor';
import { allTargets, selectTargets, UnknownStackError } from '../doctor/targets';
import { DefinitionError } from '../../lib/definitions/errors';
import { loadSettingSources } from '../../lib/settings/setting-sources';

/**
 * `npm run doctor [-- <stack>...]`: read-only preflight of the Terraform binary, AWS credentials,
 * state bucket, lock table and held locks. Exit code 0 when everything passes, 1 on any failure,
 * 2 when the command line or the definitions are wrong.
 */
async function main(): Promise<number> {
  const names = process.argv.slice(2).filter((arg) => arg !== '--');
  let targets;
  try {
    targets = selectTargets(allTargets(appDefinition, loadSettingSources(join(__dirname, '..', '..'), process.env)), names);
  } catch (error) {
    // Definition problems read exactly as synth prints them; only a bug gets a trace (below).
    if (!(error instanceof DefinitionError) && !(error instanceof UnknownStackError)) throw error;
    process.stderr.write(`doctor: ${(error as Error).message}\n`);
    return 2;
  }
  const report = await runDoctor(targets, process.env);
  process.stdout.write(formatReport(report, process.env));
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`doctor crashed: ${(error as Error).stack ?? error}\n`);
    process.exit(2);
  },
);
