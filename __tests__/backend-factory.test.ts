import { App, TerraformStack, Testing } from 'cdktf';
import { applyStateBackend, stateLocation } from '../lib/backends/backend-factory';
import type { StateDefinition } from '../lib/definitions/state-definition';
import {
  BASELINE_TERRAFORM_VERSION,
  DYNAMODB_WARNING_ON_STDOUT_FIXED_IN,
  DYNAMODB_WARNING_ON_STDOUT_VERSIONS,
  excludedVersionsFor,
  exclusionReasonFor,
  minimumVersionFor,
  NATIVE_S3_LOCKING_VERSION,
  requiredVersionFor,
} from '../lib/backends/terraform-version';
import { synthStack } from './support/synth';

const context = { project: 'acme', stack: 'svc' };

function backendOf(state: StateDefinition) {
  const stack = new TerraformStack(Testing.app({ stackTraces: false }) as App, 'svc');
  applyStateBackend(stack, state, context);
  return synthStack(stack).terraform;
}

const s3 = { kind: 's3', bucket: 'acme-tfstate', region: 'eu-west-1' } as const;

describe('applyStateBackend', () => {
  it('local: an explicit, relative local backend and the baseline version', () => {
    const terraform = backendOf({ kind: 'local' });
    expect(terraform.backend).toEqual({ local: { path: '../../../terraform.svc.tfstate' } });
    expect(terraform.required_version).toBe('>= 1.6.0');
    expect(terraform).toMatchSnapshot();
  });

  it('s3 lockfile: use_lockfile, no dynamodb_table, needs >= 1.10.2 (OpenTofu 1.10.0/1.10.1 lock unencrypted)', () => {
    const terraform = backendOf({ ...s3, locking: 'lockfile' });
    expect(terraform.backend?.s3).toEqual({
      bucket: 'acme-tfstate',
      key: 'acme/svc/terraform.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      use_lockfile: true,
    });
    expect(terraform.backend?.s3).not.toHaveProperty('dynamodb_table');
    expect(terraform.required_version).toBe('>= 1.10.2');
    expect(terraform).toMatchSnapshot();
  });

  it('s3 dynamodb: dynamodb_table, no use_lockfile, baseline version without the Terraform releases that break output -json', () => {
    const terraform = backendOf({ ...s3, locking: 'dynamodb', dynamodbTable: 'acme-tflock' });
    expect(terraform.backend?.s3).toMatchObject({ dynamodb_table: 'acme-tflock', encrypt: true });
    expect(terraform.backend?.s3).not.toHaveProperty('use_lockfile');
    expect(terraform.required_version).toBe('>= 1.6.0, != 1.15.0, != 1.15.1');
    expect(terraform).toMatchSnapshot();
  });

  it('s3 both (migration mode): both lock mechanisms at once, both constraints', () => {
    const terraform = backendOf({ ...s3, locking: 'both', dynamodbTable: 'acme-tflock' });
    expect(terraform.backend?.s3).toMatchObject({ dynamodb_table: 'acme-tflock', use_lockfile: true });
    expect(terraform.required_version).toBe('>= 1.10.2, != 1.15.0, != 1.15.1');
    expect(terraform).toMatchSnapshot();
  });

  it('s3: an explicit key and KMS key are passed through', () => {
    const kmsKeyId = 'arn:aws:kms:eu-west-1:123456789012:alias/acme';
    const terraform = backendOf({ ...s3, locking: 'lockfile', key: 'custom/state.tfstate', kmsKeyId });
    expect(terraform.backend?.s3).toMatchObject({ key: 'custom/state.tfstate', kms_key_id: kmsKeyId });
  });

  it('gcs: bucket and a per-stack prefix', () => {
    const terraform = backendOf({ kind: 'gcs', bucket: 'acme-tfstate' });
    expect(terraform.backend).toEqual({ gcs: { bucket: 'acme-tfstate', prefix: 'acme/svc' } });
    expect(terraform.required_version).toBe('>= 1.6.0');
    expect(terraform).toMatchSnapshot();
  });

  it('azurerm: storage account, container, per-stack key, Entra ID auth by default', () => {
    const terraform = backendOf({
      kind: 'azurerm',
      resourceGroupName: 'rg-tfstate',
      storageAccountName: 'acmetfstate',
      containerName: 'tfstate',
    });
    expect(terraform.backend).toEqual({
      azurerm: {
        resource_group_name: 'rg-tfstate',
        storage_account_name: 'acmetfstate',
        container_name: 'tfstate',
        key: 'acme/svc/terraform.tfstate',
        use_azuread_auth: true,
      },
    });
    expect(terraform.required_version).toBe('>= 1.6.0');
    expect(terraform).toMatchSnapshot();
  });

  it('cloud: a `cloud` block with a named workspace, not a backend', () => {
    const terraform = backendOf({ kind: 'cloud', organization: 'acme', workspaces: { name: 'acme-svc' }, project: 'platform' });
    expect(terraform.backend).toBeUndefined();
    expect(terraform.cloud).toEqual({ organization: 'acme', workspaces: { name: 'acme-svc', project: 'platform' } });
    expect(terraform.required_version).toBe('>= 1.6.0');
    expect(terraform).toMatchSnapshot();
  });

  it('cloud: tagged workspaces', () => {
    const terraform = backendOf({ kind: 'cloud', organization: 'acme', workspaces: { tags: ['svc', 'aws'] } });
    expect(terraform.cloud).toMatchObject({ workspaces: { tags: ['svc', 'aws'] } });
  });
});

