/**
 * Cross-account state access, proven against the moto sandbox (tooling/sandbox/) with its IAM
 * enforcement on: every request is authorized as AWS would (identity policies, bucket, key and trust
 * policies, cross-account, request context; docs/sandbox.md). moto keeps resources per account, and
 * STS AssumeRole/AssumeRoleWithWebIdentity return credentials that act in the role's account. The
 * stacks are the app's own, synthesized with SANDBOX=1 (connection settings only), plus a `qa`
 * environment that locks with both DynamoDB and the lockfile.
 *
 * Not proven here: the GitHub OIDC `:sub`/`:aud` conditions (the evaluator cannot judge them; the
 * unit tests assert them exactly). Each refusal below is read back as the error AWS would give, and
 * the state is checked to be intact.
 */
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, ListBucketsCommand, ListObjectVersionsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  DeleteRolePermissionsBoundaryCommand,
  IAMClient,
  PutRolePermissionsBoundaryCommand,
  SetDefaultPolicyVersionCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { spawnSync } from 'node:child_process';
import { App } from 'cdktf';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appDefinition } from '../../environments';
import { buildApp } from '../../lib/app/build-app';
import type { AppDefinition } from '../../lib/definitions/app-definition';
import { defineEnvironment } from '../../lib/definitions/environment';
import { sandboxClientConfig, type SandboxCredentials } from '../../tooling/sandbox/credentials';
import { assumeRoleCredentials } from '../../tooling/toolkit/account-session';
import { callSandbox, sandboxIamStatus } from '../../tooling/sandbox/lifecycle';
import { sandboxExtension } from '../../tooling/sandbox/sandbox-extension';
import { moveCiState } from '../../tooling/bootstrap/ci-state';
import { BACKEND_SERVICES, SANDBOX_MAX_RETRIES } from '../../tooling/sandbox/connection';
import { CrossStackReader, READER_STACK, READ_OUTPUT } from '../../tooling/examples/cross-stack-example';

import type { SandboxState } from '../../tooling/sandbox/state-file';
import { sources } from '../support/synth';
import { Scenario } from './harness/scenario';
import { failureDigest, STEP_TIMEOUT_MS, testBudget } from './harness/step';
import { ensureTerraform, runTerraform, terraformEnv, type RunResult } from './harness/terraform';
import { sandboxLogDigest, startTestSandbox, type TestSandbox } from './harness/sandbox';
import { withTestResources } from './harness/test-stack';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

const REGION = 'eu-west-1';
const STATE_ACCOUNT = '333333333333';
const STAGING_ACCOUNT = '222222222222';
const BUCKET = 'acme-platform-tfstate';
const TABLE = 'acme-platform-tflock';
const STAGING_KEY = 'acme-platform/staging/terraform.tfstate';
const PRODUCTION_KEY = 'acme-platform/production/terraform.tfstate';
const QA_ACCOUNT = '444444444444';
const QA_KEY = 'acme-platform/qa/terraform.tfstate';
const STAGING_STATE_ROLE = `arn:aws:iam::${STATE_ACCOUNT}:role/acme-platform-staging-tfstate`;
const PRODUCTION_STATE_ROLE = `arn:aws:iam::${STATE_ACCOUNT}:role/acme-platform-production-tfstate`;
const QA_STATE_ROLE = `arn:aws:iam::${STATE_ACCOUNT}:role/acme-platform-qa-tfstate`;
const STAGING_CI_ROLE = `arn:aws:iam::${STAGING_ACCOUNT}:role/acme-platform-staging-ci-deploy`;
const CI_STAGING_KEY = 'acme-platform/ci-staging/terraform.tfstate';
const CI_PRODUCTION_KEY = 'acme-platform/ci-production/terraform.tfstate';
const CI_STAGING_STATE_ROLE = `arn:aws:iam::${STATE_ACCOUNT}:role/acme-platform-ci-staging-tfstate`;
const CI_PRODUCTION_STATE_ROLE = `arn:aws:iam::${STATE_ACCOUNT}:role/acme-platform-ci-production-tfstate`;
const PRODUCTION_CI_ROLE = `arn:aws:iam::${STATE_ACCOUNT}:role/acme-platform-production-ci-deploy`;

/** qa: its own account, state in the state bucket, locked with both DynamoDB and the lockfile (then migrated). */
const qa = (locking: 'both' | 'lockfile') =>
  defineEnvironment((blueprint) => ({
    name: 'qa',
    region: blueprint.stateRegion,
    allowedAccountIds: [QA_ACCOUNT],
    tags: { environment: 'qa', project: blueprint.project, 'managed-by': 'cdktf' },
    state:
      locking === 'both'
        ? { kind: 's3' as const, bucket: blueprint.stateBucket, region: blueprint.stateRegion, locking, dynamodbTable: blueprint.lockTable }
        : { kind: 's3' as const, bucket: blueprint.stateBucket, region: blueprint.stateRegion, locking },
    protection: 'standard' as const,
  }));
const withQa = (locking: 'both' | 'lockfile'): AppDefinition => ({ ...appDefinition, environments: [...appDefinition.environments, qa(locking)] });

let harness: TestSandbox;
let home: string;
let sandbox: SandboxState;
let outdir: string;
let stateAdmin: SandboxCredentials;
let stagingAdmin: SandboxCredentials;
let qaAdmin: SandboxCredentials;
/** Staging's CI role session (GitHub OIDC), kept for the refusals. */
let stagingCi: Credentials;

type Credentials = Pick<SandboxCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>;
const clientConfig = (credentials: Credentials) => sandboxClientConfig(sandbox, REGION, credentials);
const s3Of = (credentials: Credentials) => new S3Client(clientConfig(credentials));
const dynamoOf = (credentials: Credentials) => new DynamoDBClient(clientConfig(credentials));

