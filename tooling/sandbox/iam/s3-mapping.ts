import type { Check, MappedRequest, S3Encryption } from './types';

/**
 * S3 REST requests (path-style, as the sandbox configuration sets) -> IAM actions, as the S3
 * "Actions, resources, and condition keys" page lists them.
 */

/** Bucket sub-resources: [GET action, PUT action, DELETE action]. */
const BUCKET_SUBRESOURCES: Record<string, readonly [string?, string?, string?]> = {
  policy: ['GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucketPolicy'],
  policyStatus: ['GetBucketPolicyStatus'],
  versioning: ['GetBucketVersioning', 'PutBucketVersioning'],
  encryption: ['GetEncryptionConfiguration', 'PutEncryptionConfiguration', 'PutEncryptionConfiguration'],
  publicAccessBlock: ['GetBucketPublicAccessBlock', 'PutBucketPublicAccessBlock', 'PutBucketPublicAccessBlock'],
  ownershipControls: ['GetBucketOwnershipControls', 'PutBucketOwnershipControls', 'PutBucketOwnershipControls'],
  acl: ['GetBucketAcl', 'PutBucketAcl'],
  tagging: ['GetBucketTagging', 'PutBucketTagging', 'PutBucketTagging'],
  cors: ['GetBucketCORS', 'PutBucketCORS', 'PutBucketCORS'],
  lifecycle: ['GetLifecycleConfiguration', 'PutLifecycleConfiguration', 'PutLifecycleConfiguration'],
  logging: ['GetBucketLogging', 'PutBucketLogging'],
  website: ['GetBucketWebsite', 'PutBucketWebsite', 'DeleteBucketWebsite'],
  notification: ['GetBucketNotification', 'PutBucketNotification'],
  replication: ['GetReplicationConfiguration', 'PutReplicationConfiguration', 'PutReplicationConfiguration'],
  'object-lock': ['GetBucketObjectLockConfiguration', 'PutBucketObjectLockConfiguration'],
  accelerate: ['GetAccelerateConfiguration', 'PutAccelerateConfiguration'],
  requestPayment: ['GetBucketRequestPayment', 'PutBucketRequestPayment'],
  location: ['GetBucketLocation'],
  versions: ['ListBucketVersions'],
  uploads: ['ListBucketMultipartUploads'],
  'intelligent-tiering': ['GetIntelligentTieringConfiguration', 'PutIntelligentTieringConfiguration', 'PutIntelligentTieringConfiguration'],
  analytics: ['GetAnalyticsConfiguration', 'PutAnalyticsConfiguration', 'PutAnalyticsConfiguration'],
  metrics: ['GetMetricsConfiguration', 'PutMetricsConfiguration', 'PutMetricsConfiguration'],
  inventory: ['GetInventoryConfiguration', 'PutInventoryConfiguration', 'PutInventoryConfiguration'],
};

/** Object sub-resources: [GET action, PUT action, DELETE action]. */
const OBJECT_SUBRESOURCES: Record<string, readonly [string?, string?, string?]> = {
  tagging: ['GetObjectTagging', 'PutObjectTagging', 'DeleteObjectTagging'],
  acl: ['GetObjectAcl', 'PutObjectAcl'],
  retention: ['GetObjectRetention', 'PutObjectRetention'],
  'legal-hold': ['GetObjectLegalHold', 'PutObjectLegalHold'],
  attributes: ['GetObjectAttributes'],
};

const METHOD_INDEX: Record<string, number> = { GET: 0, HEAD: 0, PUT: 1, DELETE: 2 };

function unmapped(operation: string, reason: string): MappedRequest {
  return { kind: 'unmapped', protocol: 's3-rest', service: 's3', operation, reason };
}

/** How a PutObject asks S3 to encrypt the object (Terraform's S3 backend: AES256, or aws:kms + key id). */
export function requestedEncryption(headers: Readonly<Record<string, string | string[] | undefined>>): S3Encryption {
  const sse = `${headers['x-amz-server-side-encryption'] ?? ''}`;
  if (sse === 'aws:kms' || sse === 'aws:kms:dsse') {
    const keyId = headers['x-amz-server-side-encryption-aws-kms-key-id'];
    return { kind: 'sse-kms', keyId: keyId === undefined ? undefined : `${keyId}` };
  }
  if (sse === 'AES256') return { kind: 'sse-s3' };
  return { kind: 'bucket-default' };
}

/** Request headers that S3 exposes as condition keys of the same name (`s3:x-amz-acl`, ...), as the S3 actions page lists them. */
const HEADER_KEYS = [
  'x-amz-acl',
  'x-amz-server-side-encryption',
  'x-amz-server-side-encryption-aws-kms-key-id',
  'x-amz-storage-class',
  'x-amz-copy-source',
  'x-amz-metadata-directive',
  'x-amz-grant-full-control',
  'x-amz-grant-read',
  'x-amz-grant-read-acp',
  'x-amz-grant-write',
  'x-amz-grant-write-acp',
  'x-amz-object-ownership',
] as const;

/** The `s3:<header>` condition keys a request carries. */
export function headerContext(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const context: Record<string, string> = {};
  for (const name of HEADER_KEYS) {
    const value = headers[name];
    if (value !== undefined) context[`s3:${name}`] = `${value}`;
  }
  return context;
}

const withContext = (context: Record<string, string>) => (Object.keys(context).length > 0 ? { context } : {});

/** The listing keys (`s3:prefix`, `s3:delimiter`, `s3:max-keys`) of a ListObjects(V2)/ListObjectVersions request that names them. */
function listingContext(query: URLSearchParams): Record<string, string> | undefined {
  const context: Record<string, string> = {};
  for (const name of ['prefix', 'delimiter', 'max-keys']) if (query.has(name)) context[`s3:${name}`] = query.get(name)!;
  return Object.keys(context).length > 0 ? context : undefined;
}

