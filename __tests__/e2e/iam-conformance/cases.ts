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


// ---------------------------------------------------------------- policy elements: NotAction, NotResource, NotPrincipal
const elements: ConformanceCase[] = [
  {
    id: 'el-01',
    description: 'NotAction with Allow: everything but s3:DeleteObject is allowed; GetObject',
    setup: { roles: [role('caller', [doc({ Effect: 'Allow', NotAction: 's3:DeleteObject', Resource: '*' })])], buckets: [bucket()] },
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.notAction, 'Using NotAction with Allow'),
  },
  {
    id: 'el-02',
    description: 'NotAction with Allow: the excluded s3:DeleteObject is not allowed',
    setup: { roles: [role('caller', [doc({ Effect: 'Allow', NotAction: 's3:DeleteObject', Resource: '*' })])], buckets: [bucket()] },
    request: { as: asRole(), service: 's3', command: 'DeleteObject', input: { Bucket: BUCKET, Key: 'doc.txt' } },
    expect: DENY,
    source: src(PAGES.notAction, 'Using NotAction with Allow'),
  },
  {
    id: 'el-03',
    description: 'NotAction with Deny: deny all but s3:GetObject, with s3:* allowed; PutObject',
    setup: { roles: [role('caller', [doc(allow('s3:*', '*'), { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' })])], buckets: [bucket()] },
    request: putObject(asRole()),
    expect: DENY,
    source: src(PAGES.notAction, 'Using NotAction with Deny'),
  },
  {
    id: 'el-04',
    description: 'NotAction with Deny: the same policy lets GetObject through',
    setup: { roles: [role('caller', [doc(allow('s3:*', '*'), { Effect: 'Deny', NotAction: 's3:GetObject', Resource: '*' })])], buckets: [bucket()] },
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.notAction, 'Using NotAction with Deny'),
  },
  {
    id: 'el-05',
    description: 'NotResource with Allow: every object but secret/*; doc.txt',
    setup: { roles: [role('caller', [doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: `arn:aws:s3:::${BUCKET}/secret/*` })])], buckets: [bucket()] },
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.notResource, 'IAM JSON policy elements: NotResource'),
  },
  {
    id: 'el-06',
    description: 'NotResource with Allow: the excluded secret/s.txt',
    setup: { roles: [role('caller', [doc({ Effect: 'Allow', Action: 's3:GetObject', NotResource: `arn:aws:s3:::${BUCKET}/secret/*` })])], buckets: [bucket()] },
    request: getObject(asRole(), 'secret/s.txt'),
    expect: DENY,
    source: src(PAGES.notResource, 'IAM JSON policy elements: NotResource'),
  },
  {
    id: 'el-07',
    description: 'NotPrincipal with Deny naming the session, its role and its account: that session is not denied',
    setup: {
      roles: [role('ok', [doc(allow('s3:GetObject', OBJECTS))])],
      buckets: [bucket({ policy: doc({ Effect: 'Deny', NotPrincipal: { AWS: [`arn:aws:sts::{A}:assumed-role/{id}-ok/conformance`, roleArn('ok'), root('A')] }, Action: 's3:GetObject', Resource: OBJECTS }) })],
    },
    request: getObject(asRole('ok')),
    expect: ALLOW,
    source: src(PAGES.notPrincipal, 'Key points (with Deny, name the account, the role and the session that are not denied)'),
  },
];

// ---------------------------------------------------------------- condition operators and global keys
const onDoc = (condition: PolicyJson, extra: Partial<RoleSetup> = {}) => ({ roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS, condition))], extra)], buckets: [bucket()] });
const conditions: ConformanceCase[] = [
  {
    id: 'op-01',
    description: 'StringLike on aws:PrincipalArn (a role session\'s is its role ARN) with a wildcard that matches',
    setup: onDoc({ StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::{A}:role/{id}-*' } }),
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.globalKeys, 'aws:PrincipalArn'),
  },
  {
    id: 'op-02',
    description: 'StringEquals on aws:PrincipalArn with the session ARN (not what the key holds for a role)',
    setup: onDoc({ StringEquals: { 'aws:PrincipalArn': 'arn:aws:sts::{A}:assumed-role/{id}-caller/conformance' } }),
    request: getObject(asRole()),
    expect: DENY,
    source: src(PAGES.globalKeys, 'aws:PrincipalArn'),
  },
  {
    id: 'op-03',
    description: 'ArnLike on aws:PrincipalArn that matches the role',
    setup: onDoc({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::{A}:role/{id}-cal*' } }),
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.operators, 'Amazon Resource Name (ARN) condition operators'),
  },
  {
    id: 'op-04',
    description: 'ArnEquals on aws:PrincipalArn naming another role',
    setup: onDoc({ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::{A}:role/{id}-other' } }),
    request: getObject(asRole()),
    expect: DENY,
    source: src(PAGES.operators, 'Amazon Resource Name (ARN) condition operators'),
  },
  {
    id: 'op-05',
    description: 'DateGreaterThan aws:CurrentTime 2020-01-01 (in the past)',
    setup: onDoc({ DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }),
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.operators, 'Date condition operators'),
  },
  {
    id: 'op-06',
    description: 'DateLessThan aws:CurrentTime 2020-01-01 (in the past)',
    setup: onDoc({ DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }),
    request: getObject(asRole()),
    expect: DENY,
    source: src(PAGES.operators, 'Date condition operators'),
  },
  {
    id: 'op-07',
    description: 'StringNotEquals on an absent key (aws:PrincipalTag/team of an untagged role) is true',
    setup: onDoc({ StringNotEquals: { 'aws:PrincipalTag/team': 'red' } }),
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.operators, 'IAM JSON policy elements: Condition operators (key not present: StringNot... conditions are true)'),
  },
  {
    id: 'op-08',
    description: 'StringEquals on an absent key (aws:PrincipalTag/team of an untagged role) is false',
    setup: onDoc({ StringEquals: { 'aws:PrincipalTag/team': 'red' } }),
    request: getObject(asRole()),
    expect: DENY,
    source: src(PAGES.operators, 'IAM JSON policy elements: Condition operators (key not present: the condition is false)'),
  },
  {
    id: 'op-09',
    description: 'Null "false" on aws:PrincipalTag/team: the untagged role has no such key',
    setup: onDoc({ Null: { 'aws:PrincipalTag/team': 'false' } }),
    request: getObject(asRole()),
    expect: DENY,
    source: src(PAGES.operators, 'Condition operator to check existence of condition keys'),
  },
  {
    id: 'op-10',
    description: 'Null "false" on aws:PrincipalTag/team: the role is tagged team',
    setup: onDoc({ Null: { 'aws:PrincipalTag/team': 'false' } }, { tags: { team: 'blue' } }),
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.operators, 'Condition operator to check existence of condition keys'),
  },
  {
    id: 'op-11',
    description: 'StringEqualsIfExists on aws:PrincipalTag/team: absent on an untagged role, so true',
    setup: onDoc({ StringEqualsIfExists: { 'aws:PrincipalTag/team': 'blue' } }),
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.operators, '...IfExists condition operators'),
  },
  {
    id: 'op-12',
    description: 'StringEqualsIfExists on aws:PrincipalTag/team: present with another value',
    setup: onDoc({ StringEqualsIfExists: { 'aws:PrincipalTag/team': 'blue' } }, { tags: { team: 'red' } }),
    request: getObject(asRole()),
    expect: DENY,
    source: src(PAGES.operators, '...IfExists condition operators'),
  },
  {
    id: 'op-13',
    description: 'ForAnyValue on a key the request lacks (aws:CalledVia of a direct call) is false',
    setup: onDoc({ 'ForAnyValue:StringEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' } }),
    request: getObject(asRole()),
    expect: DENY,
    source: src(PAGES.multivalued, 'Multivalued context keys (ForAnyValue: a missing key evaluates to false)'),
  },
  {
    id: 'op-14',
    description: 'ForAllValues on a key the request lacks (aws:TagKeys of a GetObject) is true',
    setup: onDoc({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }),
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.multivalued, 'Multivalued context keys (ForAllValues: a missing or empty key evaluates to true)'),
  },
  {
    id: 'op-15',
    description: 'ForAllValues:StringEquals aws:TagKeys [team]: CreateKey tagged team only',
    setup: { roles: [role('caller', [doc(allow(['kms:CreateKey', 'kms:TagResource'], '*', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }))])] },
    request: { as: asRole(), service: 'kms', command: 'CreateKey', input: { Tags: [{ TagKey: 'team', TagValue: 'blue' }] } },
    expect: ALLOW,
    source: src(PAGES.globalKeys, 'aws:TagKeys'),
  },
  {
    id: 'op-16',
    description: 'ForAllValues:StringEquals aws:TagKeys [team]: CreateKey tagged team and cost',
    setup: { roles: [role('caller', [doc(allow(['kms:CreateKey', 'kms:TagResource'], '*', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }))])] },
    request: { as: asRole(), service: 'kms', command: 'CreateKey', input: { Tags: [{ TagKey: 'team', TagValue: 'blue' }, { TagKey: 'cost', TagValue: '1' }] } },
    expect: DENY,
    source: src(PAGES.globalKeys, 'aws:TagKeys'),
  },
  {
    id: 'op-17',
    description: 'aws:RequestTag/team StringEquals blue: CreateKey tagged team=blue',
    setup: { roles: [role('caller', [doc(allow(['kms:CreateKey', 'kms:TagResource'], '*', { StringEquals: { 'aws:RequestTag/team': 'blue' } }))])] },
    request: { as: asRole(), service: 'kms', command: 'CreateKey', input: { Tags: [{ TagKey: 'team', TagValue: 'blue' }] } },
    expect: ALLOW,
    source: src(PAGES.globalKeys, 'aws:RequestTag/tag-key'),
  },
  {
    id: 'op-18',
    description: 'aws:RequestTag/team StringEquals blue: CreateKey tagged team=red',
    setup: { roles: [role('caller', [doc(allow(['kms:CreateKey', 'kms:TagResource'], '*', { StringEquals: { 'aws:RequestTag/team': 'blue' } }))])] },
    request: { as: asRole(), service: 'kms', command: 'CreateKey', input: { Tags: [{ TagKey: 'team', TagValue: 'red' }] } },
    expect: DENY,
    source: src(PAGES.globalKeys, 'aws:RequestTag/tag-key'),
  },
  {
    id: 'gk-01',
    description: 'aws:PrincipalTag/team from the role\'s IAM tags: tagged blue, policy requires blue',
    setup: onDoc({ StringEquals: { 'aws:PrincipalTag/team': 'blue' } }, { tags: { team: 'blue' } }),
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.globalKeys, 'aws:PrincipalTag/tag-key'),
  },
  {
    id: 'gk-02',
    description: 'aws:PrincipalTag/team from the role\'s IAM tags: tagged red, policy requires blue',
    setup: onDoc({ StringEquals: { 'aws:PrincipalTag/team': 'blue' } }, { tags: { team: 'red' } }),
    request: getObject(asRole()),
    expect: DENY,
    source: src(PAGES.globalKeys, 'aws:PrincipalTag/tag-key'),
  },
  {
    id: 'gk-03',
    description: 'aws:PrincipalAccount: bucket policy grants Principal * from account A; a role of A with no identity policy',
    setup: { roles: [role('caller')], buckets: [bucket({ policy: doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: OBJECTS, Condition: { StringEquals: { 'aws:PrincipalAccount': '{A}' } } }) })] },
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.globalKeys, 'aws:PrincipalAccount'),
  },
  {
    id: 'gk-04',
    description: 'aws:PrincipalAccount: the same bucket policy, a role of B allowed by its identity policy',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))], { account: 'B' })], buckets: [bucket({ policy: doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: OBJECTS, Condition: { StringEquals: { 'aws:PrincipalAccount': '{A}' } } }) })] },
    request: getObject(asRole('caller', 'B')),
    expect: DENY,
    source: src(PAGES.globalKeys, 'aws:PrincipalAccount'),
  },
  {
    id: 'gk-05',
    description: 'aws:PrincipalOrgID: bucket policy grants an organization; the caller\'s account is in none (key absent)',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))], { account: 'B' })], buckets: [bucket({ policy: doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: OBJECTS, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-conformance1' } } }) })] },
    request: getObject(asRole('caller', 'B')),
    expect: DENY,
    source: src(PAGES.globalKeys, 'aws:PrincipalOrgID'),
  },
  {
    id: 'gk-06',
    description: 'aws:PrincipalType: bucket policy denies AssumedRole principals; a role session',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))])], buckets: [bucket({ policy: doc({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: OBJECTS, Condition: { StringEquals: { 'aws:PrincipalType': 'AssumedRole' } } }) })] },
    request: getObject(asRole()),
    expect: DENY,
    source: src(PAGES.globalKeys, 'aws:PrincipalType'),
  },
  {
    id: 'gk-07',
    description: 'aws:PrincipalType: bucket policy denies User principals; a role session',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))])], buckets: [bucket({ policy: doc({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: OBJECTS, Condition: { StringEquals: { 'aws:PrincipalType': 'User' } } }) })] },
    request: getObject(asRole()),
    expect: ALLOW,
    source: src(PAGES.globalKeys, 'aws:PrincipalType'),
  },
  {
    id: 'pv-01',
    description: 'policy variable ${aws:PrincipalTag/team} in the resource: tag team=home, object home/a.txt',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/\${aws:PrincipalTag/team}/*`))], { tags: { team: 'home' } })], buckets: [bucket()] },
    request: getObject(asRole(), 'home/a.txt'),
    expect: ALLOW,
    source: src(PAGES.variables, 'Using variables with tags'),
  },
  {
    id: 'pv-02',
    description: 'policy variable ${aws:PrincipalTag/team} in the resource: tag team=home, object secret/s.txt',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/\${aws:PrincipalTag/team}/*`))], { tags: { team: 'home' } })], buckets: [bucket()] },
    request: getObject(asRole(), 'secret/s.txt'),
    expect: DENY,
    source: src(PAGES.variables, 'Using variables with tags'),
  },
  {
    id: 'pv-03',
    description: 'policy variable in a condition value: s3:prefix StringLike ${aws:PrincipalTag/team}/*',
    setup: { roles: [role('caller', [doc(allow('s3:ListBucket', BUCKET_ARN, { StringLike: { 's3:prefix': '${aws:PrincipalTag/team}/*' } }))], { tags: { team: 'home' } })], buckets: [bucket()] },
    request: listObjects(asRole(), { Prefix: 'home/' }),
    expect: ALLOW,
    source: src(PAGES.variables, 'Where you can use policy variables'),
  },
];

// ---------------------------------------------------------------- KMS
/** A key policy that lets account A's administrator manage the key, plus `statements`. */
const keyPolicy = (...statements: PolicyJson[]) => doc({ Sid: 'Admin', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::{A}:role/sandbox-admin' }, Action: 'kms:*', Resource: '*' }, ...statements);
const DEFAULT_KEY = src(PAGES.kmsDefaultPolicy, 'Allows access to the AWS account and enables IAM policies');
const KMS_XACCOUNT = src(PAGES.kmsCrossAccount, 'Allowing users in other accounts to use a KMS key');
const encrypt = (as: Caller, input: Record<string, unknown> = {}): Request => ({ as, service: 'kms', command: 'Encrypt', input: { KeyId: '{keyArn}', Plaintext: 'secret', ...input } });
const decrypt = (as: Caller, input: Record<string, unknown> = {}): Request => ({ as, service: 'kms', command: 'Decrypt', input: { CiphertextBlob: '{ciphertext}', ...input } });
const kms: ConformanceCase[] = [
  {
    id: 'kms-01',
    description: 'default key policy (enables IAM policies); identity policy allows kms:Encrypt on the key',
    setup: { roles: [role('caller', [doc(allow('kms:Encrypt', '{keyArn}'))])], keys: [{ account: 'A' }] },
    request: encrypt(asRole()),
    expect: ALLOW,
    source: DEFAULT_KEY,
  },
  {
    id: 'kms-02',
    description: 'default key policy; the role has no identity policy',
    setup: { roles: [role('caller')], keys: [{ account: 'A' }] },
    request: encrypt(asRole()),
    expect: DENY,
    source: DEFAULT_KEY,
  },
  {
    id: 'kms-03',
    description: 'key policy without the account statement: an identity policy alone does not give access',
    setup: { roles: [role('caller', [doc(allow('kms:Encrypt', '*'))])], keys: [{ account: 'A', policy: keyPolicy() }] },
    request: encrypt(asRole()),
    expect: DENY,
    source: src(PAGES.kmsKeyPolicies, 'Key policies in AWS KMS (unless the key policy allows it, IAM policies do not give access)'),
  },
  {
    id: 'kms-04',
    description: 'key policy grants the role kms:Encrypt; the role has no identity policy',
    setup: { roles: [role('caller')], keys: [{ account: 'A', policy: keyPolicy({ Effect: 'Allow', Principal: { AWS: roleArn('caller') }, Action: 'kms:Encrypt', Resource: '*' }) }] },
    request: encrypt(asRole()),
    expect: ALLOW,
    source: src(PAGES.kmsKeyPolicies, 'Key policies in AWS KMS'),
  },
  {
    id: 'kms-05',
    description: 'key policy explicitly denies the role kms:Encrypt; its identity policy allows it',
    setup: { roles: [role('caller', [doc(allow('kms:Encrypt', '*'))])], keys: [{ account: 'A', policy: keyPolicy({ Effect: 'Allow', Principal: { AWS: root('A') }, Action: 'kms:*', Resource: '*' }, { Effect: 'Deny', Principal: { AWS: roleArn('caller') }, Action: 'kms:Encrypt', Resource: '*' }) }] },
    request: encrypt(asRole()),
    expect: DENY,
    source: EXPLICIT,
  },
  {
    id: 'kms-06',
    description: 'cross-account by key ARN: key policy grants account B, B\'s role\'s identity policy allows',
    setup: { roles: [role('caller', [doc(allow('kms:Encrypt', '{keyArn}'))], { account: 'B' })], keys: [{ account: 'A', policy: keyPolicy({ Effect: 'Allow', Principal: { AWS: root('B') }, Action: 'kms:Encrypt', Resource: '*' }) }] },
    request: encrypt(asRole('caller', 'B')),
    expect: ALLOW,
    source: KMS_XACCOUNT,
  },
  {
    id: 'kms-07',
    description: 'cross-account: key policy grants account B, B\'s role has no identity policy',
    setup: { roles: [role('caller', [], { account: 'B' })], keys: [{ account: 'A', policy: keyPolicy({ Effect: 'Allow', Principal: { AWS: root('B') }, Action: 'kms:Encrypt', Resource: '*' }) }] },
    request: encrypt(asRole('caller', 'B')),
    expect: DENY,
    source: KMS_XACCOUNT,
  },
  {
    id: 'kms-08',
    description: 'cross-account: B\'s role\'s identity policy allows, the key policy does not name B',
    setup: { roles: [role('caller', [doc(allow('kms:Encrypt', '{keyArn}'))], { account: 'B' })], keys: [{ account: 'A' }] },
    request: encrypt(asRole('caller', 'B')),
    expect: DENY,
    source: KMS_XACCOUNT,
  },
  {
    id: 'kms-09',
    description: 'Decrypt without KeyId (the key is in the ciphertext): the role has no permission',
    setup: { roles: [role('caller')], keys: [{ account: 'A', ciphertext: { plaintext: 'secret' } }] },
    request: decrypt(asRole()),
    expect: DENY,
    source: src(PAGES.kmsDecrypt, 'KeyId (optional for symmetric keys: KMS takes the key from the ciphertext\'s metadata)'),
  },
  {
    id: 'kms-10',
    description: 'Decrypt without KeyId: the role\'s identity policy allows kms:Decrypt on the key',
    setup: { roles: [role('caller', [doc(allow('kms:Decrypt', '{keyArn}'))])], keys: [{ account: 'A', ciphertext: { plaintext: 'secret' } }] },
    request: decrypt(asRole()),
    expect: ALLOW,
    source: src(PAGES.kmsDecrypt, 'KeyId (optional for symmetric keys: KMS takes the key from the ciphertext\'s metadata)'),
  },
  {
    id: 'kms-11',
    description: 'Decrypt without KeyId: allowed on another key only',
    setup: { roles: [role('caller', [doc(allow('kms:Decrypt', '{keyArn:other}'))])], keys: [{ account: 'A', ciphertext: { plaintext: 'secret' } }, { name: 'other', account: 'A' }] },
    request: decrypt(asRole()),
    expect: DENY,
    source: src(PAGES.kmsDecrypt, 'KeyId (optional for symmetric keys: KMS takes the key from the ciphertext\'s metadata)'),
  },
  {
    id: 'kms-12',
    description: 'kms:EncryptionContext:purpose StringEquals state: Decrypt of a ciphertext with that context',
    setup: { roles: [role('caller', [doc(allow('kms:Decrypt', '{keyArn}', { StringEquals: { 'kms:EncryptionContext:purpose': 'state' } }))])], keys: [{ account: 'A', ciphertext: { plaintext: 'secret', context: { purpose: 'state' } } }] },
    request: decrypt(asRole(), { EncryptionContext: { purpose: 'state' } }),
    expect: ALLOW,
    source: src(PAGES.kmsConditions, 'kms:EncryptionContext:context-key'),
  },
  {
    id: 'kms-13',
    description: 'kms:EncryptionContext:purpose StringEquals state: Decrypt with purpose=other',
    setup: { roles: [role('caller', [doc(allow('kms:Decrypt', '{keyArn}', { StringEquals: { 'kms:EncryptionContext:purpose': 'state' } }))])], keys: [{ account: 'A', ciphertext: { plaintext: 'secret', context: { purpose: 'other' } } }] },
    request: decrypt(asRole(), { EncryptionContext: { purpose: 'other' } }),
    expect: DENY,
    source: src(PAGES.kmsConditions, 'kms:EncryptionContext:context-key'),
  },
  {
    id: 'kms-14',
    description: 'kms:EncryptionContext:purpose StringEquals state: Encrypt without any context (key absent)',
    setup: { roles: [role('caller', [doc(allow('kms:Encrypt', '{keyArn}', { StringEquals: { 'kms:EncryptionContext:purpose': 'state' } }))])], keys: [{ account: 'A' }] },
    request: encrypt(asRole()),
    expect: DENY,
    source: src(PAGES.kmsConditions, 'kms:EncryptionContext:context-key'),
  },
  {
    id: 'kms-15',
    description: 'kms:ViaService s3: a direct Encrypt call is not made through S3',
    setup: { roles: [role('caller', [doc(allow('kms:Encrypt', '{keyArn}', { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } }))])], keys: [{ account: 'A' }] },
    request: encrypt(asRole()),
    expect: DENY,
    source: src(PAGES.kmsConditions, 'kms:ViaService'),
  },
  {
    id: 'kms-16',
    description: 'key policy: Principal * with kms:CallerAccount = A; a role of A with no identity policy',
    setup: { roles: [role('caller')], keys: [{ account: 'A', policy: keyPolicy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '{A}' } } }) }] },
    request: encrypt(asRole()),
    expect: ALLOW,
    source: src(PAGES.kmsConditions, 'kms:CallerAccount'),
  },
  {
    id: 'kms-17',
    description: 'key policy: Principal * with kms:CallerAccount = B; a role of A with no identity policy',
    setup: { roles: [role('caller')], keys: [{ account: 'A', policy: keyPolicy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Encrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '{B}' } } }) }] },
    request: encrypt(asRole()),
    expect: DENY,
    source: src(PAGES.kmsConditions, 'kms:CallerAccount'),
  },
  {
    id: 'kms-18',
    description: 'grant to the role for Encrypt; no key policy or identity policy allows it',
    setup: { roles: [role('caller')], keys: [{ account: 'A', grants: [{ grantee: roleArn('caller'), operations: ['Encrypt'] }] }] },
    request: encrypt(asRole()),
    expect: ALLOW,
    source: src(PAGES.kmsGrants, 'Grants in AWS KMS'),
  },
  {
    id: 'kms-19',
    description: 'grant to the role for Decrypt only: Encrypt',
    setup: { roles: [role('caller')], keys: [{ account: 'A', grants: [{ grantee: roleArn('caller'), operations: ['Decrypt'] }] }] },
    request: encrypt(asRole()),
    expect: DENY,
    source: src(PAGES.kmsGrants, 'Grants in AWS KMS'),
  },
  {
    id: 'kms-20',
    description: 'grant with EncryptionContextSubset purpose=state: Encrypt with that context',
    setup: { roles: [role('caller')], keys: [{ account: 'A', grants: [{ grantee: roleArn('caller'), operations: ['Encrypt'], constraints: { EncryptionContextSubset: { purpose: 'state' } } }] }] },
    request: encrypt(asRole(), { EncryptionContext: { purpose: 'state', extra: 'x' } }),
    expect: ALLOW,
    source: src(PAGES.kmsGrants, 'Grant constraints (EncryptionContextSubset)'),
  },
  {
    id: 'kms-21',
    description: 'grant with EncryptionContextSubset purpose=state: Encrypt without a context',
    setup: { roles: [role('caller')], keys: [{ account: 'A', grants: [{ grantee: roleArn('caller'), operations: ['Encrypt'], constraints: { EncryptionContextSubset: { purpose: 'state' } } }] }] },
    request: encrypt(asRole()),
    expect: DENY,
    source: src(PAGES.kmsGrants, 'Grant constraints (EncryptionContextSubset)'),
  },
  {
    id: 'kms-22',
    description: 'aws:ResourceTag/team blue on the key: the key is tagged blue',
    setup: { roles: [role('caller', [doc(allow('kms:Encrypt', '*', { StringEquals: { 'aws:ResourceTag/team': 'blue' } }))])], keys: [{ account: 'A', tags: { team: 'blue' } }] },
    request: encrypt(asRole()),
    expect: ALLOW,
    source: src(PAGES.globalKeys, 'aws:ResourceTag/tag-key'),
  },
  {
    id: 'kms-23',
    description: 'aws:ResourceTag/team blue on the key: the key is tagged red',
    setup: { roles: [role('caller', [doc(allow('kms:Encrypt', '*', { StringEquals: { 'aws:ResourceTag/team': 'blue' } }))])], keys: [{ account: 'A', tags: { team: 'red' } }] },
    request: encrypt(asRole()),
    expect: DENY,
    source: src(PAGES.globalKeys, 'aws:ResourceTag/tag-key'),
  },
  {
    id: 'kms-24',
    description: 'explicit deny of Encrypt when kms:EncryptionContext:purpose StringNotEquals state: Encrypt with purpose=state',
    setup: { roles: [role('caller', [doc(allow('kms:Encrypt', '{keyArn}'), deny('kms:Encrypt', '*', { StringNotEquals: { 'kms:EncryptionContext:purpose': 'state' } }))])], keys: [{ account: 'A' }] },
    request: encrypt(asRole(), { EncryptionContext: { purpose: 'state' } }),
    expect: ALLOW,
    source: src(PAGES.kmsConditions, 'kms:EncryptionContext:context-key'),
  },
  {
    id: 'kms-25',
    description: 'explicit deny of Encrypt when kms:EncryptionContext:purpose StringNotEquals state: Encrypt with purpose=other',
    setup: { roles: [role('caller', [doc(allow('kms:Encrypt', '{keyArn}'), deny('kms:Encrypt', '*', { StringNotEquals: { 'kms:EncryptionContext:purpose': 'state' } }))])], keys: [{ account: 'A' }] },
    request: encrypt(asRole(), { EncryptionContext: { purpose: 'other' } }),
    expect: DENY,
    source: src(PAGES.kmsConditions, 'kms:EncryptionContext:context-key'),
  },
];

