import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { S3Backend, TerraformStack, TerraformVariable, Testing, type App } from 'cdktf';
import { appDefinition } from '../environments';
import { applyStateBackend } from '../lib/backends/backend-factory';
import { SecureBucket } from '../lib/constructs/secure-bucket';
import type { ProtectionLevel } from '../lib/definitions/environment';
import { applyGuardrails, assertGuardrails, guardrailFindings, GuardrailError, suppress } from '../lib/guardrails';
import { isSecretLookingName } from '../lib/guardrails/rules/no-plaintext-secrets';
import type { StateDefinition } from '../lib/definitions/state-definition';
import { stagingOnLocalState } from './fixtures/staging-on-local-state';
import { synthApp } from './support/synth';

const lockfileState: StateDefinition = { kind: 's3', bucket: 'acme-tfstate', region: 'eu-west-1', locking: 'lockfile' };
const kmsState: StateDefinition = {
  kind: 's3',
  bucket: 'acme-tfstate',
  region: 'eu-west-1',
  locking: 'dynamodb',
  dynamodbTable: 'acme-tflock',
  kmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:alias/acme-tfstate',
};

/** A stack named `svc` with the given state, an AWS provider, whatever `build` adds, and the guardrails. */
function guardedStack(protection: ProtectionLevel, state: StateDefinition | undefined, build: (stack: TerraformStack) => void = () => {}) {
  const stack = new TerraformStack(Testing.app({ stackTraces: false }) as App, 'svc');
  if (state) applyStateBackend(stack, state, { project: 'acme', stack: 'svc' });
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  build(stack);
  applyGuardrails(stack, { environment: 'svc', protection });
  return stack;
}

const ruleIds = (stack: TerraformStack) => guardrailFindings(stack).filter((f) => !f.suppression).map((f) => f.ruleId);
const hardenedBucket = (stack: TerraformStack, id = 'data') =>
  new SecureBucket(stack, id, { bucketName: `acme-${id}`, encryption: { kind: 'sse-s3' }, versioning: true });

describe('shared-env-remote-state', () => {
  it('fires for a shared environment on local state, with the construct path, the fix and how to suppress', () => {
    const findings = guardrailFindings(guardedStack('standard', { kind: 'local' }));
    expect(findings.map((f) => f.ruleId)).toEqual(['shared-env-remote-state']);
    expect(findings[0].message).toBe(
      '[shared-env-remote-state] svc: "svc" is shared (protection "standard") but keeps its state in a local file that nobody else sees and nothing locks. ' +
        'Fix: give the environment remote, locked state, e.g. state: { kind: "s3", bucket, region, locking: "lockfile" } as in environments/staging.ts  ' +
        "(suppress with { id: 'shared-env-remote-state', reason: '...' } if intended)",
    );
  });

  it('fires when no backend is set at all (cdktf falls back to local state)', () => {
    expect(ruleIds(guardedStack('standard', undefined))).toEqual(['shared-env-remote-state']);
  });

  it('fires for S3 state without any locking', () => {
    const stack = guardedStack('standard', undefined, (s) => new S3Backend(s, { bucket: 'acme-tfstate', key: 'k', region: 'eu-west-1' }));
    const [finding] = guardrailFindings(stack);
    expect(finding.message).toContain('has no locking (neither use_lockfile nor dynamodb_table)');
  });

  it('passes for S3 with lockfile or DynamoDB locking, and ignores ephemeral environments', () => {
    expect(ruleIds(guardedStack('standard', lockfileState))).toEqual([]);
    expect(ruleIds(guardedStack('standard', { ...kmsState, kmsKeyId: undefined }))).toEqual([]);
    expect(ruleIds(guardedStack('ephemeral', { kind: 'local' }))).toEqual([]);
  });

  it('is suppressed, with its reason, by a suppression on the stack', () => {
    const stack = guardedStack('standard', { kind: 'local' });
    suppress(stack, { id: 'shared-env-remote-state', reason: 'Demo environment, torn down nightly by one person' });
    const [finding] = guardrailFindings(stack);
    expect(finding.suppression).toEqual({ id: 'shared-env-remote-state', reason: 'Demo environment, torn down nightly by one person' });
    expect(() => assertGuardrails(stack)).not.toThrow();
  });
});

