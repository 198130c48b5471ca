import type { S3Client } from '@aws-sdk/client-s3';
import { fail, pass, withTimeout, type CheckResult } from './check-result';

const CREDENTIALS_TIMEOUT_MS = 8000;

/** Where the SDK's default chain will take credentials from, judged from the environment. */
export function credentialSource(env: NodeJS.ProcessEnv): string {
  if (env.AWS_ACCESS_KEY_ID) return 'environment variables (AWS_ACCESS_KEY_ID)';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return 'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE, e.g. CI OIDC)';
  if (env.AWS_PROFILE) return `profile "${env.AWS_PROFILE}" (shared config/credentials, SSO if the profile uses it)`;
  return 'the default chain (default profile, SSO cache, container or instance role)';
}

const CREDENTIALS_FIX =
  'log in before running Terraform: `aws sso login --profile <profile>` and `export AWS_PROFILE=<profile>`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (in CI: assume a role through OIDC)';

/**
 * Whether credentials resolve locally. It does not call STS (which may be unreachable, e.g. behind
 * a local S3 endpoint); the bucket and table checks that follow prove the credentials work.
 */
export async function checkCredentials(s3: S3Client, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const name = 'AWS credentials';
  const source = credentialSource(env);
  try {
    const credentials = await withTimeout(CREDENTIALS_TIMEOUT_MS, 'credential lookup', () => s3.config.credentials());
    if (credentials.expiration && credentials.expiration.getTime() <= Date.now()) {
      return fail(name, `credentials from ${source} expired at ${credentials.expiration.toISOString()}`, CREDENTIALS_FIX);
    }
    const keyHint = `${credentials.accessKeyId.slice(0, 4)}…`;
    return pass(name, `found in ${source}, access key ${keyHint}; not verified with STS: the bucket and table checks below use them`);
  } catch (error) {
    return fail(name, `none found in ${source}: ${(error as Error).message.split('\n')[0]}`, CREDENTIALS_FIX);
  }
}
