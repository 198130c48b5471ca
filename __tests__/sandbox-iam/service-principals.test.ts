import { accessLogBucketPolicyDocument } from '../../lib/constructs/access-log-bucket';
import { replicationRolePolicy, replicationTrustPolicy } from '../../lib/constructs/state-replica';
import { tlsOnlyPolicyDocument } from '../../lib/constructs/tls-only-policy';
import { replicaKeyPolicy, stateKeyPolicy } from '../../lib/identities/key-policy';
import { Authorizer } from '../../tooling/sandbox/iam/authorizer';
import type { KeyFacts, MotoReader } from '../../tooling/sandbox/iam/moto-reader';
import { roleSession } from '../../tooling/sandbox/iam/principal-registry';
import type { Check } from '../../tooling/sandbox/iam/types';

/**
 * What the shim does as AWS services (tooling/sandbox/shim/bucket-services.ts), judged by the
 * evaluator against the state-backend's own policies: S3 server access log delivery as
 * logging.s3.amazonaws.com, and replication as the replication role.
 */
const STATE = '333333333333';
const BUCKET = 'acme-tfstate';
const LOGS = 'acme-tfstate-logs';
const REPLICA = 'acme-tfstate-replica';
const SOURCE_KEY = `arn:aws:kms:eu-west-1:${STATE}:key/source`;
const REPLICA_KEY = `arn:aws:kms:eu-central-1:${STATE}:key/replica`;
const ROLE_NAME = 'acme-state-backend-replication';
const ROLE = `arn:aws:iam::${STATE}:role/${ROLE_NAME}`;

let roleHasPolicy = true;
const key = (arn: string, policy: unknown): KeyFacts => ({ arn, account: STATE, policy, aliases: [], tags: {} });
const keys: Record<string, KeyFacts> = {
  [SOURCE_KEY]: key(SOURCE_KEY, stateKeyPolicy({ region: 'eu-west-1', stateAccount: STATE, keyUserRoleArns: [], replicationRoleArn: ROLE })),
  [REPLICA_KEY]: key(REPLICA_KEY, replicaKeyPolicy({ replicaRegion: 'eu-central-1', stateAccount: STATE, keyUserRoleArns: [], replicationRoleArn: ROLE })),
};
const moto = {
  rolePolicies: async (account: string, name: string) =>
    account === STATE && name === ROLE_NAME
      ? roleHasPolicy
        ? [{ name: 'replicate-state', policy: replicationRolePolicy({ sourceBucketArn: `arn:aws:s3:::${BUCKET}`, replicaBucketArn: `arn:aws:s3:::${REPLICA}`, sourceRegion: 'eu-west-1', replicaRegion: 'eu-central-1', sourceKeyArn: SOURCE_KEY, replicaKeyArn: REPLICA_KEY }) }]
        : []
      : undefined,
  trustPolicy: async (account: string, name: string) => (account === STATE && name === ROLE_NAME ? replicationTrustPolicy(STATE) : undefined),
  key: async (_account: string, _region: string, keyId: string) => keys[keyId],
} as unknown as MotoReader;
const policies: Record<string, unknown> = {
  [LOGS]: accessLogBucketPolicyDocument({ logBucketArn: `arn:aws:s3:::${LOGS}`, sourceBucket: BUCKET, sourceBucketArn: `arn:aws:s3:::${BUCKET}`, sourceAccount: STATE }),
  [BUCKET]: tlsOnlyPolicyDocument(`arn:aws:s3:::${BUCKET}`, { onlyAccount: STATE }),
  [REPLICA]: tlsOnlyPolicyDocument(`arn:aws:s3:::${REPLICA}`, { onlyAccount: STATE }),
};
const authorizer = new Authorizer({ moto, bucketPolicy: (bucket) => (policies[bucket] ? JSON.stringify(policies[bucket]) : undefined), bucketOwner: () => STATE });

const logWrite = (key: string): Check => ({ action: 's3:PutObject', resource: { kind: 's3', bucket: LOGS, key } });
const from = (account: string, bucket: string) => ({ 'aws:SourceAccount': account, 'aws:SourceArn': `arn:aws:s3:::${bucket}` });

