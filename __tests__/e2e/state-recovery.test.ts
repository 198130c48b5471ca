/**
 * Recovery drills (docs/recovery.md), in ONE moto sandbox with its IAM enforcement on: a state
 * clobbered, deleted, locked, of another lineage, and left behind by an interrupted apply, each got
 * back with `npm run state -- history/restore/doctor` (tooling/bin/state.ts).
 *
 * The command runs as users run it (a process, no terminal: stdin closed) where that is what is
 * proven, and each of its verbs so at least once: drill (a)'s history, its restore refused without a
 * terminal and then confirmed with --yes, and drill (g)'s doctor that reports without a terminal
 * (no other test runs `npm run state`). Every other call runs the same verbs in this process
 * (harness/state-tool.ts: the context tooling/bin/state.ts builds, the exit code its runCli gives),
 * so no node start and module loading is paid per call; the Terraform commands the verbs run (init,
 * state push, plan, force-unlock) are real processes in every case.
 *
 * Cheap on purpose: the state-backend is the app's own (its bucket policy, key policy and state
 * roles are what is proven); staging's and production's backends are exactly as synthesized (state
 * role, lockfile / DynamoDB + SSE-KMS), around `terraform_data` instead of their workloads
 * (harness/test-stack.ts), plus one SSM parameter in production for "created but not recorded".
 * The workloads themselves are deployed by cross-account.test.ts and full-lifecycle.test.ts.
 */
import { DeleteObjectCommand, GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { App } from 'cdktf';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appDefinition } from '../../environments';
import { buildApp } from '../../lib/app/build-app';
import { sandboxClientConfig } from '../../tooling/sandbox/credentials';
import { sandboxExtension } from '../../tooling/sandbox/sandbox-extension';
import { assumeRoleCredentials } from '../../tooling/toolkit/account-session';
import { PROJECT_DIR } from '../../tooling/sandbox/paths';
import { sources } from '../support/synth';
import { Scenario } from './harness/scenario';
import { failureDigest, runStep, startStep, STEP_TIMEOUT_MS, testBudget, type RunResult } from './harness/step';
import { ensureTerraform, terraformEnv } from './harness/terraform';
import { sandboxLogDigest, startTestSandbox, type TestSandbox } from './harness/sandbox';
import { withTestResources } from './harness/test-stack';
import { waitFor } from './harness/wait';
import { stateInProcess } from './harness/state-tool';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

const REGION = 'eu-west-1';
const ACCOUNTS = { staging: '222222222222', production: '333333333333', state: '333333333333' } as const;
const BUCKET = 'acme-platform-tfstate';
const TABLE = 'acme-platform-tflock';
const KEYS = { staging: 'acme-platform/staging/terraform.tfstate', production: 'acme-platform/production/terraform.tfstate' } as const;
const ROLES = { staging: `arn:aws:iam::${ACCOUNTS.state}:role/acme-platform-staging-tfstate`, production: `arn:aws:iam::${ACCOUNTS.state}:role/acme-platform-production-tfstate` } as const;
const PARAMETER = '/acme-platform/recovery-drill/unrecorded';
type Env = 'staging' | 'production';
type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

let harness: TestSandbox;
let outdir: string;
const dirOf = (stack: string) => join(outdir, 'stacks', stack);

/** terraform in a stack's directory, acting in its account (the backend assumes the state role itself). */
async function terraform(stack: string, account: string, args: string[], kind: 'synth' | 'plan' | 'deploy' = 'deploy'): Promise<RunResult> {
  return runStep(`${stack}: terraform ${args.slice(0, 2).join(' ')}`, 'terraform', args, { cwd: dirOf(stack), env: await harness.terraformEnv(account), kind });
}
function expectOk(result: RunResult, what: string): void {
  if (result.code !== 0) throw new Error(`${what}: exit ${result.code}\n${failureDigest(result.output)}\nsandbox log:\n${sandboxLogDigest(harness.env)}`);
}

