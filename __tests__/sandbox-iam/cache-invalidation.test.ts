import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createShim, IAM_STATUS_PATH, type Shim } from '../../tooling/sandbox/shim/server';
import type { IamStatus } from '../../tooling/sandbox/iam/enforcement';
import { ACCOUNT, REGION, startFakeMoto, type FakeMoto } from './fake-moto';

/**
 * Enforcement's caches (docs/performance.md, "IAM enforcement's cost") against every kind of write
 * that can change a decision: after each, the very next identical request is decided on the new
 * policies, denied when they were tightened and allowed when loosened. The shim runs unchanged
 * (createShim, real HTTP) in front of a small stand-in for moto (fake-moto.ts); the decisions are
 * the real evaluator's.
 */

const ROOT_KEY = 'AKIDSANDBOXROOT';
const BUCKET = 'cache-bucket';
const rootArn = `arn:aws:iam::${ACCOUNT}:root`;
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (action: string | string[], resource = '*', extra: object = {}) => ({ Effect: 'Allow', Action: action, Resource: resource, ...extra });
const trustRoot = doc({ Effect: 'Allow', Principal: { AWS: rootArn }, Action: 'sts:AssumeRole' });
const trustNobody = doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' });

let moto: FakeMoto;
let shim: Shim;
let server: Server;
let port: number;

interface Answer {
  status: number;
  body: string;
}

