import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { tlsOnlyBucketPolicy } from './tls-only-policy';

export type BucketEncryption = { readonly kind: 'sse-s3' } | { readonly kind: 'sse-kms'; readonly kmsKeyArn: string };

export interface SecureBucketProps {
  readonly bucketName: string;
  readonly encryption: BucketEncryption;
  /** Keep every version of every object. */
  readonly versioning: boolean;
  /** Expire non-current versions after this many days. @default - never (only with versioning) */
  readonly noncurrentVersionExpirationDays?: number;
  /** Let `terraform destroy` delete a non-empty bucket. @default false */
  readonly forceDestroy?: boolean;
  /** `lifecycle.prevent_destroy`: Terraform refuses any plan that would destroy the bucket. @default false */
  readonly preventDestroy?: boolean;
  /** Deny every request not made over TLS. @default false */
  readonly tlsOnly?: boolean;
  /** With `tlsOnly`: also deny every principal outside this account. @default - no account restriction */
  readonly onlyAccount?: string;
  /** The AWS provider (region) to create the bucket with. @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * An S3 bucket with the baseline every bucket here gets (all four public access blocks, ACLs
 * disabled through BucketOwnerEnforced, default encryption) and the protections the caller turns on.
 * The state bucket and the environments' application buckets are both built from it.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The versioning configuration, when `versioning` is on (replication must wait for it). */
  readonly versioning?: S3BucketVersioningA;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const { provider } = props;
    this.bucket = new S3Bucket(this, 'bucket', {
      provider,
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    const bucket = this.bucket.id;

    new S3BucketPublicAccessBlock(this, 'public-access-block', {
      provider,
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      provider,
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      provider,
      bucket,
      rule: [
        props.encryption.kind === 'sse-kms'
          ? {
              applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.encryption.kmsKeyArn },
              // S3 Bucket Keys cut KMS requests (and their cost) for the many small state writes.
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    if (props.versioning) {
      this.versioning = new S3BucketVersioningA(this, 'versioning', {
        provider,
        bucket,
        versioningConfiguration: { status: 'Enabled' },
      });
    }
    if (props.tlsOnly) {
      new S3BucketPolicy(this, 'tls-only', { provider, bucket, policy: tlsOnlyBucketPolicy(this.bucket.arn, { onlyAccount: props.onlyAccount }) });
    }
    if (props.versioning && props.noncurrentVersionExpirationDays !== undefined) {
      new S3BucketLifecycleConfiguration(this, 'lifecycle', {
        provider,
        bucket,
        rule: [
          {
            id: 'expire-noncurrent-versions',
            status: 'Enabled',
            filter: [{}],
            noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionExpirationDays }],
            // Native locking leaves a delete marker per lock; old markers are noise once versions expire.
            expiration: [{ expiredObjectDeleteMarker: true }],
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          },
        ],
      });
    }
  }
}
