import type { IncomingMessage } from 'node:http';
import type { S3Request } from './s3-request';

/**
 * S3's `x-amz-expected-bucket-owner` (the SDKs' `ExpectedBucketOwner`), which moto ignores: S3
 * answers `403 AccessDenied` when the bucket belongs to another account than the one named, whatever
 * the policies allow. Bootstrap relies on it to tell its own state bucket from a name another account
 * owns. `owner` is the account that created the bucket (IAM enforcement learns it from CreateBucket);
 * an unknown owner (enforcement off) is not judged.
 */
export function expectedOwnerMismatch(request: IncomingMessage, s3: S3Request, owner: (bucket: string) => string | undefined): string | undefined {
  const header = request.headers['x-amz-expected-bucket-owner'];
  const expected = Array.isArray(header) ? header[0] : header;
  if (!expected) return undefined;
  const actual = owner(s3.bucket);
  if (actual === undefined || actual === expected) return undefined;
  return `the bucket ${s3.bucket} is not owned by the expected owner ${expected}`;
}
