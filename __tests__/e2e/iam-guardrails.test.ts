import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as iam from '@aws-sdk/client-iam';
import * as s3 from '@aws-sdk/client-s3';
import * as ssm from '@aws-sdk/client-ssm';
import * as sts from '@aws-sdk/client-sts';
import { Testing } from 'cdktf';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { appDefinition } from '../../environments';
import { buildApp } from '../../lib/app/build-app';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxClientConfig, sandboxCredentials } from '../../tooling/sandbox/credentials';
import { PROJECT_DIR } from '../../tooling/sandbox/paths';
import type { AwsCredentialIdentity } from '../../tooling/toolkit/aws-clients';
import { JOINED_ACCOUNTS_TAG } from '../../tooling/sandbox/iam/guardrails';
import { organizationsCall } from '../../tooling/sandbox/organizations';
import { GUARDRAIL_CASES, type GuardrailCase } from './iam-guardrails/cases';
import { sandboxLogDigest, startTestSandbox, type TestSandbox } from './harness/sandbox';
import { runStep, STEP_TIMEOUT_MS, testBudget } from './harness/step';
import { progress } from './harness/progress';
import { runCases } from './harness/case-runner';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * Guardrails (docs/sandbox.md, "Guardrails: boundaries, session policies, SCPs and RCPs"): every case
 * of iam-guardrails/cases.ts run against one real sandbox through the AWS SDK, as the principal it
 * names, its answer compared with the verdict AWS's documentation gives (HTTP status and error code
 * included). Each case has accounts of its own (its organization's management and member accounts),
 * so no case's SCP reaches another's principals.
 */

const REGION = 'eu-west-1';
/** The account of the boundary and session policy cases (no organization). */
const ACCOUNT_A = '111111111111';
const CASE_TIMEOUT_MS = 60_000;
const PARALLEL = 3;
const DENIAL = { s3: { status: 403, code: 'AccessDenied' }, dynamodb: { status: 400, code: 'AccessDeniedException' }, ssm: { status: 400, code: 'AccessDeniedException' }, sts: { status: 403, code: 'AccessDenied' } };

type Client = { send(command: unknown): Promise<Record<string, unknown> & { $metadata: { httpStatusCode?: number } }>; destroy(): void };
const MODULES: Record<string, { module: Record<string, unknown>; client: string }> = {
  s3: { module: s3, client: 'S3Client' },
  dynamodb: { module: dynamodb, client: 'DynamoDBClient' },
  ssm: { module: ssm, client: 'SSMClient' },
  sts: { module: sts, client: 'STSClient' },
  iam: { module: iam, client: 'IAMClient' },
};

let sandbox: TestSandbox;
const clients: Client[] = [];
const outcomes = new Map<string, { status?: number; code?: string; message?: string } | Error>();

async function send(credentials: AwsCredentialIdentity, service: string, command: string, input: Record<string, unknown>): Promise<Record<string, unknown> & { $metadata?: { httpStatusCode?: number } }> {
  // No Organizations SDK client in the project: the sandbox's own caller (tooling/sandbox/organizations.ts).
  if (service === 'organizations') return organizationsCall(sandbox.state, credentials, command, input);
  const { module, client } = MODULES[service];
  const instance = new (module[client] as new (config: unknown) => Client)(sandboxClientConfig(sandbox.state, REGION, credentials));
  clients.push(instance);
  return instance.send(new (module[`${command}Command`] as new (input: unknown) => unknown)(input));
}

const substitute = <T>(value: T, vars: Record<string, string>): T =>
  value === undefined ? value : (JSON.parse(JSON.stringify(value).replace(/\{([a-z]+(?::[\w-]+)?)\}/gi, (whole, name: string) => vars[name] ?? whole)) as T);

/** Makes the case's world (organization, policies, roles, bucket), then its request; never throws for the request's own refusal. */
async function runCase(conformance: GuardrailCase, index: number): Promise<{ status?: number; code?: string; message?: string }> {
  const vars: Record<string, string> = { id: conformance.id.toLowerCase(), account: ACCOUNT_A };
  const number = String(index).padStart(2, '0');
  const management = `70000000${number}00`;
  const admin = (account: string) => sandboxCredentials(sandbox.state, account, REGION);
  const org = substitute(conformance.setup.organization, vars);
  let guard: { asManagement: AwsCredentialIdentity; targets: Record<string, string> } | undefined;
  if (org) {
    const asManagement = await admin(management);
    await send(asManagement, 'organizations', 'CreateOrganization', { FeatureSet: 'ALL' });
    const root = ((await send(asManagement, 'organizations', 'ListRoots', {})).Roots as Array<{ Id: string }>)[0].Id;
    let member: string;
    if (org.member === 'created') {
      const status = (await send(asManagement, 'organizations', 'CreateAccount', { AccountName: `m-${vars.id}`, Email: `${vars.id}@example.com` })).CreateAccountStatus as { AccountId: string };
      member = status.AccountId;
    } else {
      member = `71000000${number}00`;
      await send(asManagement, 'organizations', 'TagResource', { ResourceId: root, Tags: [{ Key: JOINED_ACCOUNTS_TAG, Value: member }] });
    }
    const targets: Record<string, string> = { root, account: member };
    if (org.inOu) {
      targets.ou = ((await send(asManagement, 'organizations', 'CreateOrganizationalUnit', { ParentId: root, Name: `ou-${vars.id}` })).OrganizationalUnit as { Id: string }).Id;
      await send(asManagement, 'organizations', 'MoveAccount', { AccountId: member, SourceParentId: root, DestinationParentId: targets.ou });
    }
    Object.assign(vars, { member, management });
    guard = { asManagement, targets };
  }
  const caller = conformance.request.as;
  const callerAccount = 'admin' in caller ? (caller.admin === 'A' ? ACCOUNT_A : vars[caller.admin]) : ACCOUNT_A;
  vars.account = callerAccount;
  const setup = substitute(conformance.setup, vars);
  const asA = await admin(ACCOUNT_A);
  for (const { name, policy } of setup.managedPolicies ?? []) {
    const created = (await send(asA, 'iam', 'CreatePolicy', { PolicyName: `${vars.id}-${name}`, PolicyDocument: JSON.stringify(policy) })).Policy as { Arn: string };
    vars[`policy:${name}`] = created.Arn;
  }
  for (const role of setup.roles ?? []) {
    await send(asA, 'iam', 'CreateRole', {
      RoleName: `${vars.id}-${role.name}`,
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT_A}:root` }, Action: 'sts:AssumeRole' }] }),
      ...(role.boundary ? { PermissionsBoundary: vars[`policy:${role.boundary}`] } : {}),
    });
    for (const [n, policy] of role.policies.entries()) await send(asA, 'iam', 'PutRolePolicy', { RoleName: `${vars.id}-${role.name}`, PolicyName: `p${n}`, PolicyDocument: JSON.stringify(policy) });
  }
  if (setup.bucket) {
    const owner = await admin(setup.bucket.in ? vars[setup.bucket.in] : callerAccount);
    const bucket = `g-${vars.id}`;
    await send(owner, 's3', 'CreateBucket', { Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } });
    await send(owner, 's3', 'PutObject', { Bucket: bucket, Key: 'doc.txt', Body: 'hello' });
    if (setup.bucket.policy) await send(owner, 's3', 'PutBucketPolicy', { Bucket: bucket, Policy: JSON.stringify(setup.bucket.policy) });
  }
  // The organization's policies last: the setup itself is done by the accounts' administrators, whom an SCP may deny.
  if (org && guard) {
      const attach = async (type: string, policies: ReadonlyArray<{ target: string; policy: unknown }> = []) => {
        for (const [n, { target, policy }] of policies.entries()) {
          const created = (await send(guard.asManagement, 'organizations', 'CreatePolicy', { Name: `${vars.id}-${type}-${n}`, Description: conformance.description, Type: type, Content: JSON.stringify(policy) })).Policy as { PolicySummary: { Id: string } };
          await send(guard.asManagement, 'organizations', 'AttachPolicy', { PolicyId: created.PolicySummary.Id, TargetId: guard.targets[target] });
        }
      };
      await attach('SERVICE_CONTROL_POLICY', org.scps);
      await attach('RESOURCE_CONTROL_POLICY', org.rcps);
      for (const level of org.detachFullAWSAccess ?? []) await send(guard.asManagement, 'organizations', 'DetachPolicy', { PolicyId: 'p-FullAWSAccess', TargetId: guard.targets[level] });
  }
  let credentials: AwsCredentialIdentity;
  if ('admin' in caller) credentials = await admin(callerAccount);
  else {
    const assumed = await send(asA, 'sts', 'AssumeRole', {
      RoleArn: `arn:aws:iam::${ACCOUNT_A}:role/${vars.id}-${caller.role.replace('{id}-', '')}`,
      RoleSessionName: 'guardrails',
      ...(caller.sessionPolicy ? { Policy: JSON.stringify(substitute(caller.sessionPolicy, vars)) } : {}),
      ...(caller.sessionPolicyArns ? { PolicyArns: substitute(caller.sessionPolicyArns, vars).map((arn) => ({ arn })) } : {}),
    });
    const issued = assumed.Credentials as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    credentials = { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken };
  }
  try {
    const answer = await send(credentials, conformance.request.service, conformance.request.command, substitute(conformance.request.input, vars));
    return { status: answer.$metadata?.httpStatusCode };
  } catch (error) {
    const failure = error as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    if (failure.$metadata?.httpStatusCode === undefined) throw error;
    return { status: failure.$metadata.httpStatusCode, code: failure.Code ?? failure.name, message: failure.message };
  }
}

beforeAll(async () => {
  sandbox = await startTestSandbox('iam-guardrails');
  const started = Date.now();
  for (const [id, outcome] of await runCases(GUARDRAIL_CASES, { parallel: PARALLEL, caseTimeoutMs: CASE_TIMEOUT_MS }, runCase)) outcomes.set(id, outcome);
  progress(`iam-guardrails: ${GUARDRAIL_CASES.length} cases in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, STEP_TIMEOUT_MS.sandbox + GUARDRAIL_CASES.length * CASE_TIMEOUT_MS);

afterAll(async () => {
  for (const client of clients) client.destroy();
  await sandbox?.stop();
});

describe('boundaries, session policies, SCPs and RCPs: the sandbox gives the verdict AWS documents', () => {
  it.each(GUARDRAIL_CASES.map((conformance) => [`${conformance.id}: ${conformance.description} -> ${conformance.expect.verdict}`, conformance] as const))('%s', (_, conformance) => {
    const outcome = outcomes.get(conformance.id);
    if (outcome === undefined) throw new Error(`case ${conformance.id} never ran`);
    if (outcome instanceof Error) throw new Error(`case ${conformance.id}: setup or request failed: ${outcome.message}\nsandbox log:\n${sandboxLogDigest(sandbox.env)}`);
    const denial = DENIAL[conformance.request.service];
    const expected = conformance.expect.verdict === 'allow' ? { status: conformance.expect.status ?? 200, code: undefined } : { status: conformance.expect.status ?? denial.status, code: conformance.expect.code ?? denial.code };
    const got = { status: outcome.status, code: outcome.code };
    if (got.status !== expected.status || got.code !== expected.code) {
      throw new Error(`case ${conformance.id} (${conformance.source.url}, "${conformance.source.section}"): AWS answers ${JSON.stringify(expected)}, the sandbox answered ${JSON.stringify(got)}${outcome.message ? `: ${outcome.message}` : ''}`);
    }
  });
});

/**
 * The blueprint's state role with a permissions boundary (stateAccess.permissionsBoundary), exactly as
 * the state-backend stack synthesizes it (trust, state access policy, boundary), used as Terraform's
 * backend uses it from staging's account: a boundary that allows the state access works; one too
 * narrow is refused with AWS's message naming the boundary. Before the SCP describe below, which
 * makes these accounts members of an organization.
 */
describe('a state role with a permissions boundary, as synthesized', () => {
  const STATE = '333333333333';
  const STAGING = '222222222222';
  const BOUNDARY = `arn:aws:iam::${STATE}:policy/org-state-boundary`;
  const KEY = 'acme-platform/staging/terraform.tfstate';
  const synthesized = () => {
    const app = Testing.app({ stackTraces: false });
    const built = buildApp(app, { ...appDefinition, environments: appDefinition.environments.map((module) => (blueprint) => {
      const environment = module(blueprint);
      return environment.name === 'staging' ? { ...environment, stateAccess: { via: 'role' as const, permissionsBoundary: BOUNDARY } } : environment;
    }) }, { context: () => undefined, env: {} });
    const stack = JSON.parse(Testing.synth(built.stateBackendStack)) as { resource: Record<string, Record<string, Record<string, string>>> };
    const role = Object.values(stack.resource.aws_iam_role).find((resource) => resource.name === 'acme-platform-staging-tfstate')!;
    const policy = Object.values(stack.resource.aws_iam_policy).find((resource) => resource.name === 'acme-platform-staging-tfstate-access')!;
    // The state bucket (the access log and replica buckets are synthesized beside it).
    const bucket = Object.entries(stack.resource.aws_s3_bucket).find(([address]) => address.startsWith('state_bucket'))![1].bucket;
    return { role, policy, bucket };
  };

  it(
    'allowed while the boundary allows the state access; refused with AWS\'s message once a narrower boundary replaces it',
    async () => {
      const { role, policy, bucket } = synthesized();
      expect(role.permissions_boundary).toBe(BOUNDARY);
      const state = await sandboxCredentialsFor(STATE);
      await send(state, 'iam', 'CreatePolicy', { PolicyName: 'org-state-boundary', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'kms:*', 'dynamodb:*'], Resource: '*' }] }) });
      const narrow = (await send(state, 'iam', 'CreatePolicy', { PolicyName: 'org-state-boundary-read-only', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }] }) })).Policy as { Arn: string };
      const access = (await send(state, 'iam', 'CreatePolicy', { PolicyName: policy.name, PolicyDocument: policy.policy })).Policy as { Arn: string };
      await send(state, 'iam', 'CreateRole', { RoleName: role.name, AssumeRolePolicyDocument: role.assume_role_policy, PermissionsBoundary: role.permissions_boundary });
      await send(state, 'iam', 'AttachRolePolicy', { RoleName: role.name, PolicyArn: access.Arn });
      await send(state, 's3', 'CreateBucket', { Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } });
      const asStateRole = async () => {
        const assumed = await send(await sandboxCredentialsFor(STAGING), 'sts', 'AssumeRole', { RoleArn: `arn:aws:iam::${STATE}:role/${role.name}`, RoleSessionName: 'backend' });
        const issued = assumed.Credentials as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
        return { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken };
      };
      const backend = await asStateRole();
      await expect(send(backend, 's3', 'PutObject', { Bucket: bucket, Key: KEY, Body: '{"version":4}' })).resolves.toBeDefined();
      await send(state, 'iam', 'PutRolePermissionsBoundary', { RoleName: role.name, PermissionsBoundary: narrow.Arn });
      const refused = await send(await asStateRole(), 's3', 'PutObject', { Bucket: bucket, Key: KEY, Body: '{"version":4}' }).then(
        () => undefined,
        (error: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => error,
      );
      expect(refused?.name).toBe('AccessDenied');
      expect(refused?.$metadata?.httpStatusCode).toBe(403);
      expect(refused?.message).toBe(
        `User: arn:aws:sts::${STATE}:assumed-role/${role.name}/backend is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${bucket}/${KEY}" because no permissions boundary allows the s3:PutObject action`,
      );
    },
    testBudget('synth'),
  );
});

