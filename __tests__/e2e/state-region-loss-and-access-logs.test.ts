import { IAMClient, DeleteRolePolicyCommand, GetRolePolicyCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { App } from 'cdktf';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appDefinition } from '../../environments';
import { buildApp } from '../../lib/app/build-app';
import type { AppDefinition } from '../../lib/definitions/app-definition';
import type { EnvironmentModule } from '../../lib/definitions/environment';
import { sandboxClientConfig } from '../../tooling/sandbox/credentials';
import { sandboxExtension } from '../../tooling/sandbox/sandbox-extension';
import { assumeRoleCredentials } from '../../tooling/toolkit/account-session';
import { sources } from '../support/synth';
import { startTestSandbox, type TestSandbox } from './harness/sandbox';
import { Scenario } from './harness/scenario';
import { STEP_TIMEOUT_MS, testBudget } from './harness/step';
import { ensureTerraform, runTerraform, runTerraformOk } from './harness/terraform';
import { withTestResources } from './harness/test-stack';
import { makeWorkdir, removeWorkdirs } from './harness/workdir';

/**
 * Two recovery drills on one sandbox (IAM enforcement on), docs/recovery.md:
 * (f) "Access logs": a read of staging's state through its state role leaves a record in the log
 *     bucket, delivered by the shim as logging.s3.amazonaws.com and judged by the log bucket's policy
 *     (a policy for another account delivers nothing);
 * (e) "Region loss": the state-backend's replica holds every state version (copied by the shim as the
 *     replication role, which IAM must allow: without its policy nothing is copied); with the primary
 *     bucket gone, staging pointed at the replica (one definition change) plans no changes.
 * The state-backend is applied with terraform directly (the documented `cdktf deploy state-backend`
 * and `npm run bootstrap` run in sandbox-state-backend.test.ts and readme-try-it.test.ts); staging's
 * backend is exactly as synthesized, around terraform_data resources.
 */
const STATE_ACCOUNT = '333333333333';
const STAGING_ACCOUNT = '222222222222';
const BUCKET = 'acme-platform-tfstate';
const LOG_BUCKET = 'acme-platform-tfstate-logs';
const REPLICA_BUCKET = 'acme-platform-tfstate-replica';
const REPLICA_REGION = 'eu-central-1';
const STAGING_KEY = 'acme-platform/staging/terraform.tfstate';
const STAGING_STATE_ROLE = `arn:aws:iam::${STATE_ACCOUNT}:role/acme-platform-staging-tfstate`;
const REPLICATION_ROLE = 'acme-platform-state-backend-replication';

let harness: TestSandbox;
let outdir: string;
let stagingDir: string;
const scenario = new Scenario();

/** The app as `SANDBOX=1 npx cdktf synth` writes it, for `definition`, into `dir`. */
function synthesize(definition: AppDefinition, dir: string): void {
  const app = new App({ outdir: dir, stackTraces: false });
  buildApp(app, definition, sources({ SANDBOX: '1', SANDBOX_HOME: harness.home, SANDBOX_ENDPOINT: harness.state.endpoint }), [sandboxExtension]);
  app.synth();
}
const stackJson = (dir: string, stack: string) => JSON.parse(readFileSync(join(dir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));

async function adminS3(region = 'eu-west-1'): Promise<S3Client> {
  return new S3Client(sandboxClientConfig(harness.state, region, await harness.credentials(STATE_ACCOUNT)));
}
async function stagingRoleS3(session: string): Promise<S3Client> {
  const { credentials } = await assumeRoleCredentials(sandboxClientConfig(harness.state, 'eu-west-1', await harness.credentials(STAGING_ACCOUNT)), STAGING_STATE_ROLE, session);
  return new S3Client(sandboxClientConfig(harness.state, 'eu-west-1', credentials));
}
const text = async (s3: S3Client, Bucket: string, Key: string) => (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();

/** Every access log record in the log bucket, one line each. */
async function accessLogRecords(s3: S3Client): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: LOG_BUCKET, Prefix: `${BUCKET}/` }));
  const records: string[] = [];
  for (const object of listed.Contents ?? []) records.push(...(await text(s3, LOG_BUCKET, object.Key!)).split('\n').filter(Boolean));
  return records;
}
const shimLog = () => readFileSync(join(harness.home, 'run', 'sandbox.log'), 'utf8');

beforeAll(async () => {
  ensureTerraform();
  harness = await startTestSandbox('region-loss');
  outdir = join(harness.home, 'cdktf.out');
  synthesize(appDefinition, outdir);
}, STEP_TIMEOUT_MS.sandbox);
afterAll(async () => {
  removeWorkdirs();
  await harness?.stop();
});

