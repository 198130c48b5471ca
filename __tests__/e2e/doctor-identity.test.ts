import { CreateBucketCommand, PutBucketEncryptionCommand, PutBucketPolicyCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { join } from 'node:path';
import { STATE_BACKEND_VERSION, stateBackendVersionParameterName } from '../../lib/stacks/state-backend-version';
import { sandboxClientConfig } from '../../tooling/sandbox/credentials';
import { bucketPolicyStatements } from '../../lib/constructs/tls-only-policy';
import { projectRootFingerprint } from '../hostile/run-tooling-case';
import { processesWith } from '../hostile/run-tooling-case';
import { SANDBOX_REGION, startTestSandbox, type TestSandbox } from './harness/sandbox';
import { runStep, STEP_TIMEOUT_MS } from './harness/step';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * `npm run doctor` verifies who it runs as (issue #19) against a sandbox of its own: it prints the
 * account and principal sts:GetCallerIdentity answers, and fails naming the cause when the caller
 * cannot reach the state the way the backend will: another account, a missing AWS_CA_BUNDLE, a
 * certificate nobody told it to trust, a plain-HTTP endpoint the bucket's TLS-only statement refuses.
 * The doctor checks the state-backend's S3 state (stateBackendMigrated) in a bucket made here as the
 * state-backend stack makes it (versioned, encrypted, the project's own TLS-only policy).
 */
const PROJECT_DIR = join(__dirname, '..', '..');
const STATE_ACCOUNT = '333333333333';
const BUCKET = 'acme-platform-tfstate';
let sandbox: TestSandbox | undefined;

async function doctor(name: string, env: NodeJS.ProcessEnv) {
  const marker = `doctor-identity-${Math.random().toString(36).slice(2)}`;
  const root = projectRootFingerprint();
  const result = await runStep(`doctor state-backend: ${name}`, process.execPath, typescriptNodeArgs(join('tooling', 'bin', 'doctor.ts'), 'state-backend'), {
    cwd: PROJECT_DIR,
    env: { ...env, STATE_BACKEND_MIGRATED: 'true', DOCTOR_IDENTITY_MARKER: marker },
    kind: 'synth',
  });
  // Read-only: nothing in the project root changed, nothing left running.
  expect(projectRootFingerprint()).toEqual(root);
  expect(processesWith(marker)).toEqual([]);
  expect(result.output).not.toMatch(/\n\s+at .+:\d+:\d+\)?|crashed:/);
  return result;
}

const line = (output: string, check: string) => output.split('\n').find((l) => l.includes(`  ${check}: `)) ?? `(no "${check}" line)`;

/** The state account's session in the sandbox, as `npm run sandbox -- credentials state-backend` gives it. */
async function stateEnv(): Promise<NodeJS.ProcessEnv> {
  return sandbox!.terraformEnv(STATE_ACCOUNT);
}

beforeAll(async () => {
  sandbox = await startTestSandbox('doctor-identity');
  const s3 = await sandbox.s3(STATE_ACCOUNT);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: SANDBOX_REGION } }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new PutBucketEncryptionCommand({ Bucket: BUCKET, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
  // The stack's version stamp, as its deploy writes it.
  const ssm = new SSMClient(sandboxClientConfig(sandbox.state, SANDBOX_REGION, await sandbox.credentials(STATE_ACCOUNT)));
  await ssm.send(new PutParameterCommand({ Name: stateBackendVersionParameterName('acme-platform'), Value: String(STATE_BACKEND_VERSION), Type: 'String' }));
  ssm.destroy();
  await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify({ Version: '2012-10-17', Statement: bucketPolicyStatements(`arn:aws:s3:::${BUCKET}`, { onlyAccount: STATE_ACCOUNT }) }) }));
}, STEP_TIMEOUT_MS.sandbox);

afterAll(async () => {
  await sandbox?.stop();
}, 60_000);

