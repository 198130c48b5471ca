import { PAGES } from './sources';
import type { AccountName, BucketSetup, Caller, ConformanceCase, PolicyJson, Request, RoleSetup, Source } from './types';

/**
 * The IAM conformance table (docs/sandbox.md, "IAM conformance"): every verdict is the one the cited
 * AWS documentation gives for that situation, never the sandbox's own answer. A situation the
 * documentation does not settle is left out. Names use the placeholders of types.ts.
 */

const doc = (...Statement: PolicyJson[]): PolicyJson => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[], Condition?: PolicyJson): PolicyJson => ({ Effect: 'Allow', Action, Resource, ...(Condition ? { Condition } : {}) });
const deny = (Action: string | string[], Resource: string | string[], Condition?: PolicyJson): PolicyJson => ({ Effect: 'Deny', Action, Resource, ...(Condition ? { Condition } : {}) });
const src = (url: string, section: string): Source => ({ url, section });

const BUCKET = 'c-{id}';
const OBJECTS = `arn:aws:s3:::${BUCKET}/*`;
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const roleArn = (name: string, account: AccountName = 'A') => `arn:aws:iam::{${account}}:role/{id}-${name}`;

const root = (account: AccountName) => `arn:aws:iam::{${account}}:root`;

/** A role `{id}-<name>` with these inline policies. */
const role = (name: string, policies: PolicyJson[] = [], extra: Partial<RoleSetup> & { account?: AccountName } = {}): RoleSetup => ({ name: `{id}-${name}`, account: 'A', policies, ...extra });
/** The case's bucket `c-{id}` in account A holding `doc.txt` (and `home/a.txt`, `secret/s.txt`). */
const bucket = (extra: Partial<BucketSetup> = {}): BucketSetup => ({
  name: BUCKET,
  account: 'A',
  objects: [
    { key: 'doc.txt', body: 'hello' },
    { key: 'home/a.txt', body: 'home' },
    { key: 'secret/s.txt', body: 'secret' },
  ],
  ...extra,
});
const asRole = (name = 'caller', account: AccountName = 'A', extra: Partial<Extract<Caller, { role: string }>> = {}): Caller => ({ role: `{id}-${name}`, account, ...extra });
const getObject = (as: Caller, key = 'doc.txt', extra: Partial<Request> = {}): Request => ({ as, service: 's3', command: 'GetObject', input: { Bucket: BUCKET, Key: key }, ...extra });
const putObject = (as: Caller, input: Record<string, unknown> = {}): Request => ({ as, service: 's3', command: 'PutObject', input: { Bucket: BUCKET, Key: 'new.txt', Body: 'new', ...input } });
const listObjects = (as: Caller, input: Record<string, unknown> = {}): Request => ({ as, service: 's3', command: 'ListObjectsV2', input: { Bucket: BUCKET, ...input } });
const ALLOW = { verdict: 'allow' } as const;
const DENY = { verdict: 'deny' } as const;

const SINGLE = src(PAGES.evaluation, 'Evaluating policies within a single account');
const EXPLICIT = src(PAGES.evaluation, 'Explicit and implicit denies');
const RESOURCE_SAME = src(PAGES.evaluation, 'Evaluating identity-based policies with resource-based policies');
const CROSS = src(PAGES.crossAccount, 'Determining whether a cross-account request is allowed');

