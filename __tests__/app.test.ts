import { appDefinition } from '../environments';
import { onlyResource, resourcesOf, synthApp, type StackJson } from './support/synth';

const { stacks } = synthApp(appDefinition);

describe('the app', () => {
  it('synthesizes exactly dev, staging, production, state-backend and the CI identity stacks', () => {
    expect(Object.keys(stacks).sort()).toEqual(['ci-production', 'ci-staging', 'dev', 'production', 'staging', 'state-backend']);
  });

  it.each(Object.keys(stacks))('%s matches its snapshot', (name) => {
    expect(stacks[name]).toMatchSnapshot();
  });
});

describe('state backends', () => {
  it('dev: local state only, no remote backend', () => {
    expect(stacks.dev.terraform.backend).toEqual({ local: { path: '../../../terraform.dev.tfstate' } });
    expect(stacks.dev.terraform.cloud).toBeUndefined();
  });

  it('staging: S3 with native lockfile locking and no DynamoDB', () => {
    const s3 = stacks.staging.terraform.backend?.s3;
    expect(Object.keys(stacks.staging.terraform.backend ?? {})).toEqual(['s3']);
    expect(s3?.use_lockfile).toBe(true);
    expect(s3?.encrypt).toBe(true);
    expect(s3).not.toHaveProperty('dynamodb_table');
    expect(s3?.key).toBe('acme-platform/staging/terraform.tfstate');
    expect(stacks.staging.terraform.required_version).toBe('>= 1.10.2');
  });

  it('production: S3 with DynamoDB locking, encrypted with the state KMS key', () => {
    const s3 = stacks.production.terraform.backend?.s3;
    expect(s3?.dynamodb_table).toBe('acme-platform-tflock');
    // Terraform 1.15.0/1.15.1 print the dynamodb_table warning on stdout of `output -json`, breaking cdktf deploy;
    // 1.7.2 is the floor of its state role's prefix-limited listing (hashicorp/terraform#34511), above the
    // alias ARN's 1.6.1 (#33993).
    expect(stacks.production.terraform.required_version).toBe('>= 1.7.2, != 1.15.0, != 1.15.1');
    expect(s3?.encrypt).toBe(true);
    expect(s3?.kms_key_id).toBe('arn:aws:kms:eu-west-1:333333333333:alias/acme-platform-tfstate');
    expect(s3).not.toHaveProperty('use_lockfile');
    expect(s3?.key).toBe('acme-platform/production/terraform.tfstate');
  });

  it('state-backend starts on local state (bootstrap phase 1) and moves to S3 in phase 2', () => {
    expect(stacks['state-backend'].terraform.backend).toEqual({ local: { path: '../../../terraform.state-backend.tfstate' } });
    const migrated = synthApp(appDefinition, { context: (k) => (k === 'stateBackendMigrated' ? true : undefined), env: {} });
    expect(migrated.stacks['state-backend'].terraform.backend?.s3).toMatchObject({
      bucket: 'acme-platform-tfstate',
      key: 'acme-platform/state-backend/terraform.tfstate',
      use_lockfile: true,
    });
  });

  it('every stack declares the aws provider pinned to the offline-available 5.100.0', () => {
    for (const stack of Object.values(stacks)) {
      expect(stack.terraform.required_providers).toEqual({ aws: { source: 'aws', version: '5.100.0' } });
    }
  });
});

describe('providers', () => {
  it.each([
    ['dev', '111111111111'],
    ['staging', '222222222222'],
    ['production', '333333333333'],
  ])('%s guards its account and tags everything', (name, account) => {
    const [aws] = stacks[name].provider?.aws ?? [];
    expect(aws.allowed_account_ids).toEqual([account]);
    expect(aws.region).toBe('eu-west-1');
    expect((aws.default_tags as Array<{ tags: Record<string, string> }>)[0].tags).toMatchObject({
      environment: name,
      'managed-by': 'cdktf',
    });
  });
});

