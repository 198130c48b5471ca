import type { IncomingMessage } from 'node:http';
import type { S3Request } from './s3-request';
import type { Upstream } from './proxy';

/**
 * Gap 1 (docs/sandbox.md): moto 5.1 omits `x-amz-transition-default-minimum-object-size` on
 * Put/GetBucketLifecycleConfiguration (moto issue 9708), and moto 5.2 answers GET with the default
 * whatever was put. The shim answers with the value the client put (S3's default
 * `all_storage_classes_128K` when none), as S3 does.
 */

/** S3's default when a PutBucketLifecycleConfiguration names none. */
export const DEFAULT_TRANSITION_MINIMUM_SIZE = 'all_storage_classes_128K';
const TRANSITION_HEADER = 'x-amz-transition-default-minimum-object-size';

export interface LifecycleHeader {
  /** Headers to add to moto's answer to `s3` (none for requests other than lifecycle Put/Get). */
  headersFor(request: IncomingMessage, s3: S3Request, upstream: Upstream): Record<string, string>;
  /** The bucket is gone: so is its lifecycle configuration. */
  forget(bucket: string): void;
  clear(): void;
}

export function lifecycleHeader(): LifecycleHeader {
  /** The transition minimum size each bucket's lifecycle configuration was put with. */
  const transitionSizes = new Map<string, string>();

  return {
    headersFor(request, s3, upstream): Record<string, string> {
      if (s3.subresource !== 'lifecycle' || s3.key !== undefined) return {};
      if (upstream.status === 200 && (s3.method === 'PUT' || s3.method === 'GET')) {
        if (s3.method === 'PUT') transitionSizes.set(s3.bucket, `${request.headers[TRANSITION_HEADER] ?? DEFAULT_TRANSITION_MINIMUM_SIZE}`);
        // moto 5.1 omits the header; moto 5.2 answers GET with the default whatever was put. The
        // value put is the truth, as in S3.
        const size = transitionSizes.get(s3.bucket) ?? `${upstream.headers[TRANSITION_HEADER] ?? DEFAULT_TRANSITION_MINIMUM_SIZE}`;
        return { [TRANSITION_HEADER]: size };
      }
      if (s3.method === 'DELETE' && upstream.status < 300) transitionSizes.delete(s3.bucket);
      return {};
    },
    forget(bucket) {
      transitionSizes.delete(bucket);
    },
    clear() {
      transitionSizes.clear();
    },
  };
}