// ---------------------------------------------------------------- S3: identity and bucket policies
const s3Basics: ConformanceCase[] = [
  {
    id: 's3-01',
    description: 'identity policy allows s3:GetObject; no bucket policy',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))])], buckets: [bucket()] },
    request: getObject(asRole()),
    expect: ALLOW,
    source: SINGLE,
  },
  {
    id: 's3-02',
    description: 'no policy allows the request (implicit deny)',
    setup: { roles: [role('caller')], buckets: [bucket()] },
    request: getObject(asRole()),
    expect: DENY,
    source: EXPLICIT,
  },
  {
    id: 's3-03',
    description: 'identity policy allows s3:*, another statement explicitly denies s3:GetObject',
    setup: { roles: [role('caller', [doc(allow('s3:*', '*'), deny('s3:GetObject', OBJECTS))])], buckets: [bucket()] },
    request: getObject(asRole()),
    expect: DENY,
    source: EXPLICIT,
  },
  {
    id: 's3-04',
    description: 'same account: bucket policy grants the role ARN, the role has no identity policy',
    setup: { roles: [role('caller')], buckets: [bucket({ policy: doc({ Effect: 'Allow', Principal: { AWS: roleArn('caller') }, Action: 's3:GetObject', Resource: OBJECTS }) })] },
    request: getObject(asRole()),
    expect: ALLOW,
    source: RESOURCE_SAME,
  },
  {
    id: 's3-05',
    description: 'same account: identity policy allows, bucket policy explicitly denies the role',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))])], buckets: [bucket({ policy: doc({ Effect: 'Deny', Principal: { AWS: roleArn('caller') }, Action: 's3:GetObject', Resource: OBJECTS }) })] },
    request: getObject(asRole()),
    expect: DENY,
    source: EXPLICIT,
  },
  {
    id: 's3-06',
    description: 'cross-account: the other account\'s role is allowed by its identity policy, no bucket policy',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))], { account: 'B' })], buckets: [bucket()] },
    request: getObject(asRole('caller', 'B')),
    expect: DENY,
    source: CROSS,
  },
  {
    id: 's3-07',
    description: 'cross-account: bucket policy grants the other account\'s role, which has no identity policy',
    setup: { roles: [role('caller', [], { account: 'B' })], buckets: [bucket({ policy: doc({ Effect: 'Allow', Principal: { AWS: roleArn('caller', 'B') }, Action: 's3:GetObject', Resource: OBJECTS }) })] },
    request: getObject(asRole('caller', 'B')),
    expect: DENY,
    source: CROSS,
  },
  {
    id: 's3-08',
    description: 'cross-account: bucket policy grants the role and its identity policy allows',
    setup: {
      roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))], { account: 'B' })],
      buckets: [bucket({ policy: doc({ Effect: 'Allow', Principal: { AWS: roleArn('caller', 'B') }, Action: 's3:GetObject', Resource: OBJECTS }) })],
    },
    request: getObject(asRole('caller', 'B')),
    expect: ALLOW,
    source: CROSS,
  },
  {
    id: 's3-09',
    description: 'cross-account: bucket policy grants the other account (its root), its role\'s identity policy allows',
    setup: {
      roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))], { account: 'B' })],
      buckets: [bucket({ policy: doc({ Effect: 'Allow', Principal: { AWS: root('B') }, Action: 's3:GetObject', Resource: OBJECTS }) })],
    },
    request: getObject(asRole('caller', 'B')),
    expect: ALLOW,
    source: src(PAGES.principal, 'AWS account principals'),
  },
  {
    id: 's3-10',
    description: 'cross-account: both sides allow, but the bucket policy explicitly denies that account',
    setup: {
      roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))], { account: 'B' })],
      buckets: [bucket({ policy: doc({ Effect: 'Allow', Principal: { AWS: root('B') }, Action: 's3:GetObject', Resource: OBJECTS }, { Effect: 'Deny', Principal: { AWS: root('B') }, Action: 's3:GetObject', Resource: OBJECTS }) })],
    },
    request: getObject(asRole('caller', 'B')),
    expect: DENY,
    source: CROSS,
  },
  {
    id: 's3-11',
    description: 'aws:SecureTransport: a Deny when "false" refuses a request over plain HTTP',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))])], buckets: [bucket({ policy: doc({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [BUCKET_ARN, OBJECTS], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }) })] },
    request: getObject(asRole(), 'doc.txt', { insecure: true }),
    expect: DENY,
    source: src(PAGES.globalKeys, 'aws:SecureTransport'),
  },
  {
    id: 's3-12',
    description: 'aws:SecureTransport: the same Deny lets a request over HTTPS through',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))])], buckets: [bucket({ policy: doc({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [BUCKET_ARN, OBJECTS], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }) })] },
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.globalKeys, 'aws:SecureTransport'),
  },
];

