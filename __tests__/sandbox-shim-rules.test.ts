import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeAwsChunked } from '../tooling/sandbox/shim/chunked-body';
import { s3RequestOf } from '../tooling/sandbox/shim/s3-request';
import { appDefinition } from '../environments';
import { settingProblems } from '../lib/settings/blueprint';
import { DefinitionError } from '../lib/definitions/errors';
import { resolveSandboxConnection } from '../tooling/sandbox/connection';
import { recordSandbox } from './support/sandbox-record';
import { buildApp } from '../lib/app/build-app';
import { App } from 'cdktf';
import { SANDBOX_SETTING, sandboxEnabled, sandboxExtension } from '../tooling/sandbox/sandbox-extension';

describe('reading S3 requests', () => {
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
  /** A home with no sandbox, so the developer's own `.sandbox` never answers. */
  const empty = mkdtempSync(join(tmpdir(), 'sandbox-none-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('takes SANDBOX_ENDPOINT first, without a trailing slash', () => {
    expect(resolveSandboxConnection({ SANDBOX_HOME: empty, SANDBOX_ENDPOINT: 'https://127.0.0.1:4566/' })).toStrictEqual({ endpoint: 'https://127.0.0.1:4566', caFile: undefined });
  });

  it('rejects an endpoint that is not an http(s) URL', () => {
    expect(resolveSandboxConnection({ SANDBOX_ENDPOINT: 'localhost:4566' })).toHaveProperty('problem', expect.stringContaining('SANDBOX_ENDPOINT'));
    expect(resolveSandboxConnection({ SANDBOX_ENDPOINT: 'ftp://127.0.0.1' })).toHaveProperty('problem', 'SANDBOX_ENDPOINT: "ftp://127.0.0.1" must be an http(s) URL');
  });

  describe('the CA the AWS provider trusts alone: the running sandbox\'s own, for its endpoint only', () => {
    const home = mkdtempSync(join(tmpdir(), 'sandbox-connection-'));
    const caFile = join(home, 'run', 'tls', 'ca.pem');
    mkdirSync(dirname(caFile), { recursive: true });
    writeFileSync(caFile, 'ca\n');
    const record = (fields: { caFile?: string }) => recordSandbox(home, { endpoint: 'https://127.0.0.1:4566', instance: 'i-1', ...fields });
    const stateFile = record({ caFile });
    beforeEach(() => record({ caFile }));
    afterAll(() => rmSync(home, { recursive: true, force: true }));

    it('is the sandbox\'s CA for its endpoint, however spelled, and with its session', () => {
      for (const spelled of ['https://127.0.0.1:4566', 'https://127.0.0.1:4566/', 'HTTPS://127.0.0.1:4566']) {
        expect(resolveSandboxConnection({ SANDBOX_HOME: home, SANDBOX_ENDPOINT: spelled })).toEqual({ endpoint: 'https://127.0.0.1:4566', caFile });
      }
      expect(resolveSandboxConnection({ SANDBOX_HOME: home, SANDBOX_INSTANCE: 'i-1' })).toEqual({ endpoint: 'https://127.0.0.1:4566', caFile });
    });

    it('is none for any other endpoint, whatever AWS_CA_BUNDLE names (a system bundle would trust AWS itself): the provider then names its endpoints', () => {
      for (const other of ['https://localhost:4566', 'http://127.0.0.1:4567', 'https://127.0.0.1:9999']) {
        expect(resolveSandboxConnection({ SANDBOX_HOME: home, SANDBOX_ENDPOINT: other, AWS_CA_BUNDLE: caFile })).toStrictEqual({ endpoint: other, caFile: undefined });
      }
    });

    it('is none for a sandbox recorded before its CA was', () => {
      record({ caFile: undefined });
      expect(resolveSandboxConnection({ SANDBOX_HOME: home, SANDBOX_INSTANCE: 'i-1' })).toStrictEqual({ endpoint: 'https://127.0.0.1:4566', caFile: undefined });
    });

    it('must be a file: synth stops naming it and the fix, instead of Terraform failing later', () => {
      for (const gone of [join(home, 'gone.pem'), home]) {
        record({ caFile: gone });
        expect(resolveSandboxConnection({ SANDBOX_HOME: home, SANDBOX_INSTANCE: 'i-1' })).toEqual({
          problem: `SANDBOX: the sandbox's CA (${gone}, "caFile" in ${stateFile}) is not a file, so the AWS provider's custom_ca_bundle could not trust https://127.0.0.1:4566: restart the sandbox (\`npm run sandbox -- down\`, then \`npm run sandbox -- up\`; its resources are discarded)`,
        });
      }
    });
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