describe('access log delivery as logging.s3.amazonaws.com, against the log bucket policy', () => {
  it('is allowed for the state bucket in the state account, under its prefix', async () => {
    expect(await authorizer.authorizeService('logging.s3.amazonaws.com', logWrite(`${BUCKET}/2026-12-06-10-00-00-AB`), from(STATE, BUCKET))).toEqual({ kind: 'allowed' });
  });

  it('is refused for another account, another source bucket, another prefix, or another service', async () => {
    for (const [service, check, context] of [
      ['logging.s3.amazonaws.com', logWrite(`${BUCKET}/x`), from('111111111111', BUCKET)],
      ['logging.s3.amazonaws.com', logWrite(`${BUCKET}/x`), from(STATE, 'other-bucket')],
      ['logging.s3.amazonaws.com', logWrite('other-prefix/x'), from(STATE, BUCKET)],
      ['cloudtrail.amazonaws.com', logWrite(`${BUCKET}/x`), from(STATE, BUCKET)],
    ] as const) {
      expect(await authorizer.authorizeService(service, check, context)).toMatchObject({ kind: 'denied', action: 's3:PutObject' });
    }
  });
});

describe('replication as the replication role', () => {
  const asRole = (checks: Check[], context = {}) => authorizer.authorizeChecks(roleSession(ROLE, 's3-replication'), checks, context);
  const object = (action: string, bucket: string): Check => ({ action, resource: { kind: 's3', bucket, key: 'acme/production/terraform.tfstate' } });
  const keyUse = (action: string, keyId: string, region: string) => asRole([{ action, resource: { kind: 'kms-key', keyId, account: STATE, region } }], { 'kms:ViaService': `s3.${region}.amazonaws.com` });

  it('S3 may assume it for buckets of the state account only', async () => {
    const assume: Check = { action: 'sts:AssumeRole', resource: { kind: 'role', roleArn: ROLE } };
    expect(await authorizer.authorizeService('s3.amazonaws.com', assume, from(STATE, BUCKET))).toEqual({ kind: 'allowed' });
    expect(await authorizer.authorizeService('s3.amazonaws.com', assume, from('111111111111', 'their-bucket'))).toMatchObject({ kind: 'denied' });
  });

  it('reads the source for replication, replicates into the replica, and uses each key through S3', async () => {
    roleHasPolicy = true;
    expect(await asRole([{ action: 's3:GetReplicationConfiguration', resource: { kind: 's3', bucket: BUCKET } }, object('s3:GetObjectVersionForReplication', BUCKET), object('s3:ReplicateObject', REPLICA), object('s3:ReplicateDelete', REPLICA)])).toEqual({ kind: 'allowed' });
    expect(await keyUse('kms:Decrypt', SOURCE_KEY, 'eu-west-1')).toEqual({ kind: 'allowed' });
    expect(await keyUse('kms:Encrypt', REPLICA_KEY, 'eu-central-1')).toEqual({ kind: 'allowed' });
  });

  it('nothing else: no plain reads, no writes to the source, no key use outside S3', async () => {
    roleHasPolicy = true;
    expect(await asRole([object('s3:GetObject', BUCKET)])).toMatchObject({ kind: 'denied' });
    expect(await asRole([object('s3:PutObject', BUCKET)])).toMatchObject({ kind: 'denied' });
    expect(await asRole([object('s3:ReplicateObject', BUCKET)])).toMatchObject({ kind: 'denied' });
    expect(await asRole([{ action: 'kms:Decrypt', resource: { kind: 'kms-key', keyId: SOURCE_KEY, account: STATE, region: 'eu-west-1' } }])).toMatchObject({ kind: 'denied' });
    expect(await keyUse('kms:Decrypt', REPLICA_KEY, 'eu-central-1')).toMatchObject({ kind: 'denied' });
  });

  it('without its policy, replication configured is replication refused', async () => {
    roleHasPolicy = false;
    expect(await asRole([object('s3:GetObjectVersionForReplication', BUCKET)])).toMatchObject({ kind: 'denied', reason: expect.stringContaining('no identity-based policy allows') });
    roleHasPolicy = true;
  });
});