/** A terraform process acting with `credentials`, at the sandbox's endpoint and trusting its CA (as a sandbox session does), with the offline provider mirror. */
function envFor(credentials: Credentials, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return terraformEnv(
    {},
    {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL: sandbox.endpoint,
      AWS_CA_BUNDLE: sandbox.caFile,
      TF_VAR_app_api_token: 'sandbox-token-1',
      ...extra,
    },
  );
}
// terraformEnv drops AWS_SESSION_TOKEN from the parent environment; set it again after.
function terraform(stack: string, args: string[], credentials: Credentials, extra: Record<string, string> = {}, dir = join(outdir, 'stacks', stack)) {
  const env = { ...envFor(credentials, extra), AWS_SESSION_TOKEN: credentials.sessionToken };
  return runTerraform([...args], { cwd: dir, env, label: `sandbox ${stack}`, timeoutMs: STEP_TIMEOUT_MS.deploy });
}
/** `terraform init` then `apply` in a directory not initialized before (with its backend). */
async function deploy(stack: string, credentials: Credentials, extra: Record<string, string> = {}, dir?: string, applyFlags: string[] = []): Promise<RunResult> {
  const init = await terraform(stack, ['init', '-input=false'], credentials, extra, dir);
  if (init.code !== 0) return init;
  return terraform(stack, ['apply', '-auto-approve', '-input=false', ...applyFlags], credentials, extra, dir);
}
const expectOk = (result: RunResult) =>
  expect({ code: result.code, output: result.code === 0 ? '' : `${failureDigest(result.output)}\nsandbox log:\n${sandboxLogDigest(harness.env)}` }).toEqual({ code: 0, output: '' });

