import { Fn } from 'cdktf';

/**
 * Bucket policy JSON that denies every request not made over TLS (`aws:SecureTransport = false`),
 * to the bucket and to its objects.
 */
export function tlsOnlyBucketPolicy(bucketArn: string): string {
  return Fn.jsonencode({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
}
