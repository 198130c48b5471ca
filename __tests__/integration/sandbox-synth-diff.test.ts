import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appDefinition } from '../../environments';
import { BACKEND_SERVICES, PROVIDER_SERVICES } from '../../tooling/sandbox/connection';
import { sandboxExtension } from '../../tooling/sandbox/sandbox-extension';
import { recordSandbox } from '../support/sandbox-record';
import { sources, synthApp, type StackJson } from '../support/synth';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * The sandbox proves the real configuration only if the two differ in connection settings alone.
 * This synthesizes the app with and without SANDBOX=1 and fails on any other difference: a resource,
 * a policy (the TLS-only statement included), an account ID, a backend key or lock.
 */
const ENDPOINT = 'https://127.0.0.1:4566';
/** A sandbox home whose record names ENDPOINT and the sandbox's CA, as a running sandbox's does; only the CA's path is synthesized. */
const sandboxHome = mkdtempSync(join(tmpdir(), 'sandbox-home-'));
const CA_FILE = join(sandboxHome, 'run', 'tls', 'ca.pem');
mkdirSync(join(sandboxHome, 'run', 'tls'), { recursive: true });
writeFileSync(CA_FILE, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
recordSandbox(sandboxHome, { endpoint: ENDPOINT, caFile: CA_FILE });
afterAll(() => rmSync(sandboxHome, { recursive: true, force: true }));
/** An emulator of your own, whose CA the sandbox does not know. */
const OWN_ENDPOINT = 'https://127.0.0.1:4567';

/** Paths (with array indexes as `[]`) that SANDBOX=1 may add; nothing may change or disappear. */
const CONNECTION_SETTINGS = [
  'provider.aws[].custom_ca_bundle',
  'provider.aws[].endpoints',
  'provider.aws[].s3_use_path_style',
  'provider.aws[].max_retries',
  'provider.aws[].skip_metadata_api_check',
  'terraform.backend.s3.endpoints',
  'terraform.backend.s3.use_path_style',
  'terraform.backend.s3.max_retries',
  'terraform.backend.s3.skip_metadata_api_check',
];

/** Every path at which `real` and `sandbox` differ, with array indexes kept (for messages). */
function differences(real: unknown, sandbox: unknown, path = ''): string[] {
  if (JSON.stringify(real) === JSON.stringify(sandbox)) return [];
  const isObject = (value: unknown) => value !== null && typeof value === 'object';
  if (!isObject(real) || !isObject(sandbox) || Array.isArray(real) !== Array.isArray(sandbox)) return [path];
  const a = real as Record<string, unknown>;
  const b = sandbox as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.flatMap((key) => {
    const child = Array.isArray(real) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!(key in b)) return [`${child} (missing in the sandbox synth)`];
    if (!(key in a)) return [child];
    return differences(a[key], b[key], child);
  });
}

const allowed = (path: string) => CONNECTION_SETTINGS.includes(path.replace(/\[\d+\]/g, '[]'));

function synthesize(env: Record<string, string>): Record<string, StackJson> {
  // The same extension main.ts applies: SANDBOX=1 acts through it alone.
  const { stacks } = synthApp(appDefinition, sources(env), [sandboxExtension]);
  return Object.fromEntries(Object.keys(stacks).map((name) => [name, stacks[name]]));
}

const real = synthesize({});
const sandbox = synthesize({ SANDBOX: '1', SANDBOX_HOME: sandboxHome, SANDBOX_ENDPOINT: ENDPOINT });
const ownEndpoint = synthesize({ SANDBOX: '1', SANDBOX_HOME: sandboxHome, SANDBOX_ENDPOINT: OWN_ENDPOINT, AWS_CA_BUNDLE: CA_FILE });
// The state-backend's phase 2 (state in its own bucket) has an S3 backend too.
const migratedReal = synthesize({ STATE_BACKEND_MIGRATED: 'true' });
const migratedSandbox = synthesize({ STATE_BACKEND_MIGRATED: 'true', SANDBOX: '1', SANDBOX_HOME: sandboxHome, SANDBOX_ENDPOINT: ENDPOINT });

