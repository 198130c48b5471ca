import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BACKEND_FEATURES,
  constraintFloorOf,
  exclusionReasonFor,
  featuresUsedBy,
  limitingFeatureFor,
  minimumVersionFor,
  requiredVersionFor,
  toolMinimumVersionFor,
  type BackendFeatureId,
} from '../lib/backends/terraform-version';
import type { StateDefinition } from '../lib/definitions/state-definition';
import { FLOORS_TABLE_DOCUMENT, FLOORS_TABLE_END, FLOORS_TABLE_START, versionFloorsTable } from '../tooling/examples/version-floors';

const role = { roleArn: 'arn:aws:iam::333333333333:role/acme-platform-staging-tfstate' };
const aliasArn = 'arn:aws:kms:eu-west-1:333333333333:alias/acme-platform-tfstate';
const keyArn = 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const s3 = (extra: Record<string, unknown>): StateDefinition =>
  ({ kind: 's3', bucket: 'b-1', region: 'eu-west-1', locking: 'dynamodb', dynamodbTable: 't', ...extra }) as StateDefinition;
const ids = (state: StateDefinition) => featuresUsedBy(state).map((f) => f.id);
const feature = (id: BackendFeatureId) => BACKEND_FEATURES.find((f) => f.id === id)!;

describe('the version table (lib/backends/terraform-version.ts)', () => {
  it('has one row per feature id', () => {
    expect(BACKEND_FEATURES.map((f) => f.id)).toEqual(['baseline', 'kms-alias', 'prefix-limited-listing', 'use-lockfile', 'dynamodb-table']);
  });

  it.each(BACKEND_FEATURES.map((f) => [f.id, f]))('%s: every floor and exclusion has a primary source of its own tool', (_id, f) => {
    expect(f.terraform.sources.length).toBeGreaterThan(0);
    expect(f.openTofu.sources.length).toBeGreaterThan(0);
    for (const url of f.terraform.sources) expect(url).toMatch(/^https:\/\/(github\.com\/hashicorp\/terraform\/(blob\/v[\d.]+\/CHANGELOG\.md|pull\/\d+|issues\/\d+)|developer\.hashicorp\.com\/terraform\/)/);
    for (const url of f.openTofu.sources) expect(url).toMatch(/^https:\/\/(github\.com\/opentofu\/opentofu\/(blob\/v[\d.]+\/CHANGELOG\.md|pull\/\d+|issues\/\d+)|opentofu\.org\/docs\/)/);
    // A versioned changelog must be the changelog of the floor's own series (or of an excluded release's).
    for (const floor of [f.terraform, f.openTofu]) {
      const series = [floor.floor, ...(floor.excluded ?? [])].map((v) => v.split('.').slice(0, 2).join('.'));
      for (const url of floor.sources) {
        const changelog = /\/blob\/v([\d.]+)\/CHANGELOG\.md$/.exec(url);
        if (changelog) expect(series).toContain(changelog[1]);
      }
      if (floor.excluded?.length) expect(floor.fixedIn).toBeDefined();
    }
  });

  it('puts the higher of the two floors into required_version', () => {
    expect(constraintFloorOf(feature('use-lockfile'))).toBe('1.10.2');
    expect(constraintFloorOf(feature('prefix-limited-listing'))).toBe('1.7.2');
    expect(constraintFloorOf(feature('kms-alias'))).toBe('1.6.1');
  });
});