describe('production-state-encrypted', () => {
  it('fires for production S3 state without a KMS key', () => {
    const findings = guardrailFindings(guardedStack('hardened', lockfileState));
    expect(findings.map((f) => f.ruleId)).toEqual(['production-state-encrypted']);
    expect(findings[0].message).toContain('svc: its S3 state is encrypted with S3-managed keys only (no kms_key_id). Fix: set kmsKeyId');
  });

  it('fires for production on local state (next to shared-env-remote-state)', () => {
    expect(ruleIds(guardedStack('hardened', { kind: 'local' }))).toEqual(['shared-env-remote-state', 'production-state-encrypted']);
  });

  it('passes with kmsKeyId, and does not apply outside production', () => {
    expect(ruleIds(guardedStack('hardened', kmsState))).toEqual([]);
    expect(ruleIds(guardedStack('standard', lockfileState))).toEqual([]);
  });

  it('is suppressed per stack with a reason', () => {
    const stack = guardedStack('hardened', lockfileState);
    suppress(stack, { id: 'production-state-encrypted', reason: 'Bucket default encryption is SSE-KMS; audited in SEC-123' });
    expect(ruleIds(stack)).toEqual([]);
  });
});

describe('production-bucket-hardening', () => {
  it('fires for a bare production bucket, naming both gaps and the bucket\'s path', () => {
    const stack = guardedStack('hardened', kmsState, (s) => new S3Bucket(s, 'raw', { bucket: 'acme-raw' }));
    const [finding] = guardrailFindings(stack);
    expect(finding.ruleId).toBe('production-bucket-hardening');
    expect(finding.path).toBe('svc/raw');
    expect(finding.message).toContain('versioning is not enabled and no public access block with all four settings true');
  });

  it('fires for a SecureBucket without versioning (the public access block alone is not enough)', () => {
    const stack = guardedStack('hardened', kmsState, (s) =>
      new SecureBucket(s, 'logs', { bucketName: 'acme-logs', encryption: { kind: 'sse-s3' }, versioning: false }),
    );
    const [finding] = guardrailFindings(stack);
    expect(finding.path).toBe('svc/logs/bucket');
    expect(finding.message).toContain('production bucket: versioning is not enabled. Fix:');
  });

  it('passes for a versioned SecureBucket and does not apply outside production', () => {
    expect(ruleIds(guardedStack('hardened', kmsState, (s) => hardenedBucket(s)))).toEqual([]);
    expect(ruleIds(guardedStack('standard', lockfileState, (s) => new S3Bucket(s, 'raw', { bucket: 'acme-raw' })))).toEqual([]);
  });

  it('matches companions to their own bucket, not to any bucket in the stack', () => {
    const stack = guardedStack('hardened', kmsState, (s) => {
      hardenedBucket(s);
      new S3Bucket(s, 'raw', { bucket: 'acme-raw' });
    });
    expect(guardrailFindings(stack).map((f) => f.path)).toEqual(['svc/raw']);
  });

  it('is suppressed on the wrapper construct for everything under it', () => {
    const stack = guardedStack('hardened', kmsState, (s) => {
      const logs = new SecureBucket(s, 'logs', { bucketName: 'acme-logs', encryption: { kind: 'sse-s3' }, versioning: false });
      suppress(logs, { id: 'production-bucket-hardening', reason: 'Access logs: write-once, expired after 7 days' });
    });
    expect(ruleIds(stack)).toEqual([]);
    expect(guardrailFindings(stack)[0].suppression?.reason).toBe('Access logs: write-once, expired after 7 days');
  });
});

