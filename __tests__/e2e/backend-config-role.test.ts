import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStateServers, type StateServers } from './harness/state-servers';
import { LOCAL_S3_BACKEND_CONFIG, runTerraform } from './harness/terraform';
import { makeWorkdir } from './harness/workdir';

/**
 * The generated partial backend configuration files carry the state role in the form Terraform
 * accepts (`assume_role = { ... }`): `terraform init -backend-config=<file>` assumes exactly that
 * role (recorded by the harness's STS shim) and reaches the state.
 */
let servers: StateServers;
beforeAll(async () => {
  servers = await startStateServers('acme-platform-tfstate', 'acme-platform-tflock');
});
afterAll(() => servers?.dispose());

const example = (name: string) => join(__dirname, '..', '..', 'examples', 'backend-configs', name);

it.each([
  ['s3-backend-lockfile.hcl', 'arn:aws:iam::333333333333:role/acme-platform-staging-tfstate'],
  ['s3-backend-dynamodb.hcl', 'arn:aws:iam::333333333333:role/acme-platform-production-tfstate'],
])('terraform init -backend-config=%s assumes %s', async (file, role) => {
  const dir = makeWorkdir(`backend-config-${file}`, {});
  writeFileSync(join(dir, 'main.tf'), 'terraform {\n  backend "s3" {}\n}\n');
  writeFileSync(join(dir, file), readFileSync(example(file), 'utf8'));
  const before = servers.sts.assumedRoles.length;
  const result = await runTerraform(['init', '-input=false', `-backend-config=${file}`, ...LOCAL_S3_BACKEND_CONFIG], { cwd: dir, env: servers.env, label: file });
  expect({ code: result.code, output: result.code === 0 ? '' : result.output }).toEqual({ code: 0, output: '' });
  expect(servers.sts.assumedRoles.slice(before)).toContain(role);
});
