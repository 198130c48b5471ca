import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { manifestStacks, readSynthesizedStack, secretVariables } from '../tooling/toolkit/synthesized-stacks';
import { runCommand } from '../tooling/toolkit/run-command';
import { UserError } from '../lib/definitions/errors';
import { sandboxFromEnv } from '../tooling/sandbox/sandbox-flag';
import { BootstrapError } from '../tooling/toolkit/errors';
import { SandboxError } from '../tooling/sandbox/lifecycle';
import { EmulatorInstallError } from '../tooling/sandbox/emulator';
import { withoutCallerIdentity } from '../tooling/toolkit/account-session';
import { exportLines } from '../tooling/sandbox/credentials';
import { PROVIDER_SERVICES } from '../tooling/sandbox/connection';

describe('SANDBOX as the tooling reads it: the settings table\'s strict boolean', () => {
  it('reads yes/no values and unset as false', () => {
    expect(sandboxFromEnv({})).toBe(false);
    expect(sandboxFromEnv({ SANDBOX: '' })).toBe(false);
    expect(sandboxFromEnv({ SANDBOX: '1' })).toBe(true);
    expect(sandboxFromEnv({ SANDBOX: 'TRUE' })).toBe(true);
    expect(sandboxFromEnv({ SANDBOX: 'no' })).toBe(false);
  });
  it('refuses a typo instead of meaning real AWS', () => {
    expect(() => sandboxFromEnv({ SANDBOX: 'ture' })).toThrow(new UserError('SANDBOX: "ture" is not a boolean: use SANDBOX=1 to target the local sandbox, or unset it for AWS'));
  });
});

describe('one user-error base class', () => {
  it('every tooling problem is a UserError named after its class', () => {
    for (const error of [new BootstrapError('b'), new SandboxError('s'), new EmulatorInstallError('e')]) {
      expect(error).toBeInstanceOf(UserError);
      expect(error.name).toBe(error.constructor.name);
    }
  });
});

