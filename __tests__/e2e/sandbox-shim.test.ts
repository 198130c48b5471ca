import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { tlsOnlyPolicyDocument } from '../../lib/constructs/tls-only-policy';
import { startTestSandbox, type TestSandbox } from './harness/sandbox';
import { STEP_TIMEOUT_MS } from './harness/step';

/**
 * The shim against a real moto, through the AWS SDK: the lifecycle header, and bucket policies kept
 * by the shim and evaluated by its IAM enforcement with the real transport (HTTPS endpoint vs the
 * plain-HTTP port).
 */
const ACCOUNT = '333333333333';
let sandbox: TestSandbox;
let secure: S3Client;
let insecure: S3Client;

beforeAll(async () => {
  sandbox = await startTestSandbox('shim');
  secure = await sandbox.s3(ACCOUNT, true);
  insecure = await sandbox.s3(ACCOUNT, false);
}, STEP_TIMEOUT_MS.sandbox);
afterAll(() => sandbox?.stop());

/** The TLS-only policy exactly as the stacks deploy it. */
const tlsOnly = (bucket: string) => JSON.stringify(tlsOnlyPolicyDocument(`arn:aws:s3:::${bucket}`));

async function createBucket(name: string): Promise<void> {
  await secure.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the request to fail');
}

const body = async (client: S3Client, Bucket: string, Key: string) => (await client.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();

describe('gap 2: the TLS-only bucket policy', () => {
  const bucket = 'shim-tls-only';

  beforeAll(async () => {
    await createBucket(bucket);
    await secure.send(new PutObjectCommand({ Bucket: bucket, Key: 'state/terraform.tfstate', Body: 'before the policy' }));
    await secure.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: tlsOnly(bucket) }));
  });

  it('GetBucketPolicy returns the document exactly as put (no drift for terraform)', async () => {
    expect((await secure.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy).toBe(tlsOnly(bucket));
  });

  it('over HTTPS, state reads and writes work with the policy in place', async () => {
    await secure.send(new PutObjectCommand({ Bucket: bucket, Key: 'state/terraform.tfstate', Body: 'written over TLS' }));
    expect(await body(secure, bucket, 'state/terraform.tfstate')).toBe('written over TLS');
  });

  it('over plain HTTP, reads and writes are denied with 403 AccessDenied naming the statement, and nothing changes', async () => {
    const read = await failure(insecure.send(new GetObjectCommand({ Bucket: bucket, Key: 'state/terraform.tfstate' })));
    expect(read).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(read.message).toContain('DenyInsecureTransport');
    const write = await failure(insecure.send(new PutObjectCommand({ Bucket: bucket, Key: 'state/terraform.tfstate', Body: 'over plain HTTP' })));
    expect(write).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(await body(secure, bucket, 'state/terraform.tfstate')).toBe('written over TLS');
  });

  it('HEAD keeps the object\'s length, and an empty object can be written and read (byte-exact forwarding)', async () => {
    expect((await secure.send(new HeadObjectCommand({ Bucket: bucket, Key: 'state/terraform.tfstate' }))).ContentLength).toBe('written over TLS'.length);
    await secure.send(new PutObjectCommand({ Bucket: bucket, Key: 'empty', Body: '' }));
    expect((await secure.send(new HeadObjectCommand({ Bucket: bucket, Key: 'empty' }))).ContentLength).toBe(0);
    expect(await body(secure, bucket, 'empty')).toBe('');
  });

  it('over plain HTTP the policy cannot be read, replaced or removed either', async () => {
    expect((await failure(insecure.send(new DeleteBucketPolicyCommand({ Bucket: bucket })))).status).toBe(403);
    expect((await failure(insecure.send(new GetBucketPolicyCommand({ Bucket: bucket })))).status).toBe(403);
    expect((await secure.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy).toBe(tlsOnly(bucket));
  });

  it('the denial comes from the policy: without it, plain HTTP works again', async () => {
    await secure.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    expect(await body(insecure, bucket, 'state/terraform.tfstate')).toBe('written over TLS');
    await secure.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: tlsOnly(bucket) }));
    expect((await failure(insecure.send(new GetObjectCommand({ Bucket: bucket, Key: 'state/terraform.tfstate' })))).status).toBe(403);
  });
});

describe('gap 2: bucket policies are the shim\'s, evaluated by IAM enforcement; moto never sees them', () => {
  const bucket = 'shim-mixed-policy';

  beforeAll(() => createBucket(bucket));

  it('a statement without conditions is enforced too, over HTTPS, naming the action and resource', async () => {
    await secure.send(new PutObjectCommand({ Bucket: bucket, Key: 'locked/item', Body: 'x' }));
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'NoReads', Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/locked/*` }],
    });
    await secure.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
    const refused = await failure(secure.send(new GetObjectCommand({ Bucket: bucket, Key: 'locked/item' })));
    expect(refused).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/sandbox-admin/sandbox is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${bucket}/locked/item" with an explicit deny in a resource-based policy (statement NoReads)`,
    });
    await secure.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    expect(await body(secure, bucket, 'locked/item')).toBe('x');
  });

  it('a policy that is not JSON is refused as S3 refuses it, and no policy is stored', async () => {
    const refused = await failure(secure.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: '{"Statement": [' })));
    expect(refused).toMatchObject({ name: 'MalformedPolicy', status: 400 });
    expect((await failure(secure.send(new GetBucketPolicyCommand({ Bucket: bucket })))).name).toBe('NoSuchBucketPolicy');
  });

  it('a policy for a bucket that does not exist fails as in S3', async () => {
    expect((await failure(secure.send(new PutBucketPolicyCommand({ Bucket: 'shim-no-such-bucket', Policy: tlsOnly('shim-no-such-bucket') })))).name).toBe('NoSuchBucket');
  });
});

describe('gap 1: lifecycle configuration', () => {
  const bucket = 'shim-lifecycle';
  const rules = [{ ID: 'expire-noncurrent-versions', Status: 'Enabled' as const, Filter: { Prefix: '' }, NoncurrentVersionExpiration: { NoncurrentDays: 90 } }];

  beforeAll(() => createBucket(bucket));

  it('Put and Get answer with the transition minimum size header, S3\'s default when none was asked for', async () => {
    const put = await secure.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } }));
    expect(put.TransitionDefaultMinimumObjectSize).toBe('all_storage_classes_128K');
    const get = await secure.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    expect(get.TransitionDefaultMinimumObjectSize).toBe('all_storage_classes_128K');
    expect(get.Rules).toEqual([expect.objectContaining({ ID: 'expire-noncurrent-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 } })]);
  });

  it('keeps the value the client asked for', async () => {
    const put = await secure.send(
      new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules }, TransitionDefaultMinimumObjectSize: 'varies_by_storage_class' }),
    );
    expect(put.TransitionDefaultMinimumObjectSize).toBe('varies_by_storage_class');
    expect((await secure.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).TransitionDefaultMinimumObjectSize).toBe('varies_by_storage_class');
  });
});
