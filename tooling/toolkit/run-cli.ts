import { UserError } from '../../lib/definitions/errors';

/**
 * Runs a command-line entry point: its exit code, or for a problem the user can fix (any UserError:
 * bootstrap, sandbox, definitions, guardrails) its message without a stack trace, exit 1; anything else is a crash with the trace.
 */
export interface CliOptions {
  /** A second line after the problem, e.g. that nothing is lost. */
  readonly afterProblem?: string;
  /** Exit code for a UserError. @default 1 (the doctor uses 2: its 1 means "a check failed") */
  readonly problemExitCode?: number;
}

export function runCli(label: string, main: (args: string[]) => Promise<number>, { afterProblem, problemExitCode = 1 }: CliOptions = {}): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const say = (line: string) => process.stderr.write(`${line}\n`);
  main(process.argv.slice(2).filter((arg) => arg !== '--')).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UserError) {
        say(`${label}: ${error.message}`);
        if (afterProblem) say(`${label}: ${afterProblem}`);
        process.exit(problemExitCode);
      }
      say(`${label} crashed: ${(error as Error).stack ?? error}`);
      process.exit(2);
    },
  );
}