async function assume(credentials: Credentials, roleArn: string, sessionName: string): Promise<Credentials> {
  return (await assumeRoleCredentials(clientConfig(credentials), roleArn, sessionName)).credentials;
}
async function webIdentity(roleArn: string): Promise<Credentials> {
  // moto does not verify the web identity token (any string is accepted); the sandbox judges the
  // trust policy's principal and action, the unit tests its :sub/:aud conditions.
  const sts = new STSClient(sandboxClientConfig(sandbox, REGION));
  const { Credentials: issued } = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: 'github-actions', WebIdentityToken: 'not-a-real-github-oidc-token' }));
  return { accessKeyId: issued!.AccessKeyId!, secretAccessKey: issued!.SecretAccessKey!, sessionToken: issued!.SessionToken! };
}
/** The SDK error a refused request ends with: its name, HTTP status and message (AWS's wording). */
async function refusal(promise: Promise<unknown>): Promise<{ name: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the request to be refused');
}
async function stateOf(credentials: Credentials, key: string): Promise<{ serial: number; lineage: string; resources: Array<{ type: string }> }> {
  return JSON.parse(await (await s3Of(credentials).send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString());
}
/** A synthesized stack's JSON with its backend's assume_role changed (or removed), written to a directory of its own. */
function backendVariant(stack: string, name: string, change: (backend: Record<string, unknown>) => void, testResources = false, from = outdir): string {
  const synthesized = JSON.parse(readFileSync(join(from, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as { terraform: { backend: { s3: Record<string, unknown> } } };
  change(synthesized.terraform.backend.s3);
  const dir = join(home, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(testResources ? withTestResources(synthesized) : synthesized));
  return dir;
}

/** Production's state access policy as the synthesized state-backend stack writes it. */
function statePolicyOf(stack: { resource: { aws_iam_policy: Record<string, { name: string; policy: string }> } }): { Version: string; Statement: Array<{ Sid?: string }> } {
  const policy = Object.values(stack.resource.aws_iam_policy).find((candidate) => candidate.name === 'acme-platform-production-tfstate-access')!;
  return JSON.parse(policy.policy);
}

/** moto's STS sessions (its /moto-api/data.json), to see which roles were assumed. */
async function assumedRoles(): Promise<Array<{ role_arn: string; account_id: string; access_key_id: string }>> {
  const { body } = await callSandbox(sandbox, 'GET', '/moto-api/data.json', 15_000);
  return (JSON.parse(body) as { sts?: { AssumedRole?: Array<{ role_arn: string; account_id: string; access_key_id: string }> } }).sts?.AssumedRole ?? [];
}

beforeAll(async () => {
  ensureTerraform();
  harness = await startTestSandbox('cross-account');
  ({ state: sandbox, home } = harness);

  // The app as `SANDBOX=1 npx cdktf synth` writes it.
  outdir = join(home, 'cdktf.out');
  const app = new App({ outdir, stackTraces: false });
  buildApp(app, withQa('both'), sources({ SANDBOX: '1', SANDBOX_HOME: home, SANDBOX_ENDPOINT: sandbox.endpoint }), [sandboxExtension]);
  app.synth();

  stateAdmin = await harness.credentials(STATE_ACCOUNT);
  stagingAdmin = await harness.credentials(STAGING_ACCOUNT);
  qaAdmin = await harness.credentials(QA_ACCOUNT);
}, STEP_TIMEOUT_MS.sandbox);

afterAll(async () => {
  await harness?.stop(); // also removes its SANDBOX_HOME (and our synth output in it)
});

/**
 * After the state-backend, three chains run side by side, each in its own account and state key:
 * staging (deploy, negative control, CI), production (backend, CI deploy of its workload) and qa.
 * The AWS provider's 55 s wait after each lifecycle configuration (staging's and production's asset
 * buckets) is then paid once, not twice in a row. Each test awaits its own step, and reports
 * "not run because <step> failed" when one before it in its chain failed.
 */
const scenario = new Scenario();
const chain = {
  staging: () =>
    scenario.start('staging', ['state-backend'], async () => {
      const before = (await assumedRoles()).filter((session) => session.role_arn === STAGING_STATE_ROLE).length;
      expectOk(await deploy('staging', stagingAdmin));

      // The backend assumed the state role: a session in the state account.
      const sessions = (await assumedRoles()).filter((session) => session.role_arn === STAGING_STATE_ROLE);
      expect(sessions.length).toBeGreaterThan(before);
      expect(new Set(sessions.map((session) => session.account_id))).toEqual(new Set([STATE_ACCOUNT]));

      // The state object is in the state account's bucket, holding staging's workload...
      const s3 = s3Of(stateAdmin);
      const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: STAGING_KEY }))).Body!.transformToString();
      const types = (JSON.parse(body) as { resources: Array<{ type: string }> }).resources.map((r) => r.type);
      expect(types).toEqual(expect.arrayContaining(['aws_s3_bucket', 'aws_ssm_parameter']));
      // ...and the lockfile was taken there (versioned bucket: its versions and delete markers remain).
      const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: `${STAGING_KEY}.tflock` }));
      expect((versions.Versions?.length ?? 0) + (versions.DeleteMarkers?.length ?? 0)).toBeGreaterThan(0);

      // The state bucket belongs to the state account, staging's workload to staging's.
      const bucketsOf = async (credentials: Credentials) => ((await s3Of(credentials).send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
      expect(await bucketsOf(stateAdmin)).toContain(BUCKET);
      expect(await bucketsOf(stagingAdmin)).toEqual(['acme-platform-staging-assets']);
    }),
  negativeControl: () =>
    scenario.start('negative control', ['staging'], async () => {
      const synthesized = JSON.parse(readFileSync(join(outdir, 'stacks', 'staging', 'cdk.tf.json'), 'utf8')) as { terraform: { backend: { s3: Record<string, unknown> } } };
      delete synthesized.terraform.backend.s3.assume_role;
      const dir = join(home, 'staging-without-role');
      mkdirSync(dir);
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(synthesized));
      const result = await terraform('staging (no role)', ['init', '-input=false'], stagingAdmin, {}, dir);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/Unable to access object "acme-platform\/staging\/terraform\.tfstate"[\s\S]*StatusCode: 403/);
      // Why: the state bucket's DenyOtherAccounts statement, as S3 would say it.
      // The same staging credentials read the state once they go through the state role.
      expect(await refusal(s3Of(stagingAdmin).send(new GetObjectCommand({ Bucket: BUCKET, Key: STAGING_KEY })))).toEqual({
        name: 'AccessDenied',
        status: 403,
        message: `User: arn:aws:sts::${STAGING_ACCOUNT}:assumed-role/sandbox-admin/sandbox is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/${STAGING_KEY}" with an explicit deny in a resource-based policy (statement DenyOtherAccounts)`,
      });
      const sts = new STSClient(clientConfig(stagingAdmin));
      const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: STAGING_STATE_ROLE, RoleSessionName: 'negative-control' }));
      const viaRole = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
      expect((await s3Of(viaRole).send(new GetObjectCommand({ Bucket: BUCKET, Key: STAGING_KEY }))).$metadata.httpStatusCode).toBe(200);
    }),
  productionBackend: () =>
    scenario.start('production backend', ['state-backend'], async () => {
      // Production's backend exactly as synthesized (state role, DynamoDB lock, state key) around a
      // terraform_data: the lock and state are the point here, and its workload would add a minute.
      const dir = join(home, 'production-backend');
      mkdirSync(dir);
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(withTestResources(JSON.parse(readFileSync(join(outdir, 'stacks', 'production', 'cdk.tf.json'), 'utf8')))));
      expectOk(await deploy('production (backend)', stateAdmin, {}, dir));
      // Encrypted with the state key, which only production's state role may use: read through it.
      const production = await assume(stateAdmin, PRODUCTION_STATE_ROLE, 'e2e-read');
      expect((await stateOf(production, PRODUCTION_KEY)).resources.map((r) => r.type)).toContain('terraform_data');
      expect((await assumedRoles()).some((session) => session.role_arn === PRODUCTION_STATE_ROLE)).toBe(true);
      // The digest item the S3 backend keeps next to the lock: in the state account's table.
      const item = await dynamoOf(stateAdmin).send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: `${BUCKET}/${PRODUCTION_KEY}-md5` } } }));
      expect(item.Item?.Digest?.S).toMatch(/^[0-9a-f]{32}$/);
      // With staging-account credentials, the lock table is simply not there.
      await expect(dynamoOf(stagingAdmin).send(new DescribeTableCommand({ TableName: TABLE }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      expect((await dynamoOf(stateAdmin).send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableName).toBe(TABLE);
    }),
  stagingCi: () =>
    scenario.start('staging CI', ['negative control'], async () => {
      expectOk(await deploy('ci-staging', stagingAdmin));
      // Its own state went into the state bucket under its key, through its CI state role: no local file.
      expect(existsSync(join(home, 'terraform.ci-staging.tfstate'))).toBe(false);
      expect((await assumedRoles()).some((session) => session.role_arn === CI_STAGING_STATE_ROLE)).toBe(true);
      const ciState = await stateOf(await assume(stagingAdmin, CI_STAGING_STATE_ROLE, 'e2e-read'), CI_STAGING_KEY);
      expect(ciState.resources.map((r) => r.type).sort()).toEqual(['aws_iam_openid_connect_provider', 'aws_iam_role', 'aws_iam_role_policy']);

      const ci = await webIdentity(STAGING_CI_ROLE);
      stagingCi = ci;
      const identity = await new STSClient({ ...clientConfig(ci) }).send(new GetCallerIdentityCommand({}));
      expect(identity).toMatchObject({ Account: STAGING_ACCOUNT, Arn: `arn:aws:sts::${STAGING_ACCOUNT}:assumed-role/acme-platform-staging-ci-deploy/github-actions` });

      const before = (await assumedRoles()).filter((session) => session.role_arn === STAGING_STATE_ROLE).length;
      const serialBefore = (JSON.parse(await (await s3Of(stateAdmin).send(new GetObjectCommand({ Bucket: BUCKET, Key: STAGING_KEY }))).Body!.transformToString()) as { serial: number }).serial;
      // A new token value: the apply changes the SSM parameter, so the state is written again. Staging's
      // directory was initialized by the staging step, with this backend: the apply alone.
      expectOk(await terraform('staging', ['apply', '-auto-approve', '-input=false'], ci, { TF_VAR_app_api_token: 'sandbox-token-2' }));
      expect((await assumedRoles()).filter((session) => session.role_arn === STAGING_STATE_ROLE).length).toBeGreaterThan(before);
      const after = JSON.parse(await (await s3Of(stateAdmin).send(new GetObjectCommand({ Bucket: BUCKET, Key: STAGING_KEY }))).Body!.transformToString()) as { serial: number };
      expect(after.serial).toBeGreaterThan(serialBefore);
    }),
  productionCi: () =>
    scenario.start('production CI', ['production backend'], async () => {
      // Deployed as before this change, with its state in a local file (terraform.ci-production.tfstate,
      // three levels above the stack's directory), then moved by `npm run bootstrap -- ci-production`.
      const legacy = join(home, 'legacy', 'stacks', 'ci-production');
      mkdirSync(legacy, { recursive: true });
      const synthesized = JSON.parse(readFileSync(join(outdir, 'stacks', 'ci-production', 'cdk.tf.json'), 'utf8')) as { terraform: { backend: Record<string, unknown> } };
      synthesized.terraform.backend = { local: { path: '../../../terraform.ci-production.tfstate' } };
      writeFileSync(join(legacy, 'cdk.tf.json'), JSON.stringify(synthesized));
      expectOk(await deploy('ci-production (local state)', stateAdmin, {}, legacy));
      const localFile = join(home, 'terraform.ci-production.tfstate');
      const localBytes = readFileSync(localFile, 'utf8');
      const lines: string[] = [];
      const moved = await moveCiState({ appDefinition, stack: 'ci-production', sandbox: true, outDir: outdir, synthesize: false, env: harness.env, say: (line) => lines.push(line), timeoutMs: STEP_TIMEOUT_MS.deploy });
      expect({ outcome: moved.outcome, backup: moved.backupFile, localLeft: existsSync(localFile) }).toEqual({ outcome: 'moved', backup: `${localFile}.bootstrap-backup`, localLeft: false });
      // The same bytes under its key, encrypted with the state key as production's state is, readable through its CI state role only.
      const ciRole = await assume(stateAdmin, CI_PRODUCTION_STATE_ROLE, 'e2e-read');
      const object = await s3Of(ciRole).send(new GetObjectCommand({ Bucket: BUCKET, Key: CI_PRODUCTION_KEY }));
      expect({ body: await object.Body!.transformToString(), sse: object.ServerSideEncryption }).toEqual({ body: localBytes, sse: 'aws:kms' });
      // Terraform, with the stack's S3 backend (DynamoDB lock, state key), sees everything deployed: no
      // changes. (The move ran `terraform init -reconfigure` in the stack's directory: no init here.) The
      // plan is kept for the deploy below, which applies it as it was inspected.
      const plan = await terraform('ci-production', ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-out=ci-production.tfplan'], stateAdmin);
      expect({ code: plan.code, tail: plan.code === 0 ? '' : failureDigest(plan.output) }).toEqual({ code: 0, tail: '' });
      // Run again: nothing left to move, nothing touched.
      expect((await moveCiState({ appDefinition, stack: 'ci-production', sandbox: true, outDir: outdir, synthesize: false, env: harness.env })).outcome).toBe('remote-only');
      // A local file that differs from the bucket's (here: another serial) is never copied over it: both are kept.
      const stale = JSON.parse(localBytes) as { serial: number };
      writeFileSync(localFile, JSON.stringify({ ...stale, serial: stale.serial + 1 }));
      await expect(moveCiState({ appDefinition, stack: 'ci-production', sandbox: true, outDir: outdir, synthesize: false, env: harness.env })).rejects.toThrow(
        new RegExp(`s3://${BUCKET}/${CI_PRODUCTION_KEY} differs from ${localFile}; nothing was changed and both are kept:\\n  - serial: local ${stale.serial + 1}, remote ${stale.serial}`),
      );
      expect(existsSync(localFile)).toBe(true);
      expect(await (await s3Of(ciRole).send(new GetObjectCommand({ Bucket: BUCKET, Key: CI_PRODUCTION_KEY }))).Body!.transformToString()).toBe(localBytes);
      rmSync(localFile);
      // The deploy from the bucket's state: the plan above (the state is what it read; nothing wrote it since).
      expectOk(await terraform('ci-production', ['apply', '-input=false', 'ci-production.tfplan'], stateAdmin));
      const ci = await webIdentity(PRODUCTION_CI_ROLE);
      expect(await new STSClient(clientConfig(ci)).send(new GetCallerIdentityCommand({}))).toMatchObject({
        Arn: `arn:aws:sts::${STATE_ACCOUNT}:assumed-role/acme-platform-production-ci-deploy/github-actions`,
      });
      const production = await assume(stateAdmin, PRODUCTION_STATE_ROLE, 'e2e-read');
      const serialBefore = (await stateOf(production, PRODUCTION_KEY)).serial;
      expectOk(await deploy('production', ci, { TF_VAR_app_api_token: 'sandbox-token-production' }));
      const after = await stateOf(production, PRODUCTION_KEY);
      expect(after.serial).toBeGreaterThan(serialBefore);
      expect(after.resources.map((r) => r.type)).toEqual(expect.arrayContaining(['aws_kms_key', 'aws_s3_bucket', 'aws_ssm_parameter']));
    }),
  qa: () =>
    scenario.start('qa', ['state-backend'], async () => {
      const dir = backendVariant('qa', 'qa-backend', () => undefined, true);
      expectOk(await deploy('qa (both)', qaAdmin, {}, dir));
      const qaRole = await assume(qaAdmin, QA_STATE_ROLE, 'e2e-read');
      const first = await stateOf(qaRole, QA_KEY);
      expect(first.resources.map((r) => r.type)).toContain('terraform_data');
      // Both locks were taken: the lockfile's versions in the bucket, the digest item in the table
      // (encrypted with the state key, which DynamoDB may use for any state-account caller).
      const lockVersions = async () => {
        // Listing versions is the state account's administrators' business (the state role may list its key only).
        const versions = await s3Of(stateAdmin).send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: `${QA_KEY}.tflock` }));
        return (versions.Versions?.length ?? 0) + (versions.DeleteMarkers?.length ?? 0);
      };
      const digest = async () => (await dynamoOf(qaRole).send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: `${BUCKET}/${QA_KEY}-md5` } } }))).Item?.Digest?.S;
      expect(await lockVersions()).toBeGreaterThan(0);
      const digestBefore = await digest();
      expect(digestBefore).toMatch(/^[0-9a-f]{32}$/);

      // Step 2 of the documented migration: lockfile only, same bucket and key (init -reconfigure).
      const migratedOut = join(home, 'cdktf.out.qa-lockfile');
      const app = new App({ outdir: migratedOut, stackTraces: false });
      buildApp(app, withQa('lockfile'), sources({ SANDBOX: '1', SANDBOX_HOME: home, SANDBOX_ENDPOINT: sandbox.endpoint }), [sandboxExtension]);
      app.synth();
      const migrated = JSON.parse(readFileSync(join(migratedOut, 'stacks', 'qa', 'cdk.tf.json'), 'utf8')) as { terraform: { backend: { s3: Record<string, unknown> } } };
      expect(migrated.terraform.backend.s3).not.toHaveProperty('dynamodb_table');
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(withTestResources(migrated)));
      const versionsBefore = await lockVersions();
      expectOk(await terraform('qa (lockfile)', ['init', '-input=false', '-reconfigure'], qaAdmin, {}, dir));
      expectOk(await terraform('qa (lockfile)', ['apply', '-auto-approve', '-input=false', '-var', 'run=migrated'], qaAdmin, {}, dir));
      const second = await stateOf(qaRole, QA_KEY);
      expect({ serial: second.serial > first.serial, lineage: second.lineage }).toEqual({ serial: true, lineage: first.lineage });
      expect(await lockVersions()).toBeGreaterThan(versionsBefore);
      // DynamoDB is no longer touched: the digest stays what the last dual-locked write left.
      expect(await digest()).toBe(digestBefore);
    }),
};

