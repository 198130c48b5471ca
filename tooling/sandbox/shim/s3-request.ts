/** The parts of a path-style S3 request the shim's gap fixes look at. */
export interface S3Request {
  readonly method: string;
  readonly bucket: string;
  /** Undefined for bucket-level requests. */
  readonly key?: string;
  /** Bucket sub-resource (`policy`, `versioning`, ...) when the query names one. */
  readonly subresource?: string;
  /** Came in over TLS: the value of `aws:SecureTransport`. */
  readonly secure: boolean;
}

/** Bucket sub-resources named in a query string, as far as the shim needs to tell them apart. */
const SUBRESOURCES = [
  'policy', 'lifecycle', 'versioning', 'encryption', 'publicAccessBlock', 'ownershipControls', 'acl', 'tagging', 'cors',
  'logging', 'website', 'notification', 'replication', 'object-lock', 'accelerate', 'requestPayment', 'location', 'uploads', 'versions',
];

/** Path-style S3 addressing (the sandbox configuration sets it): `/bucket[/key]`. */
export function s3RequestOf(method: string, url: URL, secure: boolean): S3Request | undefined {
  const [, bucket, ...rest] = url.pathname.split('/');
  if (!bucket) return undefined;
  const key = rest.length > 0 && rest.join('/') !== '' ? decodeURIComponent(rest.join('/')) : undefined;
  const subresource = key === undefined ? SUBRESOURCES.find((name) => url.searchParams.has(name)) : undefined;
  return { method, bucket: decodeURIComponent(bucket), key, subresource, secure };
}

/** A request on the bucket itself (no key, no sub-resource) that succeeded in deleting it. */
export function deletesBucket(s3: S3Request, status: number): boolean {
  return s3.key === undefined && s3.subresource === undefined && s3.method === 'DELETE' && status < 300;
}
