import type { Blueprint } from './blueprint';
import type { StateDefinition } from './state-definition';

/** Default encryption of the state bucket. */
export type StateBucketEncryption =
  /** SSE-KMS with a customer managed key (rotation on) and S3 Bucket Keys to cut KMS request cost. */
  | { readonly kind: 'sse-kms'; readonly kmsAlias: string }
  /** SSE-S3 (AES256): no KMS cost, no key policy to manage. */
  | { readonly kind: 'sse-s3' };

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
