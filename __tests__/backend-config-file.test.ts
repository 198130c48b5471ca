import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appDefinition } from '../environments';
import { DefinitionError } from '../lib/definitions/errors';
import { parseBackendConfigFile } from '../lib/backend-config/backend-config-file';
import { sources, synthApp } from './support/synth';

const dir = mkdtempSync(join(tmpdir(), 'backend-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
// The committed examples (the drift test proves they are what the code generates).
const example = (name: string) => readFileSync(join(__dirname, '..', 'examples', 'backend-configs', name), 'utf8');

describe('YAML backend files as input', () => {
  it('the generated lockfile example sets staging\'s backend exactly as the TypeScript definition does', () => {
    const path = file('lockfile.yaml', example('s3-backend-lockfile.yaml'));
    const fromFile = synthApp(appDefinition, sources({ BACKEND_CONFIG_FILE: path })).stacks;
    const fromCode = synthApp(appDefinition).stacks;
    expect(fromFile.staging.terraform).toEqual(fromCode.staging.terraform);
  });

  it('the migration example switches production to both locks, and only production', () => {
    const path = file('both.yaml', example('s3-backend-both.yaml'));
    const { stacks } = synthApp(appDefinition, sources({ BACKEND_CONFIG_FILE: path }));
    expect(stacks.production.terraform.backend?.s3).toMatchObject({ use_lockfile: true, dynamodb_table: 'acme-platform-tflock' });
    expect(stacks.production.terraform.required_version).toBe('>= 1.10.2, != 1.15.0, != 1.15.1');
    expect(stacks.staging.terraform.backend?.s3).not.toHaveProperty('dynamodb_table');
  });

  it('without "environment" and "key", applies to every environment with remote state, keys from the naming rule', () => {
    const path = file('all.yaml', 'backend: s3\nbucket: other-state\nregion: us-east-2\nuse_lockfile: true\n');
    const { stacks } = synthApp(appDefinition, sources({ BACKEND_CONFIG_FILE: path }));
    expect(stacks.staging.terraform.backend?.s3).toMatchObject({ bucket: 'other-state', key: 'acme-platform/staging/terraform.tfstate' });
    expect(stacks.production.terraform.backend?.s3).toMatchObject({ bucket: 'other-state', key: 'acme-platform/production/terraform.tfstate', use_lockfile: true });
    expect(stacks.dev.terraform.backend).toHaveProperty('local');
  });

  it('reports problems with the same clear messages, naming the file and the setting', () => {
    expect(parseBackendConfigFile('f.yaml', 'backend: s3\nbucket: Bad_Bucket\nregion: eu-west-1\nuse_lockfile: true\n').problems).toEqual([
      'f.yaml: bucket: "Bad_Bucket" is not a valid S3 bucket name: it may contain only lowercase letters, digits, hyphens; it must begin ' +
        'and end with a lowercase letter or digit. Fix: use 3-63 lowercase letters, digits and hyphens, starting and ending with a letter ' +
        'or digit, e.g. "acme-platform-tfstate" (override with TF_STATE_BUCKET)',
    ]);
    expect(parseBackendConfigFile('f.yaml', 'backend: s3\nbucket: ok-bucket\nregion: eu-west-1\n').problems).toEqual([
      'f.yaml: use_lockfile: no locking configured: set "use_lockfile: true" (Terraform/OpenTofu >= 1.10), "dynamodb_table: <table>", or both to migrate',
    ]);
    expect(parseBackendConfigFile('f.yaml', 'backend: consul\n').problems[0]).toMatch(/^f\.yaml: backend: must be one of "local", "s3"/);
    expect(parseBackendConfigFile('f.yaml', 'backend: s3\nbucket: ok-bucket\nregion: eu-west-1\nuse_lockfile: true\nacl: private\n').problems[0]).toMatch(
      /^f\.yaml: acl: is not a setting this project takes for the s3 backend/,
    );
    expect(parseBackendConfigFile('f.yaml', 'backend: [unclosed\n').problems[0]).toMatch(/^f\.yaml: is not valid YAML/);
    expect(parseBackendConfigFile('f.yaml', 'backend: s3\nbucket: ok-bucket\nregion: eu-west-1\nuse_lockfile: true\nencrypt: false\n').problems).toEqual([
      'f.yaml: encrypt: must be true (or left out): this project never stores state unencrypted',
    ]);
  });

  it('stops synth with a DefinitionError for a missing file or an unknown environment', () => {
    expect(() => synthApp(appDefinition, sources({ BACKEND_CONFIG_FILE: join(dir, 'nope.yaml') }))).toThrow(
      /BACKEND_CONFIG_FILE: .*nope\.yaml does not exist: check the path/,
    );
    const path = file('qa.yaml', 'backend: s3\nenvironment: qa\nbucket: ok-bucket\nregion: eu-west-1\nuse_lockfile: true\n');
    let caught: unknown;
    try {
      synthApp(appDefinition, sources({ BACKEND_CONFIG_FILE: path }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DefinitionError);
    expect((caught as DefinitionError).problems).toEqual([
      `${path}: environment: no environment is named "qa"; use one of "dev", "staging", "production", or leave it out to apply to every environment with remote state`,
    ]);
  });

  it('a shared explicit key across environments is caught as two stacks sharing one state', () => {
    const path = file('shared-key.yaml', 'backend: s3\nbucket: ok-bucket\nkey: one/terraform.tfstate\nregion: eu-west-1\nuse_lockfile: true\n');
    expect(() => synthApp(appDefinition, sources({ BACKEND_CONFIG_FILE: path }))).toThrow(/production\.state: stores its state at s3:\/\/ok-bucket\/one\/terraform\.tfstate, which staging uses already/);
  });
});
