import { actionOf, deniedBy, parsePolicy, policyForMoto, type ParsedPolicy, type S3Request } from '../tooling/sandbox/shim/bucket-policies';
import { decodeAwsChunked } from '../tooling/sandbox/shim/chunked-body';
import { s3RequestOf } from '../tooling/sandbox/shim/s3-request';
import { appDefinition } from '../environments';
import { settingProblems } from '../lib/settings/blueprint';
import { tlsOnlyPolicyDocument } from '../lib/constructs/tls-only-policy';
import { DefinitionError } from '../lib/definitions/errors';
import { resolveSandboxConnection } from '../tooling/sandbox/connection';
import { buildApp } from '../lib/app/build-app';
import { App } from 'cdktf';
import { SANDBOX_SETTING, sandboxEnabled, sandboxExtension } from '../tooling/sandbox/sandbox-extension';

/** The state bucket's policy exactly as lib/constructs/tls-only-policy.ts renders it, for a bucket named `state`. */
const TLS_ONLY = JSON.stringify(tlsOnlyPolicyDocument('arn:aws:s3:::state'));

function parsed(text: string): ParsedPolicy {
  const result = parsePolicy(text);
  if ('problem' in result) throw new Error(result.problem);
  return result;
}

const request = (overrides: Partial<S3Request>): S3Request => ({ method: 'GET', bucket: 'state', key: 'env/terraform.tfstate', secure: true, ...overrides });

describe('the shim evaluates the TLS-only statement with the real transport', () => {
  const policy = parsed(TLS_ONLY);

  it('keeps the document exactly as put, for GetBucketPolicy', () => {
    expect(policy.text).toBe(TLS_ONLY);
  });

  it('denies object reads, writes and deletes that did not come over TLS, naming the statement', () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'HEAD']) {
      expect(deniedBy(policy, request({ method, secure: false }))).toBe('DenyInsecureTransport');
    }
  });

  it('denies bucket-level requests over plain HTTP too (the bucket ARN is a resource of the statement)', () => {
    expect(deniedBy(policy, request({ key: undefined, secure: false }))).toBe('DenyInsecureTransport');
    expect(deniedBy(policy, request({ key: undefined, subresource: 'versioning', secure: false }))).toBe('DenyInsecureTransport');
  });

  it('allows the same requests over TLS', () => {
    for (const method of ['GET', 'PUT', 'DELETE']) expect(deniedBy(policy, request({ method, secure: true }))).toBeUndefined();
  });

  it('does not deny requests to another bucket', () => {
    expect(deniedBy(policy, request({ bucket: 'other', secure: false }))).toBeUndefined();
    expect(deniedBy(policy, request({ bucket: 'state-2', secure: false }))).toBeUndefined();
  });

  it('gives moto nothing of it (moto would ignore the condition and deny everything)', () => {
    expect(policy.unconditional).toHaveLength(0);
    expect(policyForMoto(policy)).toBeUndefined();
  });
});

