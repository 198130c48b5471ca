/**
 * Cross-account state access, proven against the moto sandbox (tooling/sandbox/): moto keeps resources
 * per account, and STS AssumeRole/AssumeRoleWithWebIdentity return credentials that act in the
 * role's account. The stacks are the app's own, synthesized with SANDBOX=1 (connection settings only).
 *
 * Not proven here: IAM enforcement (moto does not evaluate identity or trust policies by default),
 * so "the role may do X" is proven by the unit tests' exact policies, and "X happened through the
 * role, in the right account" here.
 */
import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListBucketsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { App } from 'cdktf';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appDefinition } from '../../environments';
import { buildApp } from '../../lib/app/build-app';
import { sandboxExtension } from '../../tooling/sandbox/sandbox-extension';
import { sandboxClientConfig, type SandboxCredentials } from '../../tooling/sandbox/credentials';
import { callSandbox } from '../../tooling/sandbox/lifecycle';
import type { SandboxState } from '../../tooling/sandbox/state-file';
import { sources } from '../support/synth';
import { STEP_TIMEOUT_MS, testBudget } from './harness/step';
import { ensureTerraform, runTerraform, terraformEnv, type RunResult } from './harness/terraform';
import { startTestSandbox, type TestSandbox } from './harness/sandbox';
import { withTestResources } from './harness/test-stack';

const REGION = 'eu-west-1';
const STATE_ACCOUNT = '333333333333';
const STAGING_ACCOUNT = '222222222222';
const BUCKET = 'acme-platform-tfstate';
const TABLE = 'acme-platform-tflock';
const STAGING_KEY = 'acme-platform/staging/terraform.tfstate';
const PRODUCTION_KEY = 'acme-platform/production/terraform.tfstate';
const STAGING_STATE_ROLE = `arn:aws:iam::${STATE_ACCOUNT}:role/acme-platform-staging-tfstate`;
const STAGING_CI_ROLE = `arn:aws:iam::${STAGING_ACCOUNT}:role/acme-platform-staging-ci-deploy`;

let harness: TestSandbox;
let home: string;
let sandbox: SandboxState;
let outdir: string;
let stateAdmin: SandboxCredentials;
let stagingAdmin: SandboxCredentials;

type Credentials = Pick<SandboxCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>;
const clientConfig = (credentials: Credentials) => sandboxClientConfig(sandbox, REGION, credentials);
const s3Of = (credentials: Credentials) => new S3Client(clientConfig(credentials));
const dynamoOf = (credentials: Credentials) => new DynamoDBClient(clientConfig(credentials));

