import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import type { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import type { IamPolicyDocument, IamStatement, ResourcePolicyDocument } from '../iam/policy-document';
import { RotatingKmsKey } from './rotating-kms-key';
import { SecureBucket } from './secure-bucket';

/** The service principal S3 replication assumes its role as. */
export const REPLICATION_SERVICE_PRINCIPAL = 's3.amazonaws.com';

/** What the replication role may do on the source bucket and its objects (S3's "Setting up permissions" for replication). */
export const REPLICATION_SOURCE_BUCKET_ACTIONS = ['s3:GetReplicationConfiguration', 's3:ListBucket'] as const;
export const REPLICATION_SOURCE_OBJECT_ACTIONS = ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'] as const;
/** ... and on the replica's objects: replicate versions, delete markers and their tags; nothing else. */
export const REPLICATION_DESTINATION_ACTIONS = ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'] as const;

export interface ReplicationPolicyContext {
  readonly sourceBucketArn: string;
  readonly replicaBucketArn: string;
  readonly sourceRegion: string;
  readonly replicaRegion: string;
  /** The source bucket's KMS key (its objects are decrypted to be replicated). @default - SSE-S3 source */
  readonly sourceKeyArn?: string;
  readonly replicaKeyArn: string;
}

const viaS3 = (region: string) => ({ StringEquals: { 'kms:ViaService': [`s3.${region}.amazonaws.com`] } });

/**
 * The replication role's one policy: read the source for replication, replicate into the replica,
 * and use each key only through S3 in its own region. Plain data (tests and the sandbox use it).
 */
export function replicationRolePolicy(context: ReplicationPolicyContext): IamPolicyDocument {
  const statements: IamStatement[] = [
    { Sid: 'ReadReplicationConfiguration', Effect: 'Allow', Action: [...REPLICATION_SOURCE_BUCKET_ACTIONS], Resource: [context.sourceBucketArn] },
    { Sid: 'ReadSourceVersions', Effect: 'Allow', Action: [...REPLICATION_SOURCE_OBJECT_ACTIONS], Resource: [`${context.sourceBucketArn}/*`] },
    { Sid: 'ReplicateIntoReplica', Effect: 'Allow', Action: [...REPLICATION_DESTINATION_ACTIONS], Resource: [`${context.replicaBucketArn}/*`] },
  ];
  if (context.sourceKeyArn) {
    statements.push({ Sid: 'DecryptSourceThroughS3', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [context.sourceKeyArn], Condition: viaS3(context.sourceRegion) });
  }
  statements.push({ Sid: 'EncryptReplicaThroughS3', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: [context.replicaKeyArn], Condition: viaS3(context.replicaRegion) });
  return { Version: '2012-10-17', Statement: statements };
}

/** Who may assume the replication role: S3, for buckets of this account only. */
export function replicationTrustPolicy(account: string): ResourcePolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'S3ReplicatesForThisAccount',
        Effect: 'Allow',
        Principal: { Service: [REPLICATION_SERVICE_PRINCIPAL] },
        Action: ['sts:AssumeRole'],
        Condition: { StringEquals: { 'aws:SourceAccount': [account] } },
      },
    ],
  };
}

export interface StateReplicaProps {
  /** The replicated (versioned) bucket. */
  readonly source: S3Bucket;
  readonly sourceRegion: string;
  /** ARN of the source bucket's KMS key. @default - the source is SSE-S3 */
  readonly sourceKeyArn?: string;
  /** Created before the rule: S3 refuses replication from an unversioned bucket. */
  readonly sourceVersioning: ITerraformDependable;
  readonly replicaBucketName: string;
  readonly replicaRegion: string;
  /** `alias/<name>` of the replica's key. */
  readonly kmsAlias: string;
  /** The AWS provider of the replica's region. */
  readonly provider: TerraformProvider;
  /** The state account (owner of both buckets, home of the role). */
  readonly account: string;
  /** The replication role (`replicationRole`), created by the stack first so the source key's policy can name it. */
  readonly role: IamRole;
  readonly noncurrentVersionExpirationDays: number;
  /** Replica key policy JSON. */
  readonly keyPolicy: string;
}

/** The role S3 replication acts as: trusted by S3 for this account's buckets only; its policy comes with `StateReplica`. */
export function replicationRole(scope: Construct, id: string, props: { name: string; account: string; description: string }): IamRole {
  return new IamRole(scope, id, {
    name: props.name,
    description: props.description,
    assumeRolePolicy: JSON.stringify(replicationTrustPolicy(props.account)),
  });
}

/**
 * A versioned, private, TLS-only replica of a bucket in another region, encrypted with a key of its
 * own there, and the rule that copies every object version (and delete marker) into it, carried out
 * by a role that can do that and nothing else.
 */
export class StateReplica extends Construct {
  readonly role: IamRole;
  readonly key: RotatingKmsKey;
  readonly replica: SecureBucket;
  readonly replication: S3BucketReplicationConfigurationA;

  constructor(scope: Construct, id: string, props: StateReplicaProps) {
    super(scope, id);
    this.role = props.role;
    this.key = new RotatingKmsKey(this, 'key', {
      provider: props.provider,
      alias: props.kmsAlias,
      description: `Encrypts the replica of the Terraform state in ${props.replicaRegion}`,
      preventDestroy: true,
      policy: props.keyPolicy,
    });
    this.replica = new SecureBucket(this, 'bucket', {
      provider: props.provider,
      bucketName: props.replicaBucketName,
      encryption: { kind: 'sse-kms', kmsKeyArn: this.key.key.arn },
      versioning: true,
      noncurrentVersionExpirationDays: props.noncurrentVersionExpirationDays,
      preventDestroy: true,
      tlsOnly: true,
      onlyAccount: props.account,
    });
    const policy = new IamRolePolicy(this, 'policy', {
      name: 'replicate-state',
      role: this.role.name,
      policy: JSON.stringify(
        replicationRolePolicy({
          sourceBucketArn: props.source.arn,
          replicaBucketArn: this.replica.bucket.arn,
          sourceRegion: props.sourceRegion,
          replicaRegion: props.replicaRegion,
          sourceKeyArn: props.sourceKeyArn,
          replicaKeyArn: this.key.key.arn,
        }),
      ),
    });
    this.replication = new S3BucketReplicationConfigurationA(this, 'replication', {
      bucket: props.source.id,
      role: this.role.arn,
      rule: [
        {
          id: 'every-state-object',
          status: 'Enabled',
          // An empty filter: every object of the bucket, whatever its key.
          filter: {},
          deleteMarkerReplication: { status: 'Enabled' },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
          destination: {
            bucket: this.replica.bucket.arn,
            storageClass: 'STANDARD',
            encryptionConfiguration: { replicaKmsKeyId: this.key.key.arn },
          },
        },
      ],
      // S3 needs both buckets versioned, and checks nothing else; replicating before the role may is failing silently.
      dependsOn: [props.sourceVersioning, this.replica.versioning!, policy],
    });
  }
}