describe('required_version per locking mode (lib/backends/terraform-version.ts)', () => {
  const lockfile = { ...s3, locking: 'lockfile' } as const;
  const dynamodb = { ...s3, locking: 'dynamodb', dynamodbTable: 't-1' } as const;
  const both = { ...s3, locking: 'both', dynamodbTable: 't-1' } as const;

  it('names the exact releases it excludes, and why they are the ones', () => {
    // opentofu/opentofu#2970: 1.10.0 and 1.10.1 write the .tflock without an encryption header; fixed in 1.10.2.
    expect(NATIVE_S3_LOCKING_VERSION).toBe('1.10.2');
    // hashicorp/terraform#38487 (-raw, 1.15.1) and #38530 (-json, 1.15.2): the warning on stdout of `output`.
    expect(DYNAMODB_WARNING_ON_STDOUT_VERSIONS).toEqual(['1.15.0', '1.15.1']);
    expect(DYNAMODB_WARNING_ON_STDOUT_FIXED_IN).toBe('1.15.2');
    expect(BASELINE_TERRAFORM_VERSION).toBe('1.6.0');
  });

  it.each([
    ['local', { kind: 'local' } as StateDefinition, '>= 1.6.0'],
    ['s3 lockfile', lockfile, '>= 1.10.2'],
    ['s3 dynamodb', dynamodb, '>= 1.6.0, != 1.15.0, != 1.15.1'],
    ['s3 both', both, '>= 1.10.2, != 1.15.0, != 1.15.1'],
    ['gcs', { kind: 'gcs', bucket: 'b-1' } as StateDefinition, '>= 1.6.0'],
    ['azurerm', { kind: 'azurerm', resourceGroupName: 'rg', storageAccountName: 'sa', containerName: 'c' } as StateDefinition, '>= 1.6.0'],
    ['cloud', { kind: 'cloud', organization: 'acme', workspaces: { name: 'w' } } as StateDefinition, '>= 1.6.0'],
  ])('%s: %s', (_name, state, constraint) => {
    expect(requiredVersionFor(state)).toBe(constraint);
  });

  it('only stacks with dynamodb_table exclude releases; only stacks with use_lockfile raise the floor', () => {
    expect(excludedVersionsFor(lockfile)).toEqual([]);
    expect(excludedVersionsFor(dynamodb)).toEqual(['1.15.0', '1.15.1']);
    expect(minimumVersionFor(dynamodb)).toBe('1.6.0');
    expect(minimumVersionFor(both)).toBe('1.10.2');
  });

  it('explains an excluded release, and only for stacks with dynamodb_table', () => {
    expect(exclusionReasonFor(dynamodb, '1.15.0')).toContain('Failed to parse terraform output');
    expect(exclusionReasonFor(both, 'v1.15.1')).toContain('fixed in 1.15.2');
    expect(exclusionReasonFor(dynamodb, '1.15.2')).toBeUndefined();
    expect(exclusionReasonFor(lockfile, '1.15.0')).toBeUndefined();
  });
});

describe('stateLocation', () => {
  it('tells apart stacks and agrees for the same object', () => {
    const lockfile = { ...s3, locking: 'lockfile' } as const;
    expect(stateLocation(lockfile, context)).toBe('s3://acme-tfstate/acme/svc/terraform.tfstate');
    expect(stateLocation(lockfile, { ...context, stack: 'other' })).not.toBe(stateLocation(lockfile, context));
    expect(stateLocation({ ...s3, locking: 'dynamodb', dynamodbTable: 't-1' }, context)).toBe(stateLocation(lockfile, context));
  });
});

describe('illegal combinations do not compile', () => {
  it('rejects a lock table with lockfile locking and a missing table with dynamodb locking', () => {
    // @ts-expect-error dynamodbTable is not allowed with locking 'lockfile'
    const lockfileWithTable: StateDefinition = { ...s3, locking: 'lockfile', dynamodbTable: 't' };
    // @ts-expect-error dynamodbTable is required with locking 'dynamodb'
    const dynamodbWithoutTable: StateDefinition = { ...s3, locking: 'dynamodb' };
    // @ts-expect-error a GCS state has no lock table
    const gcsWithTable: StateDefinition = { kind: 'gcs', bucket: 'b-1', dynamodbTable: 't' };
    expect([lockfileWithTable, dynamodbWithoutTable, gcsWithTable]).toHaveLength(3);
  });
});
