import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketEncryptionCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { terraformBinary } from '../../tooling/toolkit/terraform-binary';
import { startStep, STEP_TIMEOUT_MS, testBudget } from './harness/step';
import { startLocalAws, type LocalAws } from './support/local-aws';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

const ROOT = join(__dirname, '..', '..');
const BUCKET = 'acme-platform-tfstate';
const TABLE = 'acme-platform-tflock';
const KMS_KEY = 'arn:aws:kms:eu-west-1:333333333333:key/11111111-2222-3333-4444-555555555555';
const STAGING_KEY = 'acme-platform/staging/terraform.tfstate';
const PRODUCTION_KEY = 'acme-platform/production/terraform.tfstate';

// Each command is a bounded step (harness/step.ts); jest's limit sits above a few of them in a row.
jest.setTimeout(testBudget('synth', 'synth', 'synth'));

let aws: LocalAws;
let work: string;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs a command without blocking this process (the local servers live in it), as a bounded step. */
async function run(command: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Run> {
  const result = await startStep(`doctor.test: ${basename(command)} ${args.join(' ')}`, command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...aws.env, ...options.env },
    timeoutMs: options.timeoutMs ?? STEP_TIMEOUT_MS.synth,
  }).done;
  return { status: result.code, stdout: result.stdout, stderr: result.stderr, ms: result.seconds * 1000 };
}

/** `npm run doctor -- <args>` as a user runs it (the same node command the npm script runs). */
const doctor = (args: readonly string[], env: Record<string, string> = {}) =>
  run(process.execPath, typescriptNodeArgs('tooling/bin/doctor.ts', ...args), { env });

/**
 * `npm run doctor -- prod` (an unknown stack name): run once, shared by the two tests that need it (the
 * refusal itself, and the start-up time the unreachable-endpoints test measures against): one doctor
 * process fewer. Started by whichever test asks first, so each test also runs alone.
 */
let unknownStack: Promise<Run> | undefined;
const doctorUnknownStack = () => (unknownStack ??= doctor(['prod']));

const lines = (output: string, prefix: string) => output.split('\n').filter((line) => line.trimStart().startsWith(prefix));

beforeAll(async () => {
  aws = await startLocalAws();
  work = mkdtempSync(join(tmpdir(), 'doctor-e2e-'));
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const s3 = new S3Client({ region: 'eu-west-1', endpoint: aws.s3Endpoint, forcePathStyle: true, credentials });
  const dynamodb = new DynamoDBClient({ region: 'eu-west-1', endpoint: aws.dynamodbEndpoint, credentials });
  // What the state-backend stack creates: a versioned, SSE-KMS bucket and a LockID table.
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(
    new PutBucketEncryptionCommand({
      Bucket: BUCKET,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KMS_KEY }, BucketKeyEnabled: true }],
      },
    }),
  );
  const table = (name: string, key: string) =>
    dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  await table(TABLE, 'LockID');
  await table('wrong-key-lock', 'id');
  // A bucket someone created by hand: no versioning, no default encryption.
  await s3.send(new CreateBucketCommand({ Bucket: 'handmade-tfstate' }));
  s3.destroy();
  dynamodb.destroy();
  writeFileSync(join(work, 'terraformrc'), ''); // own CLI config: the machine-wide one points at a missing file
});