const chain = {
  stateBackend: (): Promise<void> =>
    scenario.start('state-backend', [], async () => {
      const cwd = join(outdir, 'stacks', 'state-backend');
      const env = await harness.terraformEnv(STATE_ACCOUNT);
      await runTerraformOk(['init', '-input=false'], { cwd, env, label: 'state-backend', timeoutMs: STEP_TIMEOUT_MS.synth });
      await runTerraformOk(['apply', '-auto-approve', '-input=false'], { cwd, env, label: 'state-backend', timeoutMs: STEP_TIMEOUT_MS.deploy });
    }),
  staging: (): Promise<void> => {
    void chain.stateBackend().catch(() => undefined); // its failure is reported by the step that needs it
    return scenario.start('staging', ['state-backend'], async () => {
      stagingDir = makeWorkdir('region-loss-staging', withTestResources(stackJson(outdir, 'staging')));
      const env = await harness.terraformEnv(STAGING_ACCOUNT);
      await runTerraformOk(['init', '-input=false'], { cwd: stagingDir, env, label: 'staging', timeoutMs: STEP_TIMEOUT_MS.synth });
      await runTerraformOk(['apply', '-auto-approve', '-input=false'], { cwd: stagingDir, env, label: 'staging', timeoutMs: STEP_TIMEOUT_MS.deploy });
    });
  },
};

describe('(f) access logs of the state bucket', () => {
  it('a read of staging\'s state through its state role is recorded in the log bucket, as S3 records it', async () => {
    await chain.staging();
    const reader = await stagingRoleS3('e2e-access-log-read');
    await text(reader, BUCKET, STAGING_KEY);
    reader.destroy();
    const admin = await adminS3();
    const records = (await accessLogRecords(admin)).filter((record) => record.includes('assumed-role/acme-platform-staging-tfstate/e2e-access-log-read'));
    expect(records).toEqual([expect.stringMatching(new RegExp(`^${STATE_ACCOUNT} ${BUCKET} \\[[^\\]]+\\] \\S+ arn:aws:sts::${STATE_ACCOUNT}:assumed-role/acme-platform-staging-tfstate/e2e-access-log-read \\S+ REST\\.GET\\.OBJECT ${STAGING_KEY} "GET /${BUCKET}/${STAGING_KEY}[^"]*" 200 `))]);
    admin.destroy();
  }, testBudget('synth', 'deploy', 'deploy'));

  it('a log bucket policy for another account receives nothing: the logging service is refused, as S3 would refuse it', async () => {
    scenario.requires('staging');
    const admin = await adminS3();
    const original = (await admin.send(new GetBucketPolicyCommand({ Bucket: LOG_BUCKET }))).Policy!;
    const wrong = original.replace(`"aws:SourceAccount":["${STATE_ACCOUNT}"]`, '"aws:SourceAccount":["111111111111"]');
    expect(wrong).not.toBe(original);
    await admin.send(new PutBucketPolicyCommand({ Bucket: LOG_BUCKET, Policy: wrong }));
    try {
      const reader = await stagingRoleS3('e2e-wrong-log-policy');
      await text(reader, BUCKET, STAGING_KEY);
      reader.destroy();
      expect((await accessLogRecords(admin)).filter((record) => record.includes('e2e-wrong-log-policy'))).toEqual([]);
      expect(shimLog()).toMatch(/iam: denied logging\.s3\.amazonaws\.com s3:PutObject on arn:aws:s3:::acme-platform-tfstate-logs\/acme-platform-tfstate\/\S+ \(s3 access log of acme-platform-tfstate into acme-platform-tfstate-logs\)/);
    } finally {
      await admin.send(new PutBucketPolicyCommand({ Bucket: LOG_BUCKET, Policy: original }));
      admin.destroy();
    }
  });
});

