import type { Blueprint } from './blueprint';
import type { StateDefinition } from './state-definition';

/** Default encryption of the state bucket. */
export type StateBucketEncryption =
  /** SSE-KMS with a customer managed key (rotation on) and S3 Bucket Keys to cut KMS request cost. */
  | { readonly kind: 'sse-kms'; readonly kmsAlias: string }
  /** SSE-S3 (AES256): no KMS cost, no key policy to manage. */
  | { readonly kind: 'sse-s3' };

/**
 * S3 server access logging of the state bucket: who read or wrote which state object, when
 * (docs/backend-configuration.md, "Access logs").
 */
export type StateAccessLogs =
  /** A log bucket in the state account receives the state bucket's access logs and expires them. */
  | {
      readonly kind: 'on';
      /** Days a log record is kept before it expires. @default 365 */
      readonly retentionDays?: number;
      /** Name of the log bucket. @default `<bucket>-logs` */
      readonly bucket?: string;
    }
  | { readonly kind: 'off' };

/** A copy of every state object in a second region (docs/recovery.md, "Region loss"). */
export interface StateReplica {
  /** The replica's region; must differ from the state-backend's. */
  readonly region: string;
  /** Name of the replica bucket. @default `<bucket>-replica` */
  readonly bucket?: string;
}

/** What `accessLogs` is when left out: on, records kept for a year. */
export const ACCESS_LOG_DEFAULTS: StateAccessLogs & { kind: 'on'; retentionDays: number } = { kind: 'on', retentionDays: 365 };

/** The bootstrap stack that creates the bucket and lock table the other stacks' state lives in. */
export interface StateBackendDefinition {
  /** Stack name. @default 'state-backend' */
  readonly name: string;
  readonly region: string;
  readonly allowedAccountIds: readonly string[];
  readonly bucket: string;
  readonly lockTable: string;
  readonly encryption: StateBucketEncryption;
  /** Days after which non-current state versions (and `.tflock` versions) are expired. */
  readonly noncurrentVersionExpirationDays: number;
  readonly tags: Readonly<Record<string, string>>;
  /** Server access logging of the state bucket. @default - on, kept 365 days (`ACCESS_LOG_DEFAULTS`) */
  readonly accessLogs?: StateAccessLogs;
  /** Replicate every state object to a versioned bucket with its own KMS key in a second region. @default - no replica */
  readonly replica?: StateReplica;
  /**
   * The stack's own state: local during bootstrap phase 1 (its bucket does not exist yet), then S3
   * in the bucket it created (phase 2). See docs/bootstrap.md.
   */
  readonly state: StateDefinition;
}

export type StateBackendModule = (blueprint: Blueprint) => StateBackendDefinition;

export function defineStateBackend(module: StateBackendModule): StateBackendModule {
  return module;
}

/** The log bucket's name and retention, or undefined when access logging is off. */
export function accessLogSettings(definition: Pick<StateBackendDefinition, 'bucket' | 'accessLogs'>): { bucket: string; retentionDays: number } | undefined {
  const logs = definition.accessLogs ?? ACCESS_LOG_DEFAULTS;
  if (logs.kind === 'off') return undefined;
  return { bucket: logs.bucket ?? `${definition.bucket}-logs`, retentionDays: logs.retentionDays ?? ACCESS_LOG_DEFAULTS.retentionDays };
}

/** The replica bucket's name, region and key alias, or undefined without a replica. */
export function replicaSettings(
  definition: Pick<StateBackendDefinition, 'bucket' | 'replica' | 'encryption'>,
): { bucket: string; region: string; kmsAlias: string } | undefined {
  const { replica, encryption } = definition;
  if (!replica) return undefined;
  const bucket = replica.bucket ?? `${definition.bucket}-replica`;
  // The replica's key lives in the replica's region under the state key's alias (or the bucket's name) plus "-replica".
  const kmsAlias = encryption.kind === 'sse-kms' ? `${encryption.kmsAlias}-replica` : `alias/${bucket}`;
  return { bucket, region: replica.region, kmsAlias };
}
