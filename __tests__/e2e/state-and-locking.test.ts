import { TerraformStack, Testing } from 'cdktf';
import { appDefinition } from '../../environments';
import { applyStateBackend } from '../../lib/backends/backend-factory';
import type { S3State } from '../../lib/definitions/state-definition';
import { synthApp, synthStack } from '../support/synth';
import type { LocalDynamoDb } from './harness/dynamodb-server';
import { expectLockRefused, lockContention } from './harness/lock-contention';
import { startS3Server, type LocalS3 } from './harness/s3-server';
import { startStateServers, type StateServers } from './harness/state-servers';
import { addressesOf, readState } from './harness/state-inspection';
import { LOCAL_S3_BACKEND_CONFIG, runTerraform, runTerraformOk, terraformEnv } from './harness/terraform';
import { s3BackendOf, withTestResources } from './harness/test-stack';
import { makeWorkdir, writeStack } from './harness/workdir';

const { stacks, built } = synthApp(appDefinition);
const BUCKET = built.blueprint.stateBucket;
const TABLE = built.blueprint.lockTable;

let s3: LocalS3;
let dynamo: LocalDynamoDb;
let env: NodeJS.ProcessEnv;

let servers: StateServers;

beforeAll(async () => {
  servers = await startStateServers(BUCKET, TABLE);
  ({ s3, dynamo, env } = servers);
});
afterAll(() => servers?.dispose());

const init = (dir: string, label: string, ...flags: string[]) =>
  runTerraformOk(['init', '-input=false', ...flags, ...LOCAL_S3_BACKEND_CONFIG], { cwd: dir, env, label });
const apply = (dir: string, label: string, run: string) =>
  runTerraformOk(['apply', '-auto-approve', '-input=false', '-var', `run=${run}`], { cwd: dir, env, label });

describe('state lands where the synthesized backend says', () => {
  it('staging (native lockfile): apply writes the state object; no lock object remains', async () => {
    const backend = s3BackendOf(stacks.staging);
    expect(backend.use_lockfile).toBe(true);
    const dir = makeWorkdir('staging', withTestResources(stacks.staging));
    await init(dir, 'staging');
    await apply(dir, 'staging', 'first');

    const state = await readState(s3, backend);
    expect(state?.serial).toBeGreaterThanOrEqual(1);
    expect(addressesOf(state)).toEqual(['terraform_data.holder', 'terraform_data.payload']);
    expect(await s3.listKeys(BUCKET, backend.key)).toEqual([backend.key]);
    // Through its state role, as synthesized (assume_role); account isolation is proven against moto.
    expect(servers.sts.assumedRoles).toContain('arn:aws:iam::333333333333:role/acme-platform-staging-tfstate');
  });

  it('production (DynamoDB): apply writes the state object and the digest item, and releases the lock item', async () => {
    const backend = s3BackendOf(stacks.production);
    expect(backend.dynamodb_table).toBe(TABLE);
    const dir = makeWorkdir('production', withTestResources(stacks.production));
    await init(dir, 'production');
    await apply(dir, 'production', 'first');

    const body = await s3.getObject(BUCKET, backend.key);
    expect(JSON.parse(body ?? '{}').resources).toHaveLength(2);
    const digest = await dynamo.getItem(TABLE, `${BUCKET}/${backend.key}-md5`);
    const { createHash } = await import('node:crypto');
    expect(digest?.Digest?.S).toBe(createHash('md5').update(body ?? '').digest('hex'));
    expect(await dynamo.getItem(TABLE, `${BUCKET}/${backend.key}`)).toBeUndefined();
  });
});

/** A stack whose backend is production's state definition with another locking mode, at its own key. */
function productionWithLocking(locking: S3State['locking'], stack: string) {
  const state = built.environmentStacks.find((s) => s.node.id === 'production')!.definition.state as S3State;
  const scope = new TerraformStack(Testing.app({ stackTraces: false }), stack);
  applyStateBackend(scope, { ...state, locking, dynamodbTable: state.dynamodbTable ?? TABLE } as S3State, {
    project: built.blueprint.project,
    stack,
  });
  return synthStack(scope);
}

describe('what cdktf deploy parses after an apply', () => {
  // cdktf runs `terraform output -json` and JSON.parses stdout; Terraform 1.15.0/1.15.1 appended the
  // dynamodb_table deprecation warning there (hashicorp/terraform#38479), which required_version now excludes.
  it('dynamodb locking: `terraform output -json` is pure JSON, the deprecation warning is not on stdout', async () => {
    const stack = 'output-json';
    const synthesized = productionWithLocking('dynamodb', stack);
    // 1.7.2: production's state role limits listing to its key (hashicorp/terraform#34511).
    expect(synthesized.terraform.required_version).toBe('>= 1.7.2, != 1.15.0, != 1.15.1');
    const dir = makeWorkdir(stack, { ...withTestResources(synthesized), output: { marker: { value: 'ok' } } });
    await init(dir, stack);
    await apply(dir, stack, 'first');
    const { stdout } = await runTerraformOk(['output', '-json'], { cwd: dir, env, label: stack });
    expect(JSON.parse(stdout)).toEqual({ marker: { sensitive: false, type: 'string', value: 'ok' } });
    expect(stdout).not.toContain('Deprecated Parameter');
  });
});

