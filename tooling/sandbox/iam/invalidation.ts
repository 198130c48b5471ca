import type { ReadKind } from './moto-reader';
import type { MappedRequest } from './types';

/**
 * Which requests may change what enforcement has read from moto (identity and trust policies, key
 * policies, aliases and tags, table keys, bucket default encryption): after any of them, moto's
 * answer or not, the reads of that kind are dropped (moto-reader.ts), before the client hears back:
 * an IAM write drops every IAM read (every role's policies and trust, in every account), a KMS write
 * every key, a table change every table, an S3 encryption change every bucket's encryption.
 * Decisions need no invalidation of their own: they are remembered by the content of the policies
 * they were made from (decision-cache.ts). Bucket policies are the shim's own, read afresh per request.
 *
 * The rule errs towards dropping: a write the sandbox cannot map, a write moto refused (it may have
 * half-applied it); and everything for an unsigned request that is not S3, a service the mapping does
 * not know, or any call to moto's own control API other than a read. A read that is dropped costs one HTTP round trip to moto; a read that is kept wrongly is a
 * stale allow, in a tool that exists to prove permissions.
 */

/** Operations that change nothing (IAM, KMS, DynamoDB naming). */
const READ_ONLY = /^(Get|List|Describe|Head|Simulate|Encrypt|Decrypt|GenerateDataKey|GenerateRandom|ReEncrypt|Sign|Verify|GenerateMac|VerifyMac)/;
/** DynamoDB item operations: they change items, never a table's key schema or its key. */
const DYNAMODB_ITEMS = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems|TransactGetItems|BatchGetItem|Query|Scan|ExecuteStatement|BatchExecuteStatement|ExecuteTransaction)$/;
/** S3 operations that change a bucket's settings enforcement reads (default encryption, Block Public Access, Object Ownership) or whether the bucket exists. */
const S3_CHANGES = new Set(['PutEncryptionConfiguration', 'PutBucketPublicAccessBlock', 'PutBucketOwnershipControls', 'CreateBucket', 'DeleteBucket']);

/** The kinds of reads the request may change: none, some, or `all`. */
export function readsChangedBy(mapped: MappedRequest, method: string): readonly ReadKind[] | 'all' {
  if (mapped.kind === 'sandbox-control') return method === 'GET' || method === 'HEAD' ? [] : 'all';
  const { service, operation } = mapped;
  switch (service) {
    case 'iam':
      return READ_ONLY.test(operation) ? [] : ['iam'];
    case 'kms':
    case 'TrentService':
      return READ_ONLY.test(operation) ? [] : ['kms'];
    case 'dynamodb':
      return READ_ONLY.test(operation) || DYNAMODB_ITEMS.test(operation) ? [] : ['table'];
    case 's3':
      // An unmapped S3 request is a sub-resource the sandbox does not know: none of them is encryption.
      return mapped.kind === 'mapped' && S3_CHANGES.has(operation) ? ['encryption'] : [];
    case 'sts':
    case 'ssm':
    case 'AmazonSSM':
      return [];
    // Organizations (JSON protocol, unmapped): a write may change SCPs, RCPs or membership (guardrails.ts).
    case 'AWSOrganizationsV20161128':
      return READ_ONLY.test(operation) ? [] : ['org'];
    default:
      // Unknown to the mapping (an unsigned non-S3 request, a service not mapped): assume the worst.
      return 'all';
  }
}
