import { startDynamoDbServer, type LocalDynamoDb } from './harness/dynamodb-server';
import { startS3Server, type LocalS3 } from './harness/s3-server';

let s3: LocalS3;
let dynamo: LocalDynamoDb;

beforeAll(async () => {
  [s3, dynamo] = await Promise.all([startS3Server(), startDynamoDbServer()]);
  await s3.createBucket('harness');
});
afterAll(async () => {
  await Promise.all([s3?.dispose(), dynamo?.stop()]);
});

const put = (key: string, body: string, conditional: boolean) =>
  fetch(`${s3.endpoint}/harness/${key}`, { method: 'PUT', body, headers: conditional ? { 'If-None-Match': '*' } : {} });

describe('local S3: conditional writes, which native S3 locking relies on', () => {
  it('answers 200 to the first conditional PUT of a key and 412 to the second', async () => {
    expect((await put('lock-a', 'first', true)).status).toBe(200);
    const second = await put('lock-a', 'second', true);
    expect(second.status).toBe(412);
    expect(await second.text()).toContain('<Code>PreconditionFailed</Code>');
    expect(await s3.getObject('harness', 'lock-a')).toBe('first');
  });

  it('lets exactly one of many concurrent conditional PUTs of one key win', async () => {
    for (let round = 0; round < 5; round++) {
      const statuses = (await Promise.all([1, 2, 3, 4].map((n) => put(`race-${round}`, `writer ${n}`, true)))).map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 412)).toHaveLength(3);
    }
  });

  it('accepts a conditional PUT again once the key is deleted, and plain PUTs always', async () => {
    await put('lock-b', 'one', true);
    expect((await fetch(`${s3.endpoint}/harness/lock-b`, { method: 'DELETE' })).status).toBe(204);
    expect((await put('lock-b', 'two', true)).status).toBe(200);
    expect((await put('lock-b', 'three', false)).status).toBe(200);
    expect(await s3.getObject('harness', 'lock-b')).toBe('three');
  });
});

describe('local S3: bucket sub-resources', () => {
  it('stores versioning, encryption and public access block, and reports missing ones as S3 does', async () => {
    const url = (sub: string) => `${s3.endpoint}/harness?${sub}`;
    expect(await (await fetch(url('versioning'))).text()).toContain('<VersioningConfiguration');
    const missing = await fetch(url('encryption'));
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('ServerSideEncryptionConfigurationNotFoundError');
    for (const [sub, body] of [
      ['versioning', '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>'],
      ['encryption', '<ServerSideEncryptionConfiguration><Rule/></ServerSideEncryptionConfiguration>'],
      ['publicAccessBlock', '<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>'],
    ]) {
      expect((await fetch(url(sub), { method: 'PUT', body })).status).toBe(200);
      expect(await (await fetch(url(sub))).text()).toBe(body);
    }
  });
});

describe('local DynamoDB', () => {
  it('creates a LockID table and reads items back', async () => {
    await dynamo.createTable('locks');
    expect(await dynamo.getItem('locks', 'nothing')).toBeUndefined();
    expect(await dynamo.scan('locks')).toEqual([]);
  });
});