describe('a second concurrent run is refused the lock', () => {
  it.each([
    ['lockfile', 'lock-lockfile'],
    ['dynamodb', 'lock-dynamodb'],
    ['both', 'lock-both'],
  ] as const)('%s locking', async (locking, stack) => {
    const synthesized = productionWithLocking(locking, stack);
    const backend = s3BackendOf(synthesized);
    const dir = makeWorkdir(stack, withTestResources(synthesized));
    await init(dir, stack);
    await apply(dir, stack, 'setup');
    expectLockRefused(await lockContention(dir, backend, { s3, dynamo }, { env, label: stack }), backend);
  });
});

describe('the harness is what makes lockfile contention real', () => {
  it('without conditional writes (plain s3rver) a second run silently takes the native lock', async () => {
    const plain = await startS3Server({ conditionalWrites: false });
    try {
      await plain.createBucket(BUCKET);
      const plainEnv = terraformEnv({ s3: plain.endpoint, dynamodb: dynamo.endpoint, sts: servers.sts.endpoint });
      const synthesized = productionWithLocking('lockfile', 'plain-s3rver');
      const backend = s3BackendOf(synthesized);
      const dir = makeWorkdir('plain-s3rver', withTestResources(synthesized));
      await runTerraformOk(['init', '-input=false', ...LOCAL_S3_BACKEND_CONFIG], { cwd: dir, env: plainEnv, label: 'plain-s3rver' });
      const outcome = await lockContention(dir, backend, { s3: plain, dynamo }, { env: plainEnv, label: 'plain-s3rver' });
      expect(outcome.contenderExit).toBe(0);
      expect(outcome.contenderOutput).not.toContain('Error acquiring the state lock');
    } finally {
      await plain.dispose();
    }
  });
});

describe('migration DynamoDB -> both -> lockfile, and back, loses nothing', () => {
  const stack = 'migration';
  let dir: string;

  /** Switches the workdir to `locking`, re-initialises, and proves state and plan are unchanged. */
  async function switchTo(locking: S3State['locking']) {
    const synthesized = productionWithLocking(locking, stack);
    const backend = s3BackendOf(synthesized);
    const before = await readState(s3, backend);
    writeStack(dir, withTestResources(synthesized));
    await init(dir, `${stack} -> ${locking}`, '-reconfigure');
    const plan = await runTerraform(['plan', '-detailed-exitcode', '-input=false', '-var', `run=${currentRun}`], {
      cwd: dir,
      env,
      label: `${stack} (${locking})`,
    });
    expect({ exit: plan.code, output: plan.code === 0 ? '' : plan.output }).toEqual({ exit: 0, output: '' });
    expect(plan.stdout).toContain('No changes.');
    const after = await readState(s3, backend);
    expect(after?.serial).toBe(before?.serial);
    expect(after?.lineage).toBe(before?.lineage);
    expect(addressesOf(after)).toEqual(addressesOf(before));
    return { synthesized, backend };
  }
  let currentRun = 'initial';

  it('starts on DynamoDB locking with state', async () => {
    const synthesized = productionWithLocking('dynamodb', stack);
    dir = makeWorkdir(stack, withTestResources(synthesized));
    await init(dir, stack);
    await apply(dir, stack, currentRun);
    expect(addressesOf(await readState(s3, s3BackendOf(synthesized)))).toEqual(['terraform_data.holder', 'terraform_data.payload']);
  });

  it('step 1: both locks, no changes, and both are enforced', async () => {
    const { backend } = await switchTo('both');
    expect(backend).toMatchObject({ use_lockfile: true, dynamodb_table: TABLE });
    const outcome = await lockContention(dir, backend, { s3, dynamo }, { env, label: `${stack} (both)` });
    expectLockRefused(outcome, backend);
    currentRun = 'run-after-both';
    await apply(dir, stack, currentRun);
  });

  it('step 2: lockfile only, no changes, lockfile enforced', async () => {
    const { backend } = await switchTo('lockfile');
    expect(backend.dynamodb_table).toBeUndefined();
    expectLockRefused(await lockContention(dir, backend, { s3, dynamo }, { env, label: `${stack} (lockfile)` }), backend);
    currentRun = 'run-after-lockfile';
    await apply(dir, stack, currentRun);
  });

  it('rollback lockfile -> both: the stale DynamoDB digest is refused until it is removed', async () => {
    const synthesized = productionWithLocking('both', stack);
    const backend = s3BackendOf(synthesized);
    writeStack(dir, withTestResources(synthesized));
    // Applies in lockfile mode changed the state but not the digest item written while DynamoDB was in use,
    // so Terraform refuses the state (after its consistency retries) rather than trusting either side.
    const stale = await runTerraform(['init', '-input=false', '-reconfigure', ...LOCAL_S3_BACKEND_CONFIG], {
      cwd: dir,
      env,
      label: `${stack} -> both (rollback, stale digest)`,
    });
    expect(stale.code).not.toBe(0);
    expect(stale.output).toContain('state data in S3 does not have the expected content');
    // The documented fix: remove the stale digest item; Terraform writes a fresh one with the next state write.
    await dynamo.deleteItem(TABLE, `${backend.bucket}/${backend.key}-md5`);
    await switchTo('both');
    expectLockRefused(await lockContention(dir, backend, { s3, dynamo }, { env, label: `${stack} (rollback both)` }), backend);
    expect(await dynamo.getItem(TABLE, `${backend.bucket}/${backend.key}-md5`)).toBeDefined();
  });
});
