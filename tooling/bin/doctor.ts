// First: it reports a problem while the other modules load (an environment file that does not compile).
import { runCli } from '../toolkit/run-cli';
import { requireValidSandboxContext } from '../sandbox/sandbox-flag';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { formatReport } from '../doctor/report';
import { parseArgs } from '../toolkit/cli-args';
import { sandboxProjectVariables } from '../sandbox/sandbox-project';
import { loadSettingSources } from '../../lib/settings/setting-sources';
import { sandboxFromEnv } from '../sandbox/sandbox-flag';
import { staleCredentialsProblem } from '../sandbox/connection';
import { requireHealthySandbox, SandboxError, sandboxStatus } from '../sandbox/lifecycle';
import { sandboxPaths } from '../sandbox/paths';
import { typescriptNodeArgs } from '../toolkit/typescript-entry';

const PROJECT_DIR = join(__dirname, '..', '..');

/**
 * The blueprint, and through it the engine and cdktf (about 0.45 CPU s), loaded once the command line
 * has passed: `--help` and a refused argument answer at once.
 */
function blueprint() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that the TypeScript hook resolves (CommonJS: a dynamic import() is not compiled)
  const { appDefinition } = require('../../environments') as typeof import('../../environments');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that the TypeScript hook resolves (CommonJS: a dynamic import() is not compiled)
  const { runDoctor } = require('../doctor/run-doctor') as typeof import('../doctor/run-doctor');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that the TypeScript hook resolves (CommonJS: a dynamic import() is not compiled)
  const { allTargets, selectTargets } = require('../doctor/targets') as typeof import('../doctor/targets');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that the TypeScript hook resolves (CommonJS: a dynamic import() is not compiled)
  const { definedStacks, projectDefinitions } = require('../toolkit/project-definitions') as typeof import('../toolkit/project-definitions');
  return { appDefinition, runDoctor, allTargets, selectTargets, definedStacks, projectDefinitions };
}
const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `--sandbox`: each stack is checked as its own account in the running sandbox, exactly as after
 * `eval "$(npm run -s sandbox -- credentials <stack>)"`: one doctor process per account, with that
 * account's session (credentials, endpoint, the sandbox CA, which Node reads at start only, and the
 * sandbox's recorded bootstrap).
 */
async function sandboxDoctor(names: string[]): Promise<number> {
  // Loaded only here: the plain doctor must start fast (tests give it 30 s on a busy machine).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that the TypeScript hook resolves (CommonJS: a dynamic import() is not compiled)
  const { accountSession, resolveTarget } = require('../sandbox/target') as typeof import('../sandbox/target');
  // The sandbox session sets SANDBOX=1, which would hide a context value synth refuses.
  requireValidSandboxContext(PROJECT_DIR);
  const target = await resolveTarget({ sandbox: true, say }, process.env);
  if (target.kind !== 'sandbox') throw new Error('unreachable: the sandbox target is not a sandbox');
  // The stacks as the sandbox has them: the state-backend's S3 state once bootstrap recorded it.
  const env = { ...process.env, ...sandboxProjectVariables(target.project) };
  const { appDefinition, allTargets, selectTargets, definedStacks, projectDefinitions } = blueprint();
  const resolved = projectDefinitions(appDefinition, env, PROJECT_DIR);
  const targets = selectTargets(allTargets(appDefinition, loadSettingSources(PROJECT_DIR, env)), names);
  const byAccount = new Map<string, { region: string; stacks: string[] }>();
  for (const { name } of targets) {
    const definition = definedStacks(resolved).find((candidate) => candidate.name === name)!;
    const account = definition.allowedAccountIds[0];
    const group = byAccount.get(account) ?? { region: definition.region, stacks: [] };
    group.stacks.push(name);
    byAccount.set(account, group);
  }
  let worst = 0;
  for (const [account, { region, stacks }] of byAccount) {
    const session = await accountSession(target, account, region, process.env, stacks[0]);
    say(`doctor: sandbox account ${account} (${stacks.join(', ')})`);
    const child = spawn(process.execPath, typescriptNodeArgs(__filename, ...stacks), { cwd: PROJECT_DIR, env: session.env, stdio: 'inherit' });
    const code = await new Promise<number>((resolve) => child.on('close', (exit) => resolve(exit ?? 1)));
    worst = Math.max(worst, code);
  }
  return worst;
}

const USAGE = `usage: npm run doctor [-- [--sandbox] STACK...]   read-only preflight (Terraform binary, credentials, state bucket, lock table, held locks)
  --sandbox   check each stack as its own account in the running local sandbox`;

/**
 * `npm run doctor [-- [--sandbox] <stack>...]`: read-only preflight of the Terraform binary, AWS
 * credentials, state bucket, lock table and held locks. Exit code 0 when everything passes, 1 on any
 * failure, 2 when the command line or the definitions are wrong.
 */
async function main(args: string[]): Promise<number> {
  const parsed = parseArgs({ usage: USAGE, options: { '--sandbox': { kind: 'flag' } }, positionals: { name: 'stack', min: 0, max: 100 } }, args);
  if (parsed.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  const names = [...new Set(parsed.positionals)];
  if (parsed.flags.has('--sandbox')) return sandboxDoctor(names);
  // A shell acting in the sandbox (its credentials file taken): those credentials must be this
  // sandbox's, and it must answer, or every check below would wait on timeouts and say nothing useful.
  if (sandboxFromEnv(process.env) && process.env.SANDBOX_INSTANCE) {
    const stale = staleCredentialsProblem(process.env);
    if (stale) throw new SandboxError(stale);
    const status = await sandboxStatus(sandboxPaths(process.env));
    if (status.running) await requireHealthySandbox(status.state);
  }
  // Definition problems and unknown stacks (UserError) read exactly as synth prints them: exit 2.
  const { appDefinition, runDoctor, allTargets, selectTargets } = blueprint();
  const targets = selectTargets(allTargets(appDefinition, loadSettingSources(PROJECT_DIR, process.env)), names);
  const report = await runDoctor(targets, process.env);
  process.stdout.write(formatReport(report, process.env));
  return report.ok ? 0 : 1;
}

runCli('doctor', main, { problemExitCode: 2 });