/** Waits until a held apply is applying (its `.holding` file), failing at once with its output if it ended first. */
async function untilHolding(hold: string, running: { done: Promise<RunResult> }, what: string): Promise<void> {
  let ended: RunResult | undefined;
  void running.done.then((result) => (ended = result), () => undefined);
  await waitFor(what, async () => {
    if (ended) throw new Error(`${what}: it ended first (exit ${ended.code})\n${failureDigest(ended.output)}`);
    return existsSync(`${hold}.holding`);
  }, STEP_TIMEOUT_MS.deploy);
}

/** `npm run state -- <args>` against this sandbox, as a user runs it (no terminal: stdin is closed). */
function stateCommand(...args: string[]): Promise<RunResult> {
  return runStep(`npm run state -- ${args.join(' ')}`, process.execPath, typescriptNodeArgs('tooling/bin/state.ts', ...args, '--sandbox', '--skip-synth', '--output', outdir), { cwd: PROJECT_DIR, env: harness.env, kind: 'plan' });
}

async function roleCredentials(env: Env, as: string = ACCOUNTS[env]): Promise<Credentials> {
  return (await assumeRoleCredentials(sandboxClientConfig(harness.state, REGION, await harness.credentials(as)), ROLES[env], `drill-${env}`)).credentials;
}
/** The same verb in this process (harness/state-tool.ts), where the process is not what is proven. */
const state = (verb: 'history' | 'restore' | 'doctor', stack: Env, options: { version?: string; yes?: boolean; otherLineage?: boolean } = {}): Promise<RunResult> =>
  stateInProcess({ verb, stack, outDir: outdir, env: harness.env, ...options });
const s3As = (credentials: Credentials) => new S3Client(sandboxClientConfig(harness.state, REGION, credentials));
async function currentState(env: Env): Promise<{ text: string; serial: number; lineage: string; resources: Array<{ type: string; name: string }> }> {
  const text = await (await s3As(await roleCredentials(env)).send(new GetObjectCommand({ Bucket: BUCKET, Key: KEYS[env] }))).Body!.transformToString();
  return { text, ...JSON.parse(text) };
}
/** Versions and delete markers of a state key (as the state account's administrator), newest first. */
async function versionsOf(env: Env): Promise<Array<{ id: string; latest: boolean; marker: boolean }>> {
  const page = await s3As(await harness.credentials(ACCOUNTS.state)).send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: KEYS[env] }));
  return [
    ...(page.Versions ?? []).filter((v) => v.Key === KEYS[env]).map((v) => ({ id: v.VersionId!, latest: v.IsLatest === true, marker: false, at: v.LastModified!.getTime() })),
    ...(page.DeleteMarkers ?? []).filter((v) => v.Key === KEYS[env]).map((v) => ({ id: v.VersionId!, latest: v.IsLatest === true, marker: true, at: v.LastModified!.getTime() })),
  ].sort((a, b) => b.at - a.at || Number(b.latest) - Number(a.latest));
}
async function digestOf(env: Env): Promise<string | undefined> {
  const dynamodb = new DynamoDBClient(sandboxClientConfig(harness.state, REGION, await roleCredentials(env)));
  const { Item } = await dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: `${BUCKET}/${KEYS[env]}-md5` } }, ConsistentRead: true }));
  dynamodb.destroy();
  return Item?.Digest?.S;
}
async function lockItem(env: Env): Promise<string | undefined> {
  const dynamodb = new DynamoDBClient(sandboxClientConfig(harness.state, REGION, await roleCredentials(env)));
  const { Item } = await dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: `${BUCKET}/${KEYS[env]}` } }, ConsistentRead: true }));
  dynamodb.destroy();
  return Item?.Info?.S;
}
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** `state history` rows as objects (its stdout is a table with a header). */
function historyRows(output: string): Array<Record<string, string>> {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const header = lines.findIndex((line) => line.startsWith('VERSION'));
  if (header < 0) throw new Error(`no history table in:\n${output}`);
  const columns = lines[header].split(/\s{2,}/);
  return lines.slice(header + 1).map((line) => {
    const cells = line.split(/\s{2,}/);
    const row = Object.fromEntries(columns.map((column, index) => [column, cells[index] ?? '']));
    // A delete marker's LINEAGE cell holds spaces: read it from the line itself.
    if (line.includes('(delete marker')) row.LINEAGE = '(delete marker)';
    return row;
  });
}

