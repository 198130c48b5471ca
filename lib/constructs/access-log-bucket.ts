import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { ResourcePolicyDocument } from '../iam/policy-document';
import { SecureBucket } from './secure-bucket';
import { bucketPolicyStatements } from './tls-only-policy';

/** The service principal S3 server access logging writes as. */
export const LOGGING_SERVICE_PRINCIPAL = 'logging.s3.amazonaws.com';

/** How long an overwritten or deleted log record stays recoverable as a non-current version. */
const NONCURRENT_LOG_DAYS = 30;

export interface AccessLogBucketProps {
  /** Name of the log bucket. */
  readonly bucketName: string;
  /** The bucket whose server access logs this bucket receives. */
  readonly source: S3Bucket;
  /** Its name (a plain string: the log prefix and the policy name it literally). */
  readonly sourceBucketName: string;
  /** Account owning the source bucket (`aws:SourceAccount`). */
  readonly sourceAccount: string;
  /** Days after which a log record expires. */
  readonly retentionDays: number;
  /** `lifecycle.prevent_destroy` on the log bucket. @default false */
  readonly preventDestroy?: boolean;
}

/** `<source bucket>/`: each source bucket's records under a prefix of their own. */
export const accessLogPrefix = (sourceBucket: string) => `${sourceBucket}/`;

/**
 * The log bucket's policy: TLS only, and the logging service may write records under the source's
 * prefix only on behalf of that bucket in that account (`aws:SourceArn`, `aws:SourceAccount`: the
 * confused-deputy guard S3's documentation asks for). Plain data, so the sandbox's tests use exactly
 * what is deployed.
 */
export function accessLogBucketPolicyDocument(context: { logBucketArn: string; sourceBucket: string; sourceBucketArn: string; sourceAccount: string }): ResourcePolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      ...bucketPolicyStatements(context.logBucketArn).map(({ Principal, ...statement }) => ({ ...statement, Principal, Action: [statement.Action], Condition: { Bool: { 'aws:SecureTransport': ['false'] } } })),
      {
        Sid: 'S3ServerAccessLogsPolicy',
        Effect: 'Allow',
        Principal: { Service: [LOGGING_SERVICE_PRINCIPAL] },
        Action: ['s3:PutObject'],
        Resource: [`${context.logBucketArn}/${accessLogPrefix(context.sourceBucket)}*`],
        Condition: {
          ArnLike: { 'aws:SourceArn': [context.sourceBucketArn] },
          StringEquals: { 'aws:SourceAccount': [context.sourceAccount] },
        },
      },
    ],
  };
}

/**
 * A bucket receiving S3 server access logs of `source`, and the logging turned on: SSE-S3 (the only
 * default encryption a logging target may have), versioned, private (all public access blocks,
 * BucketOwnerEnforced), TLS only, records expired after `retentionDays`.
 *
 * The lifecycle configuration depends on the log bucket alone, so the AWS provider's wait of at least
 * 55 s after it runs beside the other resources, never after them.
 */
export class AccessLogBucket extends Construct {
  readonly logBucket: SecureBucket;
  readonly policy: S3BucketPolicy;
  readonly logging: S3BucketLoggingA;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.logBucket = new SecureBucket(this, 'bucket', {
      bucketName: props.bucketName,
      encryption: { kind: 'sse-s3' },
      versioning: true,
      preventDestroy: props.preventDestroy,
    });
    const bucket = this.logBucket.bucket.id;
    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: Fn.jsonencode(
        accessLogBucketPolicyDocument({
          logBucketArn: this.logBucket.bucket.arn,
          sourceBucket: props.sourceBucketName,
          sourceBucketArn: props.source.arn,
          sourceAccount: props.sourceAccount,
        }),
      ),
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        {
          id: 'expire-access-logs',
          status: 'Enabled',
          filter: [{}],
          expiration: [{ days: props.retentionDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: NONCURRENT_LOG_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    this.logging = new S3BucketLoggingA(this, 'logging', {
      bucket: props.source.id,
      targetBucket: bucket,
      targetPrefix: accessLogPrefix(props.sourceBucketName),
      // Logging is accepted once the target lets the logging service write.
      dependsOn: [this.policy],
    });
  }
}
