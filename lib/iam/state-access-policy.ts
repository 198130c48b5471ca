import type { StateContext } from '../backends/backend-context';
import { s3StateKey } from '../backends/s3-backend';
import type { S3State } from '../definitions/state-definition';
import { dynamoDbTableArn, parseKmsArn, partitionOf, s3BucketArn, s3ObjectArn } from './arn';
import type { IamPolicyDocument, IamStatement } from './policy-document';

/** What placing a stack's state needs, plus the account the lock table lives in. */
export interface StateAccessContext extends StateContext {
  /**
   * Account of the DynamoDB lock table (S3 ARNs carry no account, DynamoDB ARNs do). In this project
   * it is the state-backend stack's account, which creates the table.
   */
  readonly stateAccountId: string;
  /**
   * The state-backend's lock table, when the state is in its bucket: the policy then covers this
   * state's own lock items in it whatever the locking mode, so moving between `lockfile`, `both`
   * and `dynamodb` (either way) needs no state-backend deploy first. @default - the state's own
   * `dynamodbTable`, if any
   */
  readonly lockTable?: string;
}

/** Suffix Terraform and OpenTofu append to the state key for the S3-native lock object. */
export const LOCKFILE_SUFFIX = '.tflock';

/** Suffix of the DynamoDB item where the S3 backend keeps the state's MD5 digest next to the lock item. */
export const DIGEST_ITEM_SUFFIX = '-md5';

/** The `LockID` of a state's lock item in DynamoDB: `<bucket>/<key>`. */
export function dynamoDbLockId(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}

/**
 * The least-privilege IAM policy for using one stack's S3 state, following the permissions the
 * Terraform S3 backend documents ("Permissions Required"):
 * - `s3:ListBucket` on the bucket, only for `s3:prefix` = the state key;
 * - `s3:GetObject`/`s3:PutObject` on the state key (Terraform never deletes it, so no DeleteObject);
 * - recovery (`npm run state -- history/restore`, docs/recovery.md): `s3:ListBucketVersions` only for
 *   `s3:prefix` = the state key and `s3:GetObjectVersion` on the state key, so a role reads its own
 *   state's earlier versions and nothing of another stack's (restoring writes through Terraform's
 *   own `state push`, which the grants above already cover);
 * - the lockfile: `s3:GetObject`/`s3:PutObject`/`s3:DeleteObject` on `<key>.tflock`;
 * - the DynamoDB lock: `dynamodb:DescribeTable` on the table, and item access limited by
 *   `dynamodb:LeadingKeys` to this state's lock and digest items, so stacks sharing the table cannot
 *   take or break each other's locks.
 * Both lock mechanisms are covered whatever the current locking mode (the DynamoDB one when a table
 * is known): the policy lives in the state-backend stack, and the documented migration (dynamodb →
 * both → lockfile) and its rollback change only the environment's backend. Each grant is still this
 * state's own lock object and lock items, nothing another stack uses;
 * - SSE-KMS: `kms:Encrypt`/`kms:Decrypt`/`kms:GenerateDataKey` on the key. An alias ARN cannot name
 *   a key in `Resource`, so an alias becomes "any key of that account and region that carries this
 *   alias" (`kms:ResourceAliases`).
 * Only the default workspace is covered: cdktf gives every environment its own stack and key, and
 * Terraform >= 1.7.2 / OpenTofu >= 1.7.0 ignore the AccessDenied of listing the `env:/` workspace prefix.
 */
export function stateAccessPolicy(state: S3State, context: StateAccessContext): IamPolicyDocument {
  const partition = partitionOf(state.region);
  const key = s3StateKey(state, context);
  const statements: IamStatement[] = [
    {
      Sid: 'ListStateKey',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [s3BucketArn(partition, state.bucket)],
      Condition: { StringEquals: { 's3:prefix': [key] } },
    },
    {
      Sid: 'ReadWriteState',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: [s3ObjectArn(partition, state.bucket, key)],
    },
    {
      Sid: 'ListStateKeyVersions',
      Effect: 'Allow',
      Action: ['s3:ListBucketVersions'],
      Resource: [s3BucketArn(partition, state.bucket)],
      Condition: { StringEquals: { 's3:prefix': [key] } },
    },
    {
      Sid: 'ReadStateVersions',
      Effect: 'Allow',
      Action: ['s3:GetObjectVersion'],
      Resource: [s3ObjectArn(partition, state.bucket, key)],
    },
    {
      Sid: 'S3LockFile',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: [s3ObjectArn(partition, state.bucket, `${key}${LOCKFILE_SUFFIX}`)],
    },
  ];

  const lockTable = state.locking === 'lockfile' ? context.lockTable : state.dynamodbTable;
  if (lockTable !== undefined) {
    const table = dynamoDbTableArn(partition, state.region, context.stateAccountId, lockTable);
    const lockId = dynamoDbLockId(state.bucket, key);
    statements.push(
      { Sid: 'DescribeLockTable', Effect: 'Allow', Action: ['dynamodb:DescribeTable'], Resource: [table] },
      {
        Sid: 'DynamoDbLockItems',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
        Resource: [table],
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [lockId, `${lockId}${DIGEST_ITEM_SUFFIX}`] } },
      },
    );
  }

  if (state.kmsKeyId) statements.push(kmsStatement(state.kmsKeyId));

  return { Version: '2012-10-17', Statement: statements };
}

function kmsStatement(kmsKeyId: string): IamStatement {
  const arn = parseKmsArn(kmsKeyId);
  if (!arn) {
    throw new Error(`kmsKeyId "${kmsKeyId}" is not a KMS key or alias ARN: use "arn:aws:kms:<region>:<account>:key/<id>" or ":alias/<name>"`);
  }
  const actions = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'];
  if (arn.kind === 'key') return { Sid: 'StateKmsKey', Effect: 'Allow', Action: actions, Resource: [kmsKeyId] };
  return {
    Sid: 'StateKmsKey',
    Effect: 'Allow',
    Action: actions,
    Resource: [`arn:${arn.partition}:kms:${arn.region}:${arn.account}:key/*`],
    Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [arn.resource] } },
  };
}

/** The policy as the JSON string IAM and Terraform outputs take. */
export function stateAccessPolicyJson(state: S3State, context: StateAccessContext): string {
  return JSON.stringify(stateAccessPolicy(state, context));
}
