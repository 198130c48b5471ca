import { HeadBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { withTimeout } from './with-timeout';

/** Which request gave the answer: HeadBucket, or the listing that confirms HeadBucket's bare 404. */
export type Via = 'HeadBucket' | 'ListObjectsV2';

/** What HeadBucket (confirmed by a listing when needed) says about a bucket. */
export type BucketExistence =
  | { readonly kind: 'exists'; readonly via: Via }
  | { readonly kind: 'missing'; readonly via: Via }
  /** 403: another account owns the name (with `expectedOwner`: not that account), or these credentials may not use the bucket. */
  | { readonly kind: 'forbidden'; readonly via: Via; readonly error: unknown }
  /** 301: the bucket lives in another region than the client's. */
  | { readonly kind: 'other-region'; readonly error: unknown }
  /** A bare 404 the listing did not explain: the endpoint is probably not S3. */
  | { readonly kind: 'not-s3'; readonly error: unknown }
  | { readonly kind: 'error'; readonly error: unknown };

const statusOf = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
const nameOf = (error: unknown) => (error as { name?: string }).name;
const isNoSuchBucket = (error: unknown) => nameOf(error) === 'NoSuchBucket';
const isForbidden = (error: unknown) => ['AccessDenied', 'AccessDeniedException', 'Forbidden'].includes(nameOf(error) ?? '') || statusOf(error) === 403;

/**
 * Whether `bucket` exists, for bootstrap and the doctor alike. HEAD responses carry no body, so a
 * missing bucket is only "404"; an endpoint that is not S3 answers 404 to everything too. A bare 404
 * is therefore confirmed with ListObjectsV2 on `key` (allowed to every state user), which names
 * NoSuchBucket. `timeoutMs` bounds each request. `expectedOwner` (an account ID) is sent as S3's
 * `ExpectedBucketOwner`: a bucket of another account is then 403 even when its policy lets us in.
 * `listOnly` (with `key`) skips HeadBucket and asks only what Terraform's S3 backend asks, a listing
 * with the state key as prefix: HeadBucket needs an unconditioned s3:ListBucket, which a state role
 * (listing limited to `s3:prefix` = its key) rightly lacks, on AWS as in the sandbox.
 */
export async function bucketExistence(
  s3: S3Client,
  bucket: string,
  options: { key?: string; timeoutMs?: number; expectedOwner?: string; listOnly?: boolean } = {},
): Promise<BucketExistence> {
  const owner = options.expectedOwner ? { ExpectedBucketOwner: options.expectedOwner } : {};
  const bounded = <T>(request: (abortSignal?: AbortSignal) => Promise<T>) =>
    options.timeoutMs === undefined ? request() : withTimeout(options.timeoutMs, 'S3', request);
  if (!(options.listOnly && options.key !== undefined)) {
    const headed = await headBucket(s3, bucket, owner, bounded);
    if (headed) return headed;
  }
  try {
    await bounded((abortSignal) => s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1, ...owner, ...(options.key ? { Prefix: options.key } : {}) }), { abortSignal }));
    return { kind: 'exists', via: 'ListObjectsV2' };
  } catch (error) {
    if (isNoSuchBucket(error)) return { kind: 'missing', via: 'ListObjectsV2' };
    if (statusOf(error) === 301) return { kind: 'other-region', error };
    if (isForbidden(error)) return { kind: 'forbidden', via: 'ListObjectsV2', error };
    if (statusOf(error) !== 404) return { kind: 'error', error };
    return { kind: 'not-s3', error };
  }
}

/** HeadBucket's answer, or undefined for a bare 404 that the listing must explain. */
async function headBucket(
  s3: S3Client,
  bucket: string,
  owner: { ExpectedBucketOwner?: string },
  bounded: <T>(request: (abortSignal?: AbortSignal) => Promise<T>) => Promise<T>,
): Promise<BucketExistence | undefined> {
  try {
    await bounded((abortSignal) => s3.send(new HeadBucketCommand({ Bucket: bucket, ...owner }), { abortSignal }));
    return { kind: 'exists', via: 'HeadBucket' };
  } catch (error) {
    if (isNoSuchBucket(error)) return { kind: 'missing', via: 'HeadBucket' };
    if (statusOf(error) === 301) return { kind: 'other-region', error };
    if (isForbidden(error)) return { kind: 'forbidden', via: 'HeadBucket', error };
    if (statusOf(error) !== 404) return { kind: 'error', error };
    return undefined;
  }
}