/** One request to the shim, signed (as far as the shim reads signatures) with `key` for `service`. */
function call(key: string, service: string, method: string, path: string, body = '', headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          authorization: `AWS4-HMAC-SHA256 Credential=${key}/20260101/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('end', () => resolve({ status: reply.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

const query = (key: string, service: 'iam' | 'sts', params: Record<string, string>) =>
  call(key, service, 'POST', '/', new URLSearchParams({ Version: '2010-05-08', ...params }).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
const iam = (params: Record<string, string>) => query(ROOT_KEY, 'iam', params);
const target = (key: string, service: 'kms' | 'dynamodb', operation: string, payload: object) =>
  call(key, service, 'POST', '/', JSON.stringify(payload), {
    'x-amz-target': service === 'kms' ? `TrentService.${operation}` : `DynamoDB_20120810.${operation}`,
    'content-type': service === 'kms' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0',
  });

/** Whether the shim refused the request (any service's denial shape), else what moto answered. */
const verdict = (answer: Answer) => (/AccessDenied/.test(answer.body) ? 'denied' : answer.status < 300 ? 'allowed' : `moto ${answer.status}`);

async function status(): Promise<IamStatus> {
  return JSON.parse((await call(ROOT_KEY, 's3', 'GET', IAM_STATUS_PATH)).body) as IamStatus;
}

/** Creates `name` (trusting the account's root) with `inline` policies, and returns a session's access key. */
async function roleSession(name: string, inline: Record<string, string> = {}): Promise<string> {
  expect((await iam({ Action: 'CreateRole', RoleName: name, AssumeRolePolicyDocument: trustRoot })).status).toBe(200);
  for (const [policyName, document] of Object.entries(inline)) await iam({ Action: 'PutRolePolicy', RoleName: name, PolicyName: policyName, PolicyDocument: document });
  const answer = await query(ROOT_KEY, 'sts', { Action: 'AssumeRole', RoleArn: roleArn(name), RoleSessionName: 'test' });
  expect(answer.status).toBe(200);
  return /<AccessKeyId>([^<]+)</.exec(answer.body)![1];
}

beforeAll(async () => {
  moto = await startFakeMoto();
  shim = createShim(moto.endpoint, { log: () => undefined });
  server = createServer((request, response) => shim.handle(request, response, true));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  expect((await call(ROOT_KEY, 's3', 'PUT', `/${BUCKET}`)).status).toBe(200);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await moto.close();
});

describe('the hit path', () => {
  it('an identical request is decided once by the evaluator, and its policies are read from moto once', async () => {
    const key = await roleSession('hit-path', { read: doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`)) });
    const get = () => call(key, 's3', 'GET', `/${BUCKET}/state`);
    expect(verdict(await get())).toBe('allowed');
    const before = (await status()).timing!;
    for (let i = 0; i < 20; i++) expect(verdict(await get())).toBe('allowed');
    const after = (await status()).timing!;
    expect(after.evaluations - before.evaluations).toBe(0);
    expect(after.decisionCacheHits - before.decisionCacheHits).toBe(20);
    expect(after.motoReads - before.motoReads).toBe(0);
    expect(after.perRequest.count - before.perRequest.count).toBeGreaterThanOrEqual(20);
  });

  it('a request that differs in anything the decision depends on is evaluated: another object, another session of the same role', async () => {
    const key = await roleSession('differs', { read: doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`)) });
    expect(verdict(await call(key, 's3', 'GET', `/${BUCKET}/one`))).toBe('allowed');
    const evaluations = async () => (await status()).timing!.evaluations;
    let count = await evaluations();
    expect(verdict(await call(key, 's3', 'GET', `/${BUCKET}/two`))).toBe('allowed');
    expect(await evaluations()).toBe(count + 1);
    count += 1;
    const other = /<AccessKeyId>([^<]+)</.exec((await query(ROOT_KEY, 'sts', { Action: 'AssumeRole', RoleArn: roleArn('differs'), RoleSessionName: 'other' })).body)![1];
    count = await evaluations();
    expect(verdict(await call(other, 's3', 'GET', `/${BUCKET}/two`))).toBe('allowed');
    expect(await evaluations()).toBe(count + 1);
  });
});

describe('every write that can change a decision: tightened, then the next identical request is denied; loosened, allowed', () => {
  it('inline role policies: PutRolePolicy, DeleteRolePolicy', async () => {
    const key = await roleSession('inline', { state: doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`)) });
    const get = async () => verdict(await call(key, 's3', 'GET', `/${BUCKET}/state`));
    expect(await get()).toBe('allowed');
    await iam({ Action: 'PutRolePolicy', RoleName: 'inline', PolicyName: 'state', PolicyDocument: doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/other/*`)) });
    expect(await get()).toBe('denied');
    await iam({ Action: 'PutRolePolicy', RoleName: 'inline', PolicyName: 'state', PolicyDocument: doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`)) });
    expect(await get()).toBe('allowed');
    await iam({ Action: 'PutRolePolicy', RoleName: 'inline', PolicyName: 'deny', PolicyDocument: doc({ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }) });
    expect(await get()).toBe('denied');
    await iam({ Action: 'DeleteRolePolicy', RoleName: 'inline', PolicyName: 'deny' });
    expect(await get()).toBe('allowed');
    await iam({ Action: 'DeleteRolePolicy', RoleName: 'inline', PolicyName: 'state' });
    expect(await get()).toBe('denied');
  });

  it('managed policies: AttachRolePolicy, CreatePolicyVersion, SetDefaultPolicyVersion, DetachRolePolicy', async () => {
    const key = await roleSession('managed');
    await target(ROOT_KEY, 'dynamodb', 'CreateTable', { TableName: 'managed-locks' });
    const put = async () => verdict(await target(key, 'dynamodb', 'PutItem', { TableName: 'managed-locks', Item: { LockID: { S: 'x' } } }));
    expect(await put()).toBe('denied');
    const created = await iam({ Action: 'CreatePolicy', PolicyName: 'locks', PolicyDocument: doc(allow('dynamodb:PutItem')) });
    const policyArn = /<Arn>([^<]+)</.exec(created.body)![1];
    await iam({ Action: 'AttachRolePolicy', RoleName: 'managed', PolicyArn: policyArn });
    expect(await put()).toBe('allowed');
    await iam({ Action: 'CreatePolicyVersion', PolicyArn: policyArn, PolicyDocument: doc(allow('dynamodb:GetItem')), SetAsDefault: 'true' });
    expect(await put()).toBe('denied');
    await iam({ Action: 'SetDefaultPolicyVersion', PolicyArn: policyArn, VersionId: 'v1' });
    expect(await put()).toBe('allowed');
    await iam({ Action: 'DetachRolePolicy', RoleName: 'managed', PolicyArn: policyArn });
    expect(await put()).toBe('denied');
  });

  it('trust policies and roles: UpdateAssumeRolePolicy, DeleteRole, CreateRole', async () => {
    await roleSession('trusted');
    const assume = async () => verdict(await query(ROOT_KEY, 'sts', { Action: 'AssumeRole', RoleArn: roleArn('trusted'), RoleSessionName: 's' }));
    expect(await assume()).toBe('allowed');
    await iam({ Action: 'UpdateAssumeRolePolicy', RoleName: 'trusted', PolicyDocument: trustNobody });
    expect(await assume()).toBe('denied');
    await iam({ Action: 'UpdateAssumeRolePolicy', RoleName: 'trusted', PolicyDocument: trustRoot });
    expect(await assume()).toBe('allowed');
    await iam({ Action: 'DeleteRole', RoleName: 'trusted' });
    expect(await assume()).toBe('denied');
    await iam({ Action: 'CreateRole', RoleName: 'trusted', AssumeRolePolicyDocument: trustRoot });
    expect(await assume()).toBe('allowed');
  });

  it('AssumeRole sessions: new credentials act as their role, with its policies, not as whoever was seen before', async () => {
    const reader = await roleSession('session-reader', { read: doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`)) });
    const nobody = await roleSession('session-nobody');
    expect(verdict(await call(reader, 's3', 'GET', `/${BUCKET}/state`))).toBe('allowed');
    expect(verdict(await call(nobody, 's3', 'GET', `/${BUCKET}/state`))).toBe('denied');
    // The root may read; a key it has never seen acts as the root until moto issues it to a session.
    expect(verdict(await call(ROOT_KEY, 's3', 'GET', `/${BUCKET}/state`))).toBe('allowed');
  });

  it('bucket policies: PutBucketPolicy, DeleteBucketPolicy', async () => {
    const key = await roleSession('bucket-reader', { read: doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`)) });
    const get = async () => verdict(await call(key, 's3', 'GET', `/${BUCKET}/state`));
    expect(await get()).toBe('allowed');
    const denyReads = doc({ Sid: 'NoReads', Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` });
    expect((await call(ROOT_KEY, 's3', 'PUT', `/${BUCKET}?policy`, denyReads)).status).toBe(204);
    expect(await get()).toBe('denied');
    const denyOthers = doc({ Sid: 'NoWrites', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*` });
    await call(ROOT_KEY, 's3', 'PUT', `/${BUCKET}?policy`, denyOthers);
    expect(await get()).toBe('allowed');
    await call(ROOT_KEY, 's3', 'PUT', `/${BUCKET}?policy`, denyReads);
    expect(await get()).toBe('denied');
    await call(ROOT_KEY, 's3', 'DELETE', `/${BUCKET}?policy`);
    expect(await get()).toBe('allowed');
  });

  it('key policies: PutKeyPolicy', async () => {
    const key = await roleSession('key-user');
    const keyPolicy = (...principals: string[]) => doc({ Effect: 'Allow', Principal: { AWS: [rootArn, ...principals] }, Action: 'kms:*', Resource: '*' });
    const created = JSON.parse((await target(ROOT_KEY, 'kms', 'CreateKey', { Policy: keyPolicy(roleArn('key-user')) })).body) as { KeyMetadata: { KeyId: string } };
    const keyId = created.KeyMetadata.KeyId;
    const decrypt = async () => verdict(await target(key, 'kms', 'Decrypt', { KeyId: keyId, CiphertextBlob: 'AA==' }));
    expect(await decrypt()).toBe('allowed');
    await target(ROOT_KEY, 'kms', 'PutKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: keyPolicy() });
    expect(await decrypt()).toBe('denied');
    await target(ROOT_KEY, 'kms', 'PutKeyPolicy', { KeyId: keyId, PolicyName: 'default', Policy: keyPolicy(roleArn('key-user')) });
    expect(await decrypt()).toBe('allowed');
  });

  it('keys that did not exist yet: CreateKey and CreateAlias after a request for the alias was seen', async () => {
    const key = await roleSession('alias-user');
    const decrypt = async () => verdict(await target(key, 'kms', 'Decrypt', { KeyId: 'alias/later', CiphertextBlob: 'AA==' }));
    // No such key: KMS answers NotFoundException itself (moto's answer, not a denial).
    expect(await decrypt()).toBe('moto 400');
    const created = JSON.parse((await target(ROOT_KEY, 'kms', 'CreateKey', { Policy: doc({ Effect: 'Allow', Principal: { AWS: rootArn }, Action: 'kms:*', Resource: '*' }) })).body) as { KeyMetadata: { KeyId: string } };
    await target(ROOT_KEY, 'kms', 'CreateAlias', { AliasName: 'alias/later', TargetKeyId: created.KeyMetadata.KeyId });
    expect(await decrypt()).toBe('denied');
  });

  it('key tags a key policy depends on: TagResource', async () => {
    const key = await roleSession('tag-user');
    const policy = doc(
      { Effect: 'Allow', Principal: { AWS: rootArn }, Action: 'kms:*', Resource: '*' },
      { Effect: 'Allow', Principal: { AWS: roleArn('tag-user') }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/use': 'yes' } } },
    );
    const keyId = (JSON.parse((await target(ROOT_KEY, 'kms', 'CreateKey', { Policy: policy })).body) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
    const decrypt = async () => verdict(await target(key, 'kms', 'Decrypt', { KeyId: keyId, CiphertextBlob: 'AA==' }));
    expect(await decrypt()).toBe('denied');
    await target(ROOT_KEY, 'kms', 'TagResource', { KeyId: keyId, Tags: [{ TagKey: 'use', TagValue: 'yes' }] });
    expect(await decrypt()).toBe('allowed');
    await target(ROOT_KEY, 'kms', 'TagResource', { KeyId: keyId, Tags: [{ TagKey: 'use', TagValue: 'no' }] });
    expect(await decrypt()).toBe('denied');
  });

  it('a table\'s key: UpdateTable (DynamoDB uses the table\'s key as the caller)', async () => {
    const key = await roleSession('table-user', { items: doc(allow('dynamodb:PutItem')) });
    await target(ROOT_KEY, 'dynamodb', 'CreateTable', { TableName: 'sse-locks' });
    const put = async () => verdict(await target(key, 'dynamodb', 'PutItem', { TableName: 'sse-locks', Item: { LockID: { S: 'x' } } }));
    expect(await put()).toBe('allowed');
    const keyId = (JSON.parse((await target(ROOT_KEY, 'kms', 'CreateKey', { Policy: doc({ Effect: 'Allow', Principal: { AWS: rootArn }, Action: 'kms:*', Resource: '*' }) })).body) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
    await target(ROOT_KEY, 'dynamodb', 'UpdateTable', { TableName: 'sse-locks', SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: keyId } });
    expect(await put()).toBe('denied');
    await target(ROOT_KEY, 'dynamodb', 'UpdateTable', { TableName: 'sse-locks', SSESpecification: { Enabled: false } });
    expect(await put()).toBe('allowed');
  });

  it('a bucket\'s default encryption: PutBucketEncryption, DeleteBucketEncryption (S3 generates the data key as the caller)', async () => {
    const bucket = 'cache-encrypted';
    await call(ROOT_KEY, 's3', 'PUT', `/${bucket}`);
    const key = await roleSession('writer', { write: doc(allow('s3:PutObject', `arn:aws:s3:::${bucket}/*`)) });
    const put = async () => verdict(await call(key, 's3', 'PUT', `/${bucket}/state`, 'x'));
    expect(await put()).toBe('allowed');
    const keyId = (JSON.parse((await target(ROOT_KEY, 'kms', 'CreateKey', { Policy: doc({ Effect: 'Allow', Principal: { AWS: rootArn }, Action: 'kms:*', Resource: '*' }) })).body) as { KeyMetadata: { KeyId: string; Arn: string } }).KeyMetadata;
    const encryption = `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>${keyId.Arn}</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`;
    await call(ROOT_KEY, 's3', 'PUT', `/${bucket}?encryption`, encryption);
    expect(await put()).toBe('denied');
    await call(ROOT_KEY, 's3', 'DELETE', `/${bucket}?encryption`);
    expect(await put()).toBe('allowed');
  });

  it('a write moto applied but failed to answer (500), or never answered (connection dropped), still drops what it read', async () => {
    const key = await roleSession('unanswered', { state: doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`)) });
    const get = async () => verdict(await call(key, 's3', 'GET', `/${BUCKET}/state`));
    expect(await get()).toBe('allowed');
    moto.misbehaveOnce('PutRolePolicy', 'fail');
    expect((await iam({ Action: 'PutRolePolicy', RoleName: 'unanswered', PolicyName: 'state', PolicyDocument: doc(allow('s3:PutObject')) })).status).toBe(500);
    expect(await get()).toBe('denied');
    moto.misbehaveOnce('PutRolePolicy', 'drop');
    expect((await iam({ Action: 'PutRolePolicy', RoleName: 'unanswered', PolicyName: 'state', PolicyDocument: doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/*`)) })).status).toBe(502);
    expect(await get()).toBe('allowed');
  });

  it('a read from moto that fails is never remembered as a shorter list of policies: the request fails, the next is decided on all of them', async () => {
    const key = await roleSession('half-read', { deny: doc({ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }) });
    const created = await iam({ Action: 'CreatePolicy', PolicyName: 'half-read-allow', PolicyDocument: doc(allow('s3:GetObject')) });
    await iam({ Action: 'AttachRolePolicy', RoleName: 'half-read', PolicyArn: /<Arn>([^<]+)</.exec(created.body)![1] });
    const get = () => call(key, 's3', 'GET', `/${BUCKET}/state`);
    expect(verdict(await get())).toBe('denied');
    await iam({ Action: 'PutRolePolicy', RoleName: 'half-read', PolicyName: 'other', PolicyDocument: doc(allow('s3:ListBucket')) });
    moto.misbehaveOnce('ListRolePolicies', 'fail');
    expect(await get()).toMatchObject({ status: 502 });
    expect(verdict(await get())).toBe('denied');
  });
});
