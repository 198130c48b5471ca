import { Fn } from 'cdktf';

/** One bucket policy statement as written into `jsonencode(...)`. */
export interface BucketPolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Deny';
  readonly Principal: '*';
  readonly Action: string;
  readonly Resource: readonly string[];
  readonly Condition: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface BucketPolicyOptions {
  /**
   * Deny every request from a principal outside this account (`aws:PrincipalAccount`), so a grant
   * added elsewhere can never open the bucket to another account. @default - no account restriction
   */
  readonly onlyAccount?: string;
}

/**
 * Statements of a deny-only bucket policy: no request without TLS (`aws:SecureTransport = false`),
 * to the bucket and to its objects, and optionally none from another account.
 */
export function bucketPolicyStatements(bucketArn: string, options: BucketPolicyOptions = {}): BucketPolicyStatement[] {
  const Resource = [bucketArn, `${bucketArn}/*`];
  const statements: BucketPolicyStatement[] = [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ];
  if (options.onlyAccount !== undefined) {
    statements.push({
      Sid: 'DenyOtherAccounts',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource,
      Condition: { StringNotEquals: { 'aws:PrincipalAccount': options.onlyAccount } },
    });
  }
  return statements;
}

/**
 * The policy document: plain data, so tests (and the sandbox's shim tests) use exactly what is
 * deployed.
 */
export function tlsOnlyPolicyDocument(bucketArn: string, options: BucketPolicyOptions = {}) {
  return { Version: '2012-10-17', Statement: bucketPolicyStatements(bucketArn, options) };
}

/** The policy as bucket policy JSON (`bucketArn` may be a Terraform reference). */
export function tlsOnlyBucketPolicy(bucketArn: string, options: BucketPolicyOptions = {}): string {
  return Fn.jsonencode(tlsOnlyPolicyDocument(bucketArn, options));
}