describe('SANDBOX=1 changes connection settings and nothing else', () => {
  it('synthesizes the same stacks', () => {
    expect(Object.keys(sandbox).sort()).toEqual(Object.keys(real).sort());
  });

  it.each([
    ['every stack', real, sandbox],
    ['the migrated state-backend', migratedReal, migratedSandbox],
    ['every stack, at an endpoint of your own', real, ownEndpoint],
  ])('%s: every difference is a connection setting', (_label, realStacks, sandboxStacks) => {
    const unexpected = Object.keys(realStacks).flatMap((name) =>
      differences(realStacks[name], sandboxStacks[name]).filter((path) => !allowed(path)).map((path) => `${name}: ${path}`),
    );
    expect(unexpected).toEqual([]);
  });

  it('has every provider trust the sandbox\'s CA alone, with no endpoints block (the session\'s AWS_ENDPOINT_URL names the endpoint)', () => {
    for (const [name, stack] of Object.entries(sandbox)) {
      for (const provider of stack.provider!.aws) {
        expect({ name, endpoints: provider.endpoints, ca: provider.custom_ca_bundle, pathStyle: provider.s3_use_path_style, retries: provider.max_retries, noMetadata: provider.skip_metadata_api_check }).toEqual({
          name,
          // An endpoints block, even an empty one, costs every provider process about 2.5 s of CPU.
          endpoints: undefined,
          ca: CA_FILE,
          pathStyle: true,
          retries: 1,
          // The sandbox's credentials are the only source: no EC2 instance metadata lookup outside it.
          noMetadata: 'true',
        });
      }
    }
  });

  it('names every service the stacks use at an endpoint that is not the sandbox\'s, whatever AWS_CA_BUNDLE names', () => {
    for (const [name, stack] of Object.entries(ownEndpoint)) {
      for (const provider of stack.provider!.aws) {
        expect({ name, endpoints: provider.endpoints, ca: provider.custom_ca_bundle }).toEqual({ name, endpoints: [Object.fromEntries(PROVIDER_SERVICES.map((service) => [service, OWN_ENDPOINT]))], ca: undefined });
      }
    }
  });

  it('points every S3 backend at the sandbox (staging, production, the migrated state-backend)', () => {
    const backends = [sandbox.staging, sandbox.production, migratedSandbox['state-backend']].map((stack) => stack.terraform.backend!.s3);
    for (const backend of backends) {
      expect(backend).toMatchObject({ endpoints: Object.fromEntries(BACKEND_SERVICES.map((service) => [service, ENDPOINT])), use_path_style: true, max_retries: 1 });
      // No credential-check skips (the sandbox answers STS for real); only the metadata lookup is off.
      expect(Object.keys(backend).filter((key) => key.startsWith('skip_'))).toEqual(['skip_metadata_api_check']);
      expect(backend.skip_metadata_api_check).toBe(true);
    }
  });

  it('keeps the TLS-only statement and the real account IDs in the sandbox synth', () => {
    const policy = Object.values(sandbox['state-backend'].resource!.aws_s3_bucket_policy)[0].policy as string;
    expect(policy).toContain('aws:SecureTransport');
    expect(sandbox.staging.provider!.aws[0].allowed_account_ids).toEqual(['222222222222']);
    expect(sandbox.production.provider!.aws[0].allowed_account_ids).toEqual(['333333333333']);
  });

  it('catches a difference that is not a connection setting (the check can fail)', () => {
    const tampered = JSON.parse(JSON.stringify(sandbox['state-backend'])) as StackJson;
    const bucketPolicy = Object.values(tampered.resource!.aws_s3_bucket_policy)[0];
    bucketPolicy.policy = 'null';
    tampered.provider!.aws[0].skip_credentials_validation = true;
    const found = differences(real['state-backend'], tampered).filter((path) => !allowed(path));
    expect(found).toEqual(
      expect.arrayContaining([expect.stringMatching(/^resource\.aws_s3_bucket_policy\..+\.policy$/), 'provider.aws[0].skip_credentials_validation']),
    );
  });
});

describe('SANDBOX=1 without a sandbox', () => {
  const home = mkdtempSync(join(tmpdir(), 'sandbox-none-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('stops synth with the command that starts one, and writes nothing', () => {
    const out = join(home, 'cdktf.out');
    const result = spawnSync(process.execPath, typescriptNodeArgs('main.ts'), {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, SANDBOX: '1', SANDBOX_HOME: home, SANDBOX_ENDPOINT: '', CDKTF_OUTDIR: out, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`SANDBOX: no sandbox is running (no ${home}/run/sandbox.json); start it with \`npm run sandbox -- up\``);
    // cdktf's App creates the directory when constructed; nothing is written into it.
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    expect(existsSync(join(out, 'stacks', 'staging', 'cdk.tf.json'))).toBe(false);
  });
});
