import { copyFileSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import { BootstrapError } from '../toolkit/errors';
import { tryLock } from '../toolkit/process-lock';

/**
 * What lets bootstrap survive an interruption (SIGINT, SIGTERM, SIGKILL at any step) and never act on
 * a state that is not the one it is bootstrapping.
 */

const inside = (dir: string, path: string) => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * A sandbox run keeps its phase-1 state in the sandbox's home; a real-AWS run never uses a state
 * there. `--output` moves the stack directory, and the state path is relative to it, so a sandbox
 * run with `--output cdktf.out` would otherwise adopt the project root's real-AWS state.
 */
export function assertStateBelongs(target: { kind: 'sandbox' | 'aws' }, localStateFile: string, sandboxHome: string): void {
  if (target.kind === 'sandbox' && !inside(sandboxHome, localStateFile)) {
    throw new BootstrapError(
      `a sandbox bootstrap would use ${localStateFile} as its local state, which is outside the sandbox (${sandboxHome}): it may be a real-AWS state, so nothing was touched. ` +
        'Drop --output (the sandbox synthesizes into its own run directory), or give an --output inside the sandbox home.',
    );
  }
  if (target.kind === 'aws' && inside(sandboxHome, localStateFile)) {
    throw new BootstrapError(
      `a real-AWS bootstrap would use ${localStateFile} as its local state, which is the sandbox's (${sandboxHome}), so nothing was touched. ` +
        'Use an --output outside the sandbox home (default cdktf.out), or add --sandbox to bootstrap the sandbox.',
    );
  }
}

/** One bootstrap per state at a time; the second says who holds it. Returns the release. */
export function takeBootstrapLock(localStateFile: string, say: (line: string) => void): () => void {
  const file = `${localStateFile}.bootstrap.lock`;
  const result = tryLock(file, (why) => say(`bootstrap: ${why} (a bootstrap that was killed)`));
  if (result.kind === 'held') {
    throw new BootstrapError(`another bootstrap is running (pid ${result.holder.pid}, holding ${file}): wait for it to finish, or stop it (kill ${result.holder.pid}) and re-run; it resumes from where that one stopped`);
  }
  return result.release;
}

/** An empty local state is what a run killed while Terraform first wrote it leaves. */
export function emptyStateProblem(file: string): string | undefined {
  if (!existsSync(file) || statSync(file).size > 0) return undefined;
  const backup = `${file}.backup`;
  return (
    `${file} is empty (0 bytes): a run was killed while Terraform was writing it. Nothing was changed. ` +
    (existsSync(backup) && statSync(backup).size > 0
      ? `Terraform's previous copy is ${backup}: move the empty file away, rename the backup to ${file}, and re-run \`npm run bootstrap\`.`
      : `There is no earlier copy (${backup} does not exist): move the empty file away and re-run \`npm run bootstrap\`; if it then finds the bucket without a state, import the resources the killed run created (terraform import) as it says.`)
  );
}

interface RawInstance {
  status?: string;
  [key: string]: unknown;
}

/**
 * Resources an interrupted apply left `tainted` (created, but the apply did not finish with them):
 * Terraform would replace them, which `prevent_destroy` on the bucket, table and key refuses on every
 * rerun. Bootstrap created them moments ago, so it untaints them (what `terraform untaint` does: the
 * status goes, the serial goes up), keeping the previous file as `<file>.tainted-backup`.
 */
export function untaintLocalState(file: string): string[] {
  if (!existsSync(file) || statSync(file).size === 0) return [];
  let state: { serial?: number; resources?: Array<{ module?: string; type?: string; name?: string; mode?: string; instances?: RawInstance[] }> };
  try {
    state = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const untainted: string[] = [];
  for (const resource of state.resources ?? []) {
    for (const [index, instance] of (resource.instances ?? []).entries()) {
      if (instance.status !== 'tainted') continue;
      delete instance.status;
      untainted.push(`${[resource.module, `${resource.type}.${resource.name}`].filter(Boolean).join('.')}${(resource.instances?.length ?? 0) > 1 ? `[${index}]` : ''}`);
    }
  }
  if (untainted.length === 0) return [];
  copyFileSync(file, `${file}.tainted-backup`);
  state.serial = (state.serial ?? 0) + 1;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
  return untainted;
}
