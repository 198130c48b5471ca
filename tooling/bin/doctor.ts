import { join } from 'node:path';
import { appDefinition } from '../../environments';
import { formatReport } from '../doctor/report';
import { runDoctor } from '../doctor/run-doctor';
import { allTargets, selectTargets } from '../doctor/targets';
import { runCli } from '../toolkit/run-cli';
import { loadSettingSources } from '../../lib/settings/setting-sources';

/**
 * `npm run doctor [-- <stack>...]`: read-only preflight of the Terraform binary, AWS credentials,
 * state bucket, lock table and held locks. Exit code 0 when everything passes, 1 on any failure,
 * 2 when the command line or the definitions are wrong.
 */
async function main(names: string[]): Promise<number> {
  // Definition problems and unknown stacks (UserError) read exactly as synth prints them: exit 2.
  const targets = selectTargets(allTargets(appDefinition, loadSettingSources(join(__dirname, '..', '..'), process.env)), names);
  const report = await runDoctor(targets, process.env);
  process.stdout.write(formatReport(report, process.env));
  return report.ok ? 0 : 1;
}

runCli('doctor', main, { problemExitCode: 2 });