// ---------------------------------------------------------------- S3: condition keys from the request
const KMS_USE = allow(['kms:GenerateDataKey', 'kms:Decrypt', 'kms:Encrypt'], '*');
/** Bucket policy of AWS's example "Require SSE-KMS for all objects written to a bucket". */
const requireSseKms = doc({ Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: OBJECTS, Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } });
const SSE_EXAMPLE = src(PAGES.s3BucketPolicyExamples, 'Require SSE-KMS for all objects written to a bucket');
const putter = () => role('caller', [doc(allow('s3:PutObject', OBJECTS), KMS_USE)]);

const s3Keys: ConformanceCase[] = [
  {
    id: 's3-20',
    description: 'bucket policy requires SSE-KMS: an upload with x-amz-server-side-encryption aws:kms',
    setup: { roles: [putter()], keys: [{ account: 'A' }], buckets: [bucket({ policy: requireSseKms })] },
    request: putObject(asRole(), { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: '{keyArn}' }),
    expect: ALLOW,
    source: SSE_EXAMPLE,
  },
  {
    id: 's3-21',
    description: 'bucket policy requires SSE-KMS: an upload with AES256',
    setup: { roles: [putter()], buckets: [bucket({ policy: requireSseKms })] },
    request: putObject(asRole(), { ServerSideEncryption: 'AES256' }),
    expect: DENY,
    source: SSE_EXAMPLE,
  },
  {
    id: 's3-22',
    description: 'bucket policy requires SSE-KMS (StringNotEquals): an upload without the header (key absent: the condition matches)',
    setup: { roles: [putter()], buckets: [bucket({ policy: requireSseKms })] },
    request: putObject(asRole()),
    expect: DENY,
    source: src(PAGES.operators, 'IAM JSON policy elements: Condition operators (key not present: StringNot... conditions are true)'),
  },
  {
    id: 's3-23',
    description: 'identity policy allows PutObject with StringEqualsIfExists s3:x-amz-server-side-encryption AES256: an aws:kms upload',
    setup: { roles: [role('caller', [doc(allow('s3:PutObject', OBJECTS, { StringEqualsIfExists: { 's3:x-amz-server-side-encryption': 'AES256' } }), KMS_USE)])], keys: [{ account: 'A' }], buckets: [bucket()] },
    request: putObject(asRole(), { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: '{keyArn}' }),
    expect: DENY,
    source: src(PAGES.operators, '...IfExists condition operators'),
  },
  {
    id: 's3-24',
    description: 'the same StringEqualsIfExists: an upload without the header (key absent: the condition is true)',
    setup: { roles: [role('caller', [doc(allow('s3:PutObject', OBJECTS, { StringEqualsIfExists: { 's3:x-amz-server-side-encryption': 'AES256' } }))])], buckets: [bucket()] },
    request: putObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.operators, '...IfExists condition operators'),
  },
  {
    id: 's3-25',
    description: 'cross-account upload required to grant bucket-owner-full-control (s3:x-amz-acl): with the ACL',
    setup: {
      roles: [role('caller', [doc(allow(['s3:PutObject', 's3:PutObjectAcl'], OBJECTS))], { account: 'B' })],
      buckets: [bucket({ policy: doc({ Effect: 'Allow', Principal: { AWS: root('B') }, Action: 's3:PutObject', Resource: OBJECTS, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } }) })],
    },
    request: putObject(asRole('caller', 'B'), { ACL: 'bucket-owner-full-control' }),
    expect: ALLOW,
    source: src(PAGES.s3BucketPolicyExamples, 'Grant cross-account permissions to upload objects while ensuring that the bucket owner has full control'),
  },
  {
    id: 's3-26',
    description: 'the same bucket policy: a cross-account upload without the ACL header',
    setup: {
      roles: [role('caller', [doc(allow(['s3:PutObject', 's3:PutObjectAcl'], OBJECTS))], { account: 'B' })],
      buckets: [bucket({ policy: doc({ Effect: 'Allow', Principal: { AWS: root('B') }, Action: 's3:PutObject', Resource: OBJECTS, Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } }) })],
    },
    request: putObject(asRole('caller', 'B')),
    expect: DENY,
    source: src(PAGES.s3BucketPolicyExamples, 'Grant cross-account permissions to upload objects while ensuring that the bucket owner has full control'),
  },
  {
    id: 's3-27',
    description: 's3:prefix: listing allowed for prefix home/*, the request lists home/',
    setup: { roles: [role('caller', [doc(allow('s3:ListBucket', BUCKET_ARN, { StringLike: { 's3:prefix': 'home/*' } }))])], buckets: [bucket()] },
    request: listObjects(asRole(), { Prefix: 'home/' }),
    expect: ALLOW,
    source: src(PAGES.s3Keys, 'Example: Getting a list of objects in a bucket with a specific prefix'),
  },
  {
    id: 's3-28',
    description: 's3:prefix: the same policy, the request lists another prefix',
    setup: { roles: [role('caller', [doc(allow('s3:ListBucket', BUCKET_ARN, { StringLike: { 's3:prefix': 'home/*' } }))])], buckets: [bucket()] },
    request: listObjects(asRole(), { Prefix: 'secret/' }),
    expect: DENY,
    source: src(PAGES.s3Keys, 'Example: Getting a list of objects in a bucket with a specific prefix'),
  },
  {
    id: 's3-29',
    description: 's3:prefix: the same policy, the request names no prefix (key absent)',
    setup: { roles: [role('caller', [doc(allow('s3:ListBucket', BUCKET_ARN, { StringLike: { 's3:prefix': 'home/*' } }))])], buckets: [bucket()] },
    request: listObjects(asRole()),
    expect: DENY,
    source: src(PAGES.operators, 'IAM JSON policy elements: Condition operators (key not present: the condition is false)'),
  },
  {
    id: 's3-30',
    description: 's3:delimiter: listing allowed only with delimiter "/", the request sends it',
    setup: { roles: [role('caller', [doc(allow('s3:ListBucket', BUCKET_ARN, { StringEquals: { 's3:delimiter': '/' } }))])], buckets: [bucket()] },
    request: listObjects(asRole(), { Delimiter: '/' }),
    expect: ALLOW,
    source: src(PAGES.s3Actions, 'Condition keys for Amazon S3 (s3:delimiter)'),
  },
  {
    id: 's3-31',
    description: 's3:delimiter: the same policy, the request sends none',
    setup: { roles: [role('caller', [doc(allow('s3:ListBucket', BUCKET_ARN, { StringEquals: { 's3:delimiter': '/' } }))])], buckets: [bucket()] },
    request: listObjects(asRole()),
    expect: DENY,
    source: src(PAGES.operators, 'IAM JSON policy elements: Condition operators (key not present: the condition is false)'),
  },
  {
    id: 's3-32',
    description: 'numeric operator: s3:max-keys NumericLessThanEquals 10, the request asks 5',
    setup: { roles: [role('caller', [doc(allow('s3:ListBucket', BUCKET_ARN, { NumericLessThanEquals: { 's3:max-keys': '10' } }))])], buckets: [bucket()] },
    request: listObjects(asRole(), { MaxKeys: 5 }),
    expect: ALLOW,
    source: src(PAGES.operators, 'Numeric condition operators'),
  },
  {
    id: 's3-33',
    description: 'numeric operator: s3:max-keys NumericLessThanEquals 10, the request asks 50',
    setup: { roles: [role('caller', [doc(allow('s3:ListBucket', BUCKET_ARN, { NumericLessThanEquals: { 's3:max-keys': '10' } }))])], buckets: [bucket()] },
    request: listObjects(asRole(), { MaxKeys: 50 }),
    expect: DENY,
    source: src(PAGES.operators, 'Numeric condition operators'),
  },
];

export const CASES: readonly ConformanceCase[] = [...s3Basics, ...s3Keys];
