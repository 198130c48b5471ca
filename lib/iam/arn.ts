/**
 * ARNs of the resources remote state lives in. The partition follows the region, so the same
 * definitions work in AWS China and GovCloud.
 */

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** S3 ARNs carry neither region nor account (bucket names are global within a partition). */
export function s3BucketArn(partition: string, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

export function s3ObjectArn(partition: string, bucket: string, key: string): string {
  return `${s3BucketArn(partition, bucket)}/${key}`;
}

export function dynamoDbTableArn(partition: string, region: string, account: string, table: string): string {
  return `arn:${partition}:dynamodb:${region}:${account}:table/${table}`;
}

/** The parts of a KMS key or alias ARN (`arn:<partition>:kms:<region>:<account>:key/<id>` or `:alias/<name>`). */
export interface KmsArn {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly kind: 'key' | 'alias';
  /** `key/<id>` or `alias/<name>`. */
  readonly resource: string;
}

const KMS_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):((key|alias)\/.+)$/;

export function parseKmsArn(arn: string): KmsArn | undefined {
  const match = KMS_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, resource, kind] = match;
  return { partition, region, account, kind: kind as KmsArn['kind'], resource };
}

/** An SSM parameter's ARN; `name` is the full path (`/<project>/...`), whose leading `/` follows `parameter`. */
export function ssmParameterArn(partition: string, region: string, account: string, name: string): string {
  return `arn:${partition}:ssm:${region}:${account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}
