/**
 * The whole lifecycle against the local AWS sandbox (moto behind the project's shim), with the real
 * cdktf CLI, the real workflows and the real terraform: bootstrap from nothing, deploy every
 * environment, contend, migrate, drift, refuse a destroy, tear dev down, and discard dev's state
 * with the sandbox.
 *
 * Every aws_s3_bucket_lifecycle_configuration costs the AWS provider ~55 s of waiting (its own
 * waitLifecycleConfigEquals, on real AWS too), so each stack is deployed once, deploys that do not
 * depend on each other run at the same time, and the scenarios share that one sandbox, in order.
 *
 * A CLI is started where it is what a step proves (issue #27): bootstrap, the staging, production
 * and dev workflows (deploy, production's refused destroy), `npm run drift`, both `cdktf deploy
 * staging` of the lock contention, and terraform wherever its output or exit code is asserted.
 * Elsewhere nothing is started for it:
 * - the production migration synthesizes its backend-config steps in this process (the app's own
 *   runSynth, SandboxWorld.synth) instead of `cdktf synth`: `cdktf synth --output` runs in every
 *   workflow run of this file (their synth step), as well as in sandbox-state-backend.test.ts;
 * - the second, refused deploy of the lock contention is `cdktf deploy staging --skip-synth` of the
 *   directory the staging workflow synthesized, not a second `make -C workflows/staging deploy`:
 *   that workflow runs in this file's first test;
 * - the migration's plans right after an apply (which refreshed and wrote the state) use
 *   -refresh=false; the first step's plan, with no apply before it, refreshes.
 */
import { DescribeContinuousBackupsCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DescribeParametersCommand, GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { CDKTF_BIN } from '../../tooling/toolkit/run-command';
import { TERRAFORM_BIN } from './harness/terraform';
import { appDefinition } from '../../environments';
import { runBootstrap, type BootstrapResult } from '../../tooling/bootstrap/run-bootstrap';
import { STATE_BACKEND_VERSION } from '../../lib/stacks/state-backend-version';
import { summarizeState, type StateSummary } from '../../tooling/bootstrap/state-summary';
import { assumeRoleCredentials, type ClientConfig } from '../../tooling/toolkit/account-session';
import { PROJECT_DIR, sandboxPaths } from '../../tooling/sandbox/paths';
import { sandboxCredentials } from '../../tooling/sandbox/credentials';
import { sandboxDown } from '../../tooling/sandbox/lifecycle';
import { progress } from './harness/progress';
import { Scenario } from './harness/scenario';
import { expectExit, failureDigest, runStep, STEP_TIMEOUT_MS, testBudget, type RunResult } from './harness/step';
import { ensureTerraform } from './harness/terraform';
import { waitFor } from './harness/wait';
import { ACCOUNTS, REGION, SandboxWorld, type StackName } from './support/sandbox-world';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

// Every command below has its own bound (harness/step.ts); jest's limit sits above the longest chain
// of them in one test (the first: bootstrap's five commands, then a workflow deploy), so on a slow
// machine a step fails with its name, never jest racing the whole scenario.
jest.setTimeout(testBudget('deploy', 'deploy', 'deploy', 'deploy', 'deploy', 'deploy'));
// The SDK's Node-version notice would otherwise appear in the middle of the progress lines.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const PROJECT = 'acme-platform';
const STATE_BUCKET = `${PROJECT}-tfstate`;
const LOCK_TABLE = `${PROJECT}-tflock`;
const stateKeyOf = (stack: string) => `${PROJECT}/${stack}/terraform.tfstate`;
const STAGING_TOKEN = `staging-token-${Date.now().toString(36)}`;
const PRODUCTION_TOKEN = `production-token-${Date.now().toString(36)}`;
const PRODUCTION_REF = 'ref+op://platform-production/app-api-token/credential';
const DEPLOY_FLAGS = '--auto-approve --skip-provider-lock';

const world = new SandboxWorld();
const clients: Array<{ destroy(): void }> = [];
function client<T extends { destroy(): void }>(make: (config: ClientConfig) => T, config: ClientConfig): T {
  const made = make(config);
  clients.push(made);
  return made;
}
const s3Of = async (stack: StackName) => client((c) => new S3Client(c), (await world.session(stack)).clientConfig);

/**
 * The stack's state as its backend reads it: through its state role when it has one (the sandbox
 * enforces IAM, and only production's role may decrypt production's state), else as the state
 * account's administrator (the state-backend's own state).
 */
async function remoteState(stack: string): Promise<StateSummary & { raw: string }> {
  const admin = (await world.session('state-backend')).clientConfig;
  let config = admin;
  if (stack === 'staging' || stack === 'production') {
    // Assumed as the backend does: with the environment account's credentials (the role's trust).
    const roleArn = `arn:aws:iam::${ACCOUNTS['state-backend']}:role/${PROJECT}-${stack}-tfstate`;
    const { credentials } = await assumeRoleCredentials((await world.session(stack)).clientConfig, roleArn, 'e2e-read-state');
    config = { ...admin, credentials };
  }
  const s3 = client((c) => new S3Client(c), config);
  const object = await s3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: stateKeyOf(stack) }));
  const raw = await object.Body!.transformToString();
  return { ...summarizeState(raw, stack), raw };
}

