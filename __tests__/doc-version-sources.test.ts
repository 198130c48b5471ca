import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { missingVersionSources } from './support/doc-version-sources';

const root = join(__dirname, '..');
const documents = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(root, 'docs', name)),
];

describe('every Terraform/OpenTofu version in the docs cites its primary source on the same line', () => {
  it('checks the docs', () => {
    expect(documents.map((d) => relative(root, d))).toEqual(expect.arrayContaining(['README.md', 'docs/backend-configuration.md', 'docs/troubleshooting.md']));
    expect(documents.every(existsSync)).toBe(true);
  });

  it.each(documents.map((d) => [relative(root, d), d]))('%s', (_name, file) => {
    const findings = missingVersionSources(readFileSync(file, 'utf8')).map((f) => `line ${f.line}: ${f.problem}`);
    expect(findings).toEqual([]);
  });

  it('the docs do state versions with sources (the check is not vacuous)', () => {
    const guide = readFileSync(join(root, 'docs', 'backend-configuration.md'), 'utf8');
    expect(guide).toMatch(/Terraform 1\.10.*\]\(https:\/\/github\.com\/hashicorp\/terraform\/blob\/v1\.10\/CHANGELOG\.md\)/);
    expect(guide).toMatch(/OpenTofu.*1\.10.*\]\(https:\/\/github\.com\/opentofu\/opentofu\/blob\/v1\.10\/CHANGELOG\.md\)/);
  });

  it('flags each deliberately bad line of the fixture, and nothing else', () => {
    const fixture = readFileSync(join(__dirname, 'fixtures', 'doc-version-sources', 'bad.md'), 'utf8');
    expect(missingVersionSources(fixture).map((f) => `${f.line} ${f.tool}: ${f.problem}`)).toEqual([
      "3 Terraform: states Terraform 1.10 without a link to Terraform's changelog, pull request, issue or docs on the same line",
      "4 OpenTofu: states OpenTofu 1.10 without a link to OpenTofu's changelog, pull request, issue or docs on the same line",
      '5 Terraform: states Terraform 1.7.2 but links only the changelog of 1.10',
      "6 OpenTofu: states OpenTofu 1.6 without a link to OpenTofu's changelog, pull request, issue or docs on the same line",
      "7 Terraform: states Terraform 1.10 without a link to Terraform's changelog, pull request, issue or docs on the same line",
      "8 Terraform: states Terraform 1.11 without a link to Terraform's changelog, pull request, issue or docs on the same line",
      "9 OpenTofu: states OpenTofu 1.10.0 without a link to OpenTofu's changelog, pull request, issue or docs on the same line",
      "10 Terraform: states Terraform 1.10 without a link to Terraform's changelog, pull request, issue or docs on the same line",
    ]);
  });

  it('a measured binary version is exempt only when the line says it was measured', () => {
    expect(missingVersionSources('Measured with Terraform 1.11.4.\n')).toEqual([]);
    expect(missingVersionSources('Terraform 1.11.4 fixed it.\n')).toHaveLength(1);
  });
});
