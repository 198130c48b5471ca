import { appDefinition } from '../environments';
import type { EnvironmentModule } from '../lib/definitions/environment';
import { DefinitionError } from '../lib/definitions/errors';
import { definitionProblems } from '../lib/validation/validate-definitions';
import { sources, synthApp } from './support/synth';
import staging from '../environments/staging';
import { resolveBlueprint } from '../lib/settings/blueprint';

const blueprint = resolveBlueprint(sources());
const stateBackend = appDefinition.stateBackend(blueprint);
const base = staging(blueprint);

/** Problems of the staging definition with `state` (or other fields) replaced. */
function problemsWith(overrides: Record<string, unknown>): string[] {
  return definitionProblems('acme-platform', [{ ...base, ...overrides }], stateBackend);
}
const s3 = (fields: Record<string, unknown>) => ({ state: { ...base.state, ...fields } });

describe('S3 state', () => {
  it('rejects an invalid bucket name, naming every broken rule and the fix', () => {
    expect(problemsWith(s3({ bucket: 'Bad_Bucket' }))).toEqual([
      'staging.state.bucket: "Bad_Bucket" is not a valid S3 bucket name: it may contain only lowercase letters, digits, hyphens; ' +
        'it must begin and end with a lowercase letter or digit. Fix: use 3-63 lowercase letters, digits and hyphens, starting and ' +
        'ending with a letter or digit, e.g. "acme-platform-tfstate" (override with TF_STATE_BUCKET)',
    ]);
  });

  it.each([
    ['ab', 'must be 3-63 characters long (is 2)'],
    ['a'.repeat(64), 'must be 3-63 characters long (is 64)'],
    ['192.168.1.10', 'must not be formatted as an IP address'],
    ['my.state.bucket', 'must not contain dots (they break TLS for virtual-hosted-style requests)'],
    ['xn--state', 'must not start with the reserved prefix "xn--"'],
    ['state-s3alias', 'must not end with the reserved suffix "-s3alias"'],
  ])('rejects bucket %s: %s', (bucket, rule) => {
    const [problem] = problemsWith(s3({ bucket }));
    expect(problem).toContain(`staging.state.bucket: "${bucket}" is not a valid S3 bucket name`);
    expect(problem).toContain(rule);
  });

  it('rejects an empty and an absolute state key', () => {
    expect(problemsWith(s3({ key: '' }))).toEqual([
      'staging.state.key: must not be empty: omit "key" to use the naming rule ("<project>/<stack>/terraform.tfstate"), or set a key',
    ]);
    expect(problemsWith(s3({ key: '/staging/terraform.tfstate' }))).toEqual([
      'staging.state.key: "/staging/terraform.tfstate" is not a canonical key: it starts with "/". Fix: omit "key" to use the naming rule, or write it like "<project>/<stack>/terraform.tfstate"',
    ]);
  });

  it('rejects a malformed region in the environment and in its state', () => {
    expect(problemsWith({ region: 'Europe' })).toEqual([
      'staging.region: "Europe" is not an AWS region code: use a region hashicorp/aws 5.100.0 knows, e.g. "eu-west-1", "us-east-2" or "us-gov-west-1" (the list: lib/validation/provider-regions.ts)',
    ]);
    expect(problemsWith(s3({ region: 'eu_west_1' }))[0]).toMatch(/^staging\.state\.region: "eu_west_1" is not an AWS region code/);
  });

  it.each(['dynamodb', 'both'])('requires a lock table for locking "%s"', (locking) => {
    expect(problemsWith(s3({ locking }))).toEqual([
      `staging.state.dynamodbTable: is required when locking is "${locking}": name the lock table (hash key "LockID" of type S), or use locking "lockfile"`,
    ]);
  });

  it('rejects a lock table with lockfile locking, and an unknown locking mode', () => {
    expect(problemsWith(s3({ dynamodbTable: 'locks' }))[0]).toMatch(/^staging\.state\.dynamodbTable: must not be set when locking is "lockfile"/);
    expect(problemsWith(s3({ locking: 'optimistic' }))[0]).toBe(
      'staging.state.locking: must be "lockfile" (S3-native locking, Terraform/OpenTofu >= 1.10), "dynamodb" (lock table) or "both" (migration between them)',
    );
  });

  it('rejects an unknown field with a hint', () => {
    expect(problemsWith(s3({ useLockfile: true }))).toEqual([
      'staging.state: unknown field "useLockfile": remove it or check the spelling',
    ]);
  });
});

