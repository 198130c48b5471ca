import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { appDefinition } from '../../environments';
import { generateExamples } from '../../tooling/examples/generate-examples';

const root = join(__dirname, '..', '..');
const generated = generateExamples(appDefinition);

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(root, path)];
  });
}

const FIX = 'The committed example differs from what the code generates: run `npm run examples` and commit the result.';

describe('examples/ is what the code generates', () => {
  it('has exactly the generated files', () => {
    const committed = filesUnder(join(root, 'examples')).sort();
    expect({ files: committed, fix: FIX }).toEqual({ files: [...generated.keys()].sort(), fix: FIX });
  });

  it.each([...generated.keys()])('%s is up to date', (path) => {
    const committed = existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : '(missing)';
    if (committed !== generated.get(path)) throw new Error(`${path}: ${FIX}`);
  });

  it('covers every required backend config and environment', () => {
    for (const name of ['s3-backend-lockfile', 's3-backend-dynamodb']) {
      expect(generated.has(`examples/backend-configs/${name}.hcl`)).toBe(true);
      expect(generated.has(`examples/backend-configs/${name}.yaml`)).toBe(true);
    }
    for (const name of ['s3-backend-both.hcl', 'gcs-backend.hcl', 'azurerm-backend.hcl', 'hcp-terraform-cloud-block.hcl']) {
      expect(generated.has(`examples/backend-configs/${name}`)).toBe(true);
    }
    for (const env of ['dev', 'staging', 'production']) {
      expect(generated.get(`examples/environments/${env}/main.tf`)).toContain('terraform {');
    }
  });

  it('renders backend settings exactly as the stacks synthesize them', () => {
    expect(generated.get('examples/backend-configs/s3-backend-lockfile.hcl')).toMatch(/^use_lockfile = true$/m);
    expect(generated.get('examples/backend-configs/s3-backend-lockfile.hcl')).not.toContain('dynamodb_table =');
    expect(generated.get('examples/backend-configs/s3-backend-dynamodb.hcl')).toMatch(/^dynamodb_table += "acme-platform-tflock"$/m);
    expect(generated.get('examples/backend-configs/s3-backend-both.hcl')).toMatch(/^use_lockfile += true$/m);
    expect(generated.get('examples/environments/staging/main.tf')).toContain('required_version = ">= 1.10.2"');
    expect(generated.get('examples/environments/staging/main.tf')).not.toMatch(/^\s*0 = /m);
  });

  it('starts every backend config with its purpose, versions, prerequisites and usage', () => {
    for (const [path, content] of generated) {
      if (!path.startsWith('examples/backend-configs/') || path.endsWith('README.md')) continue;
      for (const heading of ['What it is for:', 'Versions:', 'What must exist first:', 'How to use it:']) {
        expect({ path, has: content.includes(`# ${heading}`) }).toEqual({ path, has: true });
      }
    }
    expect(generated.get('examples/backend-configs/s3-backend-dynamodb.hcl')).toContain('AttributeName=LockID,AttributeType=S');
  });
});