describe('(e) a replica in a second region, and the region-loss drill', () => {
  it('the replica holds staging\'s state as written, copied as the replication role', async () => {
    await chain.staging();
    const admin = await adminS3();
    const replica = await adminS3(REPLICA_REGION);
    expect(await text(replica, REPLICA_BUCKET, STAGING_KEY)).toBe(await text(admin, BUCKET, STAGING_KEY));
    expect(shimLog()).toContain(`replication: ${BUCKET}/${STAGING_KEY} version`);
    expect(shimLog()).toContain(`replicated as arn:aws:iam::${STATE_ACCOUNT}:role/${REPLICATION_ROLE}`);
    admin.destroy();
    replica.destroy();
  }, testBudget('synth', 'deploy', 'deploy'));

  it('replication configured but not allowed copies nothing; allowed again, versions and delete markers are copied', async () => {
    scenario.requires('staging');
    const admin = await adminS3();
    const replica = await adminS3(REPLICA_REGION);
    const iam = new IAMClient(sandboxClientConfig(harness.state, 'us-east-1', await harness.credentials(STATE_ACCOUNT)));
    try {
      const policy = decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: REPLICATION_ROLE, PolicyName: 'replicate-state' }))).PolicyDocument!);
      await iam.send(new DeleteRolePolicyCommand({ RoleName: REPLICATION_ROLE, PolicyName: 'replicate-state' }));
      await admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'drill/refused.json', Body: '{}', ServerSideEncryption: 'AES256' }));
      await expect(replica.send(new GetObjectCommand({ Bucket: REPLICA_BUCKET, Key: 'drill/refused.json' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
      expect(shimLog()).toMatch(new RegExp(`replication: ${BUCKET}/drill/refused\\.json version \\S+ -> ${REPLICA_BUCKET} FAILED: arn:aws:sts::${STATE_ACCOUNT}:assumed-role/${REPLICATION_ROLE}/s3-replication may not s3:GetReplicationConfiguration`));

      await iam.send(new PutRolePolicyCommand({ RoleName: REPLICATION_ROLE, PolicyName: 'replicate-state', PolicyDocument: policy }));
      await admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'drill/allowed.json', Body: '{"v":1}', ServerSideEncryption: 'AES256' }));
      expect(await text(replica, REPLICA_BUCKET, 'drill/allowed.json')).toBe('{"v":1}');
      // A delete marker is replicated (the rule says so); the version under it stays in the replica.
      await admin.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'drill/allowed.json' }));
      const versions = await replica.send(new ListObjectVersionsCommand({ Bucket: REPLICA_BUCKET, Prefix: 'drill/allowed.json' }));
      expect(versions.DeleteMarkers?.map((marker) => marker.IsLatest)).toEqual([true]);
      expect(versions.Versions).toHaveLength(1);
    } finally {
      iam.destroy();
      admin.destroy();
      replica.destroy();
    }
  });

  it('region loss: with the primary bucket gone, staging pointed at the replica plans no changes', async () => {
    scenario.requires('staging');
    const admin = await adminS3();
    // The region is lost: every version and the bucket itself are gone.
    const versions = await admin.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
    const objects = [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])].map(({ Key, VersionId }) => ({ Key: Key!, VersionId: VersionId! }));
    if (objects.length > 0) await admin.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: objects } }));
    await admin.send(new DeleteBucketCommand({ Bucket: BUCKET }));
    await expect(admin.send(new HeadBucketCommand({ Bucket: BUCKET }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    admin.destroy();

    // The one definition change of the runbook: staging's state bucket and region are the replica's.
    const toReplica: AppDefinition = {
      ...appDefinition,
      environments: appDefinition.environments.map((module): EnvironmentModule => (blueprint) => {
        const environment = module(blueprint);
        if (environment.name !== 'staging' || environment.state.kind !== 's3') return environment;
        return { ...environment, state: { ...environment.state, bucket: REPLICA_BUCKET, region: REPLICA_REGION } };
      }),
    };
    const failover = join(harness.home, 'cdktf.out.failover');
    synthesize(toReplica, failover);
    const backend = stackJson(failover, 'staging').terraform.backend.s3;
    expect(backend).toMatchObject({ bucket: REPLICA_BUCKET, region: REPLICA_REGION, key: STAGING_KEY, assume_role: { role_arn: STAGING_STATE_ROLE } });

    const dir = makeWorkdir('region-loss-failover', withTestResources(stackJson(failover, 'staging')));
    const env = await harness.terraformEnv(STAGING_ACCOUNT);
    await runTerraformOk(['init', '-input=false'], { cwd: dir, env, label: 'staging (replica)', timeoutMs: STEP_TIMEOUT_MS.synth });
    const plan = await runTerraform(['plan', '-detailed-exitcode', '-input=false'], { cwd: dir, env, label: 'staging (replica)', timeoutMs: STEP_TIMEOUT_MS.plan });
    // The output rides along so a failure shows Terraform's own reason.
    expect({ code: plan.code, noChanges: plan.stdout.includes('No changes.'), output: plan.code === 0 ? '' : plan.output }).toEqual({ code: 0, noChanges: true, output: '' });
  }, testBudget('synth', 'synth', 'plan'));
});
