import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { clientConfig, endpointFor, REQUEST_TIMEOUT_MS, type AwsCredentialIdentity } from '../toolkit/aws-clients';
import { describeAwsError, isAccessDenied } from '../toolkit/aws-errors';
import { fail, pass, withTimeout, type CheckResult } from './check-result';

/** The state role's credentials for the checks that follow, or why there are none. */
export interface StateRoleResult {
  readonly check: CheckResult;
  readonly credentials?: AwsCredentialIdentity;
}

/**
 * Assumes the role the backend assumes (`assume_role.role_arn`, with its `external_id`), as Terraform will, so the bucket,
 * table and lock checks run with the state role's permissions, not the caller's. Read-only: AssumeRole
 * changes nothing.
 */
export async function assumeStateRole(region: string, roleArn: string, stack: string, env: NodeJS.ProcessEnv, externalId?: string): Promise<StateRoleResult> {
  const name = 'state role';
  const sts = new STSClient(clientConfig({ region, profile: { kind: 'preflight' }, endpoint: endpointFor('STS', env) }));
  try {
    const { Credentials, AssumedRoleUser } = await withTimeout(REQUEST_TIMEOUT_MS + 1000, 'STS', (abortSignal) =>
      sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `doctor-${stack}`.slice(0, 64), DurationSeconds: 900, ...(externalId ? { ExternalId: externalId } : {}) }), { abortSignal }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) {
      return { check: fail(name, `STS returned no credentials for ${roleArn}`, 'check the STS endpoint (AWS_ENDPOINT_URL_STS)') };
    }
    return {
      check: pass(name, `assumed ${roleArn} as ${AssumedRoleUser?.Arn ?? 'an assumed-role session'}; the checks below use it, as the backend will`),
      credentials: {
        accessKeyId: Credentials.AccessKeyId,
        secretAccessKey: Credentials.SecretAccessKey,
        sessionToken: Credentials.SessionToken,
        expiration: Credentials.Expiration,
      },
    };
  } catch (error) {
    const fix = isAccessDenied(error)
      ? `use credentials the role's trust policy accepts (by default: an administrator of ${stack}'s account, or its CI deploy role), whose own IAM policy allows sts:AssumeRole on ${roleArn}; is the state-backend stack deployed with this role? (docs/cross-account.md)`
      : 'check network access to STS and AWS_ENDPOINT_URL_STS';
    return { check: fail(name, `could not assume ${roleArn}: ${describeAwsError(error)}`, fix) };
  } finally {
    sts.destroy();
  }
}
