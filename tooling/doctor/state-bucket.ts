import { GetBucketEncryptionCommand, GetBucketVersioningCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { summarizeState } from '../bootstrap/state-summary';
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
 * The bucket exists and these credentials may reach it, asked as Terraform's S3 backend asks: a
 * listing with the state key as prefix (never HeadBucket, which needs the unconditioned
 * s3:ListBucket a state role rightly lacks). The other bucket checks only run if so. `endpoint` is
 * the S3 endpoint in use: over plain HTTP a refusal is the bucket's TLS-only statement.
 */
export async function checkBucketExists(s3: S3Client, bucket: string, key: string, endpoint?: string): Promise<CheckResult> {
  const name = 'state bucket exists';
  const found = await bucketExistence(s3, bucket, { key, timeoutMs: REQUEST_TIMEOUT_MS + 1000, listOnly: true });
  switch (found.kind) {
    case 'exists':
      return pass(name, `s3://${bucket} is reachable (listing with prefix ${key} works, as the backend lists)`);
    case 'missing':
      return fail(name, `s3://${bucket} does not exist (NoSuchBucket)`, DEPLOY_BACKEND_FIX);
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
        `listing s3://${bucket} with prefix ${key} was refused (${describeAwsError(found.error)})`,
        'reach the state as the backend does: through the stack\'s state role (the state-backend stack attaches its state_access_policy_json to it; redeploy that stack if the role lacks it), or, without a state role, with credentials carrying that policy (docs/cross-account.md)',
      );
    case 'not-s3':
      return fail(name, `s3://${bucket}: ${notTheService('S3', 'AWS_ENDPOINT_URL_S3')} (${describeAwsError(found.error)})`, 'point AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL) at an S3 endpoint, or unset it to use AWS');
    case 'other-region':
    case 'error':
      return fail(name, `s3://${bucket} could not be reached: ${describeAwsError(found.error)}`, 'check network access and AWS_ENDPOINT_URL_S3 / region settings');
  }
}

/**
 * Read through a state role (`checkedIn`: the section that checks the bucket with the state account's
 * credentials), a refusal is the role's least privilege, not a fault: said so, and passed.
 */
function refusedToStateRole(name: string, error: unknown, checkedIn: string | undefined): CheckResult | undefined {
  if (checkedIn === undefined || !isAccessDenied(error)) return undefined;
  const { name: code, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return pass(name, `not readable through the state role (${code}, HTTP ${$metadata?.httpStatusCode ?? '?'}), which may not read bucket settings (least privilege); the doctor's ${checkedIn} section checks them with the state account's credentials`);
}

/** Versioning is how a bad apply or a deleted state object is recovered. */
export async function checkBucketVersioning(s3: S3Client, bucket: string, checkedIn?: string): Promise<CheckResult> {
  const name = 'state bucket versioning';
  try {
    const { Status } = await withTimeout(REQUEST_TIMEOUT_MS + 1000, 'S3', (abortSignal) =>
      s3.send(new GetBucketVersioningCommand({ Bucket: bucket }), { abortSignal }),
    );
    return Status === 'Enabled'
      ? pass(name, 'Enabled')
      : fail(name, `versioning is ${Status ?? 'not configured'}`, `enable it: the state-backend stack does (aws_s3_bucket_versioning); or \`aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled\``);
  } catch (error) {
    return refusedToStateRole(name, error, checkedIn) ?? fail(name, `could not read versioning: ${describeAwsError(error)}`, readFix(error, 's3:GetBucketVersioning'));
  }
}

/** Default encryption of the bucket (state objects are also encrypted per request: `encrypt = true`). */
export async function checkBucketEncryption(s3: S3Client, bucket: string, checkedIn?: string): Promise<CheckResult> {
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
    return refusedToStateRole(name, error, checkedIn) ?? fail(name, `could not read encryption: ${describeAwsError(error)}`, readFix(error, 's3:GetEncryptionConfiguration'));
  }
}

/**
 * The state object, read as the backend reads it: listed with its key as prefix, then read (GetObject
 * on the key; SSE-KMS decrypted on the way). No state yet passes: the first deploy writes it.
 */
export async function checkStateObject(s3: S3Client, bucket: string, key: string): Promise<CheckResult> {
  const name = 'state object';
  const where = `s3://${bucket}/${key}`;
  const bounded = <T>(request: (abortSignal: AbortSignal) => Promise<T>) => withTimeout(REQUEST_TIMEOUT_MS + 1000, 'S3', request);
  let exists: boolean;
  try {
    const listing = await bounded((abortSignal) => s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 10 }), { abortSignal }));
    exists = (listing.Contents ?? []).some((object) => object.Key === key);
  } catch (error) {
    return fail(name, `could not list ${where}: ${describeAwsError(error)}`, 'allow s3:ListBucket with s3:prefix = the state key (see state_access_policy_json)');
  }
  if (!exists) return pass(name, `no state yet at ${where} (the first deploy writes it)`);
  try {
    const object = await bounded((abortSignal) => s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal }));
    const text = (await object.Body?.transformToString()) ?? '';
    const summary = summarizeState(text, where);
    const encryption = `${object.ServerSideEncryption ?? 'unencrypted'}${object.SSEKMSKeyId ? ` ${object.SSEKMSKeyId}` : ''}`;
    return pass(name, `${where} is readable (${object.ContentLength ?? text.length} bytes, ${encryption}): lineage ${summary.lineage}, serial ${summary.serial}, ${summary.instances.length} resources`);
  } catch (error) {
    if ((error as { $metadata?: unknown }).$metadata === undefined && error instanceof Error && error.message.includes('is not a Terraform state file')) {
      return fail(name, error.message, 'restore a previous version of the state object (the bucket is versioned): docs/troubleshooting.md');
    }
    return fail(
      name,
      `could not read ${where}: ${describeAwsError(error)}`,
      isAccessDenied(error)
        ? 'allow s3:GetObject on the state key, and kms:Decrypt on its key when it is SSE-KMS (see state_access_policy_json)'
        : 'check network access and AWS_ENDPOINT_URL_S3',
    );
  }
}
