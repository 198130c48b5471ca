import { basename } from 'node:path';
import { reportLoadErrors } from '../../lib/app/load-errors';
import { UserError } from '../../lib/definitions/errors';
import { UsageError } from './cli-args';
import { userProblem } from './user-problem';

/**
 * Runs a command-line entry point: its exit code, or for a problem the user can fix (any UserError:
 * bootstrap, sandbox, definitions, guardrails; a syntax error in a file the tooling loads; a full,
 * read-only or unwritable disk) its message without a stack trace, exit 1; anything else is a crash
 * with the trace.
 */
export interface CliOptions {
  /** A second line after the problem, e.g. that nothing is lost. */
  readonly afterProblem?: string;
  /** Exit code for a UserError. @default 1 (the doctor uses 2: its 1 means "a check failed") */
  readonly problemExitCode?: number;
}


const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * Until an entry point calls runCli, a throw while its modules load (a syntax error in an environment
 * file the entry point imports) would print Node's trace: reported as runCli would, under the entry
 * point's name until runCli gives its label.
 */
let loadLabel = basename(process.argv[1] ?? 'tooling', '.ts');
reportLoadErrors(() => loadLabel);

export function runCli(label: string, main: (args: string[]) => Promise<number>, { afterProblem, problemExitCode = 1 }: CliOptions = {}): void {
  loadLabel = label;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2).filter((arg) => arg !== '--')).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const problem = userProblem(error);
      if (problem !== undefined) {
        say(`${label}: ${problem}`);
        // A command line refused before anything ran needs no word about recovery.
        if (error instanceof UsageError) process.exit(error.exitCode);
        if (afterProblem) say(`${label}: ${afterProblem}`);
        process.exit(error instanceof UserError ? problemExitCode : 1);
      }
      say(`${label} crashed: ${(error as Error).stack ?? error}`);
      process.exit(2);
    },
  );
}