/** The keys of a DeleteObjects body (`<Delete><Object><Key>...`). */
function deletedKeys(body: string): string[] {
  const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  return [...body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => unescape(match[1]));
}

export function mapS3(
  method: string,
  url: URL,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Buffer,
  region: string,
): MappedRequest {
  const [, rawBucket, ...rest] = url.pathname.split('/');
  const query = url.searchParams;
  const mapped = (operation: string, checks: Check[], extra: Partial<Extract<MappedRequest, { kind: 'mapped' }>> = {}): MappedRequest => ({
    kind: 'mapped',
    protocol: 's3-rest',
    service: 's3',
    operation,
    region,
    checks,
    ...extra,
  });
  if (!rawBucket) {
    if (method === 'GET') return mapped('ListBuckets', [{ action: 's3:ListAllMyBuckets', resource: { kind: 'arn', arn: '*', account: '' } }]);
    return unmapped(`${method} /`, 'no bucket in the path');
  }
  const bucket = decodeURIComponent(rawBucket);
  const key = rest.length > 0 && rest.join('/') !== '' ? decodeURIComponent(rest.join('/')) : undefined;
  const index = METHOD_INDEX[method];

  if (key === undefined) {
    const requestKeys = headerContext(headers);
    const onBucket = (action: string, context?: Record<string, string>) => [{ action: `s3:${action}`, resource: { kind: 's3' as const, bucket }, ...withContext({ ...requestKeys, ...(context ?? {}) }) }];
    if (method === 'POST' && query.has('delete')) {
      const keys = deletedKeys(body.toString('utf8'));
      const action = 's3:DeleteObject';
      return mapped('DeleteObjects', keys.map((deleted) => ({ action, resource: { kind: 's3', bucket, key: deleted } })));
    }
    const subresource = Object.keys(BUCKET_SUBRESOURCES).find((name) => query.has(name));
    if (subresource) {
      const action = index === undefined ? undefined : BUCKET_SUBRESOURCES[subresource][index];
      if (!action) return unmapped(`${method} ?${subresource}`, 'no IAM action known for this bucket sub-resource and method');
      // ListObjectVersions takes s3:prefix like ListObjects.
      const context = subresource === 'versions' ? listingContext(query) : undefined;
      return mapped(action, onBucket(action, context));
    }
    const unknown = [...query.keys()].find((name) => !['prefix', 'delimiter', 'max-keys', 'marker', 'list-type', 'continuation-token', 'start-after', 'encoding-type', 'fetch-owner', 'x-id'].includes(name) && !name.startsWith('X-Amz-'));
    if (unknown) return unmapped(`${method} ?${unknown}`, 'bucket sub-resource the sandbox does not map');
    if (method === 'PUT') return mapped('CreateBucket', onBucket('CreateBucket'));
    if (method === 'DELETE') return mapped('DeleteBucket', onBucket('DeleteBucket'));
    // HeadBucket needs s3:ListBucket, as does ListObjects(V2); s3:prefix only when the request names one.
    if (method === 'GET' || method === 'HEAD') return mapped(method === 'HEAD' ? 'HeadBucket' : 'ListObjects', onBucket('ListBucket', listingContext(query)));
    return unmapped(`${method} bucket`, 'method not mapped on a bucket');
  }

  const requestKeys = headerContext(headers);
  const onObject = (action: string): Check[] => [{ action: `s3:${action}`, resource: { kind: 's3', bucket, key }, ...withContext(requestKeys) }];
  const subresource = Object.keys(OBJECT_SUBRESOURCES).find((name) => query.has(name));
  if (subresource) {
    const action = index === undefined ? undefined : OBJECT_SUBRESOURCES[subresource][index];
    if (!action) return unmapped(`${method} object ?${subresource}`, 'no IAM action known for this object sub-resource and method');
    return mapped(action, onObject(action));
  }
  // Multipart uploads are PutObject (and AbortMultipartUpload) on the object.
  if (query.has('uploadId') || query.has('uploads')) {
    if (method === 'DELETE') return mapped('AbortMultipartUpload', onObject('AbortMultipartUpload'));
    if (method === 'GET') return mapped('ListParts', onObject('ListMultipartUploadParts'));
    return mapped('MultipartUpload', onObject('PutObject'), { via: { kind: 's3-put', bucket, encryption: requestedEncryption(headers), region } });
  }
  const versioned = query.has('versionId');
  if (method === 'GET' || method === 'HEAD') return mapped(method === 'HEAD' ? 'HeadObject' : 'GetObject', onObject(versioned ? 'GetObjectVersion' : 'GetObject'));
  if (method === 'DELETE') return mapped('DeleteObject', onObject(versioned ? 'DeleteObjectVersion' : 'DeleteObject'));
  if (method === 'PUT') {
    const checks = onObject('PutObject');
    const source = headers['x-amz-copy-source'];
    if (source !== undefined) {
      // CopyObject also reads the source object.
      const [sourceBucket, ...sourceKey] = decodeURIComponent(`${source}`.split('?')[0]).replace(/^\//, '').split('/');
      checks.push({ action: 's3:GetObject', resource: { kind: 's3', bucket: sourceBucket, key: sourceKey.join('/') } });
    }
    return mapped(source === undefined ? 'PutObject' : 'CopyObject', checks, { via: { kind: 's3-put', bucket, encryption: requestedEncryption(headers), region } });
  }
  return unmapped(`${method} object`, 'method not mapped on an object');
}
