import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_DIR } from './project-dir';
import { UserError } from '../../lib/definitions/errors';
import { saveWithheldState, StateDumpFilter } from './state-dump-filter';

export interface CommandResult {
  /** The exit code; null when the command was killed after its timeout. */
  readonly code: number | null;
  /** stdout and stderr together, as Terraform interleaves them. */
  readonly output: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly seconds: number;
}

export interface CommandOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /**
   * Forward our own SIGINT/SIGTERM to the command's process group, so terraform releases its lock
   * itself. @default true (tests running many commands at once turn it off)
   */
  readonly forwardSignals?: boolean;
  /** Called with each piece of output as it comes (stdout and stderr), e.g. to report progress. */
  readonly onOutput?: (text: string) => void;
  /**
   * Where a state Terraform prints because it could not write it goes (a 0600 file; the output gets
   * a line saying where instead: state-dump-filter.ts). @default `cwd` (where errored.tfstate would be)
   */
  readonly withheldStateDir?: string;
}

/** A filter that passes everything: for output that is a state by design. */
const passThrough = { write: (chunk: string) => chunk, end: () => '' };

/**
 * `terraform state pull` and `terraform show -json` print a state on success: that is what their
 * callers read (bootstrap's verification, npm run state), so their output is never withheld.
 */
export function printsStateByDesign(args: readonly string[]): boolean {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return (words[0] === 'state' && words[1] === 'pull') || (words[0] === 'show' && args.includes('-json'));
}

/** A command still running: its process, and its result once it ends. */
export interface RunningCommand {
  readonly process: ChildProcess;
  readonly done: Promise<CommandResult>;
}

/** The project's own cdktf CLI (a devDependency), so a global one of another version is never used. */
export const CDKTF_BIN = join(PROJECT_DIR, 'node_modules', '.bin', 'cdktf');

/**
 * Starts a command in its own process group, capturing its output; after `timeoutMs` the whole
 * group (terraform, its providers, provisioners) is killed, so a hung endpoint cannot keep a run
 * busy for an hour. The one process runner of the tooling and the tests.
 */
export function startCommand(command: string, args: readonly string[], options: CommandOptions): RunningCommand {
  const started = Date.now();
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  let stderr = '';
  // No state dump (and its secrets) reaches the captured output, the progress or the tails printed on
  // failure; except from a command whose output is a state by design (`terraform state pull`), which
  // its caller reads and keeps to itself.
  const onState = saveWithheldState(options.withheldStateDir ?? options.cwd);
  const filters = printsStateByDesign(args) ? { stdout: passThrough, stderr: passThrough } : { stdout: new StateDumpFilter(onState), stderr: new StateDumpFilter(onState) };
  const take = (stream: 'stdout' | 'stderr', text: string) => {
    if (text === '') return;
    output += text;
    if (stream === 'stdout') stdout += text;
    else stderr += text;
    options.onOutput?.(text);
  };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => take('stdout', filters.stdout.write(chunk)));
  child.stderr.on('data', (chunk: string) => take('stderr', filters.stderr.write(chunk)));
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      /* already gone */
    }
  };
  const forward = options.forwardSignals ?? true;
  const onInt = () => kill('SIGINT');
  const onTerm = () => kill('SIGTERM');
  if (forward) {
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    kill('SIGKILL');
  }, options.timeoutMs);
  const settle = () => {
    clearTimeout(timer);
    if (forward) {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
  };
  const done = new Promise<CommandResult>((resolve, reject) => {
    child.on('error', (error) => {
      settle();
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      // A missing program is the user's to install (or a PATH to fix), not a bug: no trace.
      reject(missing ? new UserError(`could not run ${command}: it is not on the PATH (${error.message}); install it or fix PATH`) : new Error(`could not run ${command}: ${error.message}`));
    });
    child.on('close', (code) => {
      settle();
      take('stdout', filters.stdout.end());
      take('stderr', filters.stderr.end());
      const seconds = (Date.now() - started) / 1000;
      resolve({ code: timedOut ? null : code, output: timedOut ? `${output}\n(killed after ${options.timeoutMs / 1000} s)` : output, stdout, stderr, timedOut, seconds });
    });
  });
  return { process: child, done };
}

/** Runs a command to completion (startCommand), capturing its output. */
export function runCommand(command: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  return startCommand(command, args, options).done;
}

/** The last lines of a command's output, without cdktf's terminal control sequences. */
export function outputTail(output: string, lines = 25): string {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
  return plain
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-lines)
    .join('\n');
}
