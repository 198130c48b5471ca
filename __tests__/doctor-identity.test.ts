import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caBundleProblem, checkCallerAccount, checkIdentity, classifyIdentityError } from '../tooling/doctor/identity';

/** The doctor's identity check (issue #19): each way the caller cannot reach the state is named by its cause. */
const sdkError = (name: string, status: number, message = name) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
const networkError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });
const tlsError = (code: string) => Object.assign(new Error('self-signed certificate in certificate chain'), { code, name: 'Error' });

describe('classifying a failed sts:GetCallerIdentity', () => {
  it.each([
    ['unknown-key', sdkError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.')],
    ['unknown-key', sdkError('InvalidAccessKeyId', 403)],
    ['bad-secret', sdkError('SignatureDoesNotMatch', 403)],
    ['expired', sdkError('ExpiredToken', 400)],
    ['tls-untrusted', tlsError('SELF_SIGNED_CERT_IN_CHAIN')],
    ['tls-untrusted', tlsError('UNABLE_TO_VERIFY_LEAF_SIGNATURE')],
    ['tls-untrusted', Object.assign(new Error('wrapped'), { name: 'Error', cause: tlsError('DEPTH_ZERO_SELF_SIGNED_CERT') })],
    ['unreachable', networkError('ECONNREFUSED')],
    ['unreachable', new Error('STS GetCallerIdentity did not answer within 5000 ms')],
    ['no-credentials', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })],
    ['not-sts', sdkError('InvalidAction', 400)],
    ['other', sdkError('Throttling', 400)],
  ] as const)('%s from %p', (cause, error) => {
    const failure = classifyIdentityError(error, 'https://127.0.0.1:1');
    expect(failure.cause).toBe(cause);
    expect(failure.detail.length).toBeGreaterThan(10);
    expect(failure.fix.length).toBeGreaterThan(10);
    expect(failure.warning ?? false).toBe(cause === 'not-sts');
  });

  it('names the endpoint and the CA variables for an untrusted certificate', () => {
    const failure = classifyIdentityError(tlsError('SELF_SIGNED_CERT_IN_CHAIN'), 'https://127.0.0.1:8443');
    expect(failure.detail).toContain('TLS verification of https://127.0.0.1:8443 failed (SELF_SIGNED_CERT_IN_CHAIN)');
    expect(failure.fix).toContain('AWS_CA_BUNDLE');
    expect(failure.fix).toContain('NODE_EXTRA_CA_CERTS');
  });
});

describe('AWS_CA_BUNDLE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-identity-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('unset or a readable file: no problem; a missing file or a directory: named', () => {
    writeFileSync(join(dir, 'ca.pem'), 'x');
    expect(caBundleProblem({})).toBeUndefined();
    expect(caBundleProblem({ AWS_CA_BUNDLE: join(dir, 'ca.pem') })).toBeUndefined();
    expect(caBundleProblem({ AWS_CA_BUNDLE: join(dir, 'gone.pem') })).toBe(`AWS_CA_BUNDLE names ${join(dir, 'gone.pem')}, which does not exist`);
    expect(caBundleProblem({ AWS_CA_BUNDLE: dir })).toBe(`AWS_CA_BUNDLE names ${dir}, which is not a file`);
  });

  it('a missing bundle fails the identity check before any request, with the cause and the fix', async () => {
    const result = await checkIdentity('eu-west-1', { AWS_CA_BUNDLE: join(dir, 'gone.pem'), AWS_ENDPOINT_URL: 'https://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'x' });
    expect(result.check.ok).toBe(false);
    expect(result.check.detail).toContain('does not exist: Terraform\'s S3 backend and the AWS provider load it');
    expect(result.check.fix).toContain('AWS_CA_BUNDLE');
    expect(result.identity).toBeUndefined();
  });
});

describe('the caller account against the stack', () => {
  const identity = { account: '222222222222', arn: 'arn:aws:sts::222222222222:assumed-role/sandbox-admin/sandbox' };
  it('passes for the stack\'s own account', () => {
    expect(checkCallerAccount(identity, 'staging', ['222222222222'])).toMatchObject({ ok: true, detail: "222222222222 is staging's account (allowedAccountIds)" });
  });
  it('fails for another account, naming both accounts, the principal and the fix', () => {
    const result = checkCallerAccount(identity, 'production', ['333333333333']);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('wrong account [cause: wrong-account]: these credentials act in account 222222222222 (arn:aws:sts::222222222222:assumed-role/sandbox-admin/sandbox), but production runs in 333333333333');
    expect(result.fix).toContain('npm run sandbox -- credentials production');
  });
  it('warns, without failing, when the identity is unknown', () => {
    expect(checkCallerAccount(undefined, 'staging', ['222222222222'])).toMatchObject({ ok: true, warning: true });
  });
});