// ---------------------------------------------------------------- DynamoDB
const TABLE = 't-{id}';
const TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:{A}:table/t-{id}';
const table = { name: TABLE, account: 'A' as AccountName, hashKey: 'pk', items: [{ pk: 'alice', name: 'Alice', secret: 's1' }, { pk: 'bob', name: 'Bob', secret: 's2' }] };
const getItem = (as: Caller, pk: string, extra: Record<string, unknown> = {}): Request => ({ as, service: 'dynamodb', command: 'GetItem', input: { TableName: TABLE, Key: { pk: { S: pk } }, ...extra } });
const FGAC = src(PAGES.dynamodbConditions, 'Using IAM policy conditions for fine-grained access control');
const leading = (values: string[] | string) => ({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': values } });
const dynamodbCases: ConformanceCase[] = [
  { id: 'ddb-01', description: 'identity policy allows GetItem on the table', setup: { roles: [role('caller', [doc(allow('dynamodb:GetItem', TABLE_ARN))])], tables: [table] }, request: getItem(asRole(), 'alice'), expect: ALLOW, source: SINGLE },
  { id: 'ddb-02', description: 'no policy allows GetItem', setup: { roles: [role('caller')], tables: [table] }, request: getItem(asRole(), 'alice'), expect: DENY, source: EXPLICIT },
  {
    id: 'ddb-03',
    description: 'dynamodb:* allowed, PutItem explicitly denied',
    setup: { roles: [role('caller', [doc(allow('dynamodb:*', TABLE_ARN), deny('dynamodb:PutItem', TABLE_ARN))])], tables: [table] },
    request: { as: asRole(), service: 'dynamodb', command: 'PutItem', input: { TableName: TABLE, Item: { pk: { S: 'carol' } } } },
    expect: DENY,
    source: EXPLICIT,
  },
  { id: 'ddb-04', description: 'dynamodb:LeadingKeys [alice]: GetItem of alice', setup: { roles: [role('caller', [doc(allow('dynamodb:GetItem', TABLE_ARN, leading(['alice'])))])], tables: [table] }, request: getItem(asRole(), 'alice'), expect: ALLOW, source: FGAC },
  { id: 'ddb-05', description: 'dynamodb:LeadingKeys [alice]: GetItem of bob', setup: { roles: [role('caller', [doc(allow('dynamodb:GetItem', TABLE_ARN, leading(['alice'])))])], tables: [table] }, request: getItem(asRole(), 'bob'), expect: DENY, source: FGAC },
  {
    id: 'ddb-06',
    description: 'dynamodb:LeadingKeys [alice]: PutItem of bob',
    setup: { roles: [role('caller', [doc(allow('dynamodb:PutItem', TABLE_ARN, leading(['alice'])))])], tables: [table] },
    request: { as: asRole(), service: 'dynamodb', command: 'PutItem', input: { TableName: TABLE, Item: { pk: { S: 'bob' }, name: { S: 'B' } } } },
    expect: DENY,
    source: FGAC,
  },
  {
    id: 'ddb-07',
    description: 'dynamodb:LeadingKeys from a policy variable ${aws:PrincipalTag/user}: tagged alice, GetItem of alice',
    setup: { roles: [role('caller', [doc(allow('dynamodb:GetItem', TABLE_ARN, leading('${aws:PrincipalTag/user}')))], { tags: { user: 'alice' } })], tables: [table] },
    request: getItem(asRole(), 'alice'),
    expect: ALLOW,
    source: src(PAGES.variables, 'Using variables with tags'),
  },
  {
    id: 'ddb-08',
    description: 'dynamodb:LeadingKeys from ${aws:PrincipalTag/user}: tagged alice, GetItem of bob',
    setup: { roles: [role('caller', [doc(allow('dynamodb:GetItem', TABLE_ARN, leading('${aws:PrincipalTag/user}')))], { tags: { user: 'alice' } })], tables: [table] },
    request: getItem(asRole(), 'bob'),
    expect: DENY,
    source: src(PAGES.variables, 'Using variables with tags'),
  },
  {
    id: 'ddb-09',
    description: 'dynamodb:Attributes [pk, name]: GetItem projecting pk and name',
    setup: { roles: [role('caller', [doc(allow('dynamodb:GetItem', TABLE_ARN, { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'name'] }, StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' } }))])], tables: [table] },
    request: getItem(asRole(), 'alice', { ProjectionExpression: 'pk, #n', ExpressionAttributeNames: { '#n': 'name' } }),
    expect: ALLOW,
    source: src(PAGES.dynamodbConditions, 'Limiting access to specific attributes'),
  },
  {
    id: 'ddb-10',
    description: 'dynamodb:Attributes [pk, name]: GetItem projecting pk and secret',
    setup: { roles: [role('caller', [doc(allow('dynamodb:GetItem', TABLE_ARN, { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'name'] }, StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' } }))])], tables: [table] },
    request: getItem(asRole(), 'alice', { ProjectionExpression: 'pk, secret' }),
    expect: DENY,
    source: src(PAGES.dynamodbConditions, 'Limiting access to specific attributes'),
  },
  {
    id: 'ddb-11',
    description: 'dynamodb:LeadingKeys [alice]: Query on pk = alice',
    setup: { roles: [role('caller', [doc(allow('dynamodb:Query', TABLE_ARN, leading(['alice'])))])], tables: [table] },
    request: { as: asRole(), service: 'dynamodb', command: 'Query', input: { TableName: TABLE, KeyConditionExpression: 'pk = :v', ExpressionAttributeValues: { ':v': { S: 'alice' } } } },
    expect: ALLOW,
    source: FGAC,
  },
  {
    id: 'ddb-12',
    description: 'dynamodb:LeadingKeys [alice]: Query on pk = bob',
    setup: { roles: [role('caller', [doc(allow('dynamodb:Query', TABLE_ARN, leading(['alice'])))])], tables: [table] },
    request: { as: asRole(), service: 'dynamodb', command: 'Query', input: { TableName: TABLE, KeyConditionExpression: 'pk = :v', ExpressionAttributeValues: { ':v': { S: 'bob' } } } },
    expect: DENY,
    source: FGAC,
  },
  {
    id: 'ddb-13',
    description: 'cross-account: B\'s role\'s identity policy allows GetItem on A\'s table ARN (no resource policy)',
    setup: { roles: [role('caller', [doc(allow('dynamodb:GetItem', TABLE_ARN))], { account: 'B' })], tables: [table] },
    request: { as: asRole('caller', 'B'), service: 'dynamodb', command: 'GetItem', input: { TableName: TABLE_ARN, Key: { pk: { S: 'alice' } } } },
    expect: DENY,
    source: CROSS,
  },
];

// ---------------------------------------------------------------- SSM
const PARAM_ARN = (name: string) => `arn:aws:ssm:eu-west-1:{A}:parameter/p-{id}/${name}`;
const parameters = [
  { name: '/p-{id}/app/x', account: 'A' as AccountName, value: 'app' },
  { name: '/p-{id}/other/x', account: 'A' as AccountName, value: 'other' },
];
const getParameter = (as: Caller, name: string): Request => ({ as, service: 'ssm', command: 'GetParameter', input: { Name: `/p-{id}/${name}` } });
const SSM = src(PAGES.ssmAccess, 'Restricting access to Parameter Store parameters using IAM policies');
const ssmCases: ConformanceCase[] = [
  { id: 'ssm-01', description: 'identity policy allows GetParameter on the parameter', setup: { roles: [role('caller', [doc(allow('ssm:GetParameter', PARAM_ARN('app/x')))])], parameters }, request: getParameter(asRole(), 'app/x'), expect: ALLOW, source: SSM },
  { id: 'ssm-02', description: 'no policy allows GetParameter', setup: { roles: [role('caller')], parameters }, request: getParameter(asRole(), 'app/x'), expect: DENY, source: EXPLICIT },
  { id: 'ssm-03', description: 'allowed on app/*: GetParameter of other/x', setup: { roles: [role('caller', [doc(allow('ssm:GetParameter', PARAM_ARN('app/*')))])], parameters }, request: getParameter(asRole(), 'other/x'), expect: DENY, source: SSM },
  { id: 'ssm-04', description: 'ssm:* allowed, app/* explicitly denied: GetParameter of app/x', setup: { roles: [role('caller', [doc(allow('ssm:*', '*'), deny('ssm:GetParameter', PARAM_ARN('app/*')))])], parameters }, request: getParameter(asRole(), 'app/x'), expect: DENY, source: EXPLICIT },
  {
    id: 'ssm-05',
    description: 'policy variable ${aws:PrincipalTag/team} in the parameter ARN: tag team=app, app/x',
    setup: { roles: [role('caller', [doc(allow('ssm:GetParameter', PARAM_ARN('${aws:PrincipalTag/team}/*')))], { tags: { team: 'app' } })], parameters },
    request: getParameter(asRole(), 'app/x'),
    expect: ALLOW,
    source: src(PAGES.variables, 'Using variables with tags'),
  },
  {
    id: 'ssm-06',
    description: 'policy variable ${aws:PrincipalTag/team} in the parameter ARN: tag team=app, other/x',
    setup: { roles: [role('caller', [doc(allow('ssm:GetParameter', PARAM_ARN('${aws:PrincipalTag/team}/*')))], { tags: { team: 'app' } })], parameters },
    request: getParameter(asRole(), 'other/x'),
    expect: DENY,
    source: src(PAGES.variables, 'Using variables with tags'),
  },
  {
    id: 'ssm-07',
    description: 'cross-account: B\'s role allowed ssm:GetParameter on A\'s parameter ARN (parameters have no resource policy here)',
    setup: { roles: [role('caller', [doc(allow('ssm:GetParameter', PARAM_ARN('app/x')))], { account: 'B' })], parameters },
    request: { as: asRole('caller', 'B'), service: 'ssm', command: 'GetParameter', input: { Name: PARAM_ARN('app/x') } },
    expect: DENY,
    source: CROSS,
  },
];

// ---------------------------------------------------------------- STS: trust, external IDs, session tags
const target = (trust: PolicyJson, extra: Partial<RoleSetup> = {}) => role('target', [], { trust, ...extra });
const trusts = (principal: string, extra: PolicyJson = {}) => doc({ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole', ...extra });
const assume = (as: Caller, input: Record<string, unknown> = {}): Request => ({ as, service: 'sts', command: 'AssumeRole', input: { RoleArn: roleArn('target'), RoleSessionName: 's', ...input } });
const canAssume = (account: AccountName = 'B') => role('caller', [doc(allow(['sts:AssumeRole', 'sts:TagSession'], roleArn('target')))], { account });
const EXTERNAL = src(PAGES.externalId, 'How to use an external ID');
const TAGS = src(PAGES.sessionTags, 'Permissions required to add session tags');
const stsCases: ConformanceCase[] = [
  { id: 'sts-01', description: 'cross-account AssumeRole: the trust policy names account B, B\'s role may assume it', setup: { roles: [target(trusts(root('B'))), canAssume()] }, request: assume(asRole('caller', 'B')), expect: ALLOW, source: src(PAGES.stsAssumeRole, 'Using AssumeRole for cross-account access (the role trusts the account, the caller is allowed)') },
  { id: 'sts-02', description: 'cross-account AssumeRole: trusted, but B\'s role has no identity policy', setup: { roles: [target(trusts(root('B'))), role('caller', [], { account: 'B' })] }, request: assume(asRole('caller', 'B')), expect: DENY, source: CROSS },
  { id: 'sts-03', description: 'cross-account AssumeRole: B\'s role may assume, the trust policy names only account C', setup: { roles: [target(trusts(root('C'))), canAssume()] }, request: assume(asRole('caller', 'B')), expect: DENY, source: CROSS },
  { id: 'sts-04', description: 'same account: the trust policy names the caller\'s role ARN, which has no identity policy', setup: { roles: [target(trusts(roleArn('caller'))), role('caller')] }, request: assume(asRole()), expect: ALLOW, source: RESOURCE_SAME },
  { id: 'sts-05', description: 'external ID: the trust requires sts:ExternalId, the right one is passed', setup: { roles: [target(trusts(root('B'), { Condition: { StringEquals: { 'sts:ExternalId': 'ext-{id}' } } })), canAssume()] }, request: assume(asRole('caller', 'B'), { ExternalId: 'ext-{id}' }), expect: ALLOW, source: EXTERNAL },
  { id: 'sts-06', description: 'external ID: a wrong one is passed', setup: { roles: [target(trusts(root('B'), { Condition: { StringEquals: { 'sts:ExternalId': 'ext-{id}' } } })), canAssume()] }, request: assume(asRole('caller', 'B'), { ExternalId: 'wrong-{id}' }), expect: DENY, source: EXTERNAL },
  { id: 'sts-07', description: 'external ID: none is passed', setup: { roles: [target(trusts(root('B'), { Condition: { StringEquals: { 'sts:ExternalId': 'ext-{id}' } } })), canAssume()] }, request: assume(asRole('caller', 'B')), expect: DENY, source: EXTERNAL },
  { id: 'sts-08', description: 'session tags passed, the trust policy does not allow sts:TagSession', setup: { roles: [target(trusts(root('B'))), canAssume()] }, request: assume(asRole('caller', 'B'), { Tags: [{ Key: 'project', Value: 'blue' }] }), expect: DENY, source: TAGS },
  {
    id: 'sts-09',
    description: 'session tags: the trust allows sts:TagSession for aws:RequestTag/project = blue; blue is passed',
    setup: { roles: [target(doc({ Effect: 'Allow', Principal: { AWS: root('B') }, Action: 'sts:AssumeRole' }, { Effect: 'Allow', Principal: { AWS: root('B') }, Action: 'sts:TagSession', Condition: { StringEquals: { 'aws:RequestTag/project': 'blue' } } })), canAssume()] },
    request: assume(asRole('caller', 'B'), { Tags: [{ Key: 'project', Value: 'blue' }] }),
    expect: ALLOW,
    source: src(PAGES.sessionTags, 'Using AssumeRole with session tags (controlling which tags can be passed)'),
  },
  {
    id: 'sts-10',
    description: 'session tags: the same trust; red is passed',
    setup: { roles: [target(doc({ Effect: 'Allow', Principal: { AWS: root('B') }, Action: 'sts:AssumeRole' }, { Effect: 'Allow', Principal: { AWS: root('B') }, Action: 'sts:TagSession', Condition: { StringEquals: { 'aws:RequestTag/project': 'blue' } } })), canAssume()] },
    request: assume(asRole('caller', 'B'), { Tags: [{ Key: 'project', Value: 'red' }] }),
    expect: DENY,
    source: src(PAGES.sessionTags, 'Using AssumeRole with session tags (controlling which tags can be passed)'),
  },
  {
    id: 'sts-11',
    description: 'a session tag is an aws:PrincipalTag of the session: tagged project=blue, policy requires blue',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/project': 'blue' } }))])], buckets: [bucket()] },
    request: getObject(asRole('caller', 'A', { sessionTags: { project: 'blue' } })),
    expect: ALLOW,
    source: src(PAGES.sessionTags, 'Session tagging overview'),
  },
  {
    id: 'sts-12',
    description: 'a session tag overrides the role\'s IAM tag of the same key (role red, session blue)',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/project': 'blue' } }))], { tags: { project: 'red' } })], buckets: [bucket()] },
    request: getObject(asRole('caller', 'A', { sessionTags: { project: 'blue' } })),
    expect: ALLOW,
    source: src(PAGES.sessionTags, 'Session tagging overview'),
  },
  {
    id: 'sts-13',
    description: 'a session tag overrides the role\'s IAM tag of the same key (role blue, session red)',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/project': 'blue' } }))], { tags: { project: 'blue' } })], buckets: [bucket()] },
    request: getObject(asRole('caller', 'A', { sessionTags: { project: 'red' } })),
    expect: DENY,
    source: src(PAGES.sessionTags, 'Session tagging overview'),
  },
  { id: 'sts-14', description: 'GetCallerIdentity needs no permission', setup: { roles: [role('caller', [doc(deny('*', '*'))])] }, request: { as: asRole(), service: 'sts', command: 'GetCallerIdentity', input: {} }, expect: ALLOW, source: src(PAGES.stsCallerIdentity, 'GetCallerIdentity (no permissions are required; an explicit deny does not apply)') },
];

// ---------------------------------------------------------------- IAM users, groups and the IAM API
const user = (policies: PolicyJson[] = [], extra: Record<string, unknown> = {}) => ({ name: '{id}-u', account: 'A' as AccountName, policies, ...extra });
const asUser: Caller = { user: '{id}-u', account: 'A' };
const iamCases: ConformanceCase[] = [
  { id: 'iam-01', description: 'IAM user whose inline policy allows GetObject', setup: { users: [user([doc(allow('s3:GetObject', OBJECTS))])], buckets: [bucket()] }, request: getObject(asUser), expect: ALLOW, source: SINGLE },
  { id: 'iam-02', description: 'IAM user with no policy', setup: { users: [user()], buckets: [bucket()] }, request: getObject(asUser), expect: DENY, source: EXPLICIT },
  { id: 'iam-03', description: 'IAM user with no policy of its own, in a group whose policy allows GetObject', setup: { users: [user([], { groups: [{ name: '{id}-g', policies: [doc(allow('s3:GetObject', OBJECTS))] }] })], buckets: [bucket()] }, request: getObject(asUser), expect: ALLOW, source: src(PAGES.groups, 'IAM user groups (users get the permissions of their groups)') },
  { id: 'iam-04', description: 'IAM user allowed by its own policy, its group\'s policy explicitly denies', setup: { users: [user([doc(allow('s3:GetObject', OBJECTS))], { groups: [{ name: '{id}-g', policies: [doc(deny('s3:GetObject', OBJECTS))] }] })], buckets: [bucket()] }, request: getObject(asUser), expect: DENY, source: EXPLICIT },
  {
    id: 'iam-05',
    description: 'policy variable ${aws:username}: the user reads its own folder',
    setup: { users: [user([doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/\${aws:username}/*`))])], buckets: [bucket({ objects: [{ key: '{id}-u/x.txt', body: 'mine' }, { key: 'doc.txt', body: 'hello' }] })] },
    request: getObject(asUser, '{id}-u/x.txt'),
    expect: ALLOW,
    source: src(PAGES.variables, 'Introduction (${aws:username})'),
  },
  {
    id: 'iam-06',
    description: 'policy variable ${aws:username}: the user reads outside its folder',
    setup: { users: [user([doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/\${aws:username}/*`))])], buckets: [bucket({ objects: [{ key: '{id}-u/x.txt', body: 'mine' }, { key: 'doc.txt', body: 'hello' }] })] },
    request: getObject(asUser),
    expect: DENY,
    source: src(PAGES.variables, 'Introduction (${aws:username})'),
  },
  { id: 'iam-07', description: 'aws:PrincipalTag from the user\'s IAM tags: tagged team=blue, policy requires blue', setup: { users: [user([doc(allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/team': 'blue' } }))], { tags: { team: 'blue' } })], buckets: [bucket()] }, request: getObject(asUser), expect: ALLOW, source: src(PAGES.globalKeys, 'aws:PrincipalTag/tag-key') },
  { id: 'iam-08', description: 'aws:PrincipalTag from the user\'s IAM tags: untagged user', setup: { users: [user([doc(allow('s3:GetObject', OBJECTS, { StringEquals: { 'aws:PrincipalTag/team': 'blue' } }))])], buckets: [bucket()] }, request: getObject(asUser), expect: DENY, source: src(PAGES.globalKeys, 'aws:PrincipalTag/tag-key') },
  { id: 'iam-09', description: 'aws:PrincipalType: bucket policy denies User principals; an IAM user', setup: { users: [user([doc(allow('s3:GetObject', OBJECTS))])], buckets: [bucket({ policy: doc({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: OBJECTS, Condition: { StringEquals: { 'aws:PrincipalType': 'User' } } }) })] }, request: getObject(asUser), expect: DENY, source: src(PAGES.globalKeys, 'aws:PrincipalType') },
  { id: 'iam-10', description: 'same account: bucket policy grants the user ARN, the user has no identity policy', setup: { users: [user()], buckets: [bucket({ policy: doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::{A}:user/{id}-u' }, Action: 's3:GetObject', Resource: OBJECTS }) })] }, request: getObject(asUser), expect: ALLOW, source: RESOURCE_SAME },
  {
    id: 'iam-11',
    description: 'IAM API: GetUser of itself allowed by arn:aws:iam::A:user/${aws:username}',
    setup: { users: [user([doc(allow('iam:GetUser', 'arn:aws:iam::{A}:user/${aws:username}'))]), { name: '{id}-other', account: 'A' }] },
    request: { as: asUser, service: 'iam', command: 'GetUser', input: { UserName: '{id}-u' } },
    expect: ALLOW,
    source: src(PAGES.variables, 'Introduction (${aws:username})'),
  },
  {
    id: 'iam-12',
    description: 'IAM API: the same policy, GetUser of another user',
    setup: { users: [user([doc(allow('iam:GetUser', 'arn:aws:iam::{A}:user/${aws:username}'))]), { name: '{id}-other', account: 'A' }] },
    request: { as: asUser, service: 'iam', command: 'GetUser', input: { UserName: '{id}-other' } },
    expect: DENY,
    source: src(PAGES.variables, 'Introduction (${aws:username})'),
  },
  { id: 'iam-13', description: 'IAM API: a role with no policy lists roles', setup: { roles: [role('caller')] }, request: { as: asRole(), service: 'iam', command: 'ListRoles', input: {} }, expect: DENY, source: EXPLICIT },
  { id: 'iam-14', description: 'IAM API: a role allowed iam:GetRole on itself', setup: { roles: [role('caller', [doc(allow('iam:GetRole', roleArn('caller')))])] }, request: { as: asRole(), service: 'iam', command: 'GetRole', input: { RoleName: '{id}-caller' } }, expect: ALLOW, source: SINGLE },
  {
    id: 'iam-15',
    description: 'cross-account: bucket policy grants B\'s IAM user, whose identity policy allows',
    setup: { users: [{ name: '{id}-u', account: 'B', policies: [doc(allow('s3:GetObject', OBJECTS))] }], buckets: [bucket({ policy: doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::{B}:user/{id}-u' }, Action: 's3:GetObject', Resource: OBJECTS }) })] },
    request: getObject({ user: '{id}-u', account: 'B' }),
    expect: ALLOW,
    source: CROSS,
  },
];

// ---------------------------------------------------------------- S3 Block Public Access and Object Ownership
const PUBLIC_READ = doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: OBJECTS });
const BPA_SETTINGS = src(PAGES.s3Bpa, 'Block public access settings');
const putPolicy = (policy: PolicyJson): Request => ({ as: { admin: 'A' }, service: 's3', command: 'PutBucketPolicy', input: { Bucket: BUCKET, Policy: JSON.stringify(policy) } });
const ACL_DISABLED = src(PAGES.s3Ownership, 'Object Ownership settings (Bucket owner enforced: ACLs disabled)');
const s3Public: ConformanceCase[] = [
  { id: 'bpa-01', description: 'BlockPublicPolicy: PutBucketPolicy granting Principal * s3:GetObject', setup: { buckets: [bucket({ publicAccessBlock: { BlockPublicPolicy: true } })] }, request: putPolicy(PUBLIC_READ), expect: DENY, source: BPA_SETTINGS },
  { id: 'bpa-02', description: 'no Block Public Access: the same PutBucketPolicy', setup: { buckets: [bucket()] }, request: putPolicy(PUBLIC_READ), expect: { verdict: 'allow', status: 204 }, source: BPA_SETTINGS },
  {
    id: 'bpa-03',
    description: 'BlockPublicPolicy: Principal * limited by aws:PrincipalAccount (not public)',
    setup: { buckets: [bucket({ publicAccessBlock: { BlockPublicPolicy: true } })] },
    request: putPolicy(doc({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: OBJECTS, Condition: { StringEquals: { 'aws:PrincipalAccount': '{B}' } } })),
    expect: { verdict: 'allow', status: 204 },
    source: src(PAGES.s3Bpa, 'The meaning of "public"'),
  },
  { id: 'bpa-04', description: 'BlockPublicAcls: PutBucketAcl public-read', setup: { buckets: [bucket({ publicAccessBlock: { BlockPublicAcls: true } })] }, request: { as: { admin: 'A' }, service: 's3', command: 'PutBucketAcl', input: { Bucket: BUCKET, ACL: 'public-read' } }, expect: DENY, source: BPA_SETTINGS },
  { id: 'bpa-05', description: 'BlockPublicAcls: PutObject with ACL public-read', setup: { buckets: [bucket({ publicAccessBlock: { BlockPublicAcls: true } })] }, request: { ...putObject({ admin: 'A' }, { ACL: 'public-read' }) }, expect: DENY, source: BPA_SETTINGS },
  { id: 'bpa-06', description: 'anonymous GetObject, bucket policy grants Principal * (no Block Public Access)', setup: { buckets: [bucket({ policy: PUBLIC_READ })] }, request: getObject({ anonymous: true }), expect: ALLOW, source: src(PAGES.s3BucketPolicyExamples, 'Granting read-only permission to a public anonymous user') },
  { id: 'bpa-07', description: 'anonymous GetObject, no bucket policy', setup: { buckets: [bucket()] }, request: getObject({ anonymous: true }), expect: DENY, source: src(PAGES.s3Bpa, 'Blocking public access to your Amazon S3 storage (by default, buckets and objects do not allow public access)') },
  { id: 'bpa-08', description: 'RestrictPublicBuckets: public policy in place; anonymous GetObject', setup: { buckets: [bucket({ policy: PUBLIC_READ, publicAccessBlock: { RestrictPublicBuckets: true } })] }, request: getObject({ anonymous: true }), expect: DENY, source: BPA_SETTINGS },
  {
    id: 'bpa-09',
    description: 'RestrictPublicBuckets: public policy in place; B\'s role allowed by its identity policy',
    setup: { roles: [role('caller', [doc(allow('s3:GetObject', OBJECTS))], { account: 'B' })], buckets: [bucket({ policy: PUBLIC_READ, publicAccessBlock: { RestrictPublicBuckets: true } })] },
    request: getObject(asRole('caller', 'B')),
    expect: DENY,
    source: BPA_SETTINGS,
  },
  { id: 'own-01', description: 'Object Ownership BucketOwnerEnforced: PutObject with ACL public-read', setup: { buckets: [bucket({ ownership: 'BucketOwnerEnforced' })] }, request: putObject({ admin: 'A' }, { ACL: 'public-read' }), expect: { verdict: 'deny', status: 400, code: 'AccessControlListNotSupported' }, source: ACL_DISABLED },
  { id: 'own-02', description: 'Object Ownership BucketOwnerEnforced: PutObject with ACL bucket-owner-full-control', setup: { buckets: [bucket({ ownership: 'BucketOwnerEnforced' })] }, request: putObject({ admin: 'A' }, { ACL: 'bucket-owner-full-control' }), expect: ALLOW, source: ACL_DISABLED },
  { id: 'own-03', description: 'Object Ownership BucketOwnerEnforced: PutBucketAcl public-read', setup: { buckets: [bucket({ ownership: 'BucketOwnerEnforced' })] }, request: { as: { admin: 'A' }, service: 's3', command: 'PutBucketAcl', input: { Bucket: BUCKET, ACL: 'public-read' } }, expect: { verdict: 'deny', status: 400, code: 'AccessControlListNotSupported' }, source: ACL_DISABLED },
];

export const CASES: readonly ConformanceCase[] = [...s3Basics, ...s3Keys, ...elements, ...conditions, ...kms, ...dynamodbCases, ...ssmCases, ...stsCases, ...iamCases, ...s3Public];
