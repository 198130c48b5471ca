import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DIR, synthesizedForFile, WorkflowSandbox } from '../support/workflow-sandbox';

const PREFLIGHT = join(PROJECT_DIR, 'workflows', 'lib', 'preflight.sh');
const synthesized = synthesizedForFile('preflight-synth-');
const stackJson = (stack: string) => join(synthesized, 'stacks', stack, 'cdk.tf.json');
let sandbox: WorkflowSandbox;

beforeEach(() => {
  sandbox = new WorkflowSandbox();
});
afterEach(() => sandbox.cleanup());

function preflight(args: string[], env: Record<string, string> = {}) {
  const result = sandbox.run(PREFLIGHT, args, sandbox.baseEnv(env));
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('preflight terraform: the version the stack backend needs, read from the synthesized stack', () => {
  it('stops when terraform is not on PATH, naming what the stack needs', () => {
    const { status, out } = preflight(['terraform', stackJson('staging')]);
    expect(status).toBe(1);
    expect(out).toContain("preflight: FAILED: terraform not found on PATH; this stack needs '>= 1.10.2'");
  });

  it('stops when terraform is older than the S3 lockfile backend needs (1.9.0 < 1.10.2)', () => {
    sandbox.installTerraform('1.9.0');
    const { status, out } = preflight(['terraform', stackJson('staging')]);
    expect(status).toBe(1);
    expect(out).toContain('terraform 1.9.0 is too old for staging: its backend needs >= 1.10.2');
    expect(out).toContain('Install terraform 1.10.2 or newer');
  });

  it('accepts the same 1.9.0 for production, whose DynamoDB locking needs no lockfile floor', () => {
    sandbox.installTerraform('1.9.0');
    const { status, out } = preflight(['terraform', stackJson('production')]);
    expect(status).toBe(0);
    expect(out).toContain('terraform 1.9.0 satisfies >= 1.7.2, != 1.15.0, != 1.15.1');
  });

  it("stops production on Terraform 1.7.1: its state role's listing needs 1.7.2 (the version table's floor)", () => {
    // hashicorp/terraform#34511: before 1.7.2, init fails on the AccessDenied of listing env: through the role.
    sandbox.installTerraform('1.7.1');
    const { status, out } = preflight(['terraform', stackJson('production')]);
    expect(status).toBe(1);
    expect(out).toContain('terraform 1.7.1 is too old for production: its backend needs >= 1.7.2, != 1.15.0, != 1.15.1');
    expect(out).toContain('docs/backend-configuration.md#version-floors');
  });

  it('stops production on Terraform 1.15.1, whose `output -json` carries the dynamodb_table warning on stdout', () => {
    sandbox.installTerraform('1.15.1');
    const { status, out } = preflight(['terraform', stackJson('production')]);
    expect(status).toBe(1);
    expect(out).toContain('terraform 1.15.1 is excluded for production: its backend needs >= 1.7.2, != 1.15.0, != 1.15.1');
  });

  it('accepts Terraform 1.15.2 for production (the fix) and 1.15.1 for staging (no dynamodb_table)', () => {
    sandbox.installTerraform('1.15.2');
    expect(preflight(['terraform', stackJson('production')])).toMatchObject({ status: 0 });
    sandbox.installTerraform('1.15.1');
    expect(preflight(['terraform', stackJson('staging')])).toMatchObject({ status: 0 });
  });

  it('accepts 1.10 for the lockfile backend but warns that Terraform 1.10 locking is experimental', () => {
    sandbox.installTerraform('1.10.5');
    const { status, out } = preflight(['terraform', stackJson('staging')]);
    expect(status).toBe(0);
    expect(out).toContain('experimental in Terraform 1.10');
  });

  it('uses TERRAFORM_BINARY_NAME (cdktf\'s own setting), e.g. OpenTofu 1.10.2 without the Terraform warning', () => {
    sandbox.installTerraform('1.10.2', 'tofu');
    const { status, out } = preflight(['terraform', stackJson('staging')], { TERRAFORM_BINARY_NAME: 'tofu' });
    expect(status).toBe(0);
    expect(out).toContain('tofu 1.10.2 satisfies >= 1.10.2');
    expect(out).not.toContain('experimental');
  });

  it('stops when the stack has not been synthesized', () => {
    sandbox.installTerraform('1.11.4');
    const { status, out } = preflight(['terraform', join(sandbox.root, 'stacks', 'x', 'cdk.tf.json')]);
    expect(status).toBe(1);
    expect(out).toContain('does not exist. Run `npx cdktf synth` first');
  });
});

describe('preflight aws: credentials present', () => {
  it('stops when there are none, listing what is accepted', () => {
    const { status, out } = preflight(['aws']);
    expect(status).toBe(1);
    expect(out).toContain('preflight: FAILED: no AWS credentials found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE');
    expect(out).toContain('SKIP_AWS_CREDENTIALS_CHECK=1');
  });

  it('stops when only half of an access key pair is set', () => {
    const { status, out } = preflight(['aws'], { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE' });
    expect(status).toBe(1);
    expect(out).toContain('only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set');
  });

  it('stops when AWS_PROFILE names a profile that does not exist', () => {
    const { status, out } = preflight(['aws'], { AWS_PROFILE: 'nope' });
    expect(status).toBe(1);
    expect(out).toContain('AWS_PROFILE=nope names no profile in');
  });

  it('accepts access keys, a configured (SSO) profile, and web identity', () => {
    expect(preflight(['aws'], { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x' }).status).toBe(0);

    mkdirSync(join(sandbox.home, '.aws'));
    writeFileSync(join(sandbox.home, '.aws', 'config'), '[profile deployer]\nsso_session = corp\n');
    const profile = preflight(['aws'], { AWS_PROFILE: 'deployer' });
    expect(profile.status).toBe(0);
    expect(profile.out).toContain("profile 'deployer'");

    const token = join(sandbox.root, 'oidc-token');
    writeFileSync(token, 'jwt');
    expect(preflight(['aws'], { AWS_WEB_IDENTITY_TOKEN_FILE: token, AWS_ROLE_ARN: 'arn:aws:iam::1:role/ci' }).status).toBe(0);
  });
});

describe('preflight vals', () => {
  it('stops when vals is not on PATH', () => {
    const { status, out } = preflight(['vals']);
    expect(status).toBe(1);
    expect(out).toContain('preflight: FAILED: vals not found on PATH; production resolves its secret references with it.');
  });

  it('stops when the vals on PATH has no `exec -i`', () => {
    sandbox.installVals({ supportsInherit: false });
    const { status, out } = preflight(['vals']);
    expect(status).toBe(1);
    expect(out).toContain('does not support `vals exec -i`');
  });

  it('accepts a vals with `exec -i`', () => {
    sandbox.installVals();
    expect(preflight(['vals']).status).toBe(0);
  });
});

describe('preflight node: at least package.json engines.node', () => {
  /** A `node` that reports `version` when asked for it and runs the real node for anything else. */
  function installNode(version: string) {
    sandbox.write(
      join(sandbox.bin, 'node'),
      `#!/usr/bin/env bash
if [ "$1 $2" = "-p process.versions.node" ]; then echo '${version}'; exit 0; fi
exec ${process.execPath} "$@"
`,
    );
  }

  it('stops on a Node.js older than engines.node, naming both', () => {
    installNode('20.8.1');
    const { status, out } = preflight(['node']);
    expect(status).toBe(1);
    expect(out).toContain(
      "preflight: FAILED: Node.js 20.8.1 is too old for this project: package.json engines.node is '>=20.9.0' " +
        '(the highest floor among its dependencies). Install Node.js 20.9.0 or newer.',
    );
  });

  it('accepts exactly the floor, and the Node.js running these tests', () => {
    installNode('20.9.0');
    expect(preflight(['node'])).toEqual({ status: 0, out: 'preflight: Node.js 20.9.0 satisfies >=20.9.0\n' });
    rmSync(join(sandbox.bin, 'node'));
    expect(preflight(['node'])).toEqual({ status: 0, out: `preflight: Node.js ${process.versions.node} satisfies >=20.9.0\n` });
  });

  it('runs in every workflow before anything else needs Node', () => {
    for (const makefile of ['staging', 'production']) {
      expect(readFileSync(join(PROJECT_DIR, 'workflows', makefile, 'Makefile'), 'utf8')).toMatch(/^PREFLIGHT_EXTRA := node\b/m);
    }
    expect(readFileSync(join(PROJECT_DIR, 'workflows', 'dev', 'common.sh'), 'utf8')).toContain('"$LIB_DIR/preflight.sh" node');
  });
});