describe('no-plaintext-secrets', () => {
  it('fires for a literal SecureString value and a literal secret_string', () => {
    const stack = guardedStack('standard', lockfileState, (s) => {
      new SsmParameter(s, 'db-password', { name: '/svc/db/password', type: 'SecureString', value: 'hunter2-but-longer' });
      new SecretsmanagerSecretVersion(s, 'api', { secretId: 'svc/api', secretString: '{"key":"abc"}' });
    });
    const findings = guardrailFindings(stack);
    expect(findings.map((f) => [f.path, f.ruleId])).toEqual([
      ['svc/db-password', 'no-plaintext-secrets'],
      ['svc/api', 'no-plaintext-secrets'],
    ]);
    expect(findings[0].message).toContain('literal secret-looking value in "value"');
    expect(findings[1].message).toContain('literal secret-looking value in "secret_string"');
  });

  it('fires for literal credentials in the provider', () => {
    const stack = guardedStack('ephemeral', { kind: 'local' }, (s) => {
      new AwsProvider(s, 'aws-keys', { region: 'eu-west-1', alias: 'keys', accessKey: 'AKIAEXAMPLE', secretKey: 'wJalrEXAMPLE' });
    });
    const [finding] = guardrailFindings(stack);
    expect(finding.path).toBe('svc/aws-keys');
    expect(finding.message).toContain('"access_key", "secret_key"');
  });

  it('accepts references: a sensitive variable, another resource\'s attribute', () => {
    const stack = guardedStack('standard', lockfileState, (s) => {
      const password = new TerraformVariable(s, 'db_password', { type: 'string', sensitive: true });
      new SsmParameter(s, 'db-password', { name: '/svc/db/password', type: 'SecureString', value: password.stringValue });
      const parameter = new SsmParameter(s, 'plain', { name: '/svc/plain', type: 'String', value: 'not-a-secret' });
      new SecretsmanagerSecretVersion(s, 'api', { secretId: 'svc/api', secretString: parameter.value });
    });
    expect(ruleIds(stack)).toEqual([]);
  });

  it('is suppressed per resource with a reason', () => {
    const stack = guardedStack('standard', lockfileState, (s) => {
      const fixture = new SsmParameter(s, 'fixture', { name: '/svc/fixture', type: 'SecureString', value: 'public-test-value' });
      suppress(fixture, { id: 'no-plaintext-secrets', reason: 'Published test fixture, not a credential' });
    });
    expect(ruleIds(stack)).toEqual([]);
  });

  it.each([
    ['master_password', true],
    ['auth_token', true],
    ['api_key', true],
    ['private_key', true],
    ['secret_string', true],
    ['secret_arn', false],
    ['secret_id', false],
    ['password_length', false],
    ['kms_key_id', false],
    ['name', false],
  ])('%s is secret-looking: %s', (name, expected) => {
    expect(isSecretLookingName(name)).toBe(expected);
  });
});

describe('suppressions', () => {
  const stack = () => guardedStack('standard', { kind: 'local' });

  it('reject an empty or token reason', () => {
    expect(() => suppress(stack(), { id: 'shared-env-remote-state', reason: '' })).toThrow(/needs a reason of at least 10 characters/);
    expect(() => suppress(stack(), { id: 'shared-env-remote-state', reason: '   ok   ' })).toThrow(/needs a reason/);
  });

  it('reject an unknown rule id', () => {
    expect(() => suppress(stack(), { id: 'shared-env-remote-stat', reason: 'a long enough reason' })).toThrow(
      /unknown guardrail "shared-env-remote-stat".*shared-env-remote-state/,
    );
  });

  it('cover only the rule they name', () => {
    const s = guardedStack('hardened', { kind: 'local' });
    suppress(s, { id: 'shared-env-remote-state', reason: 'Single-operator production sandbox' });
    expect(ruleIds(s)).toEqual(['production-state-encrypted']);
  });
});

describe('synth', () => {
  it('assertGuardrails lists every violation before anything is written', () => {
    const s = guardedStack('hardened', { kind: 'local' }, (st) => new S3Bucket(st, 'raw', { bucket: 'acme-raw' }));
    expect(() => assertGuardrails(s)).toThrow(GuardrailError);
    expect(() => assertGuardrails(s)).toThrow(/Guardrails violated \(3\); nothing was synthesized/);
  });

  it('as an Aspect: app.synth() fails on the error annotations', () => {
    const s = guardedStack('standard', { kind: 'local' });
    expect(() => (s.node.scope as App).synth()).toThrow(/\[shared-env-remote-state\] svc:/);
  });

  it('the real app passes every rule with no suppression', () => {
    const { built } = synthApp(appDefinition);
    expect(guardrailFindings(built.stateBackendStack.node.scope!)).toEqual([]);
  });

  it('the real app\'s stacks carry the guardrails: moving staging to local state is caught', () => {
    const { built } = synthApp(stagingOnLocalState);
    expect(guardrailFindings(built.stateBackendStack.node.scope!).map((f) => `${f.ruleId} ${f.path}`)).toEqual([
      'shared-env-remote-state staging',
    ]);
  });
});