describe('what the shim refuses instead of ignoring', () => {
  const statement = (extra: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'S', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*', ...extra }] });

  it('refuses condition keys it does not evaluate, naming the statement, the condition and the doc', () => {
    const result = parsePolicy(statement({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }));
    expect(result).toEqual({
      problem:
        'S: condition IpAddress aws:SourceIp is not evaluated by the sandbox (supported: Bool/BoolIfExists aws:SecureTransport, StringEquals/StringNotEquals aws:PrincipalAccount); see docs/sandbox.md',
    });
  });

  it('refuses another key under a supported operator', () => {
    expect(parsePolicy(statement({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }))).toHaveProperty('problem', expect.stringContaining('Bool aws:MultiFactorAuthPresent'));
  });

  it('refuses conditional statements for a specific principal', () => {
    const result = parsePolicy(statement({ Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(result).toHaveProperty('problem', expect.stringContaining('must name Principal "*"'));
  });

  it('refuses negated elements in a conditional statement instead of misreading them', () => {
    const result = parsePolicy(statement({ NotAction: 's3:GetObject', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(result).toHaveProperty('problem', 'S: NotAction in a conditional statement is not evaluated by the sandbox; see docs/sandbox.md');
  });

  it('evaluates BoolIfExists like Bool, and condition keys and values in any case', () => {
    const policy = parsed(statement({ Condition: { BoolIfExists: { 'AWS:SecureTransport': 'False' } } }));
    expect(deniedBy(policy, { method: 'GET', bucket: 'b', key: 'k', secure: false })).toBe('S');
    expect(deniedBy(policy, { method: 'GET', bucket: 'b', key: 'k', secure: true })).toBeUndefined();
  });

  it('refuses a document that is not JSON', () => {
    expect(parsePolicy('{"Statement": [')).toEqual({ problem: 'the policy is not valid JSON' });
  });

  it('hands moto the statements without conditions, which it evaluates itself', () => {
    const mixed = parsed(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Plain', Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::b' },
          { Sid: 'Tls', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*', Condition: { Bool: { 'aws:SecureTransport': ['false'] } } },
        ],
      }),
    );
    expect(JSON.parse(policyForMoto(mixed)!)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Plain', Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::b' }],
    });
    expect(deniedBy(mixed, { method: 'PUT', bucket: 'b', key: 'k', secure: false })).toBe('Tls');
  });
});

describe('reading S3 requests', () => {
  it('maps methods to the S3 actions policies name', () => {
    expect(actionOf(request({ method: 'GET' }))).toBe('s3:GetObject');
    expect(actionOf(request({ method: 'PUT' }))).toBe('s3:PutObject');
    expect(actionOf(request({ method: 'DELETE' }))).toBe('s3:DeleteObject');
    expect(actionOf(request({ method: 'GET', key: undefined }))).toBe('s3:ListBucket');
    expect(actionOf(request({ method: 'PUT', key: undefined, subresource: 'policy' }))).toBe('s3:PutBucketPolicy');
  });

  it('splits path-style URLs into bucket, key and sub-resource, decoding the key', () => {
    expect(s3RequestOf('GET', new URL('http://x/state/a%20b/terraform.tfstate'), true)).toEqual({ method: 'GET', bucket: 'state', key: 'a b/terraform.tfstate', subresource: undefined, secure: true });
    expect(s3RequestOf('PUT', new URL('http://x/state?policy='), false)).toEqual({ method: 'PUT', bucket: 'state', key: undefined, subresource: 'policy', secure: false });
    expect(s3RequestOf('GET', new URL('http://x/'), true)).toBeUndefined();
  });

  it('decodes aws-chunked bodies (SigV4 streaming) to their payload', () => {
    const body = Buffer.from('5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n0;chunk-signature=0\r\nx-amz-checksum-crc32:AAAA\r\n\r\n');
    expect(decodeAwsChunked(body).toString()).toBe('hello world');
  });
});

describe('where SANDBOX=1 connects', () => {
  it('takes SANDBOX_ENDPOINT first, without a trailing slash', () => {
    expect(resolveSandboxConnection({ SANDBOX_ENDPOINT: 'https://127.0.0.1:4566/' })).toEqual({ endpoint: 'https://127.0.0.1:4566' });
  });

  it('rejects an endpoint that is not an http(s) URL', () => {
    expect(resolveSandboxConnection({ SANDBOX_ENDPOINT: 'localhost:4566' })).toHaveProperty('problem', expect.stringContaining('SANDBOX_ENDPOINT'));
    expect(resolveSandboxConnection({ SANDBOX_ENDPOINT: 'ftp://127.0.0.1' })).toHaveProperty('problem', 'SANDBOX_ENDPOINT: "ftp://127.0.0.1" must be an http(s) URL');
  });

  it('says how to start a sandbox when none is running', () => {
    const result = resolveSandboxConnection({ SANDBOX_HOME: '/nonexistent/sandbox-home' });
    expect(result).toEqual({ problem: 'SANDBOX: no sandbox is running (no /nonexistent/sandbox-home/run/sandbox.json); start it with `npm run sandbox -- up`, or set SANDBOX_ENDPOINT' });
  });
});

describe('the SANDBOX setting', () => {
  const fromEnv = (value: string | undefined) => ({ context: () => undefined, env: { SANDBOX: value } });
  it.each(['1', 'true', 'TRUE', 'yes', 'Yes'])('%j turns it on', (value) => {
    expect(settingProblems(fromEnv(value), [SANDBOX_SETTING])).toEqual([]);
    expect(sandboxEnabled(fromEnv(value))).toBe(true);
  });
  it.each([undefined, '', '0', 'false', 'No'])('%j leaves it off', (value) => {
    expect(settingProblems(fromEnv(value), [SANDBOX_SETTING])).toEqual([]);
    expect(sandboxEnabled(fromEnv(value))).toBe(false);
  });

  it('refuses anything else, so a typo never silently means real AWS', () => {
    expect(settingProblems(fromEnv('on'), [SANDBOX_SETTING])).toEqual(['SANDBOX: "on" is not a boolean: use SANDBOX=1 to target the local sandbox, or unset it for AWS']);
    expect(settingProblems(fromEnv(' Yes '), [SANDBOX_SETTING])).toEqual(['SANDBOX: " Yes " has leading or trailing whitespace: remove it']);
  });

  it('is reported with every other problem, not alone', () => {
    let thrown: unknown;
    try {
      buildApp(new App(), appDefinition, { context: () => undefined, env: { SANDBOX: 'on', STATE_BACKEND_MIGRATED: 'maybe' } }, [sandboxExtension]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DefinitionError);
    expect((thrown as DefinitionError).problems).toEqual(
      expect.arrayContaining([
        'SANDBOX: "on" is not a boolean: use SANDBOX=1 to target the local sandbox, or unset it for AWS',
        'STATE_BACKEND_MIGRATED: "maybe" is not a boolean: use true or false',
      ]),
    );
  });

  it('is read from context first, then the environment', () => {
    expect(sandboxEnabled({ context: (key) => (key === 'sandbox' ? true : undefined), env: {} })).toBe(true);
    expect(sandboxEnabled({ context: () => undefined, env: { SANDBOX: '1' } })).toBe(true);
    expect(sandboxEnabled({ context: () => undefined, env: {} })).toBe(false);
  });
});
