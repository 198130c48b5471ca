import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { DIGEST_ITEM_SUFFIX, dynamoDbLockId, LOCKFILE_SUFFIX } from '../../lib/iam/state-access-policy';
import { sandboxClientConfig } from '../sandbox/credentials';
import { assumeRoleCredentials, type AccountSession } from '../toolkit/account-session';
import { accountSession, type Target } from '../sandbox/target';
import { clientConfig, endpointFor, type AwsCredentialIdentity, type ClientConfig } from '../toolkit/aws-clients';
import { describeAwsError, isAccessDenied, isNotFound } from '../toolkit/aws-errors';
import { BootstrapError } from '../toolkit/errors';
import { waitWithProgress } from '../toolkit/wait-progress';
import { parseState, type StateContent } from './state-content';
import { stateUri, type StateLocation } from './state-location';
import type { LockInfo } from '../toolkit/lock-info';

/** One version of the state object, or a delete marker. */
export interface StateVersion {
  readonly versionId: string;
  readonly lastModified: Date;
  readonly size: number;
  readonly isLatest: boolean;
  readonly deleteMarker: boolean;
}

export type { LockInfo } from '../toolkit/lock-info';

/** A lock that is held: where (lockfile or DynamoDB item) and what its holder wrote. */
export interface HeldLock {
  readonly where: string;
  readonly info: LockInfo;
}

/**
 * A stack's state, read and (for the digest only) written as its backend does: through the state
 * role when the backend assumes one, with the stack's account credentials otherwise. The role's
 * policy lets it reach its own key, lock object and lock items only (lib/iam/state-access-policy.ts).
 */
export class StateStore {
  private constructor(
    readonly location: StateLocation,
    readonly session: AccountSession,
    /** Who the requests are made as, for messages. */
    readonly as: string,
    private readonly s3: S3Client,
    private readonly dynamodb: DynamoDBClient | undefined,
  ) {}

  /** Credentials for the stack's account, then its state role (as Terraform's backend assumes it). */
  static async open(target: Target, location: StateLocation, env: NodeJS.ProcessEnv, say: (line: string) => void): Promise<StateStore> {
    const { stack } = location;
    const endpoint = target.kind === 'sandbox' ? `the sandbox ${target.state.endpoint}` : (endpointFor('STS', env) ?? 'AWS STS');
    const session = await waitWithProgress({ what: `${stack.name}'s credentials (account ${stack.accountId})`, endpoint, timeoutMs: 30_000, say }, () =>
      accountSession(target, stack.accountId, stack.region, env, stack.name),
    );
    let credentials: AwsCredentialIdentity | undefined = target.kind === 'sandbox' ? session.clientConfig.credentials : undefined;
    let as = `account ${stack.accountId}`;
    if (location.roleArn) {
      try {
        ({ credentials } = await assumeRoleCredentials(session.clientConfig, location.roleArn, `state-${stack.name}`, location.externalId));
      } catch (error) {
        throw new BootstrapError(
          `${stack.name}: could not assume its state role ${location.roleArn} (${describeAwsError(error)}): use credentials its trust policy accepts (an administrator of account ${stack.accountId}, or its CI deploy role); is the state-backend deployed? (docs/cross-account.md)`,
        );
      }
      as = `state role ${location.roleArn}`;
    }
    const config = (service: 'S3' | 'DYNAMODB'): ClientConfig =>
      target.kind === 'sandbox'
        ? sandboxClientConfig(target.state, location.region, credentials)
        : clientConfig({ region: location.region, profile: { kind: 'aws' }, endpoint: endpointFor(service, env), credentials });
    return new StateStore(location, session, as, new S3Client(config('S3')), location.dynamodbTable ? new DynamoDBClient(config('DYNAMODB')) : undefined);
  }

  close(): void {
    this.s3.destroy();
    this.dynamodb?.destroy();
  }

  private refused(error: unknown, what: string, grant: string): BootstrapError {
    const fix = isAccessDenied(error)
      ? `the ${this.as} needs ${grant} (the state-backend's policy grants it from this release on: deploy the state-backend to update the roles, docs/recovery.md)`
      : 'check the endpoint and network access';
    return new BootstrapError(`${what} as ${this.as} failed: ${describeAwsError(error)}; ${fix}`);
  }

  /** Every version and delete marker of the state object (never of other keys), newest first. */
  async versions(): Promise<StateVersion[]> {
    const { bucket, key } = this.location;
    const found: StateVersion[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    try {
      for (;;) {
        // Prefix = the key: the only listing the role's s3:prefix condition allows; <key>.tflock shares the prefix and is left out below.
        const page = await this.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
        for (const version of page.Versions ?? []) {
          if (version.Key !== key || !version.VersionId) continue;
          found.push({ versionId: version.VersionId, lastModified: version.LastModified ?? new Date(0), size: version.Size ?? 0, isLatest: version.IsLatest === true, deleteMarker: false });
        }
        for (const marker of page.DeleteMarkers ?? []) {
          if (marker.Key !== key || !marker.VersionId) continue;
          found.push({ versionId: marker.VersionId, lastModified: marker.LastModified ?? new Date(0), size: 0, isLatest: marker.IsLatest === true, deleteMarker: true });
        }
        if (!page.IsTruncated) break;
        keyMarker = page.NextKeyMarker;
        versionIdMarker = page.NextVersionIdMarker;
      }
    } catch (error) {
      if (isNotFound(error)) throw new BootstrapError(`${stateUri(this.location)}: the bucket does not exist (${describeAwsError(error)}); is the state-backend deployed in this account and region?`);
      throw this.refused(error, `listing the versions of ${stateUri(this.location)}`, `s3:ListBucketVersions with s3:prefix = ${key}`);
    }
    // Newest first; the current one first among equal times.
    return found.sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime() || Number(b.isLatest) - Number(a.isLatest));
  }