// Filled by the first test's steps, read by the tests after it once `scenario.requires` says the step completed.
const scenario = new Scenario();
let bootstrap: BootstrapResult;
let stagingDeploy: RunResult;
let productionDeploy: RunResult;
let devCycle: {
  deployed: { stdout: string; buckets: string[]; bucketsElsewhere: string[]; parameter?: string; stateResources: number; managedTypes: string[] };
  destroyed: { buckets: string[]; parameterGone: boolean; stateResources: number };
};

beforeAll(async () => {
  ensureTerraform();
  await world.start();
}, STEP_TIMEOUT_MS.sandbox);

afterAll(async () => {
  for (const made of clients) made.destroy();
  await world.stop();
});

const workflowVars = (stack: 'staging' | 'production', extra: Record<string, string> = {}) => ({
  OUTDIR: world.outDir(stack),
  DEPLOY_FLAGS,
  ...(stack === 'staging' ? { SECRETS_FILE: world.writeSecretsEnv({ TF_VAR_app_api_token: STAGING_TOKEN }) } : {}),
  ...extra,
});
const productionEnv = () => world.valsEnv({ [PRODUCTION_REF]: PRODUCTION_TOKEN });

/** Where workflows/dev --sandbox keeps dev's local state: the sandbox's run directory. */
const devStateFile = () => join(world.home, 'run', 'terraform.dev.tfstate');

/** workflows/dev --sandbox deploy, look, destroy, look: all in dev's own account. */
async function runDevCycle(): Promise<typeof devCycle> {
  const dev = await world.session('dev');
  const s3 = client((c) => new S3Client(c), dev.clientConfig);
  const ssm = client((c) => new SSMClient(c), dev.clientConfig);
  const devState = devStateFile();
  const stateResources = () => (existsSync(devState) ? summarizeState(readFileSync(devState, 'utf8'), devState).instances.length : -1);
  const env = { ...world.env };
  const deploy = await runStep('dev: deploy.sh --sandbox', join(PROJECT_DIR, 'workflows', 'dev', 'deploy.sh'), ['--sandbox', '--auto-approve'], { cwd: PROJECT_DIR, env });
  expectExit(deploy, 0, 'workflows/dev/deploy.sh --sandbox');
  const buckets = async () => ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((bucket) => bucket.Name!);
  const parameter = async () =>
    ssm
      .send(new GetParameterCommand({ Name: `/${PROJECT}/dev/app/api-token`, WithDecryption: true }))
      .then((answer) => answer.Parameter?.Value)
      .catch((error: Error) => (error.name === 'ParameterNotFound' ? undefined : Promise.reject(error)));
  // Another account sees none of it: staging's (deploying now, beside dev) and one no stack uses.
  const bucketsElsewhere: string[] = [];
  for (const account of [ACCOUNTS.staging, '555555555555']) {
    const other = client((c) => new S3Client(c), { ...dev.clientConfig, credentials: await sandboxCredentials(world.state, account, REGION) });
    bucketsElsewhere.push(...((await other.send(new ListBucketsCommand({}))).Buckets ?? []).map((bucket) => bucket.Name!));
  }
  const managedTypes = existsSync(devState)
    ? (JSON.parse(readFileSync(devState, 'utf8')) as { resources: Array<{ mode: string; type: string }> }).resources.filter((r) => r.mode === 'managed').map((r) => r.type).sort()
    : [];
  const deployed = { stdout: deploy.stdout, buckets: await buckets(), bucketsElsewhere, parameter: await parameter(), stateResources: stateResources(), managedTypes };
  const destroy = await runStep('dev: destroy.sh --sandbox', join(PROJECT_DIR, 'workflows', 'dev', 'destroy.sh'), ['--sandbox', '--auto-approve'], { cwd: PROJECT_DIR, env });
  expectExit(destroy, 0, 'workflows/dev/destroy.sh --sandbox');
  return { deployed, destroyed: { buckets: await buckets(), parameterGone: (await parameter()) === undefined, stateResources: stateResources() } };
}

