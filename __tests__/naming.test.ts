import { appDefinition } from '../environments';
import { localStatePath, resourceName, stateKey } from '../lib/naming/naming-rule';
import qa from './fixtures/qa';
import { sources, synthApp, type StackJson } from './support/synth';

/** Where each stack's state lands, as bucket/key (S3) or path (local). */
function stateObjects(stacks: Record<string, StackJson>): string[] {
  return Object.values(stacks).map(({ terraform: { backend } }) =>
    backend?.s3 ? `s3://${backend.s3.bucket}/${backend.s3.key}` : `local://${backend?.local?.path}`,
  );
}

describe('one naming rule', () => {
  it('derives state keys, local paths and resource names', () => {
    expect(stateKey('acme', 'staging')).toBe('acme/staging/terraform.tfstate');
    expect(localStatePath('dev')).toBe('../../../terraform.dev.tfstate');
    expect(resourceName('Acme Platform', 'prod', 'assets')).toBe('acme-platform-prod-assets');
    expect(resourceName('a', 'b', 'x'.repeat(80))).toHaveLength(63);
  });

  it('gives every stack of the app its own state object and its own bucket names', () => {
    const { stacks } = synthApp(appDefinition);
    const objects = stateObjects(stacks);
    expect(new Set(objects).size).toBe(objects.length);
    const buckets = Object.values(stacks).flatMap((s) => Object.values(s.resource?.aws_s3_bucket ?? {}).map((b) => b.bucket));
    expect(new Set(buckets).size).toBe(buckets.length);
  });

  it('follows the project override everywhere', () => {
    const { stacks } = synthApp(appDefinition, sources({ PROJECT_NAME: 'zeta' }));
    expect(stacks.staging.terraform.backend?.s3).toMatchObject({ bucket: 'zeta-tfstate', key: 'zeta/staging/terraform.tfstate' });
    expect(stacks.production.terraform.backend?.s3).toMatchObject({ dynamodb_table: 'zeta-tflock' });
    expect(Object.values(stacks.dev.resource?.aws_s3_bucket ?? {})[0].bucket).toBe('zeta-dev-assets');
  });

  it('takes bucket, table, region and accounts from environment variables before cdktf.json context', () => {
    const { stacks } = synthApp(
      appDefinition,
      sources(
        { TF_STATE_BUCKET: 'env-bucket', TF_STATE_REGION: 'us-east-2', AWS_ACCOUNT_ID_STAGING: '999999999999' },
        { stateBucket: 'context-bucket', lockTable: 'context-locks' },
      ),
    );
    expect(stacks.staging.terraform.backend?.s3).toMatchObject({ bucket: 'env-bucket', region: 'us-east-2' });
    expect(stacks.production.terraform.backend?.s3).toMatchObject({ dynamodb_table: 'context-locks' });
    expect(stacks.staging.provider?.aws[0].allowed_account_ids).toEqual(['999999999999']);
  });
});

describe('a fourth environment', () => {
  it('is one file plus one registration, and gets its own stack and state', () => {
    const { stacks } = synthApp({ ...appDefinition, environments: [...appDefinition.environments, qa] });
    expect(Object.keys(stacks)).toEqual(['dev', 'staging', 'production', 'qa', 'state-backend', 'ci-staging', 'ci-production', 'ci-qa']);
    expect(stacks.qa.terraform.backend?.s3).toMatchObject({ key: 'acme-platform/qa/terraform.tfstate', use_lockfile: true });
    expect(stacks.qa.provider?.aws[0]).toMatchObject({ region: 'eu-central-1', allowed_account_ids: ['444444444444'] });
    const objects = stateObjects(stacks);
    // Five environment and state-backend stacks plus three CI identity stacks, every one in its own place.
    expect(new Set(objects).size).toBe(8);
  });
});
