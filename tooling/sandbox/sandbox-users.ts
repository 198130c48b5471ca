import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { holderAlive, processStartTime } from '../toolkit/process-lock';
import type { SandboxPaths } from './paths';

/**
 * The commands using the sandbox right now (`run/users/<pid>.json`), so that `sandbox down` and
 * `reset` can warn instead of pulling the accounts, and the files a deploy's output points at
 * (errored.tfstate, a withheld state), from under it. Each entry names its process by pid and start
 * time: an entry whose process is gone (SIGKILL) or whose pid was recycled is not a user.
 */
export interface SandboxUse {
  readonly pid: number;
  readonly startTime: string;
  /** The command line as the user typed it: `npm run sandbox:deploy -- staging`. */
  readonly command: string;
  /** The stack directory it works in, when it has one. */
  readonly stackDir?: string;
  readonly since: string;
}

const usersDir = (paths: SandboxPaths) => join(paths.runDir, 'users');

/** Records this process as using the sandbox until `release()` (or its end). */
export function registerSandboxUse(paths: SandboxPaths, command: string, stackDir?: string): { release(): void } {
  const file = join(usersDir(paths), `${process.pid}.json`);
  const use: SandboxUse = { pid: process.pid, startTime: processStartTime(process.pid) ?? '', command, stackDir, since: new Date().toISOString() };
  mkdirSync(usersDir(paths), { recursive: true });
  writeFileSync(file, `${JSON.stringify(use)}\n`);
  const release = () => rmSync(file, { force: true });
  process.once('exit', release);
  return {
    release: () => {
      process.off('exit', release);
      release();
    },
  };
}

/** The live users of the sandbox (entries of processes that are gone are ignored). */
export function sandboxUsers(paths: SandboxPaths): SandboxUse[] {
  let names: string[];
  try {
    names = readdirSync(usersDir(paths));
  } catch {
    return [];
  }
  const users: SandboxUse[] = [];
  for (const name of names) {
    if (!/^\d+\.json$/.test(name)) continue;
    try {
      const use = JSON.parse(readFileSync(join(usersDir(paths), name), 'utf8')) as SandboxUse;
      if (use.pid !== process.pid && Number.isInteger(use.pid) && typeof use.startTime === 'string' && holderAlive({ pid: use.pid, startTime: use.startTime })) users.push(use);
    } catch {
      // cut short or not ours: not a live user
    }
  }
  return users;
}

/** "npm run sandbox:deploy -- staging (pid 123, since ...)" lines. */
export function describeUsers(users: readonly SandboxUse[]): string {
  return users.map((use) => `\`${use.command}\` (pid ${use.pid}, since ${use.since})`).join(', ');
}
