import { CreateBucketCommand, HeadBucketCommand, ListBucketsCommand, PutBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxPaths } from '../../tooling/sandbox/paths';
import { fingerprint, projectCopy, projectRootFingerprint } from '../hostile/run-tooling-case';
import { SANDBOX_REGION, startTestSandbox, type TestSandbox } from './harness/sandbox';
import { expectExit, runStep, STEP_TIMEOUT_MS } from './harness/step';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * Bootstrap refusals that need a running sandbox (issue #19): a state bucket name another account
 * owns, and a non-boolean stateBackendMigrated in cdktf.json. Each run is a real
 * `node tooling/bin/bootstrap.ts --sandbox` process, a named step with its bound; each asserts the
 * exit code, the message (bucket, problem, fix), and that nothing was created or moved.
 */
const PROJECT_DIR = join(__dirname, '..', '..');
const STATE_ACCOUNT = '333333333333';
const OTHER_ACCOUNT = '444444444444';
const BUCKET = 'acme-platform-tfstate';
let sandbox: TestSandbox | undefined;
const scratch = mkdtempSync(join(tmpdir(), 'e2e-bootstrap-refusals-'));

const bootstrap = (name: string, cwd = PROJECT_DIR) =>
  runStep(name, process.execPath, typescriptNodeArgs(join('tooling', 'bin', 'bootstrap.ts'), '--sandbox'), { cwd, env: sandbox!.env, kind: 'synth' });

const noTrace = (output: string) => expect(output).not.toMatch(/\n\s+at .+:\d+:\d+\)?|crashed:/);

async function bucketsOf(s3: S3Client): Promise<string[]> {
  return ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((bucket) => bucket.Name!);
}

/** What bootstrap would have changed: the run directory (minus the sandbox's own log, records and its register of the commands using it) and the state account's buckets. */
async function snapshot(stateS3: S3Client) {
  const runDir = sandboxPaths(sandbox!.env).runDir;
  return { run: fingerprint(runDir, ['sandbox.log', 'credentials', 'terraformrc', 'users']), buckets: await bucketsOf(stateS3), root: projectRootFingerprint() };
}

beforeAll(async () => {
  sandbox = await startTestSandbox('bootstrap-refusals');
}, STEP_TIMEOUT_MS.sandbox);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(scratch, { recursive: true, force: true });
}, 60_000);

describe('bootstrap refuses what it must not build on', () => {
  test('a non-boolean stateBackendMigrated in cdktf.json: refused as synth refuses it, nothing created (before: accepted, bootstrap pinned its own value)', async () => {
    const copy = projectCopy(scratch, JSON.stringify({ language: 'typescript', app: 'node --require ./tooling/toolkit/typescript-hook.cjs main.ts', context: { stateBackendMigrated: 'maybe' } }));
    const stateS3 = await sandbox!.s3(STATE_ACCOUNT);
    const before = await snapshot(stateS3);
    const result = await bootstrap('bootstrap --sandbox with "stateBackendMigrated": "maybe"', copy);
    expectExit(result, 1, 'bootstrap with "maybe"');
    expect(result.output).toContain('cdktf.json context "stateBackendMigrated": "maybe" is not a boolean: use true or false');
    expect(result.output).toContain('nothing was done');
    noTrace(result.output);
    expect(await snapshot(stateS3)).toEqual(before);
    expect(existsSync(join(copy, 'cdktf.out'))).toBe(false);
  }, STEP_TIMEOUT_MS.synth + 60_000);

  test('the sandbox answers ExpectedBucketOwner as S3 does: 403 for another owner, even when the bucket policy lets the caller in', async () => {
    const other = await sandbox!.s3(OTHER_ACCOUNT);
    await other.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: SANDBOX_REGION } }));
    const state = await sandbox!.s3(STATE_ACCOUNT);
    // Without a policy the other account's bucket is closed to the state account (cross-account needs both sides).
    await expect(state.send(new HeadBucketCommand({ Bucket: BUCKET }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    await other.send(
      new PutBucketPolicyCommand({
        Bucket: BUCKET,
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Sid: 'LetTheStateAccountIn', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${STATE_ACCOUNT}:root` }, Action: 's3:*', Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`] }],
        }),
      }),
    );
    await expect(state.send(new HeadBucketCommand({ Bucket: BUCKET }))).resolves.toBeDefined();
    await expect(state.send(new HeadBucketCommand({ Bucket: BUCKET, ExpectedBucketOwner: OTHER_ACCOUNT }))).resolves.toBeDefined();
    await expect(state.send(new HeadBucketCommand({ Bucket: BUCKET, ExpectedBucketOwner: STATE_ACCOUNT }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  }, 120_000);

  test('a state bucket name another account owns (its policy letting the state account in): refused naming the bucket, the owner and the fix; nothing created (before: "no state for the stack")', async () => {
    const stateS3 = await sandbox!.s3(STATE_ACCOUNT);
    const before = await snapshot(stateS3);
    const result = await bootstrap('bootstrap --sandbox with the bucket name owned by another account');
    expectExit(result, 1, 'bootstrap with a foreign bucket');
    expect(result.output).toContain(`the state bucket "${BUCKET}" exists but does not belong to the state account ${STATE_ACCOUNT}`);
    expect(result.output).toContain('another account owns this name');
    expect(result.output).toContain('Choose another state bucket name: TF_STATE_BUCKET, or "stateBucket" in cdktf.json context');
    expect(result.output).not.toContain('bootstrap: done');
    noTrace(result.output);
    expect(await snapshot(stateS3)).toEqual(before);
    expect(existsSync(join(sandboxPaths(sandbox!.env).runDir, 'terraform.state-backend.tfstate'))).toBe(false);
  }, STEP_TIMEOUT_MS.synth + 60_000);
});
