import { resolveTarget } from '../../../tooling/sandbox/target';
import { manifestStacks } from '../../../tooling/toolkit/synthesized-stacks';
import { stateLocation } from '../../../tooling/state/state-location';
import { stateDoctor, stateHistory, stateRestore } from '../../../tooling/state/run-state';
import { UsageError } from '../../../tooling/toolkit/cli-args';
import { userProblem } from '../../../tooling/toolkit/user-problem';
import { progress } from './progress';
import { STEP_TIMEOUT_MS, StepTimeoutError, type RunResult } from './step';

/**
 * `npm run state -- <verb> <stack> --sandbox --skip-synth --output <outDir>` in the test's own
 * process: the verbs of tooling/state/run-state.ts with the context tooling/bin/state.ts builds for
 * them (the sandbox target, the stack from the synthesized manifest, its state location), their
 * stdout and stderr lines captured, and the exit code tooling/toolkit/run-cli.ts would give (a
 * problem the user can fix: 1, or a usage error's code, its message on stderr after "state: ").
 * The Terraform commands a verb runs (init, state push, plan, force-unlock) are still processes.
 *
 * For the calls of a drill where the process is not what is tested: no node start and no
 * module loading per call. A restore only with `yes`: "no terminal, nothing changed" is the command's
 * behaviour without it, which a drill proves with the real command. A doctor without `yes` sees no
 * terminal, as the drills' commands do (their stdin is closed): should it find something to repair,
 * it refuses instead of asking on the terminal jest may run in. Bounded like a step: at the bound it
 * fails naming the call (the Terraform commands it started end at StackTerraform's own bound).
 */
export interface StateCall {
  readonly verb: 'history' | 'restore' | 'doctor';
  readonly stack: string;
  /** The synthesized app (`--output`; `--skip-synth` is implied). */
  readonly outDir: string;
  /** The environment the command would run with (the sandbox's SANDBOX_HOME, the CLI configuration). */
  readonly env: NodeJS.ProcessEnv;
  readonly version?: string;
  readonly yes?: boolean;
  readonly otherLineage?: boolean;
}

export async function stateInProcess(call: StateCall, timeoutMs: number = STEP_TIMEOUT_MS.plan): Promise<RunResult> {
  const args = [
    call.verb,
    call.stack,
    ...(call.version !== undefined ? ['--version', call.version] : []),
    ...(call.yes ? ['--yes'] : []),
    ...(call.otherLineage ? ['--other-lineage'] : []),
    '--sandbox',
    '--skip-synth',
    '--output',
    call.outDir,
  ];
  const name = `npm run state -- ${args.join(' ')} (in-process)`;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const say = (line: string) => stderr.push(line);
  const print = (line: string) => stdout.push(line);
  const started = Date.now();

  const run = async (): Promise<number> => {
    if (call.verb === 'restore' && !call.yes) throw new Error(`${name}: a restore without --yes is the command's no-terminal refusal; run it as a process`);
    const target = await resolveTarget({ sandbox: true, outDir: call.outDir, say }, call.env);
    const found = manifestStacks(target.outDir).find((candidate) => candidate.name === call.stack);
    if (!found) throw new UsageError([`unknown stack ${JSON.stringify(call.stack)}`], 'npm run state -- <command> <stack>');
    const context = { target, location: stateLocation(found.name, found.directory), env: call.env, say, print, yes: call.yes === true, rerun: `npm run state -- ${args.join(' ')}` };
    if (call.verb === 'history') return stateHistory(context);
    if (call.verb === 'restore') {
      if (call.version === undefined) throw new Error(`${name}: restore needs a version`);
      return stateRestore(context, { kind: 'version', versionId: call.version }, { otherLineage: call.otherLineage === true });
    }
    return stateDoctor(context);
  };
  const stdin = call.yes ? undefined : (process.stdin as { isTTY?: boolean });
  const wasTerminal = stdin?.isTTY;
  if (stdin && wasTerminal) stdin.isTTY = false;
  // As runCli (tooling/toolkit/run-cli.ts, not imported: it installs a process-wide handler at load),
  // with its own classification (user-problem.ts): a problem the user can fix is its message and exit
  // 1 (a usage error: its own code); anything else a crash.
  const exit = run().then(
    (code) => code,
    (error: unknown) => {
      const problem = userProblem(error);
      if (problem === undefined) {
        say(`state crashed: ${(error as Error).stack ?? error}`);
        return 2;
      }
      say(`state: ${problem}`);
      return error instanceof UsageError ? error.exitCode : 1;
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StepTimeoutError(name, timeoutMs, [...stdout, ...stderr].join('\n'))), timeoutMs);
  });
  try {
    const code = await Promise.race([exit, bound]);
    const seconds = (Date.now() - started) / 1000;
    progress(`${name} (${seconds.toFixed(1)}s, exit ${code})`);
    const out = stdout.map((line) => `${line}\n`).join('');
    const err = stderr.map((line) => `${line}\n`).join('');
    return { code, stdout: out, stderr: err, output: `${out}\n${err}`, seconds };
  } finally {
    clearTimeout(timer);
    if (stdin && wasTerminal) stdin.isTTY = wasTerminal;
  }
}
