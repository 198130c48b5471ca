/**
 * `npm run state -- <history|restore|doctor> <stack>`: a stack's state as its backend keeps it,
 * read and restored through the environment's state role, as Terraform reaches it (docs/recovery.md).
 */
import { runCli } from '../toolkit/run-cli';
import { parseArgs, UsageError } from '../toolkit/cli-args';
import { sandboxFromEnv } from '../sandbox/sandbox-flag';
import { resolveTarget, synthEnv } from '../sandbox/target';
import { synthesizeOrThrow } from '../toolkit/app-synth';
import { manifestStacks } from '../toolkit/synthesized-stacks';
import { stateLocation } from '../state/state-location';
import { stateDoctor, stateHistory, stateRestore, type RestoreChoice } from '../state/run-state';

const USAGE = `usage: npm run state -- <command> <stack> [options]
  history <stack>                 every version (and delete marker) of the stack's state object, newest
                                  first: time, size, serial, lineage, Terraform version, resources, current
  restore <stack> --version ID    restore that version through Terraform (terraform state push, serial
  restore <stack> --before TIME   raised; the newest version written before TIME, ISO 8601 with a zone)
                                  shows the change and asks first; then terraform plan
  doctor <stack>                  a stale lock, a digest that does not match the stored state, resources
                                  created but not recorded; repairs the first two when confirmed
options:
  --yes            confirm without asking (CI); without a terminal nothing is changed unless given
  --other-lineage  restore: accept a version of another lineage (pushed with -force)
  --sandbox        the running local sandbox (also SANDBOX=1); default: real AWS with your credentials
  --output DIR     where the app is synthesized (default cdktf.out, or the sandbox's run directory)
  --skip-synth     use what is already synthesized in the output directory
exit: 0 done (restore: the restored state matches what is deployed), 1 refused, not confirmed or failed,
      2 usage, 3 restored but terraform plan shows changes / problems found that the doctor may not repair`;

const say = (line: string) => process.stderr.write(`${line}\n`);
const print = (line: string) => process.stdout.write(`${line}\n`);
const COMMANDS = ['history', 'restore', 'doctor'] as const;

async function main(args: string[]): Promise<number> {
  const parsed = parseArgs(
    {
      usage: USAGE,
      options: {
        '--sandbox': { kind: 'flag' },
        '--skip-synth': { kind: 'flag' },
        '--output': { kind: 'directory' },
        '--yes': { kind: 'flag' },
        '--other-lineage': { kind: 'flag' },
        '--version': { kind: 'value', example: '<version ID from history>' },
        '--before': { kind: 'value', example: '2026-12-06T10:00:00Z' },
      },
      positionals: { name: 'command and stack', min: 2, max: 2 },
    },
    args,
  );
  if (parsed.help) {
    say(USAGE);
    return 0;
  }
  const [command, stack] = parsed.positionals;
  const problems: string[] = [];
  if (!(COMMANDS as readonly string[]).includes(command)) problems.push(`unknown command ${JSON.stringify(command)}: choose from ${COMMANDS.join(', ')}`);
  const version = parsed.values['--version'];
  const before = parsed.values['--before'];
  let choice: RestoreChoice | undefined;
  if (command === 'restore') {
    if ((version === undefined) === (before === undefined)) problems.push('restore needs exactly one of --version <id> and --before <time>');
    else if (version !== undefined) choice = { kind: 'version', versionId: version };
    else {
      // A zone is required: a local time would mean different versions on different machines.
      const time = /(Z|[+-]\d\d:?\d\d)$/i.test(before!) ? new Date(before!) : new Date(Number.NaN);
      if (Number.isNaN(time.getTime())) problems.push(`--before ${JSON.stringify(before)} is not a time with a zone: write ISO 8601, e.g. 2026-12-06T10:00:00Z`);
      else choice = { kind: 'before', time };
    }
  } else {
    for (const option of ['--version', '--before', '--other-lineage'] as const) {
      if (parsed.values[option] !== undefined || parsed.flags.has(option)) problems.push(`${option} is for restore only`);
    }
    if (command === 'history' && parsed.flags.has('--yes')) problems.push('--yes: history changes nothing and asks nothing');
  }
  if (problems.length > 0) throw new UsageError(problems, USAGE);

  const sandbox = parsed.flags.has('--sandbox') || sandboxFromEnv(process.env);
  const target = await resolveTarget({ sandbox, outDir: parsed.directories['--output'], say }, process.env);
  if (!parsed.flags.has('--skip-synth')) {
    const started = Date.now();
    say(`state: synthesizing into ${target.outDir}`);
    await synthesizeOrThrow(target.outDir, { env: synthEnv(target, process.env), timeoutMs: 300_000 }, '; nothing was read or changed');
    say(`state: synthesized (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  const stacks = manifestStacks(target.outDir);
  const found = stacks.find((candidate) => candidate.name === stack);
  if (!found) throw new UsageError([`unknown stack ${JSON.stringify(stack)}: choose from ${stacks.map((s) => s.name).join(', ')}`], USAGE);
  const location = stateLocation(found.name, found.directory);
  const rerun = `npm run state -- ${args.filter((arg) => arg !== '--').join(' ')}`;
  const context = { target, location, env: process.env, say, print, yes: parsed.flags.has('--yes'), rerun };
  if (command === 'history') return stateHistory(context);
  if (command === 'restore') return stateRestore(context, choice!, { otherLineage: parsed.flags.has('--other-lineage') });
  return stateDoctor(context);
}

runCli('state', main);
