import { runCli } from '../toolkit/run-cli';
import { requireTerraformBinary } from '../toolkit/terraform-binary';
import { parseArgs, UsageError } from '../toolkit/cli-args';
import { requireValidSandboxContext, sandboxFromEnv } from '../sandbox/sandbox-flag';
import { PROJECT_DIR } from '../sandbox/paths';

/**
 * The blueprint, and through it the engine and cdktf (about 0.45 CPU s), loaded once the command line
 * has passed (`--help` and a refused argument answer at once), and here, not only in synth's child:
 * an environment file that does not compile, or a cdktf.json synth would refuse, is reported before
 * anything runs.
 */
function blueprint() {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that the TypeScript hook resolves (CommonJS: a dynamic import() is not compiled)
  const { appDefinition } = require('../../environments') as typeof import('../../environments');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that the TypeScript hook resolves (CommonJS: a dynamic import() is not compiled)
  const { projectDefinitions } = require('../toolkit/project-definitions') as typeof import('../toolkit/project-definitions');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load that the TypeScript hook resolves (CommonJS: a dynamic import() is not compiled)
  const { runDrift } = require('../drift/run-drift') as typeof import('../drift/run-drift');
  return { appDefinition, projectDefinitions, runDrift };
}

const USAGE = `usage: npm run drift [-- [STACK...] [--sandbox] [--output DIR] [--skip-synth]]
Refresh-only plan of every deployed stack (no lock, nothing written), each with its own account's
credentials; names every resource changed out of band. Exit 0: no drift, 2: drift, 1: a stack could
not be checked.
  STACK         stacks to check (default: all with remote state, and local ones whose state exists)
  --sandbox     the running local sandbox (also SANDBOX=1); default: real AWS with your credentials
  --output DIR  where to synthesize (default cdktf.out, or the sandbox's run directory)`;

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(args: string[]): Promise<number> {
  const parsed = parseArgs(
    { usage: USAGE, options: { '--sandbox': { kind: 'flag' }, '--skip-synth': { kind: 'flag' }, '--output': { kind: 'directory' } }, positionals: { name: 'stack', min: 0, max: 100 } },
    args,
  );
  if (parsed.help) {
    say(USAGE);
    return 0;
  }
  const sandbox = parsed.flags.has('--sandbox') || sandboxFromEnv(process.env);
  const skipSynth = parsed.flags.has('--skip-synth');
  const outDir = parsed.directories['--output'];
  const { appDefinition, projectDefinitions, runDrift } = blueprint();
  projectDefinitions(appDefinition, process.env, PROJECT_DIR);
  if (sandbox) requireValidSandboxContext(PROJECT_DIR);
  requireTerraformBinary(process.env, 'drift runs terraform plan');
  const stacks = [...parsed.positionals];
  const repeated = stacks.filter((stack, index) => stacks.indexOf(stack) !== index);
  if (repeated.length > 0) throw new UsageError([`stack ${repeated.map((s) => JSON.stringify(s)).join(', ')} is named twice`], USAGE);
  const results = await runDrift({ sandbox, stacks, outDir, skipSynth, say });
  for (const result of results) {
    if (result.status === 'drifted') for (const resource of result.resources) process.stdout.write(`${result.stack}\t${resource.address}\t${resource.action}\t${resource.attributes.join(",")}\n`);
  }
  if (results.some((result) => result.status === 'error')) return 1;
  return results.some((result) => result.status === 'drifted') ? 2 : 0;
}

runCli('drift', main);