  /** The text of one version of the state object. */
  async readVersion(versionId: string): Promise<string> {
    const { bucket, key } = this.location;
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
      return (await object.Body?.transformToString()) ?? '';
    } catch (error) {
      throw this.refused(error, `reading version ${versionId} of ${stateUri(this.location)}`, `s3:GetObjectVersion on ${key}`);
    }
  }

  /** One version parsed, or why it is not a state file. */
  async readState(versionId: string): Promise<{ ok: true; state: StateContent } | { ok: false; problem: string }> {
    const text = await this.readVersion(versionId);
    try {
      return { ok: true, state: parseState(text, `version ${versionId}`) };
    } catch (error) {
      return { ok: false, problem: (error as Error).message };
    }
  }

  /** The locks held on this state now (lockfile object, DynamoDB item), with what their holders wrote. */
  async heldLocks(): Promise<HeldLock[]> {
    const { bucket, key, useLockfile, dynamodbTable } = this.location;
    const held: HeldLock[] = [];
    if (useLockfile) {
      const lockKey = `${key}${LOCKFILE_SUFFIX}`;
      try {
        const object = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: lockKey }));
        held.push({ where: `s3://${bucket}/${lockKey}`, info: parseLockInfo(await object.Body?.transformToString()) });
      } catch (error) {
        if (!isNotFound(error)) throw this.refused(error, `reading the lock object s3://${bucket}/${lockKey}`, `s3:GetObject on ${lockKey}`);
      }
    }
    if (dynamodbTable && this.dynamodb) {
      const lockId = dynamoDbLockId(bucket, key);
      try {
        const { Item } = await this.dynamodb.send(new GetItemCommand({ TableName: dynamodbTable, Key: { LockID: { S: lockId } }, ConsistentRead: true }));
        if (Item) held.push({ where: `DynamoDB ${dynamodbTable} item LockID = ${lockId}`, info: parseLockInfo(Item.Info?.S) });
      } catch (error) {
        throw this.refused(error, `reading the lock item ${lockId} from ${dynamodbTable}`, 'dynamodb:GetItem on its own lock item');
      }
    }
    return held;
  }

  /** The digest item's value (`<bucket>/<key>-md5`), '' when it holds none; undefined without DynamoDB locking. */
  async digest(): Promise<string | undefined> {
    const { bucket, key, dynamodbTable } = this.location;
    if (!dynamodbTable || !this.dynamodb) return undefined;
    const id = `${dynamoDbLockId(bucket, key)}${DIGEST_ITEM_SUFFIX}`;
    try {
      const { Item } = await this.dynamodb.send(new GetItemCommand({ TableName: dynamodbTable, Key: { LockID: { S: id } }, ConsistentRead: true }));
      return Item?.Digest?.S ?? '';
    } catch (error) {
      throw this.refused(error, `reading the digest item ${id} from ${dynamodbTable}`, 'dynamodb:GetItem on its own digest item');
    }
  }

  /**
   * Sets the digest item's value to `digest`, or removes the value ('' : no state object is stored):
   * the one direct write, the repair Terraform's own checksum error prescribes ("update the Digest
   * value stored in the DynamoDB table to the following value", or "remove the Digest value" when
   * it calculated none). The item itself stays.
   */
  async setDigest(digest: string): Promise<void> {
    const { bucket, key, dynamodbTable } = this.location;
    if (!dynamodbTable || !this.dynamodb) throw new Error('unreachable: no lock table, no digest');
    const id = `${dynamoDbLockId(bucket, key)}${DIGEST_ITEM_SUFFIX}`;
    try {
      await this.dynamodb.send(new PutItemCommand({ TableName: dynamodbTable, Item: digest === '' ? { LockID: { S: id } } : { LockID: { S: id }, Digest: { S: digest } } }));
    } catch (error) {
      throw this.refused(error, `writing the digest item ${id} in ${dynamodbTable}`, 'dynamodb:PutItem on its own digest item');
    }
  }
}

function parseLockInfo(text: string | undefined): LockInfo {
  try {
    return JSON.parse(text ?? '') as LockInfo;
  } catch {
    return { Operation: `unreadable lock info: ${(text ?? '').slice(0, 80)}` };
  }
}

/** How old a lock is, from its `Created` time. */
export function lockAge(info: LockInfo, now: Date): string {
  const since = info.Created ? Date.parse(info.Created) : Number.NaN;
  if (Number.isNaN(since)) return 'unknown age';
  const seconds = Math.max(0, Math.round((now.getTime() - since) / 1000));
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "held by alice@host for OperationTypeApply since … (3 min), Terraform 1.11.4, lock ID …" */
export function describeHolder(lock: HeldLock, now: Date): string {
  const { info } = lock;
  return `${lock.where} is held by ${info.Who ?? 'an unknown holder'} for ${info.Operation ?? 'an unknown operation'} since ${info.Created ?? '?'} (${lockAge(info, now)})${info.Version ? `, Terraform ${info.Version}` : ''}, lock ID ${info.ID ?? '?'}`;
}
