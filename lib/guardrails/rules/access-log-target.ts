import { TerraformResource, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { resourceAddress, resourceConfig, isJsonObject, type JsonObject } from '../terraform-config';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type GuardrailRule } from '../rule';

const LOGGING_SERVICE = 'logging.s3.amazonaws.com';

function resourcesOf(stack: TerraformStack, type: string): TerraformResource[] {
  return stack.node.findAll().filter((c: IConstruct): c is TerraformResource => TerraformResource.isTerraformResource(c) && c.terraformResourceType === type);
}

/** Configs of the stack's `type` resources whose `bucket` is the bucket `target` names (a reference or its literal name). */
function companions(stack: TerraformStack, target: unknown, type: string): JsonObject[] {
  const buckets = resourcesOf(stack, 'aws_s3_bucket');
  const bucket = buckets.find((b) => [`\${${resourceAddress(b)}.id}`, `\${${resourceAddress(b)}.bucket}`, resourceConfig(b).bucket].includes(target));
  const names = bucket ? [`\${${resourceAddress(bucket)}.id}`, `\${${resourceAddress(bucket)}.bucket}`, resourceConfig(bucket).bucket] : [target];
  return resourcesOf(stack, type).map(resourceConfig).filter((config) => names.includes(config.bucket));
}

function sseS3(encryption: JsonObject): boolean {
  const rules = Array.isArray(encryption.rule) ? encryption.rule : [encryption.rule];
  return rules.every((rule) => isJsonObject(rule) && isJsonObject(rule.apply_server_side_encryption_by_default) && rule.apply_server_side_encryption_by_default.sse_algorithm === 'AES256');
}

/**
 * A bucket receiving S3 server access logs works and cannot be written on another bucket's behalf:
 * its default encryption is SSE-S3 (S3 delivers no logs into an SSE-KMS bucket), and its policy grants
 * the logging service under `aws:SourceAccount` and `aws:SourceArn` (the confused-deputy guard).
 */
export const accessLogTarget: GuardrailRule = {
  id: 'access-log-target',
  description: 'A server access logging target is SSE-S3 and lets only the logging service write, for the logged bucket and account',
  fix: 'build the log bucket with AccessLogBucket (lib/constructs/access-log-bucket.ts), or give it SSE-S3 (AES256) default encryption and a bucket policy allowing logging.s3.amazonaws.com s3:PutObject with aws:SourceAccount and aws:SourceArn conditions',
  check(construct) {
    if (!TerraformResource.isTerraformResource(construct) || construct.terraformResourceType !== 'aws_s3_bucket_logging') return NOT_APPLICABLE;
    const stack = TerraformStack.of(construct);
    const target = resourceConfig(construct).target_bucket;
    const problems: string[] = [];
    const encryption = companions(stack, target, 'aws_s3_bucket_server_side_encryption_configuration');
    if (encryption.length === 0 || !encryption.every(sseS3)) problems.push('the target bucket\'s default encryption is not SSE-S3 (AES256)');
    const policies = companions(stack, target, 'aws_s3_bucket_policy').map((policy) => JSON.stringify(policy.policy));
    const guarded = policies.some((policy) => policy.includes(LOGGING_SERVICE) && policy.includes('aws:SourceAccount') && policy.includes('aws:SourceArn'));
    if (!guarded) problems.push(`the target bucket has no policy granting ${LOGGING_SERVICE} under aws:SourceAccount and aws:SourceArn`);
    return problems.length === 0 ? COMPLIANT : nonCompliant(`server access logging into ${String(target)}: ${problems.join(' and ')}`);
  },
};
