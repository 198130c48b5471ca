import { GetBucketEncryptionCommand, GetBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeAwsError, isAccessDenied, notTheService } from '../toolkit/aws-errors';
import { bucketExistence } from '../toolkit/bucket-existence';
import { fail, pass, withTimeout, type CheckResult } from './check-result';
import { REQUEST_TIMEOUT_MS } from '../toolkit/aws-clients';

/** Denied: name the permission (the CI state policy does not include bucket settings); else look by hand. */
function readFix(error: unknown, permission: string): string {
  return isAccessDenied(error)
    ? `run the doctor with credentials allowed ${permission} (the least-privilege CI policy deliberately lacks it), or check the bucket in the console`
    : 'check the bucket settings in the console or with the AWS CLI; this endpoint did not answer the request';
}

const DEPLOY_BACKEND_FIX = 'deploy the state-backend stack first: `npx cdktf deploy state-backend` (docs/guardrails.md, README "Bootstrap order")';

/**
 * The bucket exists and these credentials may reach it; the other bucket checks only run if so.
 * `endpoint` is the S3 endpoint in use: over plain HTTP a refusal is the bucket's TLS-only statement.
 */
export async function checkBucketExists(s3: S3Client, bucket: string, key?: string, endpoint?: string): Promise<CheckResult> {
  const name = 'state bucket exists';
  const found = await bucketExistence(s3, bucket, { key, timeoutMs: REQUEST_TIMEOUT_MS + 1000 });
  const listed = (found.kind === 'exists' || found.kind === 'missing' || found.kind === 'forbidden') && found.via === 'ListObjectsV2';
  switch (found.kind) {
    case 'exists':
      return pass(name, listed ? `s3://${bucket} is reachable (HeadBucket answered 404, listing works)` : `s3://${bucket} is reachable`);
    case 'missing':
      return fail(name, `s3://${bucket} does not exist${listed ? ' (NoSuchBucket)' : ''}`, DEPLOY_BACKEND_FIX);
    case 'forbidden':
      if (endpoint?.toLowerCase().startsWith('http:')) {
        return fail(
          name,
          `access to s3://${bucket} denied over plain HTTP (${endpoint}) [cause: plain-http]: the state bucket's TLS-only statement (Deny when aws:SecureTransport is false) refuses every request that is not HTTPS, and refuses Terraform's backend the same way (${describeAwsError(found.error)})`,
          'use the https:// endpoint (AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3; in the sandbox the endpoint `npm run sandbox -- credentials <env>` writes), with its CA in AWS_CA_BUNDLE',
        );
      }
      return fail(
        name,
        `access to s3://${bucket} denied (${describeAwsError(found.error)})`,
        listed
          ? 'use credentials whose role carries the state_access_policy_json of this stack'
          : 'reach the state as the backend does: through the stack\'s state role (the state-backend stack attaches its state_access_policy_json to it; redeploy that stack if the role lacks it), or, without a state role, with credentials carrying that policy (docs/cross-account.md)',
      );
    case 'not-s3':
      return fail(name, `s3://${bucket}: ${notTheService('S3', 'AWS_ENDPOINT_URL_S3')} (${describeAwsError(found.error)})`, 'point AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL) at an S3 endpoint, or unset it to use AWS');
    case 'other-region':
    case 'error':
      return fail(name, `s3://${bucket} could not be reached: ${describeAwsError(found.error)}`, 'check network access and AWS_ENDPOINT_URL_S3 / region settings');
  }
}

/** Versioning is how a bad apply or a deleted state object is recovered. */
export async function checkBucketVersioning(s3: S3Client, bucket: string): Promise<CheckResult> {
  const name = 'state bucket versioning';
  try {
    const { Status } = await withTimeout(REQUEST_TIMEOUT_MS + 1000, 'S3', (abortSignal) =>
      s3.send(new GetBucketVersioningCommand({ Bucket: bucket }), { abortSignal }),
    );
    return Status === 'Enabled'
      ? pass(name, 'Enabled')
      : fail(name, `versioning is ${Status ?? 'not configured'}`, `enable it: the state-backend stack does (aws_s3_bucket_versioning); or \`aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled\``);
  } catch (error) {
    return fail(name, `could not read versioning: ${describeAwsError(error)}`, readFix(error, 's3:GetBucketVersioning'));
  }
}

/** Default encryption of the bucket (state objects are also encrypted per request: `encrypt = true`). */
export async function checkBucketEncryption(s3: S3Client, bucket: string): Promise<CheckResult> {
  const name = 'state bucket encryption';
  try {
    const { ServerSideEncryptionConfiguration } = await withTimeout(REQUEST_TIMEOUT_MS + 1000, 'S3', (abortSignal) =>
      s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }), { abortSignal }),
    );
    const defaults = (ServerSideEncryptionConfiguration?.Rules ?? []).map((rule) => rule.ApplyServerSideEncryptionByDefault).filter(Boolean);
    if (defaults.length === 0) return fail(name, 'no default encryption rule', 'deploy the state-backend stack, which sets SSE-KMS (or SSE-S3) default encryption');
    return pass(name, defaults.map((d) => `${d!.SSEAlgorithm}${d!.KMSMasterKeyID ? ` with ${d!.KMSMasterKeyID}` : ''}`).join(', '));
  } catch (error) {
    if ((error as { name?: string }).name === 'ServerSideEncryptionConfigurationNotFoundError') {
      return fail(name, 'no default encryption configured', 'deploy the state-backend stack, which sets SSE-KMS (or SSE-S3) default encryption');
    }
    return fail(name, `could not read encryption: ${describeAwsError(error)}`, readFix(error, 's3:GetEncryptionConfiguration'));
  }
}
