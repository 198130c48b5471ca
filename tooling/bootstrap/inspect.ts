import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { bucketExistence } from '../toolkit/bucket-existence';
import { existsSync, readFileSync } from 'node:fs';
import { BootstrapError } from '../toolkit/errors';
import { summarizeState, type StateSummary } from './state-summary';
import type { ClientConfig } from '../toolkit/account-session';

/** What exists right now; bootstrap decides where to resume from this alone. */
export interface BootstrapPosition {
  /** The local (phase 1) state file, when it exists. */
  readonly local?: StateSummary;
  readonly bucketExists: boolean;
  /** The state-backend's own state object in the bucket (phase 2 done), when it exists. */
  readonly remote?: StateSummary;
}

export interface StateLocation {
  readonly localStateFile: string;
  readonly bucket: string;
  readonly key: string;
}

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const nameOf = (error: unknown) => (error as { name?: string }).name;

export function readLocalState(file: string): StateSummary | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return summarizeState(readFileSync(file, 'utf8'), file);
  } catch (error) {
    throw new BootstrapError(
      `${(error as Error).message}. Nothing was changed. Terraform keeps the previous copy in ${file}.backup: ` +
        'if that one is a state, move the damaged file away and rename the backup to it; then re-run `npm run bootstrap`.',
    );
  }
}

/**
 * Whether the state bucket exists in the state account: HeadBucket with `ExpectedBucketOwner` (the
 * state account), so a name another account owns is refused by S3 itself (403) even when that
 * account's bucket policy would let these credentials in. A bucket bootstrap cannot use (another
 * region, another owner) stops it with what to do.
 */
export async function bucketExists(s3: S3Client, bucket: string, stateAccount: string): Promise<boolean> {
  const found = await bucketExistence(s3, bucket, { expectedOwner: stateAccount });
  switch (found.kind) {
    case 'exists':
      return true;
    case 'missing':
      return false;
    case 'other-region':
      throw new BootstrapError(`the bucket "${bucket}" exists in another region than ${await s3.config.region()}: set TF_STATE_REGION to its region, or pick another bucket name (TF_STATE_BUCKET)`);
    case 'forbidden':
      throw new BootstrapError(bucketOwnerProblem(bucket, stateAccount));
    case 'not-s3':
    case 'error':
      throw found.error;
  }
}

/** The bucket name is taken by another account (S3 names are global), or the state account may not use it. */
export function bucketOwnerProblem(bucket: string, stateAccount: string): string {
  return (
    `the state bucket "${bucket}" exists but does not belong to the state account ${stateAccount}: S3 refused it with 403 for ExpectedBucketOwner=${stateAccount}. ` +
    'Bucket names are global, so another account owns this name (or the state account\'s credentials may not use it). Nothing was created and no state was moved. ' +
    'Choose another state bucket name: TF_STATE_BUCKET, or "stateBucket" in cdktf.json context (environments/ take it as blueprint.stateBucket), then re-run `npm run bootstrap`.'
  );
}

export async function readRemoteState(s3: S3Client, bucket: string, key: string): Promise<StateSummary | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await object.Body!.transformToString();
    try {
      return summarizeState(text, `s3://${bucket}/${key}`);
    } catch (error) {
      throw new BootstrapError(`${(error as Error).message}. Nothing was changed; look at the object's earlier versions (the bucket is versioned) and restore the last good one, then re-run \`npm run bootstrap\`.`);
    }
  } catch (error) {
    if (error instanceof BootstrapError) throw error;
    if (nameOf(error) === 'NoSuchKey' || statusOf(error) === 404) return undefined;
    throw error;
  }
}

export async function inspectPosition(clientConfig: ClientConfig, location: StateLocation & { readonly accountId: string }): Promise<BootstrapPosition> {
  const s3 = new S3Client(clientConfig);
  try {
    const local = readLocalState(location.localStateFile);
    const exists = await bucketExists(s3, location.bucket, location.accountId);
    const remote = exists ? await readRemoteState(s3, location.bucket, location.key) : undefined;
    return { local, bucketExists: exists, remote };
  } finally {
    s3.destroy();
  }
}

/**
 * Whether what the environments' backends need exists: the bucket, the lock table (ACTIVE) and the
 * state key's alias. Checked while phase 1 runs, so environment deploys can start before the
 * state-backend's own apply has finished its slower sub-resources (the lifecycle rule's ~55 s wait).
 */
export async function backendResourcesExist(clientConfig: ClientConfig, names: { bucket: string; lockTable: string; kmsAlias?: string; accountId: string }): Promise<boolean> {
  const s3 = new S3Client(clientConfig);
  const dynamodb = new DynamoDBClient(clientConfig);
  const kms = new KMSClient(clientConfig);
  try {
    if (!(await bucketExists(s3, names.bucket, names.accountId))) return false;
    const table = await dynamodb.send(new DescribeTableCommand({ TableName: names.lockTable })).catch(() => undefined);
    if (table?.Table?.TableStatus !== 'ACTIVE') return false;
    if (names.kmsAlias) {
      const key = await kms.send(new DescribeKeyCommand({ KeyId: names.kmsAlias })).catch(() => undefined);
      if (key?.KeyMetadata?.KeyState !== 'Enabled') return false;
    }
    return true;
  } finally {
    s3.destroy();
    dynamodb.destroy();
    kms.destroy();
  }
}
