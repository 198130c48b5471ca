import { defineEnvironment } from '../lib/definitions/environment';

/** Shared by the team: remote state in S3, locked with S3-native lockfiles (no DynamoDB). */
export default defineEnvironment((blueprint) => ({
  name: 'staging',
  region: blueprint.stateRegion,
  allowedAccountIds: [blueprint.accountId('staging', '222222222222')],
  tags: { environment: 'staging', project: blueprint.project, 'managed-by': 'cdktf' },
  state: {
    kind: 's3',
    bucket: blueprint.stateBucket,
    region: blueprint.stateRegion,
    locking: 'lockfile',
  },
  protection: 'standard',
}));
