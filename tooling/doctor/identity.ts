import { accessSync, constants, statSync } from 'node:fs';
import { callerIdentity, type CallerIdentity } from '../toolkit/caller-identity';
import { clientConfig, endpointFor, REQUEST_TIMEOUT_MS } from '../toolkit/aws-clients';
import { describeAwsError } from '../toolkit/aws-errors';
import { fail, pass, warn, type CheckResult } from './check-result';

/**
 * Who the doctor runs as (sts:GetCallerIdentity), and why it cannot be the identity the backend
 * needs: the cause is named (issue #19), never just "access denied" further down.
 */
export interface IdentityResult {
  readonly check: CheckResult;
  /** Known when STS answered. */
  readonly identity?: CallerIdentity;
}

/** Why the identity request failed, from the error alone (unit-tested: __tests__/doctor-identity.test.ts). */
export type IdentityCause = 'ca-bundle-missing' | 'tls-untrusted' | 'unknown-key' | 'bad-secret' | 'expired' | 'no-credentials' | 'unreachable' | 'not-sts' | 'other';

export interface IdentityFailure {
  readonly cause: IdentityCause;
  readonly detail: string;
  readonly fix: string;
  /** Only a warning: the endpoint is not STS (a local S3/DynamoDB test setup), so nothing can be said. */
  readonly warning?: boolean;
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'TimeoutError', 'RequestTimeout']);

const CA_FIX =
  'point AWS_CA_BUNDLE (read by Terraform\'s S3 backend and the AWS provider) and NODE_EXTRA_CA_CERTS (Node) at the CA that signed the endpoint\'s certificate; ' +
  'in the sandbox `npm run sandbox -- credentials <env>` writes both; against AWS itself, unset AWS_CA_BUNDLE';

/** AWS_CA_BUNDLE names a file Terraform cannot load: the backend stops before its first request. */
export function caBundleProblem(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.AWS_CA_BUNDLE;
  if (!file) return undefined;
  try {
    if (!statSync(file).isFile()) return `AWS_CA_BUNDLE names ${file}, which is not a file`;
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `AWS_CA_BUNDLE names ${file}, which does not exist` : `AWS_CA_BUNDLE names ${file}, which cannot be read (${code})`;
  }
}

/** The error's code wherever the SDK or Node put it (the SDK wraps network errors; TLS codes sit on the cause). */
function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current = error as { name?: string; code?: string; Code?: string; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 4; depth += 1) {
    for (const value of [current.code, current.Code, current.name]) if (typeof value === 'string') codes.push(value);
    current = current.cause as typeof current;
  }
  return codes;
}

/** The cause of a failed sts:GetCallerIdentity, and what to do, for the endpoint it went to. */
export function classifyIdentityError(error: unknown, endpoint: string | undefined): IdentityFailure {
  const codes = codesOf(error);
  const where = endpoint ?? 'AWS STS';
  const said = describeAwsError(error);
  const tls = codes.find((code) => TLS_CODES.has(code));
  if (tls) {
    return { cause: 'tls-untrusted', detail: `TLS verification of ${where} failed (${tls}): its certificate is not signed by a CA this run trusts, so Terraform's backend would fail the same way`, fix: CA_FIX };
  }
  if (codes.includes('InvalidClientTokenId') || codes.includes('InvalidAccessKeyId') || codes.includes('UnrecognizedClientException')) {
    return {
      cause: 'unknown-key',
      detail: `STS does not know the access key (${said})`,
      fix: 'the key was deleted, mistyped, or belongs to another partition or endpoint: take fresh credentials (`aws sso login`, AWS_PROFILE=..., or in the sandbox `npm run sandbox -- credentials <env>`)',
    };
  }
  if (codes.includes('SignatureDoesNotMatch')) {
    return { cause: 'bad-secret', detail: `STS refused the request signature (${said}): the secret access key does not belong to the access key`, fix: 'export the secret that belongs to AWS_ACCESS_KEY_ID, or take fresh credentials' };
  }
  if (codes.includes('ExpiredToken') || codes.includes('ExpiredTokenException') || codes.includes('RequestExpired')) {
    return { cause: 'expired', detail: `the credentials have expired (${said})`, fix: 'take fresh credentials (`aws sso login`, re-assume the role, or in the sandbox `npm run sandbox -- credentials <env>`)' };
  }
  if (codes.includes('CredentialsProviderError')) {
    return { cause: 'no-credentials', detail: `no credentials to sign with (${said.split('\n')[0]})`, fix: 'export AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (in CI: assume a role through OIDC)' };
  }
  if (codes.includes('InvalidAction') || codes.includes('UnknownOperationException')) {
    return { cause: 'not-sts', detail: `${where} does not answer sts:GetCallerIdentity (${said}): the caller's account cannot be verified here`, fix: 'point AWS_ENDPOINT_URL_STS at STS (or unset it) to have the identity verified', warning: true };
  }
  if (codes.some((code) => NETWORK_CODES.has(code)) || /did not answer within/.test(said)) {
    return { cause: 'unreachable', detail: `${where} could not be reached (${said})`, fix: 'check network access to STS and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL' };
  }
  return { cause: 'other', detail: `sts:GetCallerIdentity failed at ${where}: ${said}`, fix: 'check the credentials and AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL' };
}

