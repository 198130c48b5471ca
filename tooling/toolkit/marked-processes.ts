import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Processes found by a marker in their environment (`NAME=value`), which every descendant of a
 * command inherits, also those in another session: Terraform under `cdktf deploy` runs in a pty of
 * its own (node-pty starts it with setsid), out of reach of a signal to cdktf's process group.
 * Linux /proc; elsewhere none are found.
 */
export function carriesMarker(pid: number, name: string, value: string): boolean {
  try {
    return environValue(readFileSync(`/proc/${pid}/environ`, 'latin1'), name) === value;
  } catch {
    return false;
  }
}

/** The value of `name` in a NUL-separated environment (/proc/<pid>/environ), or undefined. */
export function environValue(environ: string, name: string): string | undefined {
  const prefix = `${name}=`;
  for (const entry of environ.split('\0')) if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  return undefined;
}

/** Pids (not this process) whose environment carries `name=value`. */
export function markedProcesses(name: string, value: string): number[] {
  if (!existsSync('/proc/self/environ')) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .map(Number)
    .filter((pid) => carriesMarker(pid, name, value));
}

/** The program a process runs and its first argument ("terraform apply"), or "?" when gone. */
export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').filter(Boolean).map((part) => part.split('/').pop()).slice(0, 2).join(' ');
  } catch {
    return '?';
  }
}

/** Whether `pid` runs one of `programs` (by the base name of its argv[0]: `terraform`, `tofu`). */
export function runsProgram(pid: number, programs: readonly string[]): boolean {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0] ?? '';
    return programs.includes(basename(argv0));
  } catch {
    return false;
  }
}

/** The programs that hold a state and answer SIGINT by writing it: Terraform and OpenTofu. */
export const TERRAFORM_PROGRAMS: readonly string[] = ['terraform', 'tofu'];
