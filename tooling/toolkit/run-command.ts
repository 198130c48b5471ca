import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_DIR } from '../sandbox/paths';

export interface CommandResult {
  readonly code: number | null;
  /** stdout and stderr together, as Terraform interleaves them. */
  readonly output: string;
  readonly seconds: number;
}

/** The project's own cdktf CLI (a devDependency), so a global one of another version is never used. */
export const CDKTF_BIN = join(PROJECT_DIR, 'node_modules', '.bin', 'cdktf');

/**
 * Runs a command to completion, capturing its output; after `timeoutMs` its whole process group
 * (terraform, its providers) is killed, so a hung endpoint cannot keep a run busy for an hour.
 */
export function runCommand(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* already gone */
      }
    };
    // Our own Ctrl-C or TERM reaches the detached group too: terraform then releases its lock itself.
    const forward = (signal: NodeJS.Signals) => () => kill(signal);
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      const seconds = (Date.now() - started) / 1000;
      resolve({ code: timedOut ? null : code, output: timedOut ? `${output}\n(killed after ${options.timeoutMs / 1000} s)` : output, seconds });
    });
  });
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
