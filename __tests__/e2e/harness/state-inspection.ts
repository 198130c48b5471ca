import type { LocalDynamoDb } from './dynamodb-server';
import type { LocalS3 } from './s3-server';

export interface S3BackendBlock {
  bucket: string;
  key: string;
  dynamodb_table?: string;
  use_lockfile?: boolean;
}

export interface StateFile {
  serial: number;
  lineage: string;
  resources: Array<{ type: string; name: string }>;
}

/** The state object as stored in the bucket, parsed; undefined when absent. */
export async function readState(s3: LocalS3, backend: S3BackendBlock): Promise<StateFile | undefined> {
  const body = await s3.getObject(backend.bucket, backend.key);
  return body === undefined ? undefined : (JSON.parse(body) as StateFile);
}

export const addressesOf = (state: StateFile | undefined) => (state?.resources ?? []).map((r) => `${r.type}.${r.name}`).sort();

/** Which lock records exist right now for the backend's state. */
export async function heldLocks(s3: LocalS3, dynamo: LocalDynamoDb, backend: S3BackendBlock): Promise<{ lockfile: boolean; dynamodb: boolean }> {
  const lockfile = (await s3.getObject(backend.bucket, `${backend.key}.tflock`)) !== undefined;
  const dynamodb = backend.dynamodb_table
    ? (await dynamo.getItem(backend.dynamodb_table, `${backend.bucket}/${backend.key}`)) !== undefined
    : false;
  return { lockfile, dynamodb };
}

/** The lock records a backend's locking mode creates while a run holds the lock. */
export function expectedLocks(backend: S3BackendBlock): { lockfile: boolean; dynamodb: boolean } {
  return { lockfile: backend.use_lockfile === true, dynamodb: backend.dynamodb_table !== undefined };
}
