import { defineEnvironment } from '../lib/definitions/environment';

/**
 * Production: S3 state encrypted with the state-backend's KMS key, locked through DynamoDB. To move
 * to S3-native locking, set `locking: 'both'`, then `'lockfile'` (docs/backend-configuration.md).
 */
export default defineEnvironment((blueprint) => {
  const stateAccount = blueprint.accountId('state-backend', '333333333333');
  return {
    name: 'production',
    region: blueprint.stateRegion,
    allowedAccountIds: [blueprint.accountId('production', '333333333333')],
    tags: { environment: 'production', project: blueprint.project, 'managed-by': 'cdktf', 'data-classification': 'confidential' },
    state: {
      kind: 's3',
      bucket: blueprint.stateBucket,
      region: blueprint.stateRegion,
      locking: 'dynamodb',
      dynamodbTable: blueprint.lockTable,
      kmsKeyId: `arn:aws:kms:${blueprint.stateRegion}:${stateAccount}:${blueprint.stateKmsAlias}`,
    },
    protection: 'hardened',
    // Production shares the state account, yet reaches its state only through its state role: the
    // one principal the state key's policy lets encrypt and decrypt it (docs/cross-account.md).
    stateAccess: { via: 'role' },
  };
});
