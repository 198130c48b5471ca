import { ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sandboxDown } from '../../tooling/sandbox/lifecycle';
import { startTestSandbox, type TestSandbox } from './harness/sandbox';
import { Scenario } from './harness/scenario';
import { runStep, STEP_TIMEOUT_MS, testBudget } from './harness/step';
import { ensureTerraform, terraformEnv } from './harness/terraform';

/**
 * Dev's zero-account home: `workflows/dev/deploy.sh --sandbox` deploys dev into the sandbox with
 * dev's own account, keeps dev's state in the sandbox's run directory, and `destroy.sh --sandbox` /
 * `sandbox down` leave nothing behind.
 */
const PROJECT_DIR = join(__dirname, '..', '..');
const DEV_ACCOUNT = '111111111111';
let sandbox: TestSandbox;
const scenario = new Scenario();

beforeAll(async () => {
  ensureTerraform();
  sandbox = await startTestSandbox('dev');
}, STEP_TIMEOUT_MS.sandbox);
afterAll(() => sandbox?.stop());

function workflow(script: 'deploy' | 'destroy') {
  // The harness's terraform CLI config (provider mirror, no telemetry); credentials come from the sandbox.
  const env: NodeJS.ProcessEnv = { ...sandbox.env, ...terraformEnv(), SANDBOX_HOME: sandbox.home, TF_VAR_app_api_token: '' };
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  return runStep(`dev: workflows/dev/${script}.sh --sandbox`, 'bash', [join(PROJECT_DIR, 'workflows', 'dev', `${script}.sh`), '--sandbox', '--auto-approve'], {
    cwd: PROJECT_DIR,
    env,
    kind: 'deploy',
  });
}

const bucketsOf = async (client: S3Client) => ((await client.send(new ListBucketsCommand({}))).Buckets ?? []).map((bucket) => bucket.Name).sort();
const devState = () => join(sandbox.home, 'run', 'terraform.dev.tfstate');
const managed = () => (JSON.parse(readFileSync(devState(), 'utf8')) as { resources: Array<{ mode: string; type: string }> }).resources.filter((r) => r.mode === 'managed').map((r) => r.type).sort();

it('deploy.sh --sandbox: dev\'s resources in dev\'s account, its state in the sandbox', async () => {
  const deploy = await scenario.step('deploy.sh --sandbox', async () => {
    const result = await workflow('deploy');
    if (result.code !== 0) throw new Error(result.output);
    return result;
  });
  expect(deploy.stdout).toContain(`== dev: sandbox ${sandbox.state.endpoint} (account of dev`);
  expect(await bucketsOf(await sandbox.s3(DEV_ACCOUNT))).toEqual(['acme-platform-dev-assets']);
  // Another account sees none of it.
  expect(await bucketsOf(await sandbox.s3('222222222222'))).toEqual([]);
  expect(managed()).toEqual([
    'aws_s3_bucket',
    'aws_s3_bucket_ownership_controls',
    'aws_s3_bucket_public_access_block',
    'aws_s3_bucket_server_side_encryption_configuration',
    'aws_ssm_parameter',
  ]);
  // Nothing of the sandbox run landed in the project's own output or state files.
  expect(existsSync(join(PROJECT_DIR, 'cdktf.out', 'terraform.dev.tfstate'))).toBe(false);
}, testBudget('deploy'));

it('destroy.sh --sandbox: leaves nothing behind', async () => {
  scenario.requires('deploy.sh --sandbox');
  const destroy = await workflow('destroy');
  expect(destroy.code).toBe(0);
  expect(await bucketsOf(await sandbox.s3(DEV_ACCOUNT))).toEqual([]);
  expect(managed()).toEqual([]);
}, testBudget('deploy'));

it('sandbox down discards dev\'s state with the sandbox', async () => {
  await sandboxDown(sandbox.env);
  expect(existsSync(devState())).toBe(false);
});
