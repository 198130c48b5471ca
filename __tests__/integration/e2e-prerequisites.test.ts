import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** Runs the e2e harness's terraform check in a fresh process with `env` added. */
function ensureTerraformWith(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', "require('./__tests__/e2e/harness/terraform').ensureTerraform()"], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('the end-to-end suite without terraform', () => {
  it('fails with instructions to install it, instead of skipping', () => {
    const { status, stderr } = ensureTerraformWith({ TERRAFORM_BINARY_NAME: '/nonexistent/terraform' });
    expect(status).not.toBe(0);
    expect(stderr).toContain('The end-to-end tests need the "/nonexistent/terraform" binary (Terraform >= 1.10.2 or OpenTofu >= 1.10.2)');
    expect(stderr).toContain('https://developer.hashicorp.com/terraform/install');
    expect(stderr).toContain('TERRAFORM_BINARY_NAME=tofu');
  });

  it('reports the version when terraform is there', () => {
    const { status, stderr } = ensureTerraformWith({});
    expect(status).toBe(0);
    expect(stderr).toMatch(/\[e2e\] terraform \d+\.\d+\.\d+; providers from /);
  });
});