describe('state-backend hardening', () => {
  const stack = stacks['state-backend'];
  // The state bucket's, key's and table's own resources (the log bucket and the replica have theirs: state-backend-options.test.ts).
  const onlyResource = (s: StackJson, type: string) => {
    const own = Object.entries(s.resource?.[type] ?? {}).filter(([name]) => /^(state_|state-key_|lock-table)/.test(name));
    if (own.length !== 1) throw new Error(`expected exactly one ${type} of the state bucket, found ${own.length}`);
    return own[0][1];
  };
  const bucketRef = (s: StackJson) => `\${aws_s3_bucket.${Object.keys(s.resource?.aws_s3_bucket ?? {}).find((name) => name.startsWith('state_'))}.id}`;

  it('bucket: named from the blueprint, prevent_destroy, no force_destroy', () => {
    expect(onlyResource(stack, 'aws_s3_bucket')).toMatchObject({
      bucket: 'acme-platform-tfstate',
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('versioning enabled', () => {
    expect(onlyResource(stack, 'aws_s3_bucket_versioning')).toMatchObject({
      bucket: bucketRef(stack),
      versioning_configuration: { status: 'Enabled' },
    });
  });

  it('SSE-KMS with a rotating key and S3 Bucket Keys', () => {
    const [rule] = onlyResource(stack, 'aws_s3_bucket_server_side_encryption_configuration').rule as Array<Record<string, unknown>>;
    expect(rule).toMatchObject({ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' }, bucket_key_enabled: true });
    expect(onlyResource(stack, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    expect(onlyResource(stack, 'aws_kms_alias')).toMatchObject({ name: 'alias/acme-platform-tfstate' });
  });

  it('all four public access blocks and BucketOwnerEnforced', () => {
    expect(onlyResource(stack, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(stack, 'aws_s3_bucket_ownership_controls')).toMatchObject({
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
  });

  it('a bucket policy denying requests without TLS', () => {
    const policy = onlyResource(stack, 'aws_s3_bucket_policy').policy as string;
    expect(policy).toContain('"Effect" = "Deny"');
    expect(policy).toContain('"aws:SecureTransport" = "false"');
    expect(policy).toContain('"Action" = "s3:*"');
  });

  it('noncurrent versions expire after the configured days', () => {
    const [rule] = onlyResource(stack, 'aws_s3_bucket_lifecycle_configuration').rule as Array<Record<string, unknown>>;
    expect(rule).toMatchObject({ status: 'Enabled', noncurrent_version_expiration: [{ noncurrent_days: 90 }] });
  });

  it('lock table: LockID string hash key, on-demand, PITR, SSE, deletion protection, prevent_destroy', () => {
    expect(onlyResource(stack, 'aws_dynamodb_table')).toMatchObject({
      name: 'acme-platform-tflock',
      hash_key: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      billing_mode: 'PAY_PER_REQUEST',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });
});

describe('example workload hardening grows with the environment', () => {
  const bucket = (name: string) => onlyResource(stacks[name], 'aws_s3_bucket');

  it('dev: force_destroy, no versioning, no prevent_destroy', () => {
    expect(bucket('dev')).toMatchObject({ bucket: 'acme-platform-dev-assets', force_destroy: true });
    expect(bucket('dev')).not.toHaveProperty('lifecycle');
    expect(resourcesOf(stacks.dev, 'aws_s3_bucket_versioning')).toHaveLength(0);
  });

  it('staging: versioning, no force_destroy', () => {
    expect(bucket('staging')).toMatchObject({ force_destroy: false });
    expect(onlyResource(stacks.staging, 'aws_s3_bucket_versioning')).toMatchObject({ versioning_configuration: { status: 'Enabled' } });
  });

  it('production: versioning, SSE-KMS, TLS-only and prevent_destroy', () => {
    expect(bucket('production')).toMatchObject({ force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(onlyResource(stacks.production, 'aws_s3_bucket_versioning')).toMatchObject({ versioning_configuration: { status: 'Enabled' } });
    const [rule] = onlyResource(stacks.production, 'aws_s3_bucket_server_side_encryption_configuration').rule as Array<Record<string, unknown>>;
    expect(rule).toMatchObject({ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } });
    expect(resourcesOf(stacks.production, 'aws_s3_bucket_policy')).toHaveLength(1);
  });
});