/** Staging's and production's synthesized backends around terraform_data (and production's unrecorded-resource probe). */
function useTestResources(stack: Env): void {
  const file = join(dirOf(stack), 'cdk.tf.json');
  const synthesized = JSON.parse(readFileSync(file, 'utf8'));
  const test = withTestResources(synthesized) as { terraform: Record<string, unknown>; resource: Record<string, unknown> };
  test.terraform.required_providers = synthesized.terraform.required_providers;
  const config: Record<string, unknown> = { ...test, provider: synthesized.provider };
  if (stack === 'production') test.resource.aws_ssm_parameter = { drill: { name: PARAMETER, type: 'String', value: 'created by the recovery drill' } };
  writeFileSync(file, JSON.stringify(config, null, 2));
}

beforeAll(async () => {
  ensureTerraform();
  // The harness CLI configuration (offline provider mirror), no identity of the caller's.
  const base = terraformEnv();
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'SANDBOX', 'SANDBOX_ENDPOINT', 'STATE_BACKEND_MIGRATED', 'BACKEND_CONFIG_FILE']) delete base[name];
  harness = await startTestSandbox('recovery', { FORCE_COLOR: '0' }, base);
  outdir = join(harness.home, 'cdktf.out');
  const app = new App({ outdir, stackTraces: false });
  buildApp(app, appDefinition, sources({ SANDBOX: '1', SANDBOX_HOME: harness.home, SANDBOX_ENDPOINT: harness.state.endpoint }), [sandboxExtension]);
  app.synth();
  useTestResources('staging');
  useTestResources('production');
}, STEP_TIMEOUT_MS.sandbox + STEP_TIMEOUT_MS.synth);

afterAll(async () => {
  await harness?.stop();
});

const scenario = new Scenario();

