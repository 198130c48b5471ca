import { existsSync } from 'node:fs';
import { BootstrapError } from '../toolkit/errors';
import type { BootstrapPosition } from './inspect';
import type { BootstrapLayout } from './plan';
import { stateDifferences } from './state-summary';

/** Where a run starts, from what exists: the phases bootstrap resumes between. */
export type StartingPoint = 'nothing' | 'phase 1 (local state)' | 'phase 2 (state copied, local not retired)' | 'done';

export function startingPoint(position: BootstrapPosition): StartingPoint {
  if (position.remote && !position.local) return 'done';
  if (position.remote && position.local) return 'phase 2 (state copied, local not retired)';
  if (position.local) return 'phase 1 (local state)';
  return 'nothing';
}

/**
 * Stops before changing anything when what exists cannot be resumed from: two states that differ,
 * or a bucket with no state of this stack anywhere (another project's bucket, or a lost state).
 */
export function assertResumable(position: BootstrapPosition, where: BootstrapLayout, stateUri: string): void {
  if (position.remote && position.local) {
    const differences = stateDifferences(position.local, position.remote);
    if (differences.length > 0) {
      throw new BootstrapError(
        `both a local state (${where.localStateFile}) and a remote one (${stateUri}) exist and they differ:\n  - ${differences.join('\n  - ')}\n` +
          'Nothing was changed. If the remote state is the newer one (someone deployed after the migration), move the local file away; ' +
          'if the local one is right, push it with `terraform state push` from the stack directory. Then re-run `npm run bootstrap`.',
      );
    }
  }
  if (!position.local && !position.remote && position.bucketExists) {
    const backups = [`${where.localStateFile}.bootstrap-backup`].filter(existsSync);
    throw new BootstrapError(
      `the bucket "${where.bucket}" exists but there is no state for the ${where.stack} stack, neither local (${where.localStateFile}) nor in the bucket (${stateUri}). ` +
        (backups.length > 0 ? `A retired local state exists (${backups[0]}): copy it back to ${where.localStateFile} and re-run. ` : '') +
        'If the bucket is another project\'s, pick another name (TF_STATE_BUCKET); if it is this project\'s, import the existing resources (terraform import) into local state first.',
    );
  }
}
