import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import type { LockInfo } from './state-store';

/** Whether a lock's holder can still be running, as far as this machine can tell. */
export type HolderProcess =
  | { readonly kind: 'running'; readonly pids: readonly number[] }
  | { readonly kind: 'not-running' }
  | { readonly kind: 'elsewhere'; readonly host: string };

/**
 * Terraform records its holder as `user@host` (no process ID). On the holder's own machine, a
 * terraform (or tofu) process whose working directory is the stack's is the holder or a run just
 * like it; on any other machine this cannot be told.
 */
export function holderProcess(info: LockInfo, stackDirectory: string, binaries: readonly string[], procDir = '/proc', thisHost = hostname()): HolderProcess {
  const host = info.Who?.includes('@') ? info.Who.slice(info.Who.lastIndexOf('@') + 1) : undefined;
  if (host !== undefined && host !== thisHost) return { kind: 'elsewhere', host };
  if (!existsSync(procDir)) return { kind: 'elsewhere', host: host ?? 'unknown' };
  let directory = stackDirectory;
  try {
    directory = realpathSync(stackDirectory);
  } catch {
    /* compared as given */
  }
  const names = new Set(binaries.map((binary) => basename(binary)));
  const pids: number[] = [];
  for (const entry of readdirSync(procDir)) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const argv0 = readFileSync(join(procDir, entry, 'cmdline'), 'utf8').split('\0')[0];
      if (!names.has(basename(argv0))) continue;
      if (readlinkSync(join(procDir, entry, 'cwd')) === directory) pids.push(Number(entry));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids.length > 0 ? { kind: 'running', pids } : { kind: 'not-running' };
}