describe('state recovery drills (moto sandbox, IAM enforced)', () => {
  it('setup: the state-backend, then staging and production deployed twice each (two state versions)', async () => {
    await scenario.step('deployed', async () => {
      expectOk(await terraform('state-backend', ACCOUNTS.state, ['init', '-input=false'], 'synth'), 'state-backend init');
      expectOk(await terraform('state-backend', ACCOUNTS.state, ['apply', '-auto-approve', '-input=false']), 'state-backend apply');
      await Promise.all(
        (['staging', 'production'] as const).map(async (env) => {
          expectOk(await terraform(env, ACCOUNTS[env], ['init', '-input=false'], 'synth'), `${env} init`);
          expectOk(await terraform(env, ACCOUNTS[env], ['apply', '-auto-approve', '-input=false']), `${env} apply`);
          // A second state version with the configuration unchanged (a plan against it stays clean): the payload replaced.
          // No refresh: the apply just above wrote this state and read back what it created.
          expectOk(await terraform(env, ACCOUNTS[env], ['apply', '-auto-approve', '-input=false', '-refresh=false', '-replace=terraform_data.payload']), `${env} second apply`);
        }),
      );
    });
  }, testBudget('synth', 'deploy', 'synth', 'deploy', 'deploy'));

  it('least privilege: a state role lists and reads its own versions, never another environment\'s', async () => {
    scenario.requires('deployed');
    const staging = s3As(await roleCredentials('staging'));
    const own = await staging.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: KEYS.staging }));
    expect((own.Versions ?? []).filter((v) => v.Key === KEYS.staging).length).toBeGreaterThanOrEqual(2);
    const [older] = (own.Versions ?? []).filter((v) => v.Key === KEYS.staging && !v.IsLatest);
    expect((await staging.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEYS.staging, VersionId: older.VersionId }))).$metadata.httpStatusCode).toBe(200);

    const productionVersion = (await versionsOf('production'))[1].id;
    const session = `arn:aws:sts::${ACCOUNTS.state}:assumed-role/acme-platform-staging-tfstate/drill-staging`;
    await expect(staging.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: KEYS.production }))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: ${session} is not authorized to perform: s3:ListBucketVersions on resource: "arn:aws:s3:::${BUCKET}" because no identity-based policy allows the s3:ListBucketVersions action`,
    });
    // Listing the whole bucket (no prefix, or a shorter one) is refused too.
    await expect(staging.send(new ListObjectVersionsCommand({ Bucket: BUCKET }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(staging.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'acme-platform/' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(staging.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEYS.production, VersionId: productionVersion }))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: ${session} is not authorized to perform: s3:GetObjectVersion on resource: "arn:aws:s3:::${BUCKET}/${KEYS.production}" because no identity-based policy allows the s3:GetObjectVersion action`,
    });
    staging.destroy();
  }, 120_000);

  it('(a) staging\'s state overwritten with an empty state: history shows it, restore brings it back, plan is clean', async () => {
    scenario.requires('deployed');
    const good = await currentState('staging');
    expect(good.resources.map((r) => r.type)).toEqual(['terraform_data', 'terraform_data']);
    // What a clobbering write leaves: the same lineage, a higher serial, no resources.
    const empty = { version: 4, terraform_version: '1.11.4', serial: good.serial + 1, lineage: good.lineage, outputs: {}, resources: [], check_results: null };
    // SSE-S3, as staging's backend writes (encrypt = true, no KMS key; its role may use none).
    await s3As(await roleCredentials('staging')).send(new PutObjectCommand({ Bucket: BUCKET, Key: KEYS.staging, Body: JSON.stringify(empty), ServerSideEncryption: 'AES256' }));
    const versionsBefore = await versionsOf('staging');

    const history = await stateCommand('history', 'staging');
    expect({ code: history.code, stderr: history.code === 0 ? '' : history.output }).toEqual({ code: 0, stderr: '' });
    const rows = historyRows(history.stdout);
    expect(rows.map((row) => row.VERSION)).toEqual(versionsBefore.map((v) => v.id));
    expect(rows[0]).toMatchObject({ SERIAL: String(empty.serial), LINEAGE: good.lineage, RESOURCES: '0', CURRENT: 'current', TERRAFORM: '1.11.4' });
    expect(rows[1]).toMatchObject({ SERIAL: String(good.serial), LINEAGE: good.lineage, RESOURCES: '2', CURRENT: '' });
    expect(history.stderr).toContain(`read as state role ${ROLES.staging}`);

    // No terminal and no --yes: shown, refused, nothing changed.
    const unconfirmed = await stateCommand('restore', 'staging', '--version', rows[1].VERSION);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stdout).toContain('+ terraform_data.holder');
    expect(unconfirmed.stdout).toContain('+ terraform_data.payload');
    expect(unconfirmed.output).toContain('no terminal to confirm on, so nothing was changed');
    expect((await versionsOf('staging')).map((v) => v.id)).toEqual(versionsBefore.map((v) => v.id));

    const restore = await stateCommand('restore', 'staging', '--version', rows[1].VERSION, '--yes');
    expect({ code: restore.code, output: restore.code === 0 ? '' : restore.output }).toEqual({ code: 0, output: '' });
    expect(restore.stdout).toContain('plan: no changes: the restored state matches what is deployed');
    const restored = await currentState('staging');
    // Terraform may raise the serial once more when it persists the pushed state: above the clobbered one is what counts.
    expect({ above: restored.serial > empty.serial, lineage: restored.lineage, resources: restored.resources.length }).toEqual({ above: true, lineage: good.lineage, resources: 2 });
    // Nothing deleted: every earlier version is still there, the restore added one.
    const versionsAfter = (await versionsOf('staging')).map((v) => v.id);
    expect(versionsAfter.slice(versionsAfter.length - versionsBefore.length)).toEqual(versionsBefore.map((v) => v.id));
  }, testBudget('plan', 'plan', 'plan'));

  it('(d) a version of another lineage is refused, the state untouched; --other-lineage restores it', async () => {
    scenario.requires('deployed');
    const ours = await currentState('staging');
    const ourVersion = (await versionsOf('staging'))[0].id;
    // Another configuration's state pushed over it (another lineage).
    const foreign = { ...JSON.parse(ours.text), lineage: '00000000-0000-4000-8000-000000000000', serial: 1 };
    await s3As(await roleCredentials('staging')).send(new PutObjectCommand({ Bucket: BUCKET, Key: KEYS.staging, Body: JSON.stringify(foreign), ServerSideEncryption: 'AES256' }));
    const before = await versionsOf('staging');

    const refused = await state('restore', 'staging', { version: ourVersion, yes: true });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`belongs to another state (lineage ${ours.lineage}; the current state's is ${foreign.lineage}): nothing was changed`);
    expect((await versionsOf('staging')).map((v) => v.id)).toEqual(before.map((v) => v.id));

    const forced = await state('restore', 'staging', { version: ourVersion, yes: true, otherLineage: true });
    expect({ code: forced.code, output: forced.code === 0 ? '' : forced.output }).toEqual({ code: 0, output: '' });
    expect(forced.stdout).toContain('plan: no changes');
    expect((await currentState('staging')).lineage).toBe(ours.lineage);
  }, testBudget('plan', 'plan'));

  it('(c) a restore while a deploy holds the lock is refused, naming the holder; the state is untouched', async () => {
    scenario.requires('deployed');
    const hold = join(harness.home, 'staging-hold');
    const deploy = startStep('staging: apply holding the lock', 'terraform', ['apply', '-auto-approve', '-input=false', '-var', 'run=held', '-var', `hold=${hold}`], {
      cwd: dirOf('staging'),
      env: await harness.terraformEnv(ACCOUNTS.staging),
      timeoutMs: STEP_TIMEOUT_MS.deploy,
    });
    try {
      await untilHolding(hold, deploy, 'the staging apply to take its lock and start applying');
      const before = await versionsOf('staging');
      const older = before.find((v) => !v.latest && !v.marker)!.id;
      const refused = await state('restore', 'staging', { version: older, yes: true });
      expect(refused.code).toBe(1);
      expect(refused.output).toMatch(new RegExp(`the state is locked: s3://${BUCKET}/${KEYS.staging}\\.tflock is held by \\S+@\\S+ for OperationTypeApply since .*, Terraform 1\\.11\\.4, lock ID [0-9a-f-]{36}; nothing was changed`));
      expect((await versionsOf('staging')).map((v) => v.id)).toEqual(before.map((v) => v.id));
    } finally {
      writeFileSync(hold, '');
      expectOk(await deploy.done, 'the staging apply holding the lock');
    }
  }, testBudget('deploy', 'plan'));

  it('(b) production\'s state object (DynamoDB locking, SSE-KMS) deleted: restored through Terraform, plan clean, digest matches', async () => {
    scenario.requires('deployed');
    await scenario.step('production restored', async () => {
      const good = await currentState('production');
      const goodVersion = (await versionsOf('production'))[0].id;
      // Deleted by an administrator of the state account (a delete marker; the state role cannot delete).
      await s3As(await harness.credentials(ACCOUNTS.state)).send(new DeleteObjectCommand({ Bucket: BUCKET, Key: KEYS.production }));

      const history = await state('history', 'production');
      expect(history.code).toBe(0);
      const rows = historyRows(history.stdout);
      expect(rows[0]).toMatchObject({ LINEAGE: '(delete marker)', CURRENT: 'current' });
      expect(rows[1]).toMatchObject({ VERSION: goodVersion, SERIAL: String(good.serial), RESOURCES: '3' });

      const restore = await state('restore', 'production', { version: goodVersion, yes: true });
      expect({ code: restore.code, output: restore.code === 0 ? '' : restore.output }).toEqual({ code: 0, output: '' });
      expect(restore.stdout).toContain('from: nothing (the object was deleted');
      expect(restore.stdout).toContain('plan: no changes: the restored state matches what is deployed');
      const restored = await currentState('production');
      expect({ above: restored.serial > good.serial, lineage: restored.lineage, resources: restored.resources.length }).toEqual({ above: true, lineage: good.lineage, resources: 3 });
      // Terraform wrote the digest of what it pushed; the next run reads the state without a checksum error.
      expect(await digestOf('production')).toBe(md5(restored.text));
      const plan = await terraform('production', ACCOUNTS.production, ['plan', '-input=false', '-detailed-exitcode'], 'plan');
      expect({ code: plan.code, output: plan.code === 0 ? '' : failureDigest(plan.output) }).toEqual({ code: 0, output: '' });
    });
  }, testBudget('plan', 'plan', 'plan'));

  it('(g) production\'s apply killed mid-run: the doctor finds the stale lock, the digest mismatch and an unrecorded resource, repairs, and the next deploy is clean', async () => {
    scenario.requires('deployed', 'production restored');
    const hold = join(harness.home, 'production-hold');
    const apply = startStep('production: apply interrupted', 'terraform', ['apply', '-auto-approve', '-input=false', '-var', 'run=interrupted', '-var', `hold=${hold}`], {
      cwd: dirOf('production'),
      env: await harness.terraformEnv(ACCOUNTS.production),
      timeoutMs: STEP_TIMEOUT_MS.deploy,
    });
    await untilHolding(hold, apply, 'the production apply to take its lock and start applying');
    // SIGINT, once or twice, to this apply's process group ends it gracefully in Terraform 1.11.4
    // (measured here: the group's signal also ends the provisioner, the apply finishes and unlocks),
    // so the drill kills the group (SIGKILL), which leaves the lock as the measured interruptions did.
    process.kill(-apply.process.pid!, 'SIGKILL');
    const interrupted = await apply.done;
    expect(interrupted.code).not.toBe(0);
    const lock = await lockItem('production');
    expect(lock).toBeDefined();
    // The rest of what the measured interruption left, made deterministic: a resource created but not
    // recorded, and a state object written without its digest (killed between the two writes).
    expectOk(await terraform('production', ACCOUNTS.production, ['state', 'rm', '-lock=false', 'aws_ssm_parameter.drill'], 'synth'), 'terraform state rm (the resource the interrupted run did not record)');
    const stored = await currentState('production');
    await s3As(await roleCredentials('production')).send(new PutObjectCommand({ Bucket: BUCKET, Key: KEYS.production, Body: JSON.stringify({ ...JSON.parse(stored.text), serial: stored.serial + 1 }), ServerSideEncryption: 'aws:kms', SSEKMSKeyId: `arn:aws:kms:${REGION}:${ACCOUNTS.state}:alias/acme-platform-tfstate` }));

    // The next deploy stops on the lock.
    const blocked = await terraform('production', ACCOUNTS.production, ['apply', '-auto-approve', '-input=false', '-lock-timeout=0s'], 'deploy');
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain('Error acquiring the state lock');

    // The doctor without a terminal or --yes: says everything, changes nothing.
    const look = await stateCommand('doctor', 'production');
    expect(look.code).toBe(1);
    expect(look.stdout).toMatch(/lock: DynamoDB acme-platform-tflock item LockID = .* is held by \S+@\S+ for OperationTypeApply .*; no terraform process runs in production's directory on this machine/);
    expect(look.stdout).toMatch(/digest: acme-platform-tflock holds [0-9a-f]{32}, the stored state's MD5 is [0-9a-f]{32}/);
    expect(look.stdout).toContain(`unrecorded: aws_ssm_parameter.drill exists (${PARAMETER}) but is not in the state: cd ${dirOf('production')} && terraform import aws_ssm_parameter.drill ${PARAMETER}`);
    expect(look.output).toContain('no terminal to confirm on, so nothing was changed');
    expect(await lockItem('production')).toBe(lock);

    const repair = await state('doctor', 'production', { yes: true });
    // 3: the unrecorded resource is left for the import it printed.
    expect({ code: repair.code, output: repair.output }).toMatchObject({ code: 3 });
    expect(repair.stdout).toContain('released lock');
    expect(await lockItem('production')).toBeUndefined();
    expect(await digestOf('production')).toBe(md5((await currentState('production')).text));

    expectOk(await terraform('production', ACCOUNTS.production, ['import', '-input=false', 'aws_ssm_parameter.drill', PARAMETER], 'plan'), 'terraform import as the doctor printed');
    expectOk(await terraform('production', ACCOUNTS.production, ['apply', '-auto-approve', '-input=false', '-var', 'run=after-repair']), 'the clean deploy after repair');
    const again = await state('doctor', 'production');
    expect({ code: again.code, stdout: again.stdout }).toMatchObject({ code: 0, stdout: expect.stringContaining('production: nothing to repair') });
  }, testBudget('deploy', 'synth', 'deploy', 'plan', 'plan', 'plan', 'deploy', 'plan'));
});