describe('the lifecycle in the sandbox', () => {
  test('bootstrap from nothing; staging and production deploy through their workflows as soon as the backend exists; dev deploys and destroys alongside', async () => {
    const environmentDeploys: Array<Promise<RunResult>> = [];
    const deployed = (stack: 'staging' | 'production', vars: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}) =>
      scenario.step(`${stack} deploy`, async () => {
        const result = await world.make(stack, 'deploy', vars, extraEnv);
        expectExit(result, 0, `make -C workflows/${stack} deploy`);
        if (stack === 'staging') stagingDeploy = result;
        else productionDeploy = result;
        return result;
      });
    const dev = scenario.step('dev cycle', async () => (devCycle = await runDevCycle()));
    const bootstrapped = scenario.step('bootstrap', async () => {
      bootstrap = await runBootstrap({
        appDefinition,
        sandbox: true,
        env: world.env,
        outDir: world.outDir('bootstrap'),
        say: progress,
        // Each terraform/cdktf command of the bootstrap has the deploy bound (harness/step.ts).
        timeoutMs: STEP_TIMEOUT_MS.deploy,
        onBackendReady: () => {
          progress('bootstrap: bucket, lock table and key exist: staging and production deploy now');
          environmentDeploys.push(deployed('staging', workflowVars('staging')));
          environmentDeploys.push(deployed('production', workflowVars('production'), productionEnv()));
        },
      });
      return bootstrap;
    });
    // Every step runs to its end (none is left running into afterAll); the first failure is reported.
    const settled = await Promise.allSettled([bootstrapped, dev]);
    const deploys = await Promise.allSettled(environmentDeploys);
    const failure = [...settled, ...deploys].find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    expect(bootstrap.startedFrom).toBe('nothing');
    expect(bootstrap.steps.map((step) => step.name)).toEqual([
      'connect',
      'inspect',
      'synthesize phase 1 (local state)',
      'phase 1: deploy state-backend on local state',
      'synthesize phase 2 (S3 state)',
      `phase 2: move the state into s3://${STATE_BUCKET}/${stateKeyOf('state-backend')}`,
      'verify the remote state',
      'retire the local state',
    ]);
  });

  test('the state-backend has every hardening property it promises, read back from the sandbox', async () => {
    scenario.requires('bootstrap');
    const config = (await world.session('state-backend')).clientConfig;
    const s3 = client((c) => new S3Client(c), config);
    const dynamodb = client((c) => new DynamoDBClient(c), config);
    const kms = client((c) => new KMSClient(c), config);
    const key = await kms.send(new DescribeKeyCommand({ KeyId: `alias/${PROJECT}-tfstate` }));
    const keyArn = key.KeyMetadata!.Arn!;

    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: STATE_BUCKET }))).Status).toBe('Enabled');
    const encryption = (await s3.send(new GetBucketEncryptionCommand({ Bucket: STATE_BUCKET }))).ServerSideEncryptionConfiguration!.Rules!;
    expect(encryption).toHaveLength(1);
    expect(encryption[0].ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn });
    expect(encryption[0].BucketKeyEnabled).toBe(true);
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: STATE_BUCKET }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect((await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: STATE_BUCKET }))).OwnershipControls!.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    const rules = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: STATE_BUCKET }))).Rules!;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ ID: 'expire-noncurrent-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 } });

    const policy = JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: STATE_BUCKET }))).Policy!) as { Statement: Array<Record<string, unknown>> };
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: expect.arrayContaining([`arn:aws:s3:::${STATE_BUCKET}`, `arn:aws:s3:::${STATE_BUCKET}/*`]),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
      // Only the state account's principals (its admins and the state roles) reach the state.
      {
        Sid: 'DenyOtherAccounts',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${STATE_BUCKET}`, `arn:aws:s3:::${STATE_BUCKET}/*`],
        Condition: { StringNotEquals: { 'aws:PrincipalAccount': ACCOUNTS['state-backend'] } },
      },
    ]);
    // And it is enforced: the same state object over plain HTTP is denied.
    const insecure = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${world.state.insecureEndpoint}/${STATE_BUCKET}/${stateKeyOf('staging')}`);
      request(url, { method: 'GET' }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(insecure).toBe(403);

    const table = (await dynamodb.send(new DescribeTableCommand({ TableName: LOCK_TABLE }))).Table!;
    expect(table.KeySchema).toEqual([{ AttributeName: 'LockID', KeyType: 'HASH' }]);
    expect(table.AttributeDefinitions).toEqual([{ AttributeName: 'LockID', AttributeType: 'S' }]);
    expect(table.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.DeletionProtectionEnabled).toBe(true);
    expect(table.SSEDescription).toMatchObject({ Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: keyArn });
    const backups = await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: LOCK_TABLE }));
    expect(backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('ENABLED');
    expect((await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }))).KeyRotationEnabled).toBe(true);
  });

  test('phase 2 moved the local state into S3 with nothing lost, retired the local file with a backup, and a re-run resumes as done', async () => {
    scenario.requires('bootstrap');
    const { layout } = bootstrap;
    expect(existsSync(layout.localStateFile)).toBe(false);
    expect(bootstrap.backupFile).toBe(`${layout.localStateFile}.bootstrap-backup`);
    const backup = summarizeState(readFileSync(bootstrap.backupFile!, 'utf8'), 'backup');
    const remote = await remoteState('state-backend');
    expect({ lineage: remote.lineage, serial: remote.serial, instances: remote.instances }).toEqual(backup);
    // Every resource the synthesized state-backend stack declares (bucket and its settings, table, key, state roles).
    const synthesized = JSON.parse(readFileSync(join(layout.stackDir, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, unknown>> };
    const declared = Object.values(synthesized.resource).reduce((count, byName) => count + Object.keys(byName).length, 0);
    expect(declared).toBeGreaterThanOrEqual(12);
    expect(remote.instances).toHaveLength(declared);
    expect(remote.instances.some((instance) => instance.startsWith(`aws_s3_bucket.`) && instance.endsWith(`= ${STATE_BUCKET}`))).toBe(true);
    // Terraform itself reads the S3 copy through the synthesized S3 backend.
    const session = await world.session('state-backend');
    const list = await runStep('state-backend: terraform state list', TERRAFORM_BIN, ['state', 'list'], { cwd: layout.stackDir, env: session.env, kind: 'synth' });
    expectExit(list, 0, 'terraform state list (state-backend, S3 backend)');
    expect(list.output.trim().split('\n').sort()).toEqual(remote.instances.map((instance) => instance.split(' = ')[0]));
    expect(JSON.parse(readFileSync(join(layout.stackDir, 'cdk.tf.json'), 'utf8')).terraform.backend.s3).toMatchObject({ bucket: STATE_BUCKET, key: stateKeyOf('state-backend'), use_lockfile: true });

    const again = await runBootstrap({ appDefinition, sandbox: true, env: world.env, outDir: world.outDir('bootstrap'), say: progress, timeoutMs: STEP_TIMEOUT_MS.deploy });
    expect(again.startedFrom).toBe('done');
    // The version stamp as deployed by the first run, read back by both.
    const stamped = { kind: 'current', deployed: STATE_BACKEND_VERSION, expected: STATE_BACKEND_VERSION };
    expect(bootstrap.versionStamp).toEqual(stamped);
    expect(again.versionStamp).toEqual(stamped);
    expect(again.steps.find((step) => step.name === 'phase 1 and phase 2')?.skipped).toMatch(/already in s3:/);
    expect(again.state).toEqual({ lineage: backup.lineage, serial: backup.serial, instances: backup.instances });
  });

  test('staging and production workloads exist with their settings; production\'s secret is encrypted with production\'s key', async () => {
    scenario.requires('bootstrap', 'staging deploy', 'production deploy');
    expect(stagingDeploy.output).toMatch(/Apply complete! Resources: 8 added/);
    expect(productionDeploy.output).toMatch(/Apply complete! Resources: 10 added/);
    expect(productionDeploy.output).not.toContain(PRODUCTION_TOKEN);

    const staging = await world.session('staging');
    const stagingS3 = client((c) => new S3Client(c), staging.clientConfig);
    const stagingSsm = client((c) => new SSMClient(c), staging.clientConfig);
    const stagingBucket = `${PROJECT}-staging-assets`;
    expect((await stagingS3.send(new GetBucketVersioningCommand({ Bucket: stagingBucket }))).Status).toBe('Enabled');
    expect((await stagingS3.send(new GetBucketEncryptionCommand({ Bucket: stagingBucket }))).ServerSideEncryptionConfiguration!.Rules![0].ApplyServerSideEncryptionByDefault!.SSEAlgorithm).toBe('AES256');
    const stagingParameter = await stagingSsm.send(new GetParameterCommand({ Name: `/${PROJECT}/staging/app/api-token`, WithDecryption: true }));
    expect(stagingParameter.Parameter).toMatchObject({ Type: 'SecureString', Value: STAGING_TOKEN });

    const production = await world.session('production');
    const productionS3 = client((c) => new S3Client(c), production.clientConfig);
    const productionSsm = client((c) => new SSMClient(c), production.clientConfig);
    const productionKms = client((c) => new KMSClient(c), production.clientConfig);
    const productionKey = (await productionKms.send(new DescribeKeyCommand({ KeyId: `alias/${PROJECT}-production-assets` }))).KeyMetadata!;
    const productionBucket = `${PROJECT}-production-assets`;
    const bucketEncryption = (await productionS3.send(new GetBucketEncryptionCommand({ Bucket: productionBucket }))).ServerSideEncryptionConfiguration!.Rules![0];
    expect(bucketEncryption.ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: productionKey.Arn });
    const parameterName = `/${PROJECT}/production/app/api-token`;
    const parameter = await productionSsm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    expect(parameter.Parameter).toMatchObject({ Type: 'SecureString', Value: PRODUCTION_TOKEN });
    const metadata = await productionSsm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: [parameterName] }] }));
    expect([productionKey.Arn, productionKey.KeyId]).toContain(metadata.Parameters![0].KeyId);
    // Different accounts: production's bucket does not exist in staging's account.
    expect(((await stagingS3.send(new ListBucketsCommand({}))).Buckets ?? []).map((bucket) => bucket.Name)).toEqual([stagingBucket]);

    // Their state is in the state account's bucket, encrypted as each backend says.
    const stateS3 = await s3Of('state-backend');
    const stagingState = await remoteState('staging');
    expect(stagingState.instances).toHaveLength(8);
    const productionState = await remoteState('production');
    expect(productionState.instances).toHaveLength(10);
    const productionHead = await stateS3.send(new HeadObjectCommand({ Bucket: STATE_BUCKET, Key: stateKeyOf('production') }));
    expect(productionHead.ServerSideEncryption).toBe('aws:kms');
    const stateKey = (await client((c) => new KMSClient(c), (await world.session('state-backend')).clientConfig).send(new DescribeKeyCommand({ KeyId: `alias/${PROJECT}-tfstate` }))).KeyMetadata!;
    expect([stateKey.Arn, `arn:aws:kms:eu-west-1:333333333333:alias/${PROJECT}-tfstate`]).toContain(productionHead.SSEKMSKeyId);
    // Production locks through DynamoDB: Terraform keeps the state's digest in the lock table.
    const dynamodb = client((c) => new DynamoDBClient(c), (await world.session('state-backend')).clientConfig);
    const digest = await dynamodb.send(new GetItemCommand({ TableName: LOCK_TABLE, Key: { LockID: { S: `${STATE_BUCKET}/${stateKeyOf('production')}-md5` } } }));
    expect(digest.Item?.Digest?.S).toMatch(/^[0-9a-f]{32}$/);
  });

  test('dev: deploy then destroy through workflows/dev --sandbox leaves nothing behind', () => {
    scenario.requires('dev cycle');
    expect(devCycle.deployed.buckets).toEqual([`${PROJECT}-dev-assets`]);
    expect(devCycle.deployed.parameter).toBe('sandbox-throw-away-token');
    // Ephemeral: bucket, public access block, ownership, encryption, the SSM parameter; nothing else.
    expect(devCycle.deployed.stateResources).toBe(5);
    expect(devCycle.destroyed).toEqual({ buckets: [], parameterGone: true, stateResources: 0 });
    // In dev's own account, with dev's state in the sandbox's run directory, never the project's.
    expect(devCycle.deployed.stdout).toContain(`== dev: sandbox ${world.state.endpoint} (account of dev`);
    expect(devCycle.deployed.bucketsElsewhere).not.toContain(`${PROJECT}-dev-assets`);
    expect(devCycle.deployed.managedTypes).toEqual([
      'aws_s3_bucket',
      'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_ssm_parameter',
    ]);
    expect(existsSync(join(PROJECT_DIR, 'cdktf.out', 'terraform.dev.tfstate'))).toBe(false);
  });

  // Scenarios on different stacks (and accounts) run side by side; each keeps its own test. Drift
  // goes first on staging (it suspends versioning on staging's bucket, which the lock holder's apply
  // would turn back on) while production's destroy is refused; then staging's lock contention runs
  // beside production's migration. The migration waits for drift: once production's state is written
  // with the lockfile only, a run configured with dynamodb_table (the workflow's and drift's, from
  // environments/production.ts) rightly fails Terraform's digest check.
  let driftAndProductionDestroy: Promise<PromiseSettledResult<void>[]> | undefined;
  const groupA = () => (driftAndProductionDestroy ??= Promise.allSettled([driftScenario(), destroyRefused()]));
  let stagingLockAndMigration: Promise<PromiseSettledResult<void>[]> | undefined;
  const groupB = () => (stagingLockAndMigration ??= groupA().then(() => Promise.allSettled([lockContention(), productionMigration()])));
  const outcome = async (group: () => Promise<PromiseSettledResult<void>[]>, index: number) => {
    const result = (await group())[index];
    if (result.status === 'rejected') throw result.reason;
  };

  test('two cdktf deploy staging at once: the second is refused with the lock error and the state is intact', () => outcome(groupB, 0));
  test('cdktf destroy production through its workflow is refused by prevent_destroy and the state is intact', () => outcome(groupA, 1));
  test('drift: versioning suspended out of band on staging\'s bucket: plan -detailed-exitcode exits 2 and npm run drift names the resource', () => outcome(groupA, 0));
  test('production migrates dynamodb -> both -> lockfile with the real production stack, plan clean at each step, state untouched', () => outcome(groupB, 1));

  test('sandbox down discards dev\'s state with the sandbox', async () => {
    scenario.requires('dev cycle');
    const devState = devStateFile();
    expect(existsSync(devState)).toBe(true);
    // Last in the file: every scenario above has settled (jest runs a file's tests in order).
    await sandboxDown(world.env);
    expect(existsSync(devState)).toBe(false);
  });
});

async function lockContention(): Promise<void> {
  scenario.requires('bootstrap', 'staging deploy');
  const holding = join(world.home, 'lock-holding');
  const release = join(world.home, 'lock-release');
  const staging = await world.session('staging');
  const before = await remoteState('staging');
  const holderOut = world.outDir('lock-holder');
  const holder = runStep(
    'staging: the lock-holding cdktf deploy',
    CDKTF_BIN,
    ['deploy', 'staging', '--app', 'node --require ./tooling/toolkit/typescript-hook.cjs __tests__/fixtures/lock-holder-main.ts', '--output', holderOut, '--auto-approve', '--skip-provider-lock'],
    { cwd: PROJECT_DIR, env: { ...staging.env, TF_VAR_app_api_token: STAGING_TOKEN, LOCK_HOLDER_HOLDING: holding, LOCK_HOLDER_RELEASE: release }, kind: 'deploy' },
  );
  // A holder that ends early ends the wait with its own output instead of the wait's deadline.
  let holderEnded = false;
  void holder.then(() => (holderEnded = true), () => (holderEnded = true));
  try {
    await waitFor('the first deploy to hold the lock', async () => existsSync(holding) || holderEnded, STEP_TIMEOUT_MS.deploy);
    if (!existsSync(holding)) {
      const ended = await holder;
      throw new Error(`the lock-holding cdktf deploy staging ended (exit ${ended.code}) before it held the lock:\n${failureDigest(ended.output)}`);
    }
    const stateS3 = await s3Of('state-backend');
    const lock = JSON.parse(await (await stateS3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: `${stateKeyOf('staging')}.tflock` }))).Body!.transformToString()) as { ID: string; Operation: string };
    expect(lock.Operation).toBe('OperationTypeApply');

    // `cdktf deploy staging` of what the workflow synthesized and deployed in the first test (the
    // workflow itself, `make -C workflows/staging deploy`, runs there): no second synth.
    const second = await runStep(
      'staging: the second cdktf deploy staging',
      CDKTF_BIN,
      ['deploy', 'staging', '--skip-synth', '--output', world.outDir('staging'), '--auto-approve', '--skip-provider-lock'],
      { cwd: PROJECT_DIR, env: { ...staging.env, TF_VAR_app_api_token: STAGING_TOKEN }, kind: 'deploy' },
    );
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/Error acquiring the state lock/);
    expect(second.output).toContain(lock.ID);
    // Nothing was written by the refused run, and the holder's lock is still the one in place.
    const during = await remoteState('staging');
    expect(during.raw).toBe(before.raw);
    const lockAfter = JSON.parse(await (await stateS3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: `${stateKeyOf('staging')}.tflock` }))).Body!.transformToString()) as { ID: string };
    expect(lockAfter.ID).toBe(lock.ID);
  } finally {
    writeFileSync(release, '');
  }
  const held = await holder;
  expectExit(held, 0, 'the lock-holding cdktf deploy staging');
  const after = await remoteState('staging');
  expect(after.lineage).toBe(before.lineage);
  expect(after.serial).toBe(before.serial + 1);
  expect(after.instances).toEqual([...before.instances, ...after.instances.filter((i) => i.startsWith('terraform_data.'))].sort());
  // Leave staging's state as the real app has it: drop the holder's resource (it has no remote object).
  const drop = await runStep('staging: terraform state rm of the lock holder', TERRAFORM_BIN, ['state', 'rm', after.instances.find((i) => i.startsWith('terraform_data.'))!.split(' = ')[0]], {
    cwd: join(holderOut, 'stacks', 'staging'),
    env: staging.env,
    kind: 'synth',
  });
  expectExit(drop, 0, 'terraform state rm of the lock holder');
  expect((await remoteState('staging')).instances).toEqual(before.instances);
}

async function productionMigration(): Promise<void> {
  scenario.requires('bootstrap', 'production deploy');
  const production = await world.session('production');
  const before = await remoteState('production');
  const outDir = world.outDir('production-migration');
  const migrationDir = join(outDir, 'stacks', 'production');
  // The generated examples for production's dynamodb and both steps; the lockfile example is staging's,
  // so the last step is production's own settings with the DynamoDB table dropped, as a user writes it.
  const examples = join(PROJECT_DIR, 'examples', 'backend-configs');
  const lockfileFile = join(world.home, 'production-lockfile.yaml');
  writeFileSync(lockfileFile, readFileSync(join(examples, 's3-backend-both.yaml'), 'utf8').replace(/^dynamodb_table: .*\n/m, ''));
  expect(readFileSync(lockfileFile, 'utf8')).toMatch(/^environment: production$/m);
  const backendFiles = { dynamodb: join(examples, 's3-backend-dynamodb.yaml'), both: join(examples, 's3-backend-both.yaml'), lockfile: lockfileFile };
  for (const [mode, expected] of [
    ['dynamodb', { dynamodb_table: LOCK_TABLE, use_lockfile: undefined }],
    ['both', { dynamodb_table: LOCK_TABLE, use_lockfile: true }],
    ['lockfile', { dynamodb_table: undefined, use_lockfile: true }],
  ] as const) {
    const env = { ...production.env, BACKEND_CONFIG_FILE: backendFiles[mode], TF_VAR_app_api_token: PRODUCTION_TOKEN };
    // Step 1 is what the workflow deployed (environments/production.ts says dynamodb); its directory is ready.
    const stackDir = mode === 'dynamodb' ? join(world.outDir('production'), 'stacks', 'production') : migrationDir;
    if (mode !== 'dynamodb') {
      // The app's own synth (main.ts's runSynth) in this process: what is proven is the backend block
      // the file makes, not the cdktf CLI (which every workflow run above starts).
      const started = Date.now();
      world.synth(outDir, env);
      progress(`production (${mode}): synthesized in-process with s3-backend-${mode}.yaml (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      const init = await runStep(`production (${mode}): terraform init`, TERRAFORM_BIN, ['init', '-reconfigure', '-input=false', '-no-color'], { cwd: stackDir, env, kind: 'synth' });
      expectExit(init, 0, `terraform init (${mode})`);
    }
    const backend = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')).terraform.backend.s3;
    expect({ dynamodb_table: backend.dynamodb_table, use_lockfile: backend.use_lockfile }).toEqual(expected);
    if (mode !== 'dynamodb') {
      // What `cdktf deploy production` does at each step; only the state_locking and
      // state_access_policy_json outputs change, never a resource.
      const apply = await runStep(`production (${mode}): terraform apply`, TERRAFORM_BIN, ['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: stackDir, env, kind: 'deploy' });
      expectExit(apply, 0, `terraform apply (${mode})`);
      expect(apply.output).toMatch(/Apply complete! Resources: 0 added, 0 changed, 0 destroyed/);
      expect(apply.output).toMatch(mode === 'both' ? /state_locking = "s3-lockfile\+dynamodb"/ : /state_locking = "s3-lockfile"\n/);
    }
    // After this step's apply, which refreshed every resource and wrote the state, the plan compares
    // the configuration with that state (-refresh=false); step 1's plan refreshes (no apply before it).
    const refresh = mode === 'dynamodb' ? [] : ['-refresh=false'];
    const plan = await runStep(`production (${mode}): terraform plan`, TERRAFORM_BIN, ['plan', '-detailed-exitcode', ...refresh, '-input=false', '-no-color'], { cwd: stackDir, env, kind: 'plan' });
    expectExit(plan, 0, `terraform plan -detailed-exitcode (${mode})`);
    expect(plan.output).toContain('No changes.');
    // Same state throughout: lineage and resources unchanged (the serial only moves with the outputs).
    const now = await remoteState('production');
    expect({ lineage: now.lineage, instances: now.instances }).toEqual({ lineage: before.lineage, instances: before.instances });
  }
  // Nothing left locked in either mechanism.
  const stateS3 = await s3Of('state-backend');
  await expect(stateS3.send(new HeadObjectCommand({ Bucket: STATE_BUCKET, Key: `${stateKeyOf('production')}.tflock` }))).rejects.toMatchObject({ name: 'NotFound' });
  const dynamodb = client((c) => new DynamoDBClient(c), (await world.session('state-backend')).clientConfig);
  const lockItem = await dynamodb.send(new GetItemCommand({ TableName: LOCK_TABLE, Key: { LockID: { S: `${STATE_BUCKET}/${stateKeyOf('production')}` } } }));
  expect(lockItem.Item).toBeUndefined();
}

async function driftScenario(): Promise<void> {
  scenario.requires('bootstrap', 'staging deploy', 'production deploy');
  const staging = await world.session('staging');
  const stagingS3 = client((c) => new S3Client(c), staging.clientConfig);
  const bucket = `${PROJECT}-staging-assets`;
  await stagingS3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
  try {
    const stackDir = join(world.outDir('staging'), 'stacks', 'staging');
    // Both read-only (no lock taken, nothing written): side by side.
    const [plan, drift] = await Promise.all([
      runStep('staging: terraform plan after suspending versioning', TERRAFORM_BIN, ['plan', '-detailed-exitcode', '-lock=false', '-input=false', '-no-color'], {
        cwd: stackDir,
        env: { ...staging.env, TF_VAR_app_api_token: STAGING_TOKEN },
        kind: 'plan',
      }),
      // Plans every stack (synth, then one plan per stack).
      runStep('npm run drift --sandbox', process.execPath, typescriptNodeArgs('tooling/bin/drift.ts', '--sandbox', '--output', world.outDir('drift')), {
        cwd: PROJECT_DIR,
        env: { ...world.env, STATE_BACKEND_MIGRATED: 'true' },
        kind: 'workflow',
      }),
    ]);
    expectExit(plan, 2, 'terraform plan -detailed-exitcode after suspending versioning');
    expect(plan.output).toMatch(/aws_s3_bucket_versioning\.\S+ will be updated in-place/);
    expect(plan.output).toMatch(/"Suspended" -> "Enabled"/);

    expectExit(drift, 2, 'npm run drift');
    const lines = drift.output.split('\n');
    const drifted = lines.filter((line) => /^\S+\t\S+\t\S+\t\S*$/.test(line));
    expect(drifted).toHaveLength(1);
    expect(drifted[0]).toMatch(/^staging\taws_s3_bucket_versioning\.workload_assets_versioning_[0-9A-F]+\tupdate\tversioning_configuration\.0\.status$/);
    expect(drift.output).toMatch(/drift: production: no drift/);
    expect(drift.output).toMatch(/drift: state-backend: no drift/);
    // The CI stacks were never deployed here: their empty state says so, and no plan is run for them.
    for (const stack of ['ci-staging', 'ci-production']) {
      expect(drift.output).toContain(`drift: ${stack}: skipped, its state holds no resources (not deployed; nothing to plan)`);
    }
    // dev's sandbox state is where drift looks (deployed, then destroyed by the dev cycle): nothing to check.
    expect(drift.output).toMatch(/drift: dev: (skipped, its state holds no resources|no drift)/);
  } finally {
    await stagingS3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
}

async function destroyRefused(): Promise<void> {
  scenario.requires('bootstrap', 'production deploy');
  const before = await remoteState('production');
  const destroy = await world.make('production', 'destroy', workflowVars('production', { CONFIRM: 'production', DESTROY_FLAGS: DEPLOY_FLAGS }), productionEnv());
  expect(destroy.code).not.toBe(0);
  // cdktf 0.21 shows the plan and then only "encountered a problem", not Terraform's error text.
  expect(destroy.output).toMatch(/Terraform planned the following actions, but then encountered a problem/);
  // Terraform's own words, from the same stack directory the workflow used:
  const production = await world.session('production');
  const plan = await runStep('production: terraform plan -destroy', TERRAFORM_BIN, ['plan', '-destroy', '-input=false', '-lock=false', '-no-color'], {
    cwd: join(world.outDir('production'), 'stacks', 'production'),
    env: { ...production.env, TF_VAR_app_api_token: PRODUCTION_TOKEN },
    kind: 'plan',
  });
  expect(plan.code).toBe(1);
  expect(plan.output).toMatch(/Error: Instance cannot be destroyed/);
  // Terraform wraps its messages at 78 columns.
  expect(plan.output).toMatch(/aws_s3_bucket\.workload_assets_bucket_[0-9A-F]+ has\s+lifecycle\.prevent_destroy set/);
  expect(plan.output).toMatch(/aws_kms_key\.workload_assets-key_[0-9A-F]+ has\s+lifecycle\.prevent_destroy set/);
  const after = await remoteState('production');
  expect(after.raw).toBe(before.raw);
  const s3 = client((c) => new S3Client(c), production.clientConfig);
  await expect(s3.send(new HeadBucketCommand({ Bucket: `${PROJECT}-production-assets` }))).resolves.toBeDefined();
  expect(sandboxPaths(world.env).home).toBe(world.home);
}
