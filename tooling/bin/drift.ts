import { runCli } from '../toolkit/run-cli';
import { sandboxFromEnv } from '../toolkit/sandbox-flag';
import { runDrift } from '../drift/run-drift';

const USAGE = `usage: npm run drift [-- [STACK...] [--sandbox] [--output DIR] [--skip-synth]]
Refresh-only plan of every deployed stack (no lock, nothing written), each with its own account's
credentials; names every resource changed out of band. Exit 0: no drift, 2: drift, 1: a stack could
not be checked.
  STACK         stacks to check (default: all with remote state, and local ones whose state exists)
  --sandbox     the running local sandbox (also SANDBOX=1); default: real AWS with your credentials
  --output DIR  where to synthesize (default cdktf.out, or the sandbox's run directory)`;

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(args: string[]): Promise<number> {
  let sandbox = sandboxFromEnv(process.env);
  let outDir: string | undefined;
  let skipSynth = false;
  const stacks: string[] = [];
  const rest = args.filter((arg) => arg !== '--');
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--sandbox') sandbox = true;
    else if (arg === '--skip-synth') skipSynth = true;
    else if (arg === '--output' && rest[i + 1]) outDir = rest[++i];
    else if (arg === '--help' || arg === '-h') {
      say(USAGE);
      return 0;
    } else if (arg.startsWith('-')) {
      say(`drift: unknown option "${arg}"\n${USAGE}`);
      return 2;
    } else stacks.push(arg);
  }
  const results = await runDrift({ sandbox, stacks, outDir, skipSynth, say });
  for (const result of results) {
    if (result.status === 'drifted') for (const resource of result.resources) process.stdout.write(`${result.stack}\t${resource.address}\t${resource.action}\t${resource.attributes.join(",")}\n`);
  }
  if (results.some((result) => result.status === 'error')) return 1;
  return results.some((result) => result.status === 'drifted') ? 2 : 0;
}

runCli('drift', main);
