import { defineStateBackend } from '../lib/definitions/state-backend-definition';

/**
 * The bootstrap stack. Phase 1 keeps its state locally (its bucket does not exist yet); once
 * deployed, set `stateBackendMigrated` (context) or STATE_BACKEND_MIGRATED=true and run
 * `cdktf deploy state-backend --migrate-state` to move its state into the bucket (docs/bootstrap.md).
 */
export default defineStateBackend((blueprint) => ({
  name: 'state-backend',
  region: blueprint.stateRegion,
  allowedAccountIds: [blueprint.accountId('state-backend', '333333333333')],
  bucket: blueprint.stateBucket,
  lockTable: blueprint.lockTable,
  encryption: { kind: 'sse-kms', kmsAlias: blueprint.stateKmsAlias },
  noncurrentVersionExpirationDays: 90,
  // Server access logs of the state bucket are on by default (kept 365 days); `accessLogs: { kind: 'off' }`
  // turns them off, `{ kind: 'on', retentionDays }` keeps them longer or shorter.
  // Production's state is copied to a second region (docs/recovery.md, "Region loss"): set your own.
  replica: { region: blueprint.stateRegion === 'eu-central-1' ? 'eu-west-1' : 'eu-central-1' },
  tags: { environment: 'shared', project: blueprint.project, 'managed-by': 'cdktf', purpose: 'terraform-state' },
  state: blueprint.stateBackendMigrated
    ? { kind: 's3', bucket: blueprint.stateBucket, region: blueprint.stateRegion, locking: 'lockfile' }
    : { kind: 'local' },
}));