describe('npm run doctor verifies who it runs as', () => {
  test('the state account over HTTPS: the account and principal are printed, the account matches, the bucket is reached', async () => {
    const result = await doctor('the state account', await stateEnv());
    expect(line(result.output, 'caller identity')).toMatch(new RegExp(`PASS {2}caller identity: account ${STATE_ACCOUNT} as arn:aws:sts::${STATE_ACCOUNT}:assumed-role/sandbox-admin/`));
    expect(line(result.output, 'caller account')).toContain(`PASS  caller account: ${STATE_ACCOUNT} is state-backend's account (allowedAccountIds)`);
    expect(line(result.output, 'state bucket exists')).toContain(`PASS  state bucket exists: s3://${BUCKET} is reachable`);
    expect(result.output.split('\n').filter((l) => l.trimStart().startsWith('FAIL'))).toEqual([]);
    expect(result.code).toBe(0);
  });

  test('another account (staging\'s credentials): fails naming the wrong account, both IDs and the fix (before: passed every check)', async () => {
    const result = await doctor('staging\'s account', await sandbox!.terraformEnv('222222222222'));
    expect(result.code).toBe(1);
    expect(line(result.output, 'caller identity')).toContain('PASS  caller identity: account 222222222222 as arn:aws:sts::222222222222:assumed-role/sandbox-admin/');
    expect(line(result.output, 'caller account')).toContain('FAIL  caller account: wrong account [cause: wrong-account]: these credentials act in account 222222222222');
    expect(line(result.output, 'caller account')).toContain('but state-backend runs in 333333333333');
    expect(result.output).toContain('fix: use credentials of account 333333333333');
  });

  test('an access key the sandbox never issued: fails as another account (moto takes unknown keys as its default account\'s root)', async () => {
    const env = { ...(await stateEnv()), AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000000', AWS_SECRET_ACCESS_KEY: 'not-a-secret', AWS_SESSION_TOKEN: '' };
    const result = await doctor('an unknown access key', env);
    expect(result.code).toBe(1);
    expect(line(result.output, 'caller account')).toMatch(/FAIL {2}caller account: wrong account \[cause: wrong-account\]: these credentials act in account 123456789012/);
  });

  test('AWS_CA_BUNDLE naming a missing file: fails naming the file before any request (before: passed, Terraform then failed)', async () => {
    const result = await doctor('a missing CA bundle', { ...(await stateEnv()), AWS_CA_BUNDLE: '/nonexistent/sandbox-ca.pem' });
    expect(result.code).toBe(1);
    expect(line(result.output, 'caller identity')).toContain('FAIL  caller identity: AWS_CA_BUNDLE names /nonexistent/sandbox-ca.pem, which does not exist');
    expect(result.output).toContain('fix: point AWS_CA_BUNDLE');
  });

  test('no CA for the sandbox\'s certificate: fails naming TLS verification and the endpoint', async () => {
    const env = { ...(await stateEnv()) };
    delete env.AWS_CA_BUNDLE;
    delete env.NODE_EXTRA_CA_CERTS;
    const result = await doctor('no CA trusted', env);
    expect(result.code).toBe(1);
    expect(line(result.output, 'caller identity')).toContain(`FAIL  caller identity: TLS verification of ${sandbox!.state.endpoint} failed (`);
    expect(line(result.output, 'caller identity')).toContain('[cause: tls-untrusted]');
  });

  test('the plain-HTTP endpoint: fails naming plain HTTP and the bucket\'s TLS-only statement (before: "access denied")', async () => {
    const result = await doctor('the plain-HTTP endpoint', { ...(await stateEnv()), AWS_ENDPOINT_URL: sandbox!.state.insecureEndpoint });
    expect(result.code).toBe(1);
    expect(line(result.output, 'caller identity')).toContain(`PASS  caller identity: account ${STATE_ACCOUNT}`);
    expect(line(result.output, 'state bucket exists')).toContain(`FAIL  state bucket exists: access to s3://${BUCKET} denied over plain HTTP (${sandbox!.state.insecureEndpoint}) [cause: plain-http]`);
    expect(result.output).toContain('fix: use the https:// endpoint');
  });
});
