import type { ResourcePolicyDocument, ResourcePolicyStatement } from '../iam/policy-document';
import { accountRootArn } from './names';

/**
 * What the state account's own IAM may do with the state key: manage it, never use it. Listed one by
 * one (no `kms:Create*`, which would include `kms:CreateGrant`, a way to hand out use).
 */
export const KEY_ADMINISTRATION_ACTIONS = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateKeyDescription',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
] as const;

/** What a state role needs of the key: exactly what the S3 backend's SSE-KMS reads and writes use. */
export const STATE_KEY_USE_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'] as const;

/** What DynamoDB does with the key on the lock table's behalf (the AWS managed `aws/dynamodb` key's grants). */
export const DYNAMODB_KEY_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
  'kms:CreateGrant',
] as const;

export interface StateKeyPolicyContext {
  readonly region: string;
  readonly stateAccount: string;
  /** The state roles whose state is encrypted with this key (production's); may be Terraform references. */
  readonly keyUserRoleArns: readonly string[];
  /**
   * The replication role, which reads every state object to copy it to the replica: it may decrypt
   * through S3 in the key's region, nothing more. @default - no replica
   */
  readonly replicationRoleArn?: string;
}

/**
 * The state KMS key's policy: the state account administers the key; DynamoDB may use it for the
 * lock table on behalf of any principal of the state account; and only the state roles that encrypt
 * their state with it may use it directly. Nobody else, administrators included, can decrypt state
 * through IAM alone. (In a key policy, `Resource: "*"` means this key.)
 *
 * DynamoDB uses a table's customer managed key with the caller's own authority, so every state role
 * that takes a DynamoDB lock needs the key, whether or not its state object uses it. A statement
 * whose principal is the account root only delegates to IAM (each role would need its own kms:*
 * allow); principal `*` bounded by `kms:CallerAccount` and `kms:ViaService` grants exactly "through
 * DynamoDB, from the state account" in the key policy itself, as AWS's own DynamoDB key policy does
 * (docs/cross-account.md). It cannot decrypt a state object: S3 is not DynamoDB.
 */
export function stateKeyPolicy(context: StateKeyPolicyContext): ResourcePolicyDocument {
  const root = accountRootArn(context.region, context.stateAccount);
  const statements: ResourcePolicyStatement[] = [
    { Sid: 'KeyAdministration', Effect: 'Allow', Principal: { AWS: [root] }, Action: [...KEY_ADMINISTRATION_ACTIONS], Resource: ['*'] },
    {
      Sid: 'LockTableEncryptionThroughDynamoDb',
      Effect: 'Allow',
      Principal: { AWS: ['*'] },
      Action: [...DYNAMODB_KEY_ACTIONS],
      Resource: ['*'],
      Condition: {
        StringEquals: { 'kms:ViaService': [`dynamodb.${context.region}.amazonaws.com`], 'kms:CallerAccount': [context.stateAccount] },
      },
    },
  ];
  if (context.keyUserRoleArns.length > 0) {
    statements.push({
      Sid: 'StateRolesUseKey',
      Effect: 'Allow',
      Principal: { AWS: [...context.keyUserRoleArns] },
      Action: [...STATE_KEY_USE_ACTIONS],
      Resource: ['*'],
    });
  }
  if (context.replicationRoleArn !== undefined) {
    statements.push({
      Sid: 'ReplicationDecryptsThroughS3',
      Effect: 'Allow',
      Principal: { AWS: [context.replicationRoleArn] },
      Action: ['kms:Decrypt'],
      Resource: ['*'],
      Condition: { StringEquals: { 'kms:ViaService': [`s3.${context.region}.amazonaws.com`] } },
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * The replica key's policy (in the replica's region): administered by the state account; the
 * replication role may encrypt replicas through S3 there; the state roles that use the state key may
 * use this one the same way, so that after losing the state's region they read and write the replica.
 */
export function replicaKeyPolicy(context: { replicaRegion: string; stateAccount: string; keyUserRoleArns: readonly string[]; replicationRoleArn: string }): ResourcePolicyDocument {
  const root = accountRootArn(context.replicaRegion, context.stateAccount);
  const statements: ResourcePolicyStatement[] = [
    { Sid: 'KeyAdministration', Effect: 'Allow', Principal: { AWS: [root] }, Action: [...KEY_ADMINISTRATION_ACTIONS], Resource: ['*'] },
    {
      Sid: 'ReplicationEncryptsThroughS3',
      Effect: 'Allow',
      Principal: { AWS: [context.replicationRoleArn] },
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: ['*'],
      Condition: { StringEquals: { 'kms:ViaService': [`s3.${context.replicaRegion}.amazonaws.com`] } },
    },
  ];
  if (context.keyUserRoleArns.length > 0) {
    statements.push({ Sid: 'StateRolesUseKey', Effect: 'Allow', Principal: { AWS: [...context.keyUserRoleArns] }, Action: [...STATE_KEY_USE_ACTIONS], Resource: ['*'] });
  }
  return { Version: '2012-10-17', Statement: statements };
}