describe('one test per feature: used exactly when the state has it, and its floor reaches required_version', () => {
  it('baseline: every stack, 1.6.0 (the S3 backend rework; OpenTofu 1.6 is its first release)', () => {
    expect(ids({ kind: 'local' })).toEqual(['baseline']);
    expect(requiredVersionFor({ kind: 'local' })).toBe('>= 1.6.0');
    expect(requiredVersionFor({ kind: 'gcs', bucket: 'b' })).toBe('>= 1.6.0');
  });

  it('kms-alias: an alias ARN (or alias/) needs Terraform 1.6.1 (hashicorp/terraform#33993); a key ARN does not', () => {
    expect(ids(s3({ kmsKeyId: aliasArn }))).toContain('kms-alias');
    expect(ids(s3({ kmsKeyId: 'alias/x' }))).toContain('kms-alias');
    expect(ids(s3({ kmsKeyId: keyArn }))).not.toContain('kms-alias');
    expect(ids(s3({}))).not.toContain('kms-alias');
    expect(requiredVersionFor(s3({ kmsKeyId: aliasArn }))).toBe('>= 1.6.1, != 1.15.0, != 1.15.1');
    expect(requiredVersionFor(s3({ kmsKeyId: keyArn }))).toBe('>= 1.6.0, != 1.15.0, != 1.15.1');
    expect(toolMinimumVersionFor(s3({ kmsKeyId: aliasArn }), 'OpenTofu')).toBe('1.6.0');
  });

  it('prefix-limited-listing: assume_role needs Terraform 1.7.2 (#34511) / OpenTofu 1.7.0 (opentofu#1445)', () => {
    expect(ids(s3({ assumeRole: role }))).toContain('prefix-limited-listing');
    expect(ids(s3({}))).not.toContain('prefix-limited-listing');
    expect(requiredVersionFor(s3({ assumeRole: role }))).toBe('>= 1.7.2, != 1.15.0, != 1.15.1');
    expect(toolMinimumVersionFor(s3({ assumeRole: role }), 'Terraform')).toBe('1.7.2');
    expect(toolMinimumVersionFor(s3({ assumeRole: role }), 'OpenTofu')).toBe('1.7.0');
  });

  it('use-lockfile: lockfile and both need 1.10.2 (OpenTofu #2970; Terraform alone 1.10.1, #36120)', () => {
    expect(ids(s3({ locking: 'lockfile', dynamodbTable: undefined }))).toEqual(['baseline', 'use-lockfile']);
    expect(ids(s3({ locking: 'both' }))).toEqual(['baseline', 'use-lockfile', 'dynamodb-table']);
    expect(requiredVersionFor(s3({ locking: 'lockfile', dynamodbTable: undefined }))).toBe('>= 1.10.2');
    expect(toolMinimumVersionFor(s3({ locking: 'lockfile' }), 'Terraform')).toBe('1.10.1');
    expect(toolMinimumVersionFor(s3({ locking: 'lockfile' }), 'OpenTofu')).toBe('1.10.2');
  });

  it('dynamodb-table: excludes Terraform 1.15.0 and 1.15.1 (#38479), names why and the fix', () => {
    expect(ids(s3({}))).toEqual(['baseline', 'dynamodb-table']);
    expect(requiredVersionFor(s3({}))).toBe('>= 1.6.0, != 1.15.0, != 1.15.1');
    expect(exclusionReasonFor(s3({}), '1.15.1')).toBe(
      'Terraform 1.15.1 prints the dynamodb_table deprecation warning on stdout of `terraform output -json`, which breaks `cdktf deploy` ("Failed to parse terraform output"); fixed in 1.15.2',
    );
    expect(exclusionReasonFor(s3({ locking: 'lockfile' }), '1.15.1')).toBeUndefined();
  });

  it("production's combination: alias ARN + state role + DynamoDB is >= 1.7.2, set by the role's listing", () => {
    const production = s3({ kmsKeyId: aliasArn, assumeRole: role });
    expect(ids(production)).toEqual(['baseline', 'kms-alias', 'prefix-limited-listing', 'dynamodb-table']);
    expect(limitingFeatureFor(production).id).toBe('prefix-limited-listing');
    expect(minimumVersionFor(production)).toBe('1.7.2');
    expect(requiredVersionFor(production)).toBe('>= 1.7.2, != 1.15.0, != 1.15.1');
  });
});

describe('a stack reading another stack\'s state (terraform_remote_state) takes that backend\'s floors, not its exclusions', () => {
  it('a local-state reader of production is >= 1.7.2 and excludes nothing', () => {
    const production = s3({ kmsKeyId: aliasArn, assumeRole: role });
    expect(requiredVersionFor({ kind: 'local' }, [production])).toBe('>= 1.7.2');
    expect(requiredVersionFor({ kind: 'local' }, [])).toBe('>= 1.6.0');
    expect(requiredVersionFor(s3({ locking: 'lockfile' }), [production])).toBe('>= 1.10.2');
  });
});

describe(`the guide's version table (${FLOORS_TABLE_DOCUMENT})`, () => {
  const document = readFileSync(join(__dirname, '..', FLOORS_TABLE_DOCUMENT), 'utf8');

  it('is the table the code generates (regenerate: npm run examples)', () => {
    const start = document.indexOf(FLOORS_TABLE_START);
    const end = document.indexOf(FLOORS_TABLE_END);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    expect(document.slice(start + FLOORS_TABLE_START.length, end).trim()).toBe(versionFloorsTable());
  });

  it('names every floor of the code with its sources', () => {
    for (const f of BACKEND_FEATURES) {
      expect(versionFloorsTable()).toContain(`Terraform >= ${f.terraform.floor}`);
      for (const url of [...f.terraform.sources, ...f.openTofu.sources]) expect(versionFloorsTable()).toContain(`](${url})`);
    }
  });
});
