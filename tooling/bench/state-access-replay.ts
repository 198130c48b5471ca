import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { assumeRoleCredentials } from '../toolkit/account-session';
import { s3StateKey } from '../../lib/backends/s3-backend';
import { tlsOnlyPolicyDocument } from '../../lib/constructs/tls-only-policy';
import type { S3State } from '../../lib/definitions/state-definition';
import { DIGEST_ITEM_SUFFIX, dynamoDbLockId, stateAccessPolicyJson } from '../../lib/iam/state-access-policy';
import { stateKeyPolicy } from '../../lib/identities/key-policy';
import { sandboxClientConfig, sandboxCredentials } from '../sandbox/credentials';
import type { SandboxState } from '../sandbox/state-file';

/**
 * `BENCH_MODE=requests npm run bench:sandbox`: the request pattern of Terraform's S3 backend with
 * DynamoDB locking and SSE-KMS (production's), replayed against a running sandbox through its state
 * role with the project's own policies (state role policy, TLS-only bucket policy, state key policy,
 * a lock table encrypted with the key): take the lock, read the digest, list, read and write the
 * state (S3 uses the key as the caller), write the digest, release the lock. `rewritePolicy` has the
 * account's administrator rewrite the role's policy (the same document), as a deploy's IAM writes
 * do, so the shim re-reads what it caches. Each request's round trip is timed here; the shim times
 * its own authorization (tooling/sandbox/iam/timings.ts).
 */

const STATE_ACCOUNT = '333333333333';
const REGION = 'eu-west-1';
const BUCKET = 'bench-replay-tfstate';
const TABLE = 'bench-replay-tflock';
const ROLE = 'bench-replay-production-tfstate';
const ALIAS = 'alias/bench-replay-tfstate';

/** One sandbox set up for the replay. */
export interface StateAccessReplay {
  /** One lock-read-write-unlock cycle as the state role: each request's round trip, milliseconds. */
  cycle(index: number): Promise<number[]>;
  /** The administrator rewrites the state role's policy (the same document), as a deploy's IAM writes do. */
  rewritePolicy(): Promise<void>;
  close(): void;
}

export async function prepareStateAccess(sandbox: SandboxState): Promise<StateAccessReplay> {
  const admin = await sandboxCredentials(sandbox, STATE_ACCOUNT, REGION);
  const adminConfig = sandboxClientConfig(sandbox, REGION, admin);
  const roleArn = `arn:aws:iam::${STATE_ACCOUNT}:role/${ROLE}`;
  const aliasArn = `arn:aws:kms:${REGION}:${STATE_ACCOUNT}:${ALIAS}`;
  const state: S3State = { kind: 's3', bucket: BUCKET, region: REGION, locking: 'dynamodb', dynamodbTable: TABLE, kmsKeyId: aliasArn };
  const context = { project: 'bench', stack: 'production', stateAccountId: STATE_ACCOUNT };
  const key = s3StateKey(state, context);
  const policy = stateAccessPolicyJson(state, context);

  const iam = new IAMClient(adminConfig);
  const kms = new KMSClient(adminConfig);
  const s3Admin = new S3Client({ ...adminConfig, forcePathStyle: true });
  const dynamodbAdmin = new DynamoDBClient(adminConfig);
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${STATE_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] });
  await iam.send(new CreateRoleCommand({ RoleName: ROLE, AssumeRolePolicyDocument: trust }));
  await iam.send(new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: 'state', PolicyDocument: policy }));
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Policy: JSON.stringify(stateKeyPolicy({ region: REGION, stateAccount: STATE_ACCOUNT, keyUserRoleArns: [roleArn] })) }));
  await kms.send(new CreateAliasCommand({ AliasName: ALIAS, TargetKeyId: KeyMetadata!.KeyId! }));
  await s3Admin.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  await s3Admin.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(tlsOnlyPolicyDocument(`arn:aws:s3:::${BUCKET}`, { onlyAccount: STATE_ACCOUNT })) }));
  await dynamodbAdmin.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: KeyMetadata!.Arn! },
    }),
  );

  const { credentials } = await assumeRoleCredentials(adminConfig, roleArn, 'bench-replay');
  const roleConfig = sandboxClientConfig(sandbox, REGION, credentials);
  const s3 = new S3Client({ ...roleConfig, forcePathStyle: true });
  const dynamodb = new DynamoDBClient(roleConfig);
  const lockId = dynamoDbLockId(BUCKET, key);
  const digestId = `${lockId}${DIGEST_ITEM_SUFFIX}`;

  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"version":4}', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: aliasArn }));
  return {
    async cycle(index) {
      const roundTripsMs: number[] = [];
      const timed = async (work: () => Promise<unknown>) => {
        const started = performance.now();
        await work();
        roundTripsMs.push(performance.now() - started);
      };
      await timed(() => dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: lockId }, Info: { S: `cycle ${index}` } }, ConditionExpression: 'attribute_not_exists(LockID)' })));
      await timed(() => dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: digestId } } })));
      await timed(() => s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: key })));
      await timed(async () => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString());
      await timed(() => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `{"version":4,"serial":${index}}`, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: aliasArn })));
      await timed(() => dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: digestId }, Digest: { S: `${index}` } } })));
      await timed(() => dynamodb.send(new DeleteItemCommand({ TableName: TABLE, Key: { LockID: { S: lockId } } })));
      return roundTripsMs;
    },
    async rewritePolicy() {
      await iam.send(new PutRolePolicyCommand({ RoleName: ROLE, PolicyName: 'state', PolicyDocument: policy }));
    },
    close() {
      for (const client of [iam, kms, s3Admin, dynamodbAdmin, s3, dynamodb]) client.destroy();
    },
  };
}
