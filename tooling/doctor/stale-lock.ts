import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { dynamoDbLockId, LOCKFILE_SUFFIX } from '../../lib/iam/state-access-policy';
import { describeAwsError, isBareNotFound, isNotFound, notTheService } from '../toolkit/aws-errors';
import { REQUEST_TIMEOUT_MS } from '../toolkit/aws-clients';
import { fail, pass, withTimeout, type CheckResult } from './check-result';
import type { LockInfo } from '../toolkit/lock-info';

export type { LockInfo } from '../toolkit/lock-info';

export interface LockCheckContext {
  /** Stack name: its synthesized directory is `cdktf.out/stacks/<stack>`. */
  readonly stack: string;
  /** `terraform` or `tofu`. */
  readonly command: string;
  readonly now?: Date;
}

function age(created: string | undefined, now: Date): string {
  const since = created ? Date.parse(created) : Number.NaN;
  if (Number.isNaN(since)) return 'unknown age';
  const minutes = Math.max(0, Math.round((now.getTime() - since) / 60_000));
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function describeLock(info: LockInfo, now: Date): string {
  return `held by ${info.Who ?? 'unknown'} for ${info.Operation ?? 'an unknown operation'} since ${info.Created ?? '?'} (${age(info.Created, now)}), ${info.Version ? `${info.Version}, ` : ''}lock ID ${info.ID ?? '?'}`;
}

/** How to release a lock without risking two writers on one state. */
export function forceUnlockFix(info: LockInfo, context: LockCheckContext): string {
  const id = info.ID ?? '<lock ID>';
  return (
    `first make sure no ${context.command} run is active for ${context.stack} (ask ${info.Who ?? 'its holder'}, check CI); a lock held by a running apply is not stale. ` +
    `Then release it with ${context.command} itself: \`npx cdktf synth && cd cdktf.out/stacks/${context.stack} && ${context.command} init && ${context.command} force-unlock ${id}\`. ` +
    'Do not delete the lock object or item by hand while a run may still hold it.'
  );
}

function parseLockInfo(text: string | undefined): LockInfo {
  try {
    return JSON.parse(text ?? '') as LockInfo;
  } catch {
    return { Operation: `unreadable lock info: ${(text ?? '').slice(0, 80)}` };
  }
}

/** S3-native locking: a `<key>.tflock` object exists while a lock is held. */
export async function checkLockfileLock(s3: S3Client, bucket: string, key: string, context: LockCheckContext): Promise<CheckResult> {
  const name = 'S3 lockfile';
  const lockKey = `${key}${LOCKFILE_SUFFIX}`;
  try {
    const object = await withTimeout(REQUEST_TIMEOUT_MS + 1000, 'S3', (abortSignal) =>
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: lockKey }), { abortSignal }),
    );
    const info = parseLockInfo(await object.Body?.transformToString());
    return fail(name, `s3://${bucket}/${lockKey} is ${describeLock(info, context.now ?? new Date())}`, forceUnlockFix(info, context));
  } catch (error) {
    if (isNotFound(error)) return pass(name, `no lock held (s3://${bucket}/${lockKey} absent)`);
    if (isBareNotFound(error)) return fail(name, `s3://${bucket}/${lockKey}: ${notTheService('S3', 'AWS_ENDPOINT_URL_S3')}`, 'point AWS_ENDPOINT_URL_S3 at an S3 endpoint, or unset it to use AWS');
    return fail(name, `could not read s3://${bucket}/${lockKey}: ${describeAwsError(error)}`, 'allow s3:GetObject on the .tflock object (see state_access_policy_json)');
  }
}

/** DynamoDB locking: an item with `LockID = <bucket>/<key>` exists while a lock is held. */
export async function checkDynamoDbLock(
  dynamodb: DynamoDBClient,
  table: string,
  bucket: string,
  key: string,
  context: LockCheckContext,
): Promise<CheckResult> {
  const name = 'DynamoDB lock';
  const lockId = dynamoDbLockId(bucket, key);
  try {
    const { Item } = await withTimeout(REQUEST_TIMEOUT_MS + 1000, 'DynamoDB', (abortSignal) =>
      dynamodb.send(new GetItemCommand({ TableName: table, Key: { LockID: { S: lockId } }, ConsistentRead: true }), { abortSignal }),
    );
    if (!Item) return pass(name, `no lock held (no item LockID = ${lockId} in ${table})`);
    const info = parseLockInfo(Item.Info?.S);
    return fail(name, `item LockID = ${lockId} in ${table} is ${describeLock(info, context.now ?? new Date())}`, forceUnlockFix(info, context));
  } catch (error) {
    return fail(name, `could not read the lock item from ${table}: ${describeAwsError(error)}`, 'allow dynamodb:GetItem on the lock table (see state_access_policy_json)');
  }
}
