import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../lib/definitions/errors';
import type { SandboxPaths } from './paths';

/**
 * What the sandbox owns, and proof of it: its run directory carries OWNER_FILE (a per-sandbox
 * identity and the home it was created in), and every process it starts carries OWNER_VARIABLE=<id>
 * in its environment (the supervisor also on its command line). `down`/`up` delete only a run
 * directory with this marker for this home, and stop only processes with this identity, so an
 * unrelated `run/` folder, a copied SANDBOX_HOME or a recycled pid is never touched.
 */
export const OWNER_FILE = '.sandbox-owner';
export const OWNER_VARIABLE = 'SANDBOX_OWNER_ID';

/** A problem with what the sandbox may touch; the message says how to fix it. */
export class OwnershipError extends UserError {}

export type RunDirOwner =
  | { readonly kind: 'none' }
  | { readonly kind: 'ours'; readonly id: string }
  /** The marker names another home: this run directory was copied from a sandbox elsewhere. */
  | { readonly kind: 'copy'; readonly id: string; readonly home: string }
  | { readonly kind: 'foreign' };

/** What a run directory of a sandbox made before the marker existed holds, and nothing else. */
const LEGACY_ENTRIES = new Set(['sandbox.json', 'sandbox.log', 'tls', 'dev', 'cdktf.out', 'credentials', 'up.lock']);

const realHome = (paths: SandboxPaths) => (existsSync(paths.home) ? realpathSync(paths.home) : paths.home);

export function runDirOwner(paths: SandboxPaths): RunDirOwner {
  if (!existsSync(paths.runDir)) return { kind: 'none' };
  const marker = join(paths.runDir, OWNER_FILE);
  if (!existsSync(marker)) {
    const entries = readdirSync(paths.runDir);
    const legacy = entries.length > 0 && entries.every((entry) => LEGACY_ENTRIES.has(entry) || /^sandbox\.json\.\d+\.tmp$/.test(entry)) && entries.some((entry) => entry === 'sandbox.log' || entry === 'sandbox.json');
    return legacy ? { kind: 'ours', id: '' } : { kind: 'foreign' };
  }
  try {
    const { id, home } = JSON.parse(readFileSync(marker, 'utf8')) as { id?: unknown; home?: unknown };
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id) || typeof home !== 'string') return { kind: 'foreign' };
    return home === realHome(paths) ? { kind: 'ours', id } : { kind: 'copy', id, home };
  } catch {
    return { kind: 'foreign' };
  }
}

/** The refusal for a run directory the sandbox may not delete, with the fix. */
export function notOursError(paths: SandboxPaths, owner: RunDirOwner, action: string): OwnershipError {
  if (owner.kind === 'copy') {
    return new OwnershipError(
      `${paths.runDir} is a copy of the sandbox run directory of ${owner.home} (its ${OWNER_FILE} says so), so ${action} leaves it and that sandbox's processes alone: ` +
        `run \`npm run sandbox -- down\` with SANDBOX_HOME=${owner.home} to stop that one, and delete this copy yourself if you do not need it`,
    );
  }
  return new OwnershipError(
    `${paths.runDir} exists but was not created by the sandbox (no ${OWNER_FILE} in it), so ${action} does not delete it: ` +
      `move it away, or set SANDBOX_HOME to another directory (the sandbox keeps everything in $SANDBOX_HOME/run)`,
  );
}

/** Deletes the run directory only when it is this home's sandbox's; `false` when there was none. */
export function removeOwnedRunDir(paths: SandboxPaths, action: string): boolean {
  const owner = runDirOwner(paths);
  if (owner.kind === 'none') return false;
  if (owner.kind !== 'ours') throw notOursError(paths, owner, action);
  rmSync(paths.runDir, { recursive: true, force: true });
  return true;
}

/** Creates a fresh run directory marked with a new identity; returns the identity. */
export function claimRunDir(paths: SandboxPaths): string {
  const id = randomUUID();
  mkdirSync(paths.runDir, { recursive: true });
  writeFileSync(join(paths.runDir, OWNER_FILE), `${JSON.stringify({ id, home: realHome(paths), createdAt: new Date().toISOString() })}\n`, { flag: 'wx' });
  return id;
}

/** Whether `pid` is alive and carries `id` in its environment (Linux /proc; elsewhere: alive). */
export function processOwnedBy(pid: number, id: string): boolean {
  if (!id || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const environ = `/proc/${pid}/environ`;
  if (!existsSync(environ)) return process.platform !== 'linux';
  try {
    return readFileSync(environ, 'latin1').split('\0').includes(`${OWNER_VARIABLE}=${id}`);
  } catch {
    return false;
  }
}

/** Every live process carrying `id` (found by their marker when the state file is damaged). */
export function ownedProcesses(id: string): number[] {
  if (!id || !existsSync('/proc')) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => pid !== process.pid && processOwnedBy(pid, id));
}
