import { compileProblem } from '../../lib/app/load-errors';
import { UserError } from '../../lib/definitions/errors';

// What runCli (run-cli.ts) reports as a problem the user can fix, in a module of its own: run-cli.ts
// installs a process-wide load-error handler when it is loaded, and callers that only classify an
// error (the e2e harness's in-process `npm run state`) must not install it.

/** What the file system said, as the cause and the fix; undefined for an error that is not about files. */
function fileSystemProblem(error: NodeJS.ErrnoException & { dest?: string }): string | undefined {
  const path = error.path ? ` ${error.path}` : '';
  const dest = error.dest ? ` (to ${error.dest})` : '';
  switch (error.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return (
        `no space left on the disk${path ? ` holding${path}` : ''} (${error.code}${error.syscall ? ` in ${error.syscall}` : ''})${dest}: ` +
        `free space there (df -h shows which file system is full) and run the command again; SANDBOX_HOME moves the sandbox's files to another disk`
      );
    case 'EROFS':
      return `cannot write${path}${dest}: it is on a read-only file system: run from a writable checkout, or set SANDBOX_HOME to a writable directory for the sandbox's files`;
    case 'EACCES':
    case 'EPERM':
      return `cannot ${error.syscall ?? 'use'}${path}${dest}: permission denied (${error.code}): make it writable by this user, or set SANDBOX_HOME to a directory you own`;
    case 'EMFILE':
    case 'ENFILE':
      return `too many open files (${error.code}): close other programs or raise the limit (ulimit -n) and run the command again`;
    default:
      return undefined;
  }
}

/** The message of a problem the user can fix, or undefined for a bug (which keeps its trace). */
export function userProblem(error: unknown): string | undefined {
  if (error instanceof UserError) return error.message;
  if (!(error instanceof Error)) return undefined;
  return compileProblem(error) ?? fileSystemProblem(error as NodeJS.ErrnoException);
}