describe('the stacks as synthesized (manifest.json, cdk.tf.json)', () => {
  const out = mkdtempSync(join(tmpdir(), 'synthesized-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const write = (stack: string, json: unknown) => {
    mkdirSync(join(out, 'stacks', stack), { recursive: true });
    writeFileSync(join(out, 'stacks', stack, 'cdk.tf.json'), JSON.stringify(json));
  };
  const provider = (account: string) => ({ aws: [{ allowed_account_ids: [account], region: 'eu-west-1' }, { alias: 'other', allowed_account_ids: ['999999999999'], region: 'us-east-1' }] });
  writeFileSync(
    join(out, 'manifest.json'),
    JSON.stringify({ stacks: Object.fromEntries(['ci-staging', 'staging'].map((name) => [name, { name, workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` }])) }),
  );
  write('ci-staging', { terraform: { backend: { local: { path: '../../../terraform.ci-staging.tfstate' } } }, provider: provider('222222222222') });
  write('staging', {
    terraform: { backend: { s3: { bucket: 'b', key: 'k' } } },
    provider: provider('222222222222'),
    variable: { workload_secret: { type: 'string', sensitive: true }, size: { type: 'number' } },
  });

  it('lists every stack of the manifest, ci-* included', () => {
    expect(manifestStacks(out)).toEqual([
      { name: 'ci-staging', directory: join(out, 'stacks', 'ci-staging') },
      { name: 'staging', directory: join(out, 'stacks', 'staging') },
    ]);
  });

  it('reads the account guard, the backend and the sensitive variables of a stack', () => {
    expect(readSynthesizedStack('ci-staging', join(out, 'stacks', 'ci-staging'))).toEqual({
      name: 'ci-staging',
      directory: join(out, 'stacks', 'ci-staging'),
      accountId: '222222222222',
      region: 'eu-west-1',
      backend: 'local',
      localStateFile: join(out, '..', 'terraform.ci-staging.tfstate'),
      sensitiveVariables: [],
    });
    const staging = readSynthesizedStack('staging', join(out, 'stacks', 'staging'));
    expect(staging).toMatchObject({ backend: 's3', localStateFile: undefined, sensitiveVariables: ['workload_secret'] });
    expect(secretVariables(staging, { TF_VAR_workload_secret: 'set' }, 'x')).toEqual({ TF_VAR_workload_secret: 'set' });
    expect(secretVariables(staging, {}, 'placeholder')).toEqual({ TF_VAR_workload_secret: 'placeholder' });
  });

  it('says to synthesize when there is nothing synthesized', () => {
    expect(() => manifestStacks(join(out, 'nothing'))).toThrow(`${join(out, 'nothing')} holds no synthesized app (no manifest.json); synthesize first (drop --skip-synth)`);
  });
});

describe('tooling receives the app, it does not import it', () => {
  it('only tooling/bin entry points import environments/, and no tooling imports workloads/', () => {
    const root = join(__dirname, '..', 'tooling');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts'));
    const offending = files.flatMap((file) => {
      const source = readFileSync(join(root, file), 'utf8');
      const imports = [...source.matchAll(/from\s+'([^']+)'/g)].map((match) => match[1]);
      return imports
        .filter((specifier) => /(^|\/)workloads(\/|$)/.test(specifier) || (/(^|\/)environments(\/|$)/.test(specifier) && !file.startsWith(`bin${sep}`)))
        .map((specifier) => `tooling/${file} imports ${specifier}`);
    });
    expect(offending).toEqual([]);
  });
});

describe('the one process runner', () => {
  it('keeps stdout and stderr apart as well as together', async () => {
    const result = await runCommand('sh', ['-c', 'echo out; echo err >&2; exit 3'], { cwd: tmpdir(), env: process.env, timeoutMs: 10_000, forwardSignals: false });
    expect(result).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    expect(result.output).toContain('out\n');
    expect(result.output).toContain('err\n');
  });

  it('kills the whole process group after the timeout', async () => {
    const result = await runCommand('sh', ['-c', 'sleep 30 & sleep 30'], { cwd: tmpdir(), env: process.env, timeoutMs: 300, forwardSignals: false });
    expect(result).toMatchObject({ code: null, timedOut: true });
    expect(result.output).toContain('(killed after 0.3 s)');
    expect(result.seconds).toBeLessThan(10);
  });
});

describe('describeAwsError: the status and code the service answered', () => {
  const { describeAwsError } = require('../tooling/toolkit/aws-errors') as typeof import('../tooling/toolkit/aws-errors');
  it('a 403 to a HEAD (no body, so no code) reads as HTTP 403 Forbidden, never "Unknown ... UnknownError"', () => {
    const head403 = Object.assign(new Error('UnknownError'), { name: 'Unknown', $metadata: { httpStatusCode: 403 } });
    expect(describeAwsError(head403)).toBe('HTTP 403 Forbidden (no error code: the answer had no body, as a HEAD answer never has)');
  });
  it('a coded error keeps its code, status and message', () => {
    const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(describeAwsError(denied)).toBe('AccessDenied: HTTP 403: Access Denied');
  });
  it('a network error without status is its message', () => {
    expect(describeAwsError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9');
  });
});

describe('shellQuote: printed paths are safe to paste', () => {
  const { shellQuote } = require('../tooling/toolkit/shell-quote') as typeof import('../tooling/toolkit/shell-quote');
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  it.each(['/tmp/plain/path.sh', '/tmp/a b/x.sh', "/tmp/it's/x.sh", '/tmp/$(touch pwned)/x.sh', '/tmp/`id`/x.sh', '/tmp/a;b/x.sh', ''])('%j is one word, printed back unchanged by the shell, running nothing', (path) => {
    const echoed = spawnSync('bash', ['-c', `printf '%s' ${shellQuote(path)}`], { encoding: 'utf8', cwd: require('node:os').tmpdir() });
    expect(echoed.stdout).toBe(path);
  });
  it('leaves a plain path bare', () => {
    expect(shellQuote('/home/me/project/.sandbox/run/credentials/staging.sh')).toBe('/home/me/project/.sandbox/run/credentials/staging.sh');
  });
});

describe('sessions keep no endpoint of the caller\'s (the sandbox\'s AWS provider takes its endpoint from AWS_ENDPOINT_URL)', () => {
  const caller = {
    PATH: '/usr/bin',
    AWS_PROFILE: 'prod',
    AWS_ENDPOINT_URL: 'http://localhost:4566',
    AWS_ENDPOINT_URL_S3: 'http://localhost:4566',
    AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
    AWS_S3_ENDPOINT: 'http://minio:9000',
    TF_AWS_STS_ENDPOINT: 'http://localhost:4566',
    AWS_DYNAMODB_ENDPOINT: 'http://localhost:8000',
    AWS_REGION: 'eu-west-1',
  };

  it('the tooling\'s sessions drop them all, and keep the rest', () => {
    expect(withoutCallerIdentity(caller)).toEqual({ PATH: '/usr/bin', AWS_REGION: 'eu-west-1' });
  });

  it('the credentials file unsets them for every service the stacks use, before its exports', () => {
    const [, unset, ...exports] = exportLines('222222222222', { AWS_ENDPOINT_URL: 'https://127.0.0.1:4566' });
    const names = unset.split(' ').slice(1);
    expect(unset.startsWith('unset ')).toBe(true);
    for (const service of PROVIDER_SERVICES.map((name) => name.toUpperCase())) {
      expect(names).toEqual(expect.arrayContaining([`AWS_ENDPOINT_URL_${service}`, `AWS_${service}_ENDPOINT`, `TF_AWS_${service}_ENDPOINT`]));
    }
    expect(names).toEqual(expect.arrayContaining(['AWS_PROFILE', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']));
    expect(exports).toEqual(["export AWS_ENDPOINT_URL='https://127.0.0.1:4566'"]);
  });
});
