import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appDefinition } from '../../environments';
import { sources, synthApp } from '../support/synth';
import type { LocalDynamoDb } from './harness/dynamodb-server';
import type { LocalS3 } from './harness/s3-server';
import { startStateServers, type StateServers } from './harness/state-servers';
import { heldLocks, readState } from './harness/state-inspection';
import { deprecatesDynamoDbTable, LOCAL_S3_BACKEND_CONFIG, runTerraform, runTerraformOk, startTerraform } from './harness/terraform';
import { s3BackendOf, withTestResources } from './harness/test-stack';
import { waitFor } from './harness/wait';
import { makeWorkdir } from './harness/workdir';

let s3: LocalS3;
let dynamo: LocalDynamoDb;
let env: NodeJS.ProcessEnv;
let terraformVersion: string;

let servers: StateServers;

beforeAll(async () => {
  servers = await startStateServers('acme-platform-tfstate');
  ({ s3, dynamo, env, terraformVersion } = servers);
});
afterAll(() => servers?.dispose());

/** A stack of the real app, with its names overridden the way a user would (environment variables). */
function stackWith(name: 'staging' | 'production', overrides: Record<string, string>) {
  return synthApp(appDefinition, sources(overrides)).stacks[name];
}

const init = (dir: string, label: string) =>
  runTerraform(['init', '-input=false', ...LOCAL_S3_BACKEND_CONFIG], { cwd: dir, env, label });

it('a missing state bucket stops init with an error naming the bucket', async () => {
  const stack = stackWith('staging', { TF_STATE_BUCKET: 'no-such-state-bucket' });
  const result = await init(makeWorkdir('missing-bucket', withTestResources(stack)), 'missing bucket');
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/no-such-state-bucket/);
  expect(result.output).toMatch(/NoSuchBucket|does not exist/);
});

it('with DynamoDB locking, the failing init also shows the dynamodb_table deprecation on Terraform >= 1.11', async () => {
  // Measured with Terraform 1.11.4: the "Deprecated Parameter" warning is printed when init fails,
  // but not on a successful non-interactive init, plan or apply (docs/troubleshooting.md).
  const stack = stackWith('production', { TF_STATE_BUCKET: 'no-such-state-bucket' });
  const result = await init(makeWorkdir('missing-bucket-dynamodb', withTestResources(stack)), 'missing bucket (dynamodb)');
  expect(result.code).not.toBe(0);
  expect(result.output.includes('The parameter "dynamodb_table" is deprecated')).toBe(deprecatesDynamoDbTable(terraformVersion));
});

it('a missing lock table stops apply at the lock, before anything is written', async () => {
  const stack = stackWith('production', { TF_STATE_LOCK_TABLE: 'no-such-lock-table' });
  const dir = makeWorkdir('missing-table', withTestResources(stack));
  await runTerraformOk(['init', '-input=false', ...LOCAL_S3_BACKEND_CONFIG], { cwd: dir, env, label: 'missing table' });
  const result = await runTerraform(['apply', '-auto-approve', '-input=false'], { cwd: dir, env, label: 'missing table' });
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('Error acquiring the state lock');
  expect(result.output).toMatch(/ResourceNotFoundException|non-existent table/);
  expect(await readState(s3, s3BackendOf(stack))).toBeUndefined();
});

it('a lock table with the wrong key schema stops apply at the lock', async () => {
  await dynamo.createTable('wrong-key-schema', 'id');
  const stack = stackWith('production', { TF_STATE_LOCK_TABLE: 'wrong-key-schema' });
  const dir = makeWorkdir('wrong-schema', withTestResources(stack));
  await runTerraformOk(['init', '-input=false', ...LOCAL_S3_BACKEND_CONFIG], { cwd: dir, env, label: 'wrong key schema' });
  const result = await runTerraform(['apply', '-auto-approve', '-input=false'], { cwd: dir, env, label: 'wrong key schema' });
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('Error acquiring the state lock');
  expect(result.output).toMatch(/ValidationException/);
});

it('S3 stopping mid-run fails the run, and the stored state stays intact and readable', async () => {
  const stack = stackWith('staging', {});
  const backend = s3BackendOf(stack);
  const dir = makeWorkdir('server-stopped', withTestResources(stack));
  await runTerraformOk(['init', '-input=false', ...LOCAL_S3_BACKEND_CONFIG], { cwd: dir, env, label: 'server stopped' });
  await runTerraformOk(['apply', '-auto-approve', '-input=false', '-var', 'run=before'], { cwd: dir, env, label: 'server stopped' });
  const before = await readState(s3, backend);

  const release = join(dir, 'release');
  const run = startTerraform(['apply', '-auto-approve', '-input=false', '-var', 'run=during', '-var', `hold=${release}`], {
    cwd: dir,
    env,
    label: 'server stopped (interrupted run)',
  });
  await waitFor('the run to hold its lock', async () => (await heldLocks(s3, dynamo, backend)).lockfile);
  // Past reading its state (on a busy machine the lock comes well before): S3 stops mid-apply.
  await waitFor('the run to reach its held resource', async () => existsSync(`${release}.holding`));
  await s3.stop();
  writeFileSync(release, '');
  const interrupted = await run.done;
  expect(interrupted.code).not.toBe(0);
  expect(interrupted.output).toMatch(/Failed to save state|Error releasing the state lock|connection refused/i);

  await s3.restart();
  const after = await readState(s3, backend);
  expect(after).toEqual(before);
  // The lock could not be released while S3 was down: it is still there, and force-unlock with its ID clears it.
  const lockInfo = JSON.parse((await s3.getObject(backend.bucket, `${backend.key}.tflock`)) ?? '{}') as { ID?: string };
  expect(lockInfo.ID).toBeDefined();
  await runTerraformOk(['force-unlock', '-force', lockInfo.ID!], { cwd: dir, env, label: 'server stopped (force-unlock)' });
  expect((await heldLocks(s3, dynamo, backend)).lockfile).toBe(false);
  const plan = await runTerraform(['plan', '-detailed-exitcode', '-input=false', '-var', 'run=before'], { cwd: dir, env, label: 'server stopped (plan)' });
  expect(plan.code).toBe(0);
});
