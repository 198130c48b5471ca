/**
 * Terraform behaviour the docs state, measured with the real binary against the local servers:
 * how `-backend-config` merges and where the merged settings end up, how `force-unlock` confirms and
 * what it does in `both` mode when only one lock exists, and how a stale DynamoDB digest is reported.
 * (docs/backend-configuration.md "Partial configuration", docs/troubleshooting.md)
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { progress } from './harness/progress';
import { startStateServers, type StateServers } from './harness/state-servers';
import { LOCAL_S3_BACKEND_CONFIG, runTerraform, runTerraformOk, TERRAFORM_BIN } from './harness/terraform';
import { makeWorkdir } from './harness/workdir';

const BUCKET = 'backend-config-behaviour';
const TABLE = 'backend-config-behaviour-lock';
const KEY = 'from-flag-2/terraform.tfstate';

let servers: StateServers;
let dir: string;

beforeAll(async () => {
  servers = await startStateServers(BUCKET, TABLE);
  // An empty backend block: everything comes from -backend-config, as with the example .hcl files.
  dir = makeWorkdir('backend-config', { terraform: { backend: { s3: {} } }, resource: { terraform_data: { x: { input: 'one' } } } });
  writeFileSync(
    join(dir, 'backend.json'),
    JSON.stringify({ bucket: BUCKET, key: 'from-file/terraform.tfstate', region: 'eu-west-1', use_lockfile: true, dynamodb_table: TABLE }),
  );
});
afterAll(() => servers?.dispose());

const run = (args: string[], label: string) => runTerraform(args, { cwd: dir, env: servers.env, label });
const runOk = (args: string[], label: string) => runTerraformOk(args, { cwd: dir, env: servers.env, label });

/** One entry of a zip archive (a saved plan is one), via its central directory. */
function zipEntry(archive: Buffer, name: string): Buffer {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let offset = archive.readUInt32LE(end + 16);
  for (let i = 0; i < archive.readUInt16LE(end + 10); i++) {
    const method = archive.readUInt16LE(offset + 10);
    const size = archive.readUInt32LE(offset + 20);
    const nameLength = archive.readUInt16LE(offset + 28);
    const skip = nameLength + archive.readUInt16LE(offset + 30) + archive.readUInt16LE(offset + 32);
    const local = archive.readUInt32LE(offset + 42);
    if (archive.toString('utf8', offset + 46, offset + 46 + nameLength) === name) {
      const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
      const data = archive.subarray(start, start + size);
      return method === 0 ? data : inflateRawSync(data);
    }
    offset += 46 + skip;
  }
  throw new Error(`no ${name} in the archive`);
}

/** `terraform force-unlock` with `input` on stdin (the harness gives terraform no stdin to answer from). */
function forceUnlock(args: string[], input: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TERRAFORM_BIN, ['force-unlock', '-no-color', ...args], { cwd: dir, env: servers.env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    const started = Date.now();
    child.on('close', (code) => {
      clearTimeout(timer);
      progress(`force-unlock: ${TERRAFORM_BIN} force-unlock ${args.join(' ')} <<< ${JSON.stringify(input)} (${((Date.now() - started) / 1000).toFixed(1)}s, exit ${code})`);
      resolve({ code, output });
    });
    child.stdin.end(input);
  });
}

const putObject = async (key: string, body: string) => {
  const response = await fetch(`${servers.s3.endpoint}/${BUCKET}/${key}`, { method: 'PUT', body });
  expect(response.status).toBe(200);
};

