import { GetBucketLifecycleConfigurationCommand, GetBucketPolicyCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCdktfOk } from './harness/cdktf';
import { startTestSandbox, type TestSandbox } from './harness/sandbox';
import { Scenario } from './harness/scenario';
import { runStep, STEP_TIMEOUT_MS, testBudget } from './harness/step';
import { ensureTerraform, runTerraform, runTerraformOk } from './harness/terraform';
import { s3BackendOf, withTestResources } from './harness/test-stack';
import { makeWorkdir, removeWorkdirs } from './harness/workdir';
import { STATE_BACKEND_VERSION, stateBackendVersionParameterArn, stateBackendVersionParameterName } from '../../lib/stacks/state-backend-version';
import { compareStamp, readDeployedStamp } from '../../tooling/bootstrap/version-stamp';
import { exportLines, sandboxClientConfig } from '../../tooling/sandbox/credentials';
import { assumeRoleCredentials } from '../../tooling/toolkit/account-session';
import { sandboxSessionVariables } from '../../tooling/sandbox/target';
import { PROJECT_DIR } from '../../tooling/sandbox/paths';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * The proof the sandbox owes: the synthesized state-backend stack (TLS-only policy and lifecycle rule
 * included), applied by the real `SANDBOX=1 cdktf deploy state-backend` into the sandbox, as users
 * run it (README, docs/bootstrap.md): the deploy synthesizes the app itself, into the output directory
 * the later tests read every stack from; a second plan finds nothing to change; and state access
 * through the bucket, with the policy in place, works for staging's (lockfile) and production's
 * (DynamoDB + KMS) backends exactly as synthesized — over HTTPS, and denied over plain HTTP.
 *
 * One cdktf CLI start, not two: this file no longer runs a separate `cdktf synth` before
 * `cdktf deploy --skip-synth` (the deploy's own synth writes the same cdktf.out). `cdktf synth` itself
 * is run by full-lifecycle.test.ts (production's backend modes, `cdktf synth --output`).
 */
const STATE_ACCOUNT = '333333333333';
const STAGING_ACCOUNT = '222222222222';
const root = mkdtempSync(join(tmpdir(), 'e2e-sandbox-state-backend-'));
const outdir = join(root, 'cdktf.out');
let sandbox: TestSandbox;

type Stack = { terraform: { backend?: Record<string, Record<string, unknown>> } } & Record<string, unknown>;
const stackJson = (name: string) => JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as Stack;

interface StateFile {
  serial: number;
  lineage: string;
  resources: Array<{ mode: string; type: string; name: string; instances: Array<{ attributes: Record<string, unknown> }> }>;
}

beforeAll(async () => {
  ensureTerraform();
  sandbox = await startTestSandbox('state-backend');
}, STEP_TIMEOUT_MS.sandbox);
afterAll(async () => {
  removeWorkdirs();
  await sandbox?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the state-backend stack in the sandbox', () => {
  let state: StateFile;
  const scenario = new Scenario();

  it('SANDBOX=1 cdktf deploy state-backend (its own synth writes every stack): every resource as synthesized', async () => {
    const env = await sandbox.terraformEnv(STATE_ACCOUNT);
    await scenario.step('cdktf deploy state-backend', async () => {
      // The figure for docs and the report comes from this progress line (and npm run bench later).
      await runCdktfOk(['deploy', 'state-backend', '--auto-approve', '--skip-provider-lock', '--output', outdir], {
        env,
        label: 'state-backend',
        // Its own synth, then the deploy: both bounds (the test's budget below is their sum).
        timeoutMs: STEP_TIMEOUT_MS.synth + STEP_TIMEOUT_MS.deploy,
      });
    });
    // Phase 1 keeps the state locally, next to the output directory.
    const stateFile = join(root, 'terraform.state-backend.tfstate');
    expect(existsSync(stateFile)).toBe(true);
    state = JSON.parse(readFileSync(stateFile, 'utf8')) as StateFile;
    const managed = state.resources.filter((resource) => resource.mode === 'managed').map((resource) => resource.type);
    const counts = Object.fromEntries([...new Set(managed)].sort().map((type) => [type, managed.filter((t) => t === type).length]));
    expect(counts).toEqual({
      aws_dynamodb_table: 1,
      // Staging's and production's state access policies, each one's twin for the replica, and the
      // state policies of their CI stacks (ci-staging, ci-production).
      aws_iam_policy: 6,
      // The state roles of staging and production (docs/cross-account.md), of their CI stacks, and the
      // replication role.
      aws_iam_role: 5,
      aws_iam_role_policy: 1,
      aws_iam_role_policy_attachment: 6,
      // The state key and the replica's key.
      aws_kms_alias: 2,
      aws_kms_key: 2,
      // The state bucket, its access log bucket and its replica (docs/backend-configuration.md), each with its companions.
      aws_s3_bucket: 3,
      aws_s3_bucket_lifecycle_configuration: 3,
      aws_s3_bucket_logging: 1,
      aws_s3_bucket_ownership_controls: 3,
      aws_s3_bucket_policy: 3,
      aws_s3_bucket_public_access_block: 3,
      aws_s3_bucket_replication_configuration: 1,
      aws_s3_bucket_server_side_encryption_configuration: 3,
      aws_s3_bucket_versioning: 3,
      // The version stamp (lib/stacks/bootstrap-version-stamp.ts).
      aws_ssm_parameter: 1,
    });
  }, testBudget('synth', 'deploy'));

  it('the version stamp, read back: the output bootstrap_version, the SSM parameter through the tooling, and npm run doctor', async () => {
    scenario.requires('cdktf deploy state-backend');
    const env = await sandbox.terraformEnv(STATE_ACCOUNT);
    const output = await runTerraformOk(['output', '-raw', 'bootstrap_version'], { cwd: join(outdir, 'stacks', 'state-backend'), env, label: 'state-backend', timeoutMs: STEP_TIMEOUT_MS.synth });
    expect(output.stdout.trim()).toBe(`${STATE_BACKEND_VERSION}`);

    const project = 'acme-platform';
    const synthesized = Object.values((stackJson('state-backend') as unknown as { resource: Record<string, Record<string, { name: string }>> }).resource.aws_ssm_parameter);
    expect(synthesized.map((parameter) => parameter.name)).toEqual([stateBackendVersionParameterName(project)]);
    const { accessKeyId, secretAccessKey, sessionToken } = await sandbox.credentials(STATE_ACCOUNT);
    const ssm = new SSMClient(sandboxClientConfig(sandbox.state, 'eu-west-1', { accessKeyId, secretAccessKey, sessionToken }));
    try {
      const deployed = await readDeployedStamp(ssm, project);
      expect(deployed).toEqual({ kind: 'found', version: STATE_BACKEND_VERSION });
      expect(compareStamp(deployed).kind).toBe('current');
    } finally {
      ssm.destroy();
    }

    // The doctor as a staging administrator runs it after `npm run sandbox -- env`: it assumes staging's
    // state role and reads the stamp with it. The state role lacks ssm:GetParameter, so (on AWS, and in
    // the sandbox, which enforces IAM) the check warns (docs/guardrails.md).
    const exported = Object.fromEntries(
      exportLines(STAGING_ACCOUNT, sandboxSessionVariables({ state: sandbox.state, home: sandbox.home }, await sandbox.credentials(STAGING_ACCOUNT), 'eu-west-1')).flatMap((line) => {
        const match = /^export (\w+)='(.*)'$/.exec(line);
        return match ? [[match[1], match[2]]] : [];
      }),
    );
    const doctorEnv: NodeJS.ProcessEnv = { ...sandbox.env, ...exported, SANDBOX_HOME: sandbox.home };
    delete doctorEnv.AWS_PROFILE;
    const doctor = await runStep('npm run doctor staging', process.execPath, typescriptNodeArgs('tooling/bin/doctor.ts', 'staging'), { cwd: PROJECT_DIR, env: doctorEnv, kind: 'synth' });
    expect(doctor.output).toContain(`PASS  state role: assumed arn:aws:iam::${STATE_ACCOUNT}:role/`);
    expect(doctor.output).toContain(
      `WARN  state-backend version: cannot read the stamp with these credentials (needs ssm:GetParameter on ${stateBackendVersionParameterArn(project, 'eu-west-1', STATE_ACCOUNT)})`,
    );
  }, testBudget('synth', 'synth'));

  it('the bucket carries the synthesized TLS-only policy, byte for byte, and the lifecycle rule', async () => {
    scenario.requires('cdktf deploy state-backend');
    const s3 = await sandbox.s3(STATE_ACCOUNT);
    const bucket = s3BackendOf(stackJson('staging')).bucket;
    const inState = state.resources.find((resource) => resource.type === 'aws_s3_bucket_policy' && resource.name.startsWith('state_'))!.instances[0].attributes.policy as string;
    const policy = (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy!;
    expect(policy).toBe(inState);
    expect(JSON.parse(policy).Statement).toEqual([
      expect.objectContaining({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({ Sid: 'DenyOtherAccounts', Effect: 'Deny', Condition: { StringNotEquals: { 'aws:PrincipalAccount': STATE_ACCOUNT } } }),
    ]);
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    expect(lifecycle.Rules).toEqual([
      expect.objectContaining({ ID: 'expire-noncurrent-versions', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
    ]);
  });

  it('a second plan finds no changes (exit 0 with -detailed-exitcode)', async () => {
    scenario.requires('cdktf deploy state-backend');
    const env = await sandbox.terraformEnv(STATE_ACCOUNT);
    const plan = await runTerraform(['plan', '-detailed-exitcode', '-input=false'], { cwd: join(outdir, 'stacks', 'state-backend'), env, label: 'state-backend', timeoutMs: STEP_TIMEOUT_MS.plan });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes.');
  }, testBudget('plan'));

  it.each([
    ['staging', STAGING_ACCOUNT],
    ['production', STATE_ACCOUNT],
  ])('%s: state written and read through the TLS-only bucket by its synthesized backend', async (name, account) => {
    scenario.requires('cdktf deploy state-backend');
    const stack = stackJson(name);
    const backend = s3BackendOf(stack);
    const dir = makeWorkdir(`sandbox-${name}`, withTestResources(stack));
    const env = await sandbox.terraformEnv(account);
    await runTerraformOk(['init', '-input=false'], { cwd: dir, env, label: name, timeoutMs: STEP_TIMEOUT_MS.synth });
    await runTerraformOk(['apply', '-auto-approve', '-input=false'], { cwd: dir, env, label: name, timeoutMs: STEP_TIMEOUT_MS.deploy });
    // The state this apply just wrote, read back through the backend (role, bucket, lock, key): nothing to refresh.
    const reread = await runTerraformOk(['plan', '-detailed-exitcode', '-input=false', '-refresh=false'], { cwd: dir, env, label: name, timeoutMs: STEP_TIMEOUT_MS.plan });
    expect(reread.stdout).toContain('No changes.');

    // Read back through the stack's state role, as its backend does (production's state is encrypted
    // with the state key, which nobody else may use: the sandbox enforces IAM).
    const admin = await sandbox.credentials(account);
    const roleArn = (stack.terraform.backend!.s3.assume_role as { role_arn: string }).role_arn;
    const { credentials } = await assumeRoleCredentials(sandboxClientConfig(sandbox.state, 'eu-west-1', admin), roleArn, 'e2e-read');
    const s3 = new S3Client(sandboxClientConfig(sandbox.state, 'eu-west-1', credentials));
    const stored = JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: backend.bucket, Key: backend.key }))).Body!.transformToString()) as StateFile;
    expect(stored.resources.map((resource) => `${resource.type}.${resource.name}`).sort()).toEqual(['terraform_data.holder', 'terraform_data.payload']);
    s3.destroy();
    // The same object over plain HTTP is denied by the bucket policy, as S3 would deny it.
    const insecure = new S3Client({ ...sandboxClientConfig(sandbox.state, 'eu-west-1', credentials), endpoint: sandbox.state.insecureEndpoint });
    await expect(insecure.send(new GetObjectCommand({ Bucket: backend.bucket, Key: backend.key }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining('with an explicit deny in a resource-based policy (statement DenyInsecureTransport)'),
    });
    insecure.destroy();
  }, testBudget('synth', 'deploy', 'plan'));
});