/**
 * docs/sandbox.md's way to rehearse a company's SCP: `npm run sandbox -- scp <file>` as a user runs it.
 * After the cases (it makes the blueprint's accounts members of an organization of moto's default account).
 */
describe('npm run sandbox -- scp <file>: a company\'s SCP loaded into the sandbox', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scp-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const STAGING = '222222222222';

  it(
    'refuses a file that is not a policy document, naming it, before creating anything',
    async () => {
      const file = join(dir, 'broken.json');
      writeFileSync(file, '{ "Version": "2012-10-17", ');
      const run = await runStep('sandbox scp (broken file)', process.execPath, typescriptNodeArgs('tooling/bin/sandbox.ts', 'scp', file), { cwd: PROJECT_DIR, env: sandbox.env, kind: 'synth' });
      expect(run.code).not.toBe(0);
      expect(run.output).toContain(`${file} is not JSON`);
      expect(run.output).not.toMatch(/\n\s+at /);
    },
    testBudget('synth'),
  );

  it(
    'attaches the SCP to the organization\'s root: staging\'s administrator is refused what it denies (AWS\'s message), the management account is not',
    async () => {
      const file = join(dir, 'deny-bucket-creation.json');
      writeFileSync(file, JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'NoNewBuckets', Effect: 'Deny', Action: 's3:CreateBucket', Resource: '*' }] }, null, 2));
      const run = await runStep('sandbox scp deny-bucket-creation.json', process.execPath, typescriptNodeArgs('tooling/bin/sandbox.ts', 'scp', file), { cwd: PROJECT_DIR, env: sandbox.env, kind: 'synth' });
      expect(run.code).toBe(0);
      // Created now: the broken file before created nothing.
      expect(run.output).toMatch(/created organization o-\w+ \(management account 123456789012\); members under its root: 111111111111, 222222222222, 333333333333/);
      const create = async (account: string, bucket: string) => send(await sandboxCredentialsFor(account), 's3', 'CreateBucket', { Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: REGION } });
      const refused = await create(STAGING, 'scp-load-staging').then(
        () => undefined,
        (error: { name: string; message: string; $metadata?: { httpStatusCode?: number } }) => error,
      );
      expect(refused?.name).toBe('AccessDenied');
      expect(refused?.$metadata?.httpStatusCode).toBe(403);
      expect(refused?.message).toContain('s3:CreateBucket');
      expect(refused?.message).toContain('with an explicit deny in a service control policy');
      await expect(create('123456789012', 'scp-load-management')).resolves.toBeDefined();
    },
    testBudget('synth'),
  );
});

const sandboxCredentialsFor = (account: string) => sandboxCredentials(sandbox.state, account, REGION);