/** A terraform process acting with `credentials`, trusting the sandbox CA, with the offline provider mirror. */
function envFor(credentials: Credentials, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return terraformEnv(
    {},
    {
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
      AWS_REGION: REGION,
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
async function deploy(stack: string, credentials: Credentials, extra: Record<string, string> = {}, dir?: string): Promise<RunResult> {
  const init = await terraform(stack, ['init', '-input=false'], credentials, extra, dir);
  if (init.code !== 0) return init;
  return terraform(stack, ['apply', '-auto-approve', '-input=false'], credentials, extra, dir);
}
const expectOk = (result: RunResult) => expect({ code: result.code, tail: result.code === 0 ? '' : result.output.slice(-3000) }).toEqual({ code: 0, tail: '' });

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
  buildApp(app, appDefinition, sources({ SANDBOX: '1', SANDBOX_ENDPOINT: sandbox.endpoint }), [sandboxExtension]);
  app.synth();

  stateAdmin = await harness.credentials(STATE_ACCOUNT);
  stagingAdmin = await harness.credentials(STAGING_ACCOUNT);
}, STEP_TIMEOUT_MS.sandbox);

afterAll(async () => {
  await harness?.stop(); // also removes its SANDBOX_HOME (and our synth output in it)
});

describe('cross-account state through the state role (moto sandbox)', () => {
  it('the state-backend stack deploys in the state account with the state roles', async () => {
    expectOk(await deploy('state-backend', stateAdmin));
    const state = JSON.parse(readFileSync(join(home, 'terraform.state-backend.tfstate'), 'utf8')) as { resources: Array<{ type: string; instances: Array<{ attributes: Record<string, unknown> }> }> };
    const roles = state.resources.filter((r) => r.type === 'aws_iam_role').map((r) => r.instances[0].attributes.arn).sort();
    expect(roles).toEqual([`arn:aws:iam::${STATE_ACCOUNT}:role/acme-platform-production-tfstate`, STAGING_STATE_ROLE]);
  }, testBudget('deploy', 'deploy'));

  it('staging, deployed with staging-account credentials, keeps its state and lock in the state account, through its state role', async () => {
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
  }, testBudget('deploy', 'deploy'));

  it('negative control: the same backend without the role is refused; the same credentials through the role are let in', async () => {
    const synthesized = JSON.parse(readFileSync(join(outdir, 'stacks', 'staging', 'cdk.tf.json'), 'utf8')) as { terraform: { backend: { s3: Record<string, unknown> } } };
    delete synthesized.terraform.backend.s3.assume_role;
    const dir = join(home, 'staging-without-role');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(synthesized));
    const result = await terraform('staging (no role)', ['init', '-input=false'], stagingAdmin, {}, dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/Unable to access object "acme-platform\/staging\/terraform\.tfstate"[\s\S]*StatusCode: 403/);
    // Why: the state bucket's DenyOtherAccounts statement (evaluated by the sandbox shim, as S3 would).
    // The same staging credentials read the state once they go through the state role.
    await expect(s3Of(stagingAdmin).send(new GetObjectCommand({ Bucket: BUCKET, Key: STAGING_KEY }))).rejects.toThrow(/bucket policy statement DenyOtherAccounts/);
    const sts = new STSClient(clientConfig(stagingAdmin));
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: STAGING_STATE_ROLE, RoleSessionName: 'negative-control' }));
    const viaRole = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    expect((await s3Of(viaRole).send(new GetObjectCommand({ Bucket: BUCKET, Key: STAGING_KEY }))).$metadata.httpStatusCode).toBe(200);
  }, testBudget('deploy'));

  it('production (DynamoDB locking) keeps its lock items in the state account; from another account the table does not exist', async () => {
    // Production's backend exactly as synthesized (state role, DynamoDB lock, state key) around a
    // terraform_data: the lock and state are the point here, and its workload would add a minute.
    const dir = join(home, 'production-backend');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(withTestResources(JSON.parse(readFileSync(join(outdir, 'stacks', 'production', 'cdk.tf.json'), 'utf8')))));
    expectOk(await deploy('production (backend)', stateAdmin, {}, dir));
    const state = await (await s3Of(stateAdmin).send(new GetObjectCommand({ Bucket: BUCKET, Key: PRODUCTION_KEY }))).Body!.transformToString();
    expect((JSON.parse(state) as { resources: Array<{ type: string }> }).resources.map((r) => r.type)).toContain('terraform_data');
    expect((await assumedRoles()).some((session) => session.role_arn === `arn:aws:iam::${STATE_ACCOUNT}:role/acme-platform-production-tfstate`)).toBe(true);
    // The digest item the S3 backend keeps next to the lock: in the state account's table.
    const item = await dynamoOf(stateAdmin).send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: `${BUCKET}/${PRODUCTION_KEY}-md5` } } }));
    expect(item.Item?.Digest?.S).toMatch(/^[0-9a-f]{32}$/);
    // With staging-account credentials, the lock table is simply not there.
    await expect(dynamoOf(stagingAdmin).send(new DescribeTableCommand({ TableName: TABLE }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect((await dynamoOf(stateAdmin).send(new DescribeTableCommand({ TableName: TABLE }))).Table?.TableName).toBe(TABLE);
  }, testBudget('deploy', 'deploy'));

  it('CI: AssumeRoleWithWebIdentity into the staging CI role, chained to the state role, deploys staging', async () => {
    expectOk(await deploy('ci-staging', stagingAdmin));

    // moto does not verify the web identity token (any string is accepted): the OIDC trust itself is
    // proven by the unit tests' exact conditions, the chain here.
    const sts = new STSClient(sandboxClientConfig(sandbox, REGION));
    const { Credentials } = await sts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: STAGING_CI_ROLE, RoleSessionName: 'github-actions', WebIdentityToken: 'not-a-real-github-oidc-token' }),
    );
    const ci = { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
    const identity = await new STSClient({ ...clientConfig(ci) }).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: STAGING_ACCOUNT, Arn: `arn:aws:sts::${STAGING_ACCOUNT}:assumed-role/acme-platform-staging-ci-deploy/github-actions` });

    const before = (await assumedRoles()).filter((session) => session.role_arn === STAGING_STATE_ROLE).length;
    const serialBefore = (JSON.parse(await (await s3Of(stateAdmin).send(new GetObjectCommand({ Bucket: BUCKET, Key: STAGING_KEY }))).Body!.transformToString()) as { serial: number }).serial;
    // A new token value: the apply changes the SSM parameter, so the state is written again.
    expectOk(await deploy('staging', ci, { TF_VAR_app_api_token: 'sandbox-token-2' }));
    expect((await assumedRoles()).filter((session) => session.role_arn === STAGING_STATE_ROLE).length).toBeGreaterThan(before);
    const after = JSON.parse(await (await s3Of(stateAdmin).send(new GetObjectCommand({ Bucket: BUCKET, Key: STAGING_KEY }))).Body!.transformToString()) as { serial: number };
    expect(after.serial).toBeGreaterThan(serialBefore);
  }, testBudget('deploy', 'deploy', 'deploy', 'deploy'));
});

