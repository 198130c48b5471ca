import { TerraformResource, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { resourceAddress, resourceConfig, isJsonObject, type JsonObject } from '../terraform-config';
import { COMPLIANT, NOT_APPLICABLE, isProduction, nonCompliant, type GuardrailRule } from '../rule';

const PUBLIC_ACCESS_BLOCKS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const;

/** Configs of the stack's resources of `type` whose `bucket` argument is `bucket`. */
function companionsOf(bucket: TerraformResource, type: string): JsonObject[] {
  const address = resourceAddress(bucket);
  const name = resourceConfig(bucket).bucket;
  const refersToBucket = (value: unknown) =>
    value === `\${${address}.id}` || value === `\${${address}.bucket}` || (typeof name === 'string' && value === name);
  return TerraformStack.of(bucket)
    .node.findAll()
    .filter((c: IConstruct): c is TerraformResource => TerraformResource.isTerraformResource(c) && c.terraformResourceType === type)
    .map(resourceConfig)
    .filter((config) => refersToBucket(config.bucket));
}

function versioningEnabled(bucket: TerraformResource): boolean {
  const inline = resourceConfig(bucket).versioning; // the deprecated in-resource block still counts
  if (isJsonObject(inline) && inline.enabled === true) return true;
  return companionsOf(bucket, 'aws_s3_bucket_versioning').some(
    (config) => isJsonObject(config.versioning_configuration) && config.versioning_configuration.status === 'Enabled',
  );
}

function publicAccessBlocked(bucket: TerraformResource): boolean {
  return companionsOf(bucket, 'aws_s3_bucket_public_access_block').some((config) =>
    PUBLIC_ACCESS_BLOCKS.every((setting) => config[setting] === true),
  );
}

/** Every S3 bucket in production is versioned (recoverable) and has all four public access blocks. */
export const productionBucketHardening: GuardrailRule = {
  id: 'production-bucket-hardening',
  description: 'No S3 bucket in production without versioning and a public access block',
  fix: 'build the bucket with SecureBucket (lib/constructs/secure-bucket.ts) and versioning: true, or add aws_s3_bucket_versioning (Enabled) and aws_s3_bucket_public_access_block with all four settings true',
  check(construct, scope) {
    if (!isProduction(scope) || !TerraformResource.isTerraformResource(construct) || construct.terraformResourceType !== 'aws_s3_bucket') {
      return NOT_APPLICABLE;
    }
    const missing = [
      ...(versioningEnabled(construct) ? [] : ['versioning is not enabled']),
      ...(publicAccessBlocked(construct) ? [] : ['no public access block with all four settings true']),
    ];
    return missing.length === 0 ? COMPLIANT : nonCompliant(`production bucket: ${missing.join(' and ')}`);
  },
};