afterAll(async () => {
  await aws?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run doctor against local S3 and DynamoDB', () => {
  it('passes every check for staging and production when the state backend is in place', async () => {
    const { status, stdout } = await doctor([]);
    expect(lines(stdout, 'FAIL')).toEqual([]);
    expect(status).toBe(0);
    expect(stdout).toContain(`Endpoints: S3 ${aws.s3Endpoint}, DynamoDB ${aws.dynamodbEndpoint}`);
    expect(stdout).toContain('PASS  AWS credentials: found in environment variables (AWS_ACCESS_KEY_ID), access key S3RV…');
    expect(stdout).toMatch(/PASS {2}terraform\/tofu version: (Terraform|OpenTofu) \S+ at \S+ \(>= 1\.10\.2 needed for S3-native locking/);
    expect(stdout).toContain(`PASS  state bucket exists: s3://${BUCKET} is reachable`);
    expect(stdout).toContain('PASS  state bucket versioning: Enabled');
    expect(stdout).toContain(`PASS  state bucket encryption: aws:kms with ${KMS_KEY}`);
    expect(stdout).toContain(`PASS  S3 lockfile: no lock held (s3://${BUCKET}/${STAGING_KEY}.tflock absent)`);
    expect(stdout).toContain(`PASS  lock table: ${TABLE} (ACTIVE) has hash key LockID (S)`);
    expect(stdout).toContain(`PASS  DynamoDB lock: no lock held (no item LockID = ${BUCKET}/${PRODUCTION_KEY} in ${TABLE})`);
    // No SSM here: the stamp cannot be read, which warns without failing the run.
    expect(stdout).toContain('WARN  state-backend version: could not read the stamp /acme-platform/state-backend/version: ');
    expect(stdout).toContain('All checks passed.');
  });

  it('fails with a fix for a hand-made bucket (no versioning, no encryption) and a missing table', async () => {
    const { status, stdout } = await doctor(['production'], { TF_STATE_BUCKET: 'handmade-tfstate', TF_STATE_LOCK_TABLE: 'no-such-table' });
    expect(status).toBe(1);
    expect(stdout).toContain('FAIL  state bucket versioning: versioning is not configured');
    expect(stdout).toContain('--bucket handmade-tfstate --versioning-configuration Status=Enabled');
    expect(stdout).toContain('FAIL  state bucket encryption: no default encryption configured');
    expect(stdout).toContain('FAIL  lock table: table no-such-table does not exist');
    expect(stdout).toContain('fix: deploy the state-backend stack first');
    expect(stdout).toContain('3 checks failed.');
  });

  it('fails for a lock table whose hash key is not LockID (S)', async () => {
    const { status, stdout } = await doctor(['production'], { TF_STATE_LOCK_TABLE: 'wrong-key-lock' });
    expect(status).toBe(1);
    expect(stdout).toContain('FAIL  lock table: wrong-key-lock has hash key id of type S; the S3 backend needs LockID of type S');
  });

  it('fails fast, without hanging, when the endpoints do not answer', async () => {
    // Against the doctor's own start-up time (node, the TypeScript hook, the app), which a loaded machine stretches to 15 s.
    const startup = (await doctorUnknownStack()).ms;
    const { status, stdout, ms } = await doctor(['staging'], {
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
    });
    expect(status).toBe(1);
    expect(stdout).toContain(`FAIL  state bucket exists: s3://${BUCKET} could not be reached`);
    expect(ms - startup).toBeLessThan(15_000);
  });

  it('rejects an unknown stack name with the list of names (exit 2)', async () => {
    const { status, stderr } = await doctorUnknownStack();
    expect(status).toBe(2);
    expect(stderr).toContain('doctor: unknown stack "prod": choose from dev, staging, production, state-backend');
  });
});

/**
 * A lock left behind the way it happens in real life: `terraform apply` is killed (SIGKILL, e.g. a
 * cancelled CI job) while it holds the lock. The doctor must show it, and the ID it prints must be
 * the one `terraform force-unlock` accepts.
 */
describe.each([
  ['staging', STAGING_KEY, { use_lockfile: true }, 'S3 lockfile'],
  ['production', PRODUCTION_KEY, { dynamodb_table: TABLE }, 'DynamoDB lock'],
])('a stale lock on %s', (stack, key, locking, checkName) => {
  let dir: string;
  const terraform = (args: readonly string[]) =>
    run(terraformBinary(), args, { cwd: dir, env: { TF_CLI_CONFIG_FILE: join(work, 'terraformrc'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' } });

  beforeAll(async () => {
    dir = mkdtempSync(join(work, `${stack}-`));
    const marker = join(dir, 'lock-held');
    // Same bucket and key as the real stack; only a terraform_data (built in, no provider to install).
    const config = {
      terraform: {
        backend: {
          s3: {
            bucket: BUCKET,
            key,
            region: 'eu-west-1',
            encrypt: true,
            ...locking,
            use_path_style: true,
            skip_credentials_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: true,
            skip_s3_checksum: true,
            max_retries: 1,
            endpoints: { s3: aws.s3Endpoint, dynamodb: aws.dynamodbEndpoint },
          },
        },
      },
      resource: { terraform_data: { hold: { provisioner: [{ 'local-exec': { command: `touch '${marker}' && sleep 60` } }] } } },
    };
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(config, null, 2));
    const init = await terraform(['init', '-input=false', '-no-color']);
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);

    const apply = spawn(terraformBinary(), ['apply', '-auto-approve', '-input=false', '-no-color'], {
      cwd: dir,
      env: { ...process.env, ...aws.env, TF_CLI_CONFIG_FILE: join(work, 'terraformrc'), CHECKPOINT_DISABLE: '1' },
      detached: true, // own process group, so the kill below takes the provisioner's shell with it
      stdio: 'ignore',
    });
    // Bounded by the step's own limit, not a short clock: a loaded machine is slow to reach the provisioner.
    let exited = false;
    apply.on('exit', () => (exited = true));
    const deadline = Date.now() + STEP_TIMEOUT_MS.deploy;
    while (!existsSync(marker) && !exited && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // Stopped by its own process group whether or not it got that far.
    if (!exited) {
      process.kill(-apply.pid!, 'SIGKILL');
      await new Promise((resolve) => apply.on('exit', resolve));
    }
    expect(existsSync(marker)).toBe(true);
  });

  it('reports the lock with its holder and ID, and the ID releases it with force-unlock', async () => {
    const held = await doctor([stack]);
    expect(held.status).toBe(1);
    const [failure] = lines(held.stdout, `FAIL  ${checkName}:`);
    expect(failure).toMatch(/is held by \S+ for OperationTypeApply since \S+ \(\d+ min\), \S+, lock ID [0-9a-f-]{36}$/);
    expect(held.stdout).toContain(`make sure no terraform run is active for ${stack}`);
    const id = /terraform force-unlock ([0-9a-f-]{36})`/.exec(held.stdout)?.[1];
    expect(failure).toContain(`lock ID ${id}`);

    const unlock = await terraform(['force-unlock', '-force', '-no-color', id!]);
    expect(unlock.status).toBe(0);

    const released = await doctor([stack]);
    expect(lines(released.stdout, 'FAIL')).toEqual([]);
    expect(released.stdout).toContain(`PASS  ${checkName}: no lock held`);
    expect(released.status).toBe(0);
  });
});
