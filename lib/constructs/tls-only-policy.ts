import { Fn } from 'cdktf';

/**
 * The policy document that denies every request not made over TLS (`aws:SecureTransport = false`),
 * to the bucket and to its objects. Plain data, so tests (and the sandbox's shim tests) use exactly
 * what is deployed.
 */
export function tlsOnlyPolicyDocument(bucketArn: string) {
  return {
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
  };
}

/** The TLS-only policy as bucket policy JSON (`bucketArn` may be a Terraform reference). */
export function tlsOnlyBucketPolicy(bucketArn: string): string {
  return Fn.jsonencode(tlsOnlyPolicyDocument(bucketArn));
}
