import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { TerraformStack, Testing, type App } from 'cdktf';
import { appDefinition } from '../environments';
import { SecureBucket } from '../lib/constructs/secure-bucket';
import { applyGuardrails, guardrailFindings } from '../lib/guardrails';
import { definitionProblems } from '../lib/validation/validate-definitions';
import { resolveBlueprint } from '../lib/settings/blueprint';
import { resourcesOf, sources, synthApp, type StackJson } from './support/synth';

/** The state-backend options `accessLogs` and `replica` (docs/backend-configuration.md): what they create, and what they refuse. */

const blueprint = resolveBlueprint(sources());
const stateBackend = appDefinition.stateBackend(blueprint);
const withBackend = (overrides: Record<string, unknown>) => ({ ...appDefinition, stateBackend: () => ({ ...stateBackend, ...overrides }) as never });
const named = (stack: StackJson, type: string, prefix: string) => Object.entries(stack.resource?.[type] ?? {}).filter(([name]) => name.startsWith(prefix)).map(([, resource]) => resource);

describe('access logs (on by default)', () => {
  const stack = synthApp(appDefinition).stacks['state-backend'];

  it('a log bucket: SSE-S3, versioned, private, records expired after 365 days', () => {
    const [bucket] = named(stack, 'aws_s3_bucket', 'access-logs_');
    expect(bucket).toMatchObject({ bucket: 'acme-platform-tfstate-logs', force_destroy: false });
    const [encryption] = named(stack, 'aws_s3_bucket_server_side_encryption_configuration', 'access-logs_');
    expect(encryption.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
    expect(named(stack, 'aws_s3_bucket_public_access_block', 'access-logs_')[0]).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(named(stack, 'aws_s3_bucket_ownership_controls', 'access-logs_')[0]).toMatchObject({ rule: { object_ownership: 'BucketOwnerEnforced' } });
    const [lifecycle] = named(stack, 'aws_s3_bucket_lifecycle_configuration', 'access-logs_');
    expect((lifecycle.rule as Array<Record<string, unknown>>)[0]).toMatchObject({ status: 'Enabled', expiration: [{ days: 365 }] });
  });

  it('its policy: TLS only, and only the logging service, for the state bucket in the state account', () => {
    const policy = named(stack, 'aws_s3_bucket_policy', 'access-logs_')[0].policy as string;
    expect(policy).toContain('"aws:SecureTransport" = ["false"]');
    expect(policy).toContain('"Service" = ["logging.s3.amazonaws.com"]');
    expect(policy).toContain('"aws:SourceArn" = [aws_s3_bucket.state_bucket_803B4E61.arn]');
    expect(policy).toContain('"aws:SourceAccount" = ["333333333333"]');
    expect(policy).toContain('/acme-platform-tfstate/*"]');
  });

  it('server access logging of the state bucket goes into it, under the state bucket\'s name', () => {
    expect(resourcesOf(stack, 'aws_s3_bucket_logging')).toEqual([
      expect.objectContaining({ bucket: '${aws_s3_bucket.state_bucket_803B4E61.id}', target_bucket: '${aws_s3_bucket.access-logs_bucket_1581D030.id}', target_prefix: 'acme-platform-tfstate/' }),
    ]);
  });

  it('the lifecycle configuration waits for nothing but its bucket (its 55 s wait overlaps the rest)', () => {
    const [lifecycle] = named(stack, 'aws_s3_bucket_lifecycle_configuration', 'access-logs_');
    expect(lifecycle.depends_on).toBeUndefined();
    expect(lifecycle.bucket).toBe('${aws_s3_bucket.access-logs_bucket_1581D030.id}');
  });

  it('off, or another retention', () => {
    const off = synthApp(withBackend({ accessLogs: { kind: 'off' } })).stacks['state-backend'];
    expect(resourcesOf(off, 'aws_s3_bucket_logging')).toEqual([]);
    expect(named(off, 'aws_s3_bucket', 'access-logs_')).toEqual([]);
    const month = synthApp(withBackend({ accessLogs: { kind: 'on', retentionDays: 30, bucket: 'acme-audit-logs' } })).stacks['state-backend'];
    expect(named(month, 'aws_s3_bucket', 'access-logs_')[0]).toMatchObject({ bucket: 'acme-audit-logs' });
    expect((named(month, 'aws_s3_bucket_lifecycle_configuration', 'access-logs_')[0].rule as Array<Record<string, unknown>>)[0]).toMatchObject({ expiration: [{ days: 30 }] });
  });
});

describe('replica in a second region (production\'s blueprint turns it on)', () => {
  const stack = synthApp(appDefinition).stacks['state-backend'];
  const provider = (stack.provider as { aws: Array<Record<string, unknown>> }).aws;

  it('a second AWS provider, aliased, in the replica region; the default provider is unchanged', () => {
    expect(provider.map((p) => [p.alias, p.region])).toEqual([[undefined, 'eu-west-1'], ['replica', 'eu-central-1']]);
  });

  it('a versioned replica bucket with its own key in that region', () => {
    expect(named(stack, 'aws_s3_bucket', 'replica_')[0]).toMatchObject({ bucket: 'acme-platform-tfstate-replica', provider: 'aws.replica', lifecycle: { prevent_destroy: true } });
    expect(named(stack, 'aws_s3_bucket_versioning', 'replica_')[0]).toMatchObject({ provider: 'aws.replica', versioning_configuration: { status: 'Enabled' } });
    expect(named(stack, 'aws_kms_key', 'replica_')[0]).toMatchObject({ provider: 'aws.replica', enable_key_rotation: true });
    expect(named(stack, 'aws_kms_alias', 'replica_')[0]).toMatchObject({ provider: 'aws.replica', name: 'alias/acme-platform-tfstate-replica' });
  });

  it('one rule for every object, delete markers included, SSE-KMS objects re-encrypted with the replica key', () => {
    const [configuration] = resourcesOf(stack, 'aws_s3_bucket_replication_configuration');
    expect(configuration.role).toBe('${aws_iam_role.replication-role.arn}');
    expect(configuration.rule).toEqual([
      expect.objectContaining({
        status: 'Enabled',
        filter: {},
        delete_marker_replication: { status: 'Enabled' },
        source_selection_criteria: { sse_kms_encrypted_objects: { status: 'Enabled' } },
        destination: expect.objectContaining({ encryption_configuration: { replica_kms_key_id: '${aws_kms_key.replica_key_201AFAA3.arn}' } }),
      }),
    ]);
  });

  it('the replication role: trusted by S3 for this account only, least privilege, keys through S3 only', () => {
    const role = (stack.resource?.aws_iam_role as Record<string, Record<string, unknown>>)['replication-role'];
    expect(JSON.parse(role.assume_role_policy as string).Statement).toEqual([
      expect.objectContaining({ Principal: { Service: ['s3.amazonaws.com'] }, Action: ['sts:AssumeRole'], Condition: { StringEquals: { 'aws:SourceAccount': ['333333333333'] } } }),
    ]);
    const policy = JSON.parse(named(stack, 'aws_iam_role_policy', 'replica_')[0].policy as string) as { Statement: Array<{ Action: string[]; Resource: string[]; Condition?: unknown }> };
    const actions = policy.Statement.flatMap((statement) => statement.Action).sort();
    expect(actions).toEqual([
      'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey',
      's3:GetObjectVersionAcl', 's3:GetObjectVersionForReplication', 's3:GetObjectVersionTagging', 's3:GetReplicationConfiguration', 's3:ListBucket',
      's3:ReplicateDelete', 's3:ReplicateObject', 's3:ReplicateTags',
    ]);
    for (const statement of policy.Statement.filter((s) => s.Action.some((a) => a.startsWith('kms:')))) expect(statement.Condition).toEqual({ StringEquals: { 'kms:ViaService': [expect.stringMatching(/^s3\.eu-(west|central)-1\.amazonaws\.com$/)] } });
    expect(policy.Statement.every((statement) => !statement.Resource.includes('*'))).toBe(true);
  });

  it('the state key lets the replication role decrypt through S3, and nothing more', () => {
    const key = named(stack, 'aws_kms_key', 'state-key_')[0];
    const statement = JSON.parse(key.policy as string).Statement.find((s: { Sid: string }) => s.Sid === 'ReplicationDecryptsThroughS3');
    expect(statement).toEqual({ Sid: 'ReplicationDecryptsThroughS3', Effect: 'Allow', Principal: { AWS: ['${aws_iam_role.replication-role.arn}'] }, Action: ['kms:Decrypt'], Resource: ['*'], Condition: { StringEquals: { 'kms:ViaService': ['s3.eu-west-1.amazonaws.com'] } } });
  });

  it('without the option, nothing of it', () => {
    const none = synthApp(withBackend({ replica: undefined })).stacks['state-backend'];
    expect(resourcesOf(none, 'aws_s3_bucket_replication_configuration')).toEqual([]);
    expect((none.provider as { aws: unknown[] }).aws).toHaveLength(1);
  });
});

describe('validation of the options: every problem at once, field and fix named', () => {
  it('reports a bad retention, a replica in the same region and a derived name too long together', () => {
    const problems = definitionProblems('acme-platform', [], {
      ...stateBackend,
      bucket: 'a'.repeat(60),
      accessLogs: { kind: 'on', retentionDays: 0 },
      replica: { region: stateBackend.region },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^state-backend\.accessLogs\.retentionDays: must be at least 1 day/),
      expect.stringMatching(/^state-backend\.accessLogs\.bucket: "a{60}-logs" \(derived from the state bucket's name\) is not a valid S3 bucket name: .*Fix: set accessLogs\.bucket/),
      expect.stringMatching(/^state-backend\.replica\.bucket: .*Fix: set replica\.bucket to a valid name/),
      expect.stringMatching(/^state-backend\.replica\.region: is the state-backend's own region "eu-west-1": .*e\.g\. "eu-central-1"/),
    ]);
  });

  it('names the shapes it accepts', () => {
    expect(definitionProblems('acme-platform', [], { ...stateBackend, accessLogs: { kind: 'maybe' }, replica: { region: 'mars-1' } })).toEqual([
      expect.stringMatching(/^state-backend\.accessLogs\.kind: must be \{ kind: "on", retentionDays\?: <days>, bucket\?: "<log bucket>" \} or \{ kind: "off" \}/),
      expect.stringMatching(/^state-backend\.replica\.region: "mars-1" is not an AWS region code/),
    ]);
  });
});

describe('guardrail access-log-target', () => {
  function loggedStack(build: (stack: TerraformStack, target: SecureBucket) => void) {
    const stack = new TerraformStack(Testing.app({ stackTraces: false }) as App, 'svc');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const source = new SecureBucket(stack, 'data', { bucketName: 'acme-data', encryption: { kind: 'sse-s3' }, versioning: true });
    build(stack, source);
    applyGuardrails(stack, { environment: 'svc', protection: 'standard' });
    return stack;
  }

  it('fires for an SSE-KMS target without a guarded grant, naming both', () => {
    const stack = loggedStack((s, source) => {
      const target = new SecureBucket(s, 'logs', { bucketName: 'acme-logs', encryption: { kind: 'sse-kms', kmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/k' }, versioning: true });
      new S3BucketPolicy(s, 'grant', { bucket: target.bucket.id, policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Resource: '*' }] }) });
      new S3BucketLoggingA(s, 'logging', { bucket: source.bucket.id, targetBucket: target.bucket.id, targetPrefix: 'x/' });
    });
    const findings = guardrailFindings(stack).filter((finding) => finding.ruleId === 'access-log-target');
    expect(findings).toHaveLength(1);
    expect(findings[0].path).toBe('svc/logging');
    expect(findings[0].message).toContain("the target bucket's default encryption is not SSE-S3 (AES256) and the target bucket has no policy granting logging.s3.amazonaws.com under aws:SourceAccount and aws:SourceArn");
  });

  it('passes for the real state-backend (built with AccessLogBucket)', () => {
    expect(() => synthApp(appDefinition)).not.toThrow();
  });
});