describe('-backend-config', () => {
  it('reads a JSON file; flags override the file and later flags earlier ones', async () => {
    await runOk(
      ['init', '-input=false', '-backend-config=backend.json', '-backend-config=key=from-flag-1/terraform.tfstate', `-backend-config=key=${KEY}`, ...LOCAL_S3_BACKEND_CONFIG],
      'backend-config merge',
    );
    await runOk(['apply', '-auto-approve', '-input=false'], 'backend-config merge');
    expect(await servers.s3.listKeys(BUCKET)).toEqual([KEY]);
  });

  it('stores the merged configuration in .terraform/terraform.tfstate and in a saved plan', async () => {
    const stored = JSON.parse(readFileSync(join(dir, '.terraform', 'terraform.tfstate'), 'utf8')).backend.config;
    expect(stored).toMatchObject({ bucket: BUCKET, key: KEY, dynamodb_table: TABLE, use_lockfile: true, max_retries: 1 });

    await runOk(['plan', '-input=false', '-out=saved.plan'], 'saved plan');
    const plan = zipEntry(readFileSync(join(dir, 'saved.plan')), 'tfplan').toString('latin1');
    expect(plan).toContain(KEY);
    expect(plan).toContain(TABLE);
  });
});

describe('force-unlock', () => {
  const lockInfo = {
    ID: '0f0e0d0c-0b0a-0908-0706-050403020100',
    Operation: 'OperationTypeApply',
    Info: '',
    Who: 'gone@runner',
    Version: '1.11.4',
    Created: new Date().toISOString(),
    Path: `${BUCKET}/${KEY}`,
  };

  beforeAll(() => putObject(`${KEY}.tflock`, JSON.stringify(lockInfo)));

  it('asks for confirmation even with TF_INPUT=0, and without an answer removes nothing', async () => {
    expect(servers.env.TF_INPUT).toBe('0');
    const noAnswer = await forceUnlock([lockInfo.ID], '');
    expect(noAnswer.code).toBe(1);
    expect(noAnswer.output).toContain('Do you really want to force-unlock?');
    expect(noAnswer.output).toContain('Error asking for confirmation: EOF');

    const no = await forceUnlock([lockInfo.ID], 'no\n');
    expect(no.code).toBe(1);
    expect(no.output).toContain('force-unlock cancelled.');
    expect(await servers.s3.listKeys(BUCKET, KEY)).toEqual([KEY, `${KEY}.tflock`]);
  });

  it('in both mode with only the lockfile held: removes it, reports the missing DynamoDB lock, exits 1', async () => {
    expect(await servers.dynamo.getItem(TABLE, `${BUCKET}/${KEY}`)).toBeUndefined();
    const result = await forceUnlock(['-force', lockInfo.ID], '');
    expect(result.code).toBe(1);
    expect(result.output).toContain('Failed to unlock state: failed to unlock DynamoDB');
    expect(await servers.s3.listKeys(BUCKET, KEY)).toEqual([KEY]);
  });

  it('in both mode with only the DynamoDB lock held: removes it, reports the missing lockfile, exits 1', async () => {
    await servers.dynamo.putItem(TABLE, { LockID: { S: `${BUCKET}/${KEY}` }, Info: { S: JSON.stringify(lockInfo) } });
    const result = await forceUnlock(['-force', lockInfo.ID], '');
    expect(result.code).toBe(1);
    expect(result.output).toContain('Failed to unlock state: failed to unlock S3');
    expect(result.output).toContain('NoSuchKey');
    expect(await servers.dynamo.getItem(TABLE, `${BUCKET}/${KEY}`)).toBeUndefined();
    expect(await servers.s3.listKeys(BUCKET, KEY)).toEqual([KEY]);
  });
});

describe('a state object that does not match its DynamoDB digest', () => {
  it('is reported with "error loading state:" by plan and "Error refreshing state:" by init', async () => {
    const state = JSON.parse((await servers.s3.getObject(BUCKET, KEY))!);
    await putObject(KEY, JSON.stringify({ ...state, serial: state.serial + 1 }, null, 2));

    const plan = await run(['plan', '-input=false'], 'stale digest (plan)');
    expect(plan.code).toBe(1);
    expect(plan.output).toContain('Error: error loading state: state data in S3 does not have the expected content.');

    const init = await run(['init', '-input=false', '-reconfigure', '-backend-config=backend.json', `-backend-config=key=${KEY}`, ...LOCAL_S3_BACKEND_CONFIG], 'stale digest (init)');
    expect(init.code).toBe(1);
    expect(init.output).toContain('Error refreshing state: state data in S3 does not have the expected content.');
  });
});