describe('other backends', () => {
  it('gcs needs a bucket', () => {
    expect(problemsWith({ state: { kind: 'gcs' } })).toEqual([
      'staging.state.bucket: is required: name the existing GCS bucket for state, e.g. "acme-platform-tfstate"',
    ]);
  });

  it('azurerm needs resource group, storage account and container', () => {
    expect(problemsWith({ state: { kind: 'azurerm', storageAccountName: 'Not-Valid' } })).toEqual([
      'staging.state.resourceGroupName: is required: name the resource group of the storage account',
      'staging.state.storageAccountName: "Not-Valid" is not a valid storage account name: use 3-24 lowercase letters and digits',
      'staging.state.containerName: is required: name the blob container for state, e.g. "tfstate"',
    ]);
  });

  it('cloud needs an organization and either a workspace name or tags', () => {
    expect(problemsWith({ state: { kind: 'cloud', workspaces: { name: 'w', tags: ['t'] } } })).toEqual([
      'staging.state.organization: is required: name the HCP Terraform / Terraform Enterprise organization',
      'staging.state.workspaces: must be either { name: "<workspace>" } or { tags: ["<tag>", ...] }, not both',
    ]);
  });

  it('rejects an unknown backend kind', () => {
    expect(problemsWith({ state: { kind: 'consul' } })).toEqual([
      'staging.state.kind: must be one of "local", "s3", "gcs", "azurerm", "cloud" (got "consul")',
    ]);
  });
});

describe('environment fields', () => {
  it('rejects a bad name, account ID and protection level', () => {
    expect(problemsWith({ name: 'Staging!', allowedAccountIds: ['1234'], protection: 'max' })).toEqual([
      'Staging!.name: "Staging!" is not a valid environment name: use 2-32 lowercase letters, digits and hyphens, starting with a letter, e.g. "qa"',
      'Staging!.allowedAccountIds.0: "1234" is not an AWS account ID: use the 12-digit ID (override with AWS_ACCOUNT_ID_<ENV>)',
      'Staging!.protection: must be "ephemeral" (throw-away dev), "standard" (shared, recoverable) or "hardened" (production)',
    ]);
  });

  it('requires at least one allowed account', () => {
    expect(problemsWith({ allowedAccountIds: [] })[0]).toMatch(/^staging\.allowedAccountIds: must list at least one AWS account ID/);
  });
});

describe('across environments', () => {
  it('rejects duplicate environment names', () => {
    const problems = definitionProblems('acme-platform', [base, { ...base, state: { ...base.state, key: 'other/key.tfstate' } }], stateBackend);
    expect(problems).toEqual([
      'staging.name: "staging" is defined twice: environment names are stack names and must be unique; rename one',
    ]);
  });

  it('rejects two stacks sharing one state object', () => {
    const qa = { ...base, name: 'qa', state: { ...base.state, key: 'acme-platform/staging/terraform.tfstate' } };
    expect(definitionProblems('acme-platform', [base, qa], stateBackend)).toEqual([
      'qa.state: stores its state at s3://acme-platform-tfstate/acme-platform/staging/terraform.tfstate, which staging uses already; ' +
        'two stacks sharing one state would overwrite each other. Fix: remove the explicit key/prefix/path so the naming rule gives each stack its own',
    ]);
  });
});

describe('the app with bad overrides', () => {
  it('reports every problem at once and creates no stack', () => {
    let caught: unknown;
    try {
      synthApp(appDefinition, sources({ TF_STATE_BUCKET: 'Bad_Bucket', TF_STATE_LOCK_TABLE: 'x' }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DefinitionError);
    const { problems, message } = caught as DefinitionError;
    // The state-backend stack is still on local state (phase 1), so its own state has no bucket to report.
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'staging.state.bucket',
      'production.state.bucket',
      'production.state.dynamodbTable',
      'state-backend.bucket',
      'state-backend.lockTable',
    ]);
    expect(message).toMatch(/^Invalid environment definitions \(5 problems\); nothing was synthesized:\n {2}- staging\.state\.bucket: /);
  });

  it('accepts a definition written in plain JavaScript only if it is valid', () => {
    const untyped = (() => ({ ...base, state: { kind: 's3', bucket: 'ok-bucket', region: 'eu-west-1', locking: 'dynamodb' } })) as unknown as EnvironmentModule;
    expect(() => synthApp({ ...appDefinition, environments: [untyped] })).toThrow(
      /staging\.state\.dynamodbTable: is required when locking is "dynamodb"/,
    );
  });
});