/**
 * Asks STS who the credentials are, trusting exactly what Terraform's S3 backend will trust
 * (AWS_CA_BUNDLE when set). Read-only. A missing AWS_CA_BUNDLE file fails before any request, as it
 * fails the backend.
 */
export async function checkIdentity(region: string, env: NodeJS.ProcessEnv): Promise<IdentityResult> {
  const name = 'caller identity';
  const caProblem = caBundleProblem(env);
  if (caProblem) {
    return { check: fail(name, `${caProblem}: Terraform's S3 backend and the AWS provider load it for every request and would stop before reaching the state`, CA_FIX) };
  }
  const endpoint = endpointFor('STS', env);
  const config = clientConfig({ region, profile: { kind: 'preflight', caFile: env.AWS_CA_BUNDLE || undefined }, endpoint });
  try {
    const identity = await callerIdentity(config, REQUEST_TIMEOUT_MS + 1000);
    return { check: pass(name, `account ${identity.account} as ${identity.arn}${endpoint ? ` (STS at ${endpoint})` : ''}`), identity };
  } catch (error) {
    const failure = classifyIdentityError(error, endpoint);
    return { check: failure.warning ? warn(name, failure.detail, failure.fix) : fail(name, `${failure.detail} [cause: ${failure.cause}]`, failure.fix) };
  }
}

/**
 * The caller's account against the stack's: the backend's state role trusts the environment's
 * account and the provider's allowed_account_ids pins it, so any other account cannot reach the state.
 */
export function checkCallerAccount(identity: CallerIdentity | undefined, stack: string, allowedAccountIds: readonly string[]): CheckResult {
  const name = 'caller account';
  if (!identity) return warn(name, `not verified: the caller identity is unknown (see "caller identity" above)`, 'make sts:GetCallerIdentity answer (AWS_ENDPOINT_URL_STS) to have the account checked');
  if (allowedAccountIds.includes(identity.account)) return pass(name, `${identity.account} is ${stack}'s account (allowedAccountIds)`);
  return fail(
    name,
    `wrong account [cause: wrong-account]: these credentials act in account ${identity.account} (${identity.arn}), but ${stack} runs in ${allowedAccountIds.join(' or ')} (allowedAccountIds): ` +
      `its provider refuses any other account and its state role trusts only its own, so the backend cannot reach the state with them`,
    `use credentials of account ${allowedAccountIds[0]} (AWS_PROFILE=..., or in the sandbox \`npm run sandbox -- credentials ${stack}\`), or check the stack's account ID (AWS_ACCOUNT_ID_<ENV> / "accountIds" in cdktf.json context)`,
  );
}
