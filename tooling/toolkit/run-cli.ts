import { SandboxError } from '../sandbox/lifecycle';
import { BootstrapError } from './errors';

/**
 * Runs a command-line entry point: its exit code, or for a problem the user can fix (BootstrapError,
 * SandboxError) its message without a stack trace, exit 1; anything else is a crash with the trace.
 */
export function runCli(label: string, main: (args: string[]) => Promise<number>, afterProblem?: string): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const say = (line: string) => process.stderr.write(`${line}\n`);
  main(process.argv.slice(2).filter((arg) => arg !== '--')).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof BootstrapError || error instanceof SandboxError) {
        say(`${label}: ${error.message}`);
        if (afterProblem) say(`${label}: ${afterProblem}`);
        process.exit(1);
      }
      say(`${label} crashed: ${(error as Error).stack ?? error}`);
      process.exit(2);
    },
  );
}
