import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appDefinition } from '../environments';
import { awsClients, endpointFor } from '../tooling/toolkit/aws-clients';
import { credentialSource } from '../tooling/doctor/credentials';
import { formatReport } from '../tooling/doctor/report';
import { describeLock, forceUnlockFix } from '../tooling/doctor/stale-lock';
import { allTargets, selectTargets } from '../tooling/doctor/targets';
import { resolveBlueprint } from '../lib/settings/blueprint';
import { loadSettingSources } from '../lib/settings/setting-sources';
import { checkTerraformVersion, compareVersions, findTerraformBinary } from '../tooling/doctor/terraform-binary';
import type { StateDefinition } from '../lib/definitions/state-definition';
import { sources } from './support/synth';

const lockfile: StateDefinition = { kind: 's3', bucket: 'b-tfstate', region: 'eu-west-1', locking: 'lockfile' };
const dynamodb: StateDefinition = { kind: 's3', bucket: 'b-tfstate', region: 'eu-west-1', locking: 'dynamodb', dynamodbTable: 't-lock' };

describe('finding terraform or tofu', () => {
  let dir: string;
  /** An executable named `name` in `dir` that prints `version -json` output for `version`. */
  const fakeBinary = (name: string, version: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\necho '{"terraform_version":"${version}","platform":"linux_amd64"}'\n`);
    chmodSync(path, 0o755);
    return path;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'doctor-bin-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs terraform by default; tofu alone is named, with the variable that selects it', () => {
    fakeBinary('tofu', '1.10.2');
    expect(findTerraformBinary({ PATH: dir })).toEqual({ problem: 'terraform is not on the PATH, but tofu is: set TERRAFORM_BINARY_NAME=tofu to use OpenTofu' });
    fakeBinary('terraform', '1.11.4');
    expect(findTerraformBinary({ PATH: dir })).toMatchObject({ found: { tool: 'Terraform', command: 'terraform', version: '1.11.4' } });
  });

  it('TERRAFORM_BINARY_NAME (what the cdktf CLI runs) wins over the PATH, as a name or a path', () => {
    fakeBinary('terraform', '1.11.4');
    fakeBinary('tofu', '1.10.2');
    const tofu = fakeBinary('tofu-1.10', '1.10.0');
    expect(findTerraformBinary({ PATH: dir, TERRAFORM_BINARY_NAME: tofu })).toMatchObject({ found: { tool: 'OpenTofu', path: tofu } });
    expect(findTerraformBinary({ PATH: dir, TERRAFORM_BINARY_NAME: 'tofu' })).toEqual({
      found: { tool: 'OpenTofu', command: 'tofu', path: join(dir, 'tofu'), version: '1.10.2' },
    });
  });

  it('says what is missing', () => {
    expect(findTerraformBinary({ PATH: dir })).toEqual({ problem: 'neither terraform nor tofu is on the PATH' });
    expect(findTerraformBinary({ PATH: dir, TERRAFORM_BINARY_NAME: 'terraform-9' })).toEqual({
      problem: 'TERRAFORM_BINARY_NAME="terraform-9" is not an executable on the PATH',
    });
  });

  it('a leftover TERRAFORM_BIN is refused, not silently ignored', () => {
    fakeBinary('terraform', '1.11.4');
    expect(findTerraformBinary({ PATH: dir, TERRAFORM_BIN: 'tofu' })).toEqual({
      problem: 'TERRAFORM_BIN is not read (it would not reach cdktf): set TERRAFORM_BINARY_NAME=tofu instead, and unset TERRAFORM_BIN',
    });
  });

  it('version check: native locking needs 1.10.2, DynamoDB the baseline minus the releases that break output -json', () => {
    const found = (version: string, tool: 'Terraform' | 'OpenTofu' = 'Terraform') =>
      ({ found: { tool, command: tool === 'Terraform' ? 'terraform' : 'tofu', path: '/bin/x', version } }) as const;
    const old = checkTerraformVersion(found('1.9.8'), lockfile);
    expect(old.ok).toBe(false);
    expect(old.detail).toBe('Terraform 1.9.8 at /bin/x is older than 1.10.2, which S3-native locking (use_lockfile) needs');
    expect(old.fix).toContain('OpenTofu >= 1.10.2');
    expect(checkTerraformVersion(found('1.9.8'), dynamodb).ok).toBe(true);
    // OpenTofu 1.10.0/1.10.1 write the .tflock without an encryption header (opentofu/opentofu#2970).
    expect(checkTerraformVersion(found('1.10.1', 'OpenTofu'), lockfile)).toMatchObject({ ok: false });
    expect(checkTerraformVersion(found('1.10.2', 'OpenTofu'), lockfile)).toMatchObject({ ok: true });
    expect(checkTerraformVersion(found('1.10.5'), lockfile).detail).toContain('use_lockfile is experimental in Terraform 1.10, GA in 1.11');
    expect(checkTerraformVersion(found('1.11.4'), dynamodb).detail).toContain('dynamodb_table is deprecated');
    expect(checkTerraformVersion(found('1.11.4', 'OpenTofu'), dynamodb).detail).not.toContain('deprecated');
    // Terraform 1.15.0/1.15.1 print the deprecation warning on stdout of `output -json`: cdktf deploy fails.
    const broken = checkTerraformVersion(found('1.15.1'), dynamodb);
    expect(broken.ok).toBe(false);
    expect(broken.detail).toContain('Failed to parse terraform output');
    expect(broken.fix).toContain('1.15.2');
    expect(checkTerraformVersion(found('1.15.0', 'OpenTofu'), dynamodb).detail).toContain('OpenTofu is not affected');
    expect(checkTerraformVersion(found('1.15.2'), dynamodb).ok).toBe(true);
    expect(checkTerraformVersion(found('1.15.1'), lockfile).ok).toBe(true);
    expect(checkTerraformVersion({ problem: 'neither terraform nor tofu is on the PATH' }, lockfile).ok).toBe(false);
  });

  it("version check reads the feature table: production's alias ARN and state role need 1.7.2, and it says which feature", () => {
    const found = (version: string, tool: 'Terraform' | 'OpenTofu' = 'Terraform') =>
      ({ found: { tool, command: tool === 'Terraform' ? 'terraform' : 'tofu', path: '/bin/x', version } }) as const;
    // As production synthesizes it (examples/environments/production/main.tf).
    const production: StateDefinition = {
      ...dynamodb,
      kmsKeyId: 'arn:aws:kms:eu-west-1:333333333333:alias/acme-platform-tfstate',
      assumeRole: { roleArn: 'arn:aws:iam::333333333333:role/acme-platform-production-tfstate' },
    } as StateDefinition;
    // Terraform 1.6.0 refuses the alias ARN (hashicorp/terraform#34005); 1.7.1 fails listing env: through the role (#34511).
    const tooOld = checkTerraformVersion(found('1.6.0'), production);
    expect(tooOld.ok).toBe(false);
    expect(tooOld.detail).toContain('is older than 1.7.2, which assume_role into a role whose s3:ListBucket is limited');
    expect(tooOld.detail).toContain('below the floors of kms-alias >= 1.6.1, prefix-limited-listing >= 1.7.2');
    expect(checkTerraformVersion(found('1.7.1'), production).ok).toBe(false);
    expect(checkTerraformVersion(found('1.7.2'), production).ok).toBe(true);
    // OpenTofu is fixed from 1.7.0 (opentofu/opentofu#1445), but required_version is one constraint for both tools.
    const tofu = checkTerraformVersion(found('1.7.0', 'OpenTofu'), production);
    expect(tofu.ok).toBe(false);
    expect(tofu.detail).toContain('OpenTofu itself works from 1.7.0, but required_version is one constraint for both tools');
  });

  it('compares versions numerically, pre-releases before releases', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBe(1);
    expect(compareVersions('1.10.0-beta1', '1.10.0')).toBe(-1);
    expect(compareVersions('v1.11.4', '1.11.4')).toBe(0);
  });
});

describe('doctor targets', () => {
  const all = allTargets(appDefinition, sources());

  it('defaults to every stack with remote state', () => {
    expect(selectTargets(all, []).map((t) => t.name)).toEqual(['staging', 'production']);
    const migrated = allTargets(appDefinition, sources({ STATE_BACKEND_MIGRATED: 'true' }));
    expect(selectTargets(migrated, []).map((t) => t.name)).toEqual(['staging', 'production', 'state-backend']);
  });

  it('takes names from the command line and lists the choices for a typo', () => {
    expect(selectTargets(all, ['production']).map((t) => t.name)).toEqual(['production']);
    expect(() => selectTargets(all, ['prod'])).toThrow('unknown stack "prod": choose from dev, staging, production, state-backend');
  });

  it('reads cdktf.json context, lets the environment override it, and refuses CDKTF_CONTEXT_JSON settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-ctx-'));
    try {
      writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ context: { stateBucket: 'from-file', project: 'p' } }));
      const loaded = loadSettingSources(dir, { PROJECT_NAME: 'from-env', CDKTF_CONTEXT_JSON: '{"project":"from-json","stateBucket":"from-file"}' });
      expect(loaded.sources.context('stateBucket')).toBe('from-file');
      expect(resolveBlueprint(loaded.sources).project).toBe('from-env');
      // cdktf-cli 0.21 would replace CDKTF_CONTEXT_JSON with cdktf.json's context: a value only there is refused.
      expect(loaded.problems).toEqual([
        'CDKTF_CONTEXT_JSON: "project" is not read from here (cdktf-cli 0.21 replaces CDKTF_CONTEXT_JSON with cdktf.json\'s "context"): set PROJECT_NAME instead, or "project" in cdktf.json\'s "context"',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('AWS clients', () => {
  it('use service endpoints from the environment, path-style for S3, one attempt', async () => {
    const env = { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569', AWS_ENDPOINT_URL: 'http://127.0.0.1:4000' };
    expect(endpointFor('S3', env)).toBe('http://127.0.0.1:4569');
    expect(endpointFor('DYNAMODB', env)).toBe('http://127.0.0.1:4000');
    const clients = awsClients('eu-west-1', env);
    expect(clients.s3.config.forcePathStyle).toBe(true);
    expect(await clients.s3.config.maxAttempts()).toBe(1);
    expect(await clients.dynamodb.config.maxAttempts()).toBe(1);
    expect(await clients.ssm.config.maxAttempts()).toBe(1);
    expect(endpointFor('SSM', env)).toBe('http://127.0.0.1:4000');
    clients.s3.destroy();
    clients.dynamodb.destroy();
    clients.ssm.destroy();
  });

  it('say where credentials come from', () => {
    expect(credentialSource({ AWS_ACCESS_KEY_ID: 'x' })).toBe('environment variables (AWS_ACCESS_KEY_ID)');
    expect(credentialSource({ AWS_PROFILE: 'ci' })).toContain('profile "ci"');
  });
});

describe('lock reporting', () => {
  const info = { ID: 'a1b2-c3', Operation: 'OperationTypeApply', Who: 'ana@laptop', Version: '1.11.4', Created: '2026-11-22T10:00:00Z' };

  it('shows who holds the lock, since when, and its ID', () => {
    expect(describeLock(info, new Date('2026-11-22T12:30:00Z'))).toBe(
      'held by ana@laptop for OperationTypeApply since 2026-11-22T10:00:00Z (2 h 30 min), 1.11.4, lock ID a1b2-c3',
    );
  });

  it('the fix checks nobody is running, then force-unlocks by ID with the tool found', () => {
    const fix = forceUnlockFix(info, { stack: 'staging', command: 'tofu' });
    expect(fix).toContain('make sure no tofu run is active for staging (ask ana@laptop');
    expect(fix).toContain('cd cdktf.out/stacks/staging && tofu init && tofu force-unlock a1b2-c3');
    expect(fix).toContain('Do not delete the lock object or item by hand');
  });

  it('formats PASS/FAIL with the fix under each failure', () => {
    const text = formatReport(
      {
        binary: { found: { tool: 'Terraform', command: 'terraform', path: '/bin/terraform', version: '1.11.4' } },
        sections: [{ title: 'staging', results: [{ name: 'a', ok: true, detail: 'fine' }, { name: 'b', ok: false, detail: 'broken', fix: 'mend it' }] }],
        ok: false,
      },
      {},
    );
    expect(text).toContain('  PASS  a: fine\n  FAIL  b: broken\n        fix: mend it\n');
    expect(text).toContain('1 check failed.');
  });
});