describe('cross-account state through the state role (moto sandbox)', () => {
  it('the state-backend stack deploys in the state account with the state roles', async () => {
    await scenario.step('state-backend', async () => {
      expectOk(await deploy('state-backend', stateAdmin));
      const state = JSON.parse(readFileSync(join(home, 'terraform.state-backend.tfstate'), 'utf8')) as { resources: Array<{ type: string; instances: Array<{ attributes: Record<string, unknown> }> }> };
      const roles = state.resources.filter((r) => r.type === 'aws_iam_role').map((r) => r.instances[0].attributes.arn).sort();
      // ...and per CI stack the role through which it reaches its own state, and the replica's replication role.
      expect(roles).toEqual([
        CI_PRODUCTION_STATE_ROLE,
        `arn:aws:iam::${STATE_ACCOUNT}:role/acme-platform-ci-qa-tfstate`,
        CI_STAGING_STATE_ROLE,
        PRODUCTION_STATE_ROLE,
        QA_STATE_ROLE,
        STAGING_STATE_ROLE,
        `arn:aws:iam::${STATE_ACCOUNT}:role/acme-platform-state-backend-replication`,
      ]);
    });
    // Staging's, production's and qa's chains start now, side by side; each test below awaits its step.
    for (const run of Object.values(chain)) void run();
  }, testBudget('deploy', 'deploy'));

  it('staging, deployed with staging-account credentials, keeps its state and lock in the state account, through its state role', () => chain.staging(), testBudget('deploy', 'deploy'));

  it('negative control: the same backend without the role is refused; the same credentials through the role are let in', () => chain.negativeControl(), testBudget('deploy'));

  it('production (DynamoDB locking) keeps its lock items in the state account; from another account the table does not exist', () => chain.productionBackend(), testBudget('deploy', 'deploy'));

  it('CI: ci-staging keeps its state in the bucket through its CI state role; AssumeRoleWithWebIdentity into the staging CI role, chained to the state role, deploys staging', () => chain.stagingCi(), testBudget('deploy', 'deploy', 'deploy', 'deploy'));
  it('CI: ci-production deployed on local state (as before CI state went remote) is moved into the bucket by bootstrap, plans clean; its CI role deploys production\'s workload through production\'s state role', () => chain.productionCi(), testBudget('deploy', 'deploy', 'synth', 'synth', 'plan', 'deploy', 'deploy'));

  it('cross-stack: the reader of examples/cross-stack reads production\'s output through production\'s state role as production\'s account; staging\'s account is refused at AssumeRole', async () => {
    await chain.productionCi();
    // The reader exactly as `npm run examples` synthesizes it, with the sandbox's connection settings added
    // to its remote-state configuration as the sandbox adds them to a backend (connection only), and its own
    // local state inside this test's home.
    const definitions = buildApp(new App({ outdir: join(home, 'cdktf.out.definitions'), stackTraces: false }), withQa('both'), sources({ SANDBOX: '1', SANDBOX_HOME: home, SANDBOX_ENDPOINT: sandbox.endpoint }), [sandboxExtension]);
    const production = definitions.environmentStacks.find((stack) => stack.definition.name === 'production')!.definition;
    const readerOut = join(home, 'cdktf.out.reader');
    const readerApp = new App({ outdir: readerOut, stackTraces: false });
    new CrossStackReader(readerApp, READER_STACK, { producer: production, project: definitions.blueprint.project });
    readerApp.synth();
    const reader = JSON.parse(readFileSync(join(readerOut, 'stacks', READER_STACK, 'cdk.tf.json'), 'utf8')) as {
      terraform: { backend: { local: { path: string } } };
      data: { terraform_remote_state: Record<string, { config: Record<string, unknown> }> };
    };
    const config = reader.data.terraform_remote_state.production.config;
    expect(config).toMatchObject({ bucket: BUCKET, key: PRODUCTION_KEY, assume_role: { role_arn: PRODUCTION_STATE_ROLE } });
    Object.assign(config, { endpoints: Object.fromEntries(BACKEND_SERVICES.map((service) => [service, sandbox.endpoint])), use_path_style: true, max_retries: SANDBOX_MAX_RETRIES });
    reader.terraform.backend.local.path = 'terraform.tfstate';
    const readAs = (name: string) => {
      const dir = join(home, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(reader));
      return dir;
    };

    // Production's account (the state account here) may assume production's state role: the read succeeds.
    const asProduction = readAs('reader-as-production');
    expectOk(await deploy(READER_STACK, stateAdmin, {}, asProduction));
    const output = await terraform(READER_STACK, ['output', '-raw', `production_${READ_OUTPUT}`], stateAdmin, {}, asProduction);
    expectOk(output);
    const productionRole = await assume(stateAdmin, PRODUCTION_STATE_ROLE, 'e2e-read');
    const productionState = (await stateOf(productionRole, PRODUCTION_KEY)) as unknown as { outputs: Record<string, { value: string }> };
    expect(output.stdout.trim()).toBe(productionState.outputs[READ_OUTPUT].value);

    // Staging's account may not: production's state role trusts production's account only, so the same
    // reader run with staging's administrators stops at AssumeRole, before any state is read.
    const asStaging = readAs('reader-as-staging');
    const init = await terraform(READER_STACK, ['init', '-input=false'], stagingAdmin, {}, asStaging);
    expectOk(init);
    const refused = await terraform(READER_STACK, ['plan', '-input=false'], stagingAdmin, {}, asStaging);
    expect(refused.code).not.toBe(0);
    expect(refused.output.replace(/\s+/g, ' ')).toContain(`Cannot assume IAM Role IAM Role (${PRODUCTION_STATE_ROLE}) cannot be assumed.`);
    expect(refused.output.replace(/\s+/g, ' ')).toContain(`sts:AssumeRole on resource: ${PRODUCTION_STATE_ROLE}`);
  }, testBudget('deploy', 'deploy', 'deploy', 'deploy', 'synth', 'deploy', 'synth', 'plan'));

  it('a qa environment locking with both DynamoDB and the lockfile deploys through its role, then migrates to the lockfile', () => chain.qa(), testBudget('deploy', 'deploy', 'deploy', 'deploy'));

  describe('what AWS refuses, the sandbox refuses (with the error AWS gives), and the state stays intact', () => {
    it('staging\'s state role can neither read production\'s state nor take its locks', async () => {
      scenario.requires('staging', 'production CI');
      const staging = await assume(stagingAdmin, STAGING_STATE_ROLE, 'e2e-refused');
      const production = await assume(stateAdmin, PRODUCTION_STATE_ROLE, 'e2e-read');
      const before = await stateOf(production, PRODUCTION_KEY);
      const session = `arn:aws:sts::${STATE_ACCOUNT}:assumed-role/acme-platform-staging-tfstate/e2e-refused`;

      expect(await refusal(s3Of(staging).send(new GetObjectCommand({ Bucket: BUCKET, Key: PRODUCTION_KEY })))).toEqual({
        name: 'AccessDenied',
        status: 403,
        message: `User: ${session} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/${PRODUCTION_KEY}" because no identity-based policy allows the s3:GetObject action`,
      });
      const lockId = `${BUCKET}/${PRODUCTION_KEY}`;
      expect(await refusal(dynamoOf(staging).send(new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: lockId }, Info: { S: '{}' } }, ConditionExpression: 'attribute_not_exists(LockID)' })))).toEqual({
        name: 'AccessDeniedException',
        status: 400,
        message: `User: ${session} is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:${REGION}:${STATE_ACCOUNT}:table/${TABLE} because no identity-based policy allows the dynamodb:PutItem action`,
      });
      expect(await refusal(s3Of(staging).send(new PutObjectCommand({ Bucket: BUCKET, Key: `${PRODUCTION_KEY}.tflock`, Body: '{}', IfNoneMatch: '*' })))).toMatchObject({
        name: 'AccessDenied',
        status: 403,
        message: expect.stringContaining(`s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/${PRODUCTION_KEY}.tflock"`),
      });

      // Terraform with production's backend but staging's state role: refused reading the state.
      const dir = backendVariant('production', 'production-as-staging', (backend) => (backend.assume_role = { role_arn: STAGING_STATE_ROLE }), true);
      const init = await terraform('production (staging role)', ['init', '-input=false'], stagingAdmin, {}, dir);
      expect(init.code).not.toBe(0);
      expect(init.output).toMatch(/Unable to access object "acme-platform\/production\/terraform\.tfstate"[\s\S]*StatusCode: 403/);

      // Intact: same state, no lock item, no lockfile.
      const after = await stateOf(production, PRODUCTION_KEY);
      expect({ serial: after.serial, lineage: after.lineage }).toEqual({ serial: before.serial, lineage: before.lineage });
      expect((await dynamoOf(production).send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: lockId } } }))).Item).toBeUndefined();
      expect(await refusal(s3Of(production).send(new HeadObjectCommand({ Bucket: BUCKET, Key: `${PRODUCTION_KEY}.tflock` })))).toMatchObject({ status: 404 });
    }, 120_000);

    it('a CI stack\'s state: another environment\'s state role cannot read it, and the CI deploy role cannot assume its CI state role', async () => {
      scenario.requires('staging CI', 'production CI');
      const before = await stateOf(await assume(stagingAdmin, CI_STAGING_STATE_ROLE, 'e2e-read'), CI_STAGING_KEY);
      for (const [roleArn, from, name] of [[STAGING_STATE_ROLE, stagingAdmin, 'staging'], [PRODUCTION_STATE_ROLE, stateAdmin, 'production']] as const) {
        const other = await assume(from, roleArn, 'e2e-refused');
        for (const key of [CI_STAGING_KEY, CI_PRODUCTION_KEY]) {
          expect(await refusal(s3Of(other).send(new GetObjectCommand({ Bucket: BUCKET, Key: key })))).toEqual({
            name: 'AccessDenied',
            status: 403,
            message: `User: arn:aws:sts::${STATE_ACCOUNT}:assumed-role/acme-platform-${name}-tfstate/e2e-refused is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/${key}" because no identity-based policy allows the s3:GetObject action`,
          });
        }
      }
      // ci-staging's state role reaches its own key only: not staging's state.
      const ciStaging = await assume(stagingAdmin, CI_STAGING_STATE_ROLE, 'e2e-refused');
      expect(await refusal(s3Of(ciStaging).send(new GetObjectCommand({ Bucket: BUCKET, Key: STAGING_KEY })))).toMatchObject({ name: 'AccessDenied', status: 403 });
      // The CI deploy role cannot rewrite the record of its own identity: the trust's explicit deny.
      const denied = await refusal(new STSClient(clientConfig(stagingCi)).send(new AssumeRoleCommand({ RoleArn: CI_STAGING_STATE_ROLE, RoleSessionName: 'e2e-refused' })));
      // "explicit deny", not "no identity-based policy allows": the trust's NeverTheCiDeployRole decided it.
      expect(denied).toEqual({
        name: 'AccessDenied',
        status: 403,
        message: `User: arn:aws:sts::${STAGING_ACCOUNT}:assumed-role/acme-platform-staging-ci-deploy/github-actions is not authorized to perform: sts:AssumeRole on resource: ${CI_STAGING_STATE_ROLE} with an explicit deny in a policy`,
      });
      expect(await stateOf(await assume(stagingAdmin, CI_STAGING_STATE_ROLE, 'e2e-read'), CI_STAGING_KEY)).toEqual(before);
    }, 120_000);

    it('plain HTTP is refused by the TLS-only statement, even for the right role', async () => {
      scenario.requires('staging');
      const staging = await assume(stagingAdmin, STAGING_STATE_ROLE, 'e2e-plain-http');
      const before = await stateOf(staging, STAGING_KEY);
      const plain = new S3Client({ ...clientConfig(staging), endpoint: sandbox.insecureEndpoint, forcePathStyle: true });
      const read = await refusal(plain.send(new GetObjectCommand({ Bucket: BUCKET, Key: STAGING_KEY })));
      expect(read).toEqual({
        name: 'AccessDenied',
        status: 403,
        message: `User: arn:aws:sts::${STATE_ACCOUNT}:assumed-role/acme-platform-staging-tfstate/e2e-plain-http is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/${STAGING_KEY}" with an explicit deny in a resource-based policy (statement DenyInsecureTransport)`,
      });
      const write = await refusal(plain.send(new PutObjectCommand({ Bucket: BUCKET, Key: STAGING_KEY, Body: '{"overwritten": true}' })));
      expect(write).toMatchObject({ name: 'AccessDenied', status: 403, message: expect.stringContaining('(statement DenyInsecureTransport)') });
      plain.destroy();
      expect(await stateOf(staging, STAGING_KEY)).toEqual(before);
    }, 60_000);

    it('staging\'s CI role cannot assume production\'s state role (Terraform prints STS\'s refusal)', async () => {
      scenario.requires('staging CI', 'production backend');
      expect(await refusal(new STSClient(clientConfig(stagingCi)).send(new AssumeRoleCommand({ RoleArn: PRODUCTION_STATE_ROLE, RoleSessionName: 'e2e-refused' })))).toEqual({
        name: 'AccessDenied',
        status: 403,
        message: `User: arn:aws:sts::${STAGING_ACCOUNT}:assumed-role/acme-platform-staging-ci-deploy/github-actions is not authorized to perform: sts:AssumeRole on resource: ${PRODUCTION_STATE_ROLE} because no identity-based policy allows the sts:AssumeRole action`,
      });
      const dir = backendVariant('production', 'production-as-staging-ci', () => undefined, true);
      const init = await terraform('production (staging CI)', ['init', '-input=false'], stagingCi, {}, dir);
      expect(init.code).not.toBe(0);
      // Terraform wraps the SDK's message over several lines.
      expect(init.output.replace(/\s+/g, ' ')).toContain(
        `Error: Cannot assume IAM Role IAM Role (${PRODUCTION_STATE_ROLE}) cannot be assumed.`,
      );
      expect(init.output.replace(/\s+/g, ' ')).toContain(
        `api error AccessDenied: User: arn:aws:sts::${STAGING_ACCOUNT}:assumed-role/acme-platform-staging-ci-deploy/github-actions is not authorized to perform: sts:AssumeRole on resource: ${PRODUCTION_STATE_ROLE} because no identity-based policy allows the sts:AssumeRole action`,
      );
      // Nor can staging's administrators: the trust policy names production's account only.
      expect(await refusal(new STSClient(clientConfig(stagingAdmin)).send(new AssumeRoleCommand({ RoleArn: PRODUCTION_STATE_ROLE, RoleSessionName: 'e2e-refused' })))).toMatchObject({
        name: 'AccessDenied',
        message: expect.stringContaining(`sts:AssumeRole on resource: ${PRODUCTION_STATE_ROLE}`),
      });
    }, 120_000);

    it('the state account\'s administrators cannot decrypt production\'s state (the key policy gives them no use of it)', async () => {
      scenario.requires('production CI');
      const read = await refusal(s3Of(stateAdmin).send(new GetObjectCommand({ Bucket: BUCKET, Key: PRODUCTION_KEY })));
      expect(read).toMatchObject({
        name: 'AccessDenied',
        status: 403,
        message: expect.stringMatching(
          new RegExp(`^User: arn:aws:sts::${STATE_ACCOUNT}:assumed-role/sandbox-admin/sandbox is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:${REGION}:${STATE_ACCOUNT}:key/[0-9a-f-]+ because no resource-based policy allows the kms:Decrypt action$`),
        ),
      });
      // Intact, and readable by the one role that may.
      const production = await assume(stateAdmin, PRODUCTION_STATE_ROLE, 'e2e-read');
      expect((await stateOf(production, PRODUCTION_KEY)).resources.map((r) => r.type)).toContain('aws_kms_key');
    }, 60_000);
  });

  it('doctor: IAM\'s simulator (answered by the sandbox\'s evaluator) finds every backend request allowed, and names the one a stale state-backend lacks', async () => {
    scenario.requires('state-backend');
    const doctor = () =>
      spawnSync(process.execPath, typescriptNodeArgs('tooling/bin/doctor.ts', 'production'), {
        cwd: join(__dirname, '..', '..'),
        encoding: 'utf8',
        timeout: 120_000,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: stateAdmin.accessKeyId,
          AWS_SECRET_ACCESS_KEY: stateAdmin.secretAccessKey,
          AWS_SESSION_TOKEN: stateAdmin.sessionToken,
          AWS_REGION: REGION,
          AWS_ENDPOINT_URL: sandbox.endpoint,
          NODE_EXTRA_CA_CERTS: sandbox.caFile,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      });
    const permissionLine = (stdout: string) => stdout.split('\n').find((line) => line.includes('state role permissions:'))?.trim();
    expect(permissionLine(doctor().stdout)).toBe("PASS  state role permissions: IAM's policy simulator allows all 11 requests the backend makes (dynamodb locking, SSE-KMS)");

    // A state-backend deployed before its definitions changed: production's state policy without its lock items.
    const iam = new IAMClient(clientConfig(stateAdmin));
    const policyArn = `arn:aws:iam::${STATE_ACCOUNT}:policy/acme-platform-production-tfstate-access`;
    const current = statePolicyOf(JSON.parse(readFileSync(join(outdir, 'stacks', 'state-backend', 'cdk.tf.json'), 'utf8')));
    const stale = { ...current, Statement: current.Statement.filter((statement) => statement.Sid !== 'DynamoDbLockItems') };
    const { PolicyVersion } = await iam.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: JSON.stringify(stale), SetAsDefault: true }));
    try {
      const line = permissionLine(doctor().stdout);
      expect(line).toMatch(/^FAIL {2}state role permissions: IAM says arn:aws:iam::333333333333:role\/acme-platform-production-tfstate cannot make 5 of the 11 requests its backend makes: dynamodb:PutItem on arn:aws:dynamodb:eu-west-1:333333333333:table\/acme-platform-tflock \(take the DynamoDB lock: implicitDeny\)/);
    } finally {
      await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: policyArn, VersionId: 'v1' }));
      await iam.send(new DeletePolicyVersionCommand({ PolicyArn: policyArn, VersionId: PolicyVersion!.VersionId! }));
    }
    expect(permissionLine(doctor().stdout)).toMatch(/^PASS {2}state role permissions/);
  }, 300_000);

  it('staging with a permissions boundary and an external ID on its state role, as synthesized: terraform applies and plans clean through its backend; a boundary without s3:PutObject makes terraform fail taking its lock, with the refusal as the sandbox words it', async () => {
    scenario.requires('staging CI');
    // The same app with staging's stateAccess setting both (lib/definitions/state-access.ts); the
    // state role is updated in place from its synthesized trust and boundary, which is what a deploy
    // of the state-backend would change, without paying for one.
    const BOUNDARY = `arn:aws:iam::${STATE_ACCOUNT}:policy/org-state-boundary`;
    const EXTERNAL_ID = 'acme-staging-state:e2e';
    const boundedOut = join(home, 'cdktf.out.bounded');
    const bounded: AppDefinition = {
      ...withQa('both'),
      environments: withQa('both').environments.map((module) => (blueprint) => {
        const environment = module(blueprint);
        return environment.name === 'staging' ? { ...environment, stateAccess: { via: 'role' as const, permissionsBoundary: BOUNDARY, externalId: EXTERNAL_ID } } : environment;
      }),
    };
    const app = new App({ outdir: boundedOut, stackTraces: false });
    buildApp(app, bounded, sources({ SANDBOX: '1', SANDBOX_HOME: home, SANDBOX_ENDPOINT: sandbox.endpoint }), [sandboxExtension]);
    app.synth();
    type RoleJson = { name: string; assume_role_policy: string; permissions_boundary?: string };
    const stagingRoleIn = (dir: string) =>
      Object.values((JSON.parse(readFileSync(join(dir, 'stacks', 'state-backend', 'cdk.tf.json'), 'utf8')) as { resource: { aws_iam_role: Record<string, RoleJson> } }).resource.aws_iam_role).find(
        (role) => role.name === 'acme-platform-staging-tfstate',
      )!;
    const role = stagingRoleIn(boundedOut);
    expect(role.permissions_boundary).toBe(BOUNDARY);
    const stagingDir = join(boundedOut, 'stacks', 'staging');
    const backend = (JSON.parse(readFileSync(join(stagingDir, 'cdk.tf.json'), 'utf8')) as { terraform: { backend: { s3: { assume_role: unknown } } } }).terraform.backend.s3;
    expect(backend.assume_role).toEqual({ role_arn: STAGING_STATE_ROLE, external_id: EXTERNAL_ID });

    const iam = new IAMClient(clientConfig(stateAdmin));
    const statePolicy = (actions: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });
    await iam.send(new CreatePolicyCommand({ PolicyName: 'org-state-boundary', PolicyDocument: statePolicy(['s3:*', 'kms:*', 'dynamodb:*']) }));
    // Everything the state access needs except writing objects: the lockfile and the state itself.
    const narrow = `arn:aws:iam::${STATE_ACCOUNT}:policy/org-state-boundary-no-put`;
    await iam.send(new CreatePolicyCommand({ PolicyName: 'org-state-boundary-no-put', PolicyDocument: statePolicy(['s3:GetObject', 's3:ListBucket', 's3:DeleteObject', 'kms:*', 'dynamodb:*']) }));
    try {
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: role.name, PolicyDocument: role.assume_role_policy }));
      await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: role.name, PermissionsBoundary: BOUNDARY }));

      // The trust now requires the external ID: without it staging's administrators are refused.
      expect(await refusal(new STSClient(clientConfig(stagingAdmin)).send(new AssumeRoleCommand({ RoleArn: STAGING_STATE_ROLE, RoleSessionName: 'e2e-no-external-id' })))).toMatchObject({
        name: 'AccessDenied',
        status: 403,
        message: expect.stringContaining(`is not authorized to perform: sts:AssumeRole on resource: ${STAGING_STATE_ROLE}`),
      });

      // Terraform through staging's backend (assume_role with external_id) under the boundary: apply, then a clean plan.
      const viaRole = (await assumeRoleCredentials(clientConfig(stagingAdmin), STAGING_STATE_ROLE, 'e2e-read', EXTERNAL_ID)).credentials;
      const serialBefore = (await stateOf(viaRole, STAGING_KEY)).serial;
      // No refresh: the backend is what is proven here, and the staging CI step's apply (the same
      // resources) wrote this state and read back what it changed; staging's own deploys refresh.
      expectOk(await deploy('staging (bounded)', stagingAdmin, { TF_VAR_app_api_token: 'sandbox-token-3' }, stagingDir, ['-refresh=false']));
      const applied = await stateOf(viaRole, STAGING_KEY);
      expect(applied.serial).toBeGreaterThan(serialBefore);
      const plan = await terraform('staging (bounded)', ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-refresh=false'], stagingAdmin, { TF_VAR_app_api_token: 'sandbox-token-3' }, stagingDir);
      expect({ code: plan.code, tail: plan.code === 0 ? '' : failureDigest(plan.output) }).toEqual({ code: 0, tail: '' });

      // A boundary without s3:PutObject: the role's own policy still allows it, the boundary does not,
      // and Terraform stops with AWS's message; the state is untouched.
      await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: role.name, PermissionsBoundary: narrow }));
      const refused = await terraform('staging (narrow boundary)', ['apply', '-auto-approve', '-input=false', '-no-color'], stagingAdmin, { TF_VAR_app_api_token: 'sandbox-token-4' }, stagingDir);
      expect(refused.code).not.toBe(0);
      const said = refused.output.replace(/\s+/g, ' ');
      // The lock is taken first (lockfile: a conditional PutObject). The boundary is the only thing changed
      // since the apply above, and the refusal names it, as AWS's message names the policy type that
      // does not allow.
      expect(said).toContain(
        `api error AccessDenied: User: arn:aws:sts::${STATE_ACCOUNT}:assumed-role/acme-platform-staging-tfstate/`,
      );
      expect(said).toMatch(
        new RegExp(`is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/${STAGING_KEY}\\.tflock" because no permissions boundary allows the s3:PutObject action`),
      );
      const after = await stateOf(viaRole, STAGING_KEY);
      expect({ serial: after.serial, lineage: after.lineage }).toEqual({ serial: applied.serial, lineage: applied.lineage });
    } finally {
      // Staging's state role as the state-backend deployed it, for what follows.
      await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: role.name })).catch(() => undefined);
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: role.name, PolicyDocument: stagingRoleIn(outdir).assume_role_policy }));
    }
  }, testBudget('synth', 'deploy', 'deploy', 'plan', 'deploy'));

  describe('finally', () => {
    it('every request of these scenarios was mapped to IAM (none allowed unevaluated)', async () => {
      const status = await sandboxIamStatus(sandbox);
      expect(status.unmapped).toEqual([]);
      expect(status.enforcement).toBe('on');
      expect(status.denied).toBeGreaterThan(0);
      expect(status.allowed).toBeGreaterThan(100);
    });
  });
});

