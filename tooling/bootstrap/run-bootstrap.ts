import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettingSources } from '../../lib/settings/setting-sources';
import { PROJECT_DIR } from '../sandbox/paths';
import { CDKTF_BIN, outputTail, runCommand, TERRAFORM_BIN } from '../toolkit/run-command';
import { BootstrapError } from '../toolkit/errors';
import { backendResourcesExist, inspectPosition, readLocalState, readRemoteState, type BootstrapPosition } from './inspect';
import { bootstrapLayout, type BootstrapLayout } from './plan';
import { stateDifferences, summarizeState, type StateSummary } from './state-summary';
import { accountSession, resolveTarget, type AccountSession, type Target } from '../toolkit/account-session';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { compareStamp, describeStamp, readDeployedStamp, stampFix, type StampComparison } from './version-stamp';

export interface BootstrapOptions {
  /** Target the running local sandbox instead of real AWS. */
  readonly sandbox: boolean;
  /** Where to synthesize (default: cdktf.out, or the sandbox's run directory). */
  readonly outDir?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** One line per step. */
  readonly say?: (line: string) => void;
  /**
   * Called once, during phase 1, as soon as the bucket, lock table and key the environments'
   * backends need exist: environment deploys can start then, overlapping the state-backend's own
   * slower sub-resources (the lifecycle rule alone keeps the AWS provider waiting ~55 s).
   */
  readonly onBackendReady?: () => void;
  /** Per cdktf call. @default 10 minutes */
  readonly timeoutMs?: number;
}

export interface BootstrapStep {
  readonly name: string;
  readonly seconds: number;
  readonly skipped?: string;
}

export interface BootstrapResult {
  /** What existed when this run started. */
  readonly startedFrom: 'nothing' | 'phase 1 (local state)' | 'phase 2 (state copied, local not retired)' | 'done';
  readonly steps: readonly BootstrapStep[];
  readonly stateUri: string;
  readonly state: StateSummary;
  /** Where the retired local state file went (undefined when it was retired by an earlier run). */
  readonly backupFile?: string;
  readonly layout: BootstrapLayout;
  /** The deployed state-backend's version stamp against the code's, as read at the end of the run. */
  readonly versionStamp: StampComparison;
}

const POLL_MS = 1000;

function describeStart(position: BootstrapPosition): BootstrapResult['startedFrom'] {
  if (position.remote && !position.local) return 'done';
  if (position.remote && position.local) return 'phase 2 (state copied, local not retired)';
  if (position.local) return 'phase 1 (local state)';
  return 'nothing';
}

/** The backend the working directory was last initialised with (`.terraform/terraform.tfstate`), if any. */
function initialisedBackend(stackDir: string): string | undefined {
  const file = join(stackDir, '.terraform', 'terraform.tfstate');
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { backend?: { type?: string } }).backend?.type;
  } catch {
    return undefined;
  }
}

function synthesizedBackend(stackDir: string): string | undefined {
  const file = join(stackDir, 'cdk.tf.json');
  if (!existsSync(file)) return undefined;
  const backend = (JSON.parse(readFileSync(file, 'utf8')) as { terraform?: { backend?: Record<string, unknown> } }).terraform?.backend;
  return backend ? Object.keys(backend)[0] : undefined;
}

/**
 * Two-phase bootstrap of the state-backend stack (docs/bootstrap.md), resumable: every run first
 * looks at what exists (local state file, bucket, remote state object) and continues from there.
 */
export async function runBootstrap(options: BootstrapOptions): Promise<BootstrapResult> {
  const env = options.env ?? process.env;
  const say = options.say ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 600_000;
  const steps: BootstrapStep[] = [];

  async function step<T>(name: string, work: () => Promise<T>, detail?: (value: T) => string): Promise<T> {
    const started = Date.now();
    try {
      const value = await work();
      const seconds = (Date.now() - started) / 1000;
      steps.push({ name, seconds });
      say(`bootstrap: ✔ ${name}${detail ? `: ${detail(value)}` : ''} (${seconds.toFixed(1)} s)`);
      return value;
    } catch (error) {
      say(`bootstrap: ✘ ${name} failed after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      throw error;
    }
  }
  const skip = (name: string, why: string) => {
    steps.push({ name, seconds: 0, skipped: why });
    say(`bootstrap: – ${name}: skipped, ${why}`);
  };

  let target: Target | undefined;
  let session: AccountSession | undefined;
  let layout: BootstrapLayout | undefined;
  await step(
    'connect',
    async () => {
      target = await resolveTarget({ sandbox: options.sandbox, outDir: options.outDir }, env);
      layout = bootstrapLayout(loadSettingSources(PROJECT_DIR, env).sources, target.outDir);
      session = await accountSession(target, layout.accountId, layout.region, env, layout.stack);
    },
    () => `${target!.kind === 'sandbox' ? `sandbox ${target!.state.endpoint}` : 'AWS'}, account ${layout!.accountId}, ${layout!.region}`,
  );
  const where = layout!;
  const account = session!;
  const stateUri = `s3://${where.bucket}/${where.key}`;
  const position = await step('inspect', () => inspectPosition(account.clientConfig, where), (found) =>
    [
      found.local ? `local state (serial ${found.local.serial}, ${found.local.instances.length} resources)` : 'no local state',
      found.bucketExists ? `bucket ${where.bucket} exists` : `no bucket ${where.bucket}`,
      found.remote ? `remote state (serial ${found.remote.serial})` : 'no remote state',
    ].join(', '),
  );
  const startedFrom = describeStart(position);

  const stampLocation = { project: where.project, stack: where.stack, account: where.accountId, region: where.region };
  const readStamp = async (): Promise<StampComparison> => {
    const ssm = new SSMClient(account.clientConfig);
    try {
      return compareStamp(await readDeployedStamp(ssm, where.project));
    } finally {
      ssm.destroy();
    }
  };
  let versionStamp: StampComparison | undefined;
  if (position.local || position.remote) {
    versionStamp = await readStamp();
    // Phase 1 deploys again (and stamps) unless the state is already in the bucket; then only a deploy updates it.
    const next = position.remote ? stampFix(versionStamp, stampLocation) : versionStamp.kind === 'current' ? undefined : `phase 1 deploys version ${versionStamp.expected}`;
    say(`bootstrap: version stamp: ${describeStamp(versionStamp, stampLocation)}${next ? `; ${next}` : ''}`);
  }

  const cdktf = (args: string[], migrated: boolean) =>
    runCommand(CDKTF_BIN, [...args, '--output', target!.outDir], {
      cwd: PROJECT_DIR,
      // Each phase pins the setting: an exported STATE_BACKEND_MIGRATED must not leak into phase 1.
      env: { ...account.env, STATE_BACKEND_MIGRATED: migrated ? 'true' : 'false', FORCE_COLOR: '0' },
      timeoutMs,
    });
  // Offline-friendly in the sandbox, whose output directory (and lock file) is thrown away with it.
  const lockFlags = target!.kind === 'sandbox' ? ['--skip-provider-lock'] : [];

  const synth = async (migrated: boolean) => {
    const expected = migrated ? 's3' : 'local';
    const result = await cdktf(['synth'], migrated);
    if (result.code !== 0) throw new BootstrapError(`cdktf synth failed (exit ${result.code}); fix the app first:\n${outputTail(result.output)}`);
    const backend = synthesizedBackend(where.stackDir);
    if (backend !== expected) {
      throw new BootstrapError(
        `${where.stack} was synthesized with a "${backend}" backend where phase ${migrated ? 2 : 1} needs "${expected}": ` +
          'something overrides stateBackendMigrated, which bootstrap sets per phase through STATE_BACKEND_MIGRATED (e.g. an environments/state-backend.ts that ignores it): fix that and run bootstrap again.',
      );
    }
  };

  if (position.remote && position.local) {
    const differences = stateDifferences(position.local, position.remote);
    if (differences.length > 0) {
      throw new BootstrapError(
        `both a local state (${where.localStateFile}) and a remote one (${stateUri}) exist and they differ:\n  - ${differences.join('\n  - ')}\n` +
          'Nothing was changed. If the remote state is the newer one (someone deployed after the migration), move the local file away; ' +
          'if the local one is right, push it with `terraform state push` from the stack directory. Then re-run `npm run bootstrap`.',
      );
    }
  }
  if (!position.local && !position.remote && position.bucketExists) {
    const backups = [`${where.localStateFile}.bootstrap-backup`].filter(existsSync);
    throw new BootstrapError(
      `the bucket "${where.bucket}" exists but there is no state for the ${where.stack} stack, neither local (${where.localStateFile}) nor in the bucket (${stateUri}). ` +
        (backups.length > 0 ? `A retired local state exists (${backups[0]}): copy it back to ${where.localStateFile} and re-run. ` : '') +
        'If the bucket is another project\'s, pick another name (TF_STATE_BUCKET); if it is this project\'s, import the existing resources (terraform import) into local state first.',
    );
  }

  let backendReady = false;
  const notifyReady = () => {
    if (backendReady) return;
    backendReady = true;
    options.onBackendReady?.();
  };

  if (!position.remote) {
    await step('synthesize phase 1 (local state)', () => synth(false));
    await step(
      `phase 1: deploy ${where.stack} on local state`,
      async () => {
        // A run interrupted after phase 2's init left the S3 backend recorded; the state is still the local file.
        if (initialisedBackend(where.stackDir) && initialisedBackend(where.stackDir) !== 'local') rmSync(join(where.stackDir, '.terraform', 'terraform.tfstate'));
        let finished = false;
        const watcher = (async () => {
          while (!finished && !backendReady) {
            if (await backendResourcesExist(account.clientConfig, where).catch(() => false)) notifyReady();
            else await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          }
        })();
        const result = await cdktf(['deploy', where.stack, '--auto-approve', '--skip-synth', ...lockFlags], false).finally(() => (finished = true));
        await watcher;
        if (result.code !== 0) {
          throw new BootstrapError(
            `cdktf deploy ${where.stack} failed (exit ${result.code}). Its state so far is in ${where.localStateFile}; fix the cause and re-run \`npm run bootstrap\` to continue.\n${outputTail(result.output)}`,
          );
        }
        const local = readLocalState(where.localStateFile);
        if (!local || local.instances.length === 0) throw new BootstrapError(`cdktf deploy ${where.stack} succeeded but ${where.localStateFile} holds no resources; look at the output above`);
        return local;
      },
      (local) => `${local.instances.length} resources, state in ${where.localStateFile}`,
    );
    notifyReady();
    versionStamp = await readStamp();
    say(`bootstrap: version stamp: ${describeStamp(versionStamp, stampLocation)}`);
    await step('synthesize phase 2 (S3 state)', () => synth(true));
    await step(`phase 2: move the state into ${stateUri}`, async () => {
      // Not `terraform init -migrate-state` nor `terraform state push`: measured with Terraform 1.11.4,
      // both write into an empty S3 key under a NEW lineage with serial 1, so the copy could not be
      // proven to be the same state (docs/bootstrap.md). The local file is copied byte for byte, only
      // if the key does not exist yet, and Terraform then reads it back through the S3 backend.
      await putStateIfAbsent(account, where, stateUri);
      const terraform = (args: string[]) =>
        runCommand(TERRAFORM_BIN, [...args], { cwd: where.stackDir, env: { ...account.env, TF_INPUT: '0' }, timeoutMs });
      const init = await terraform(['init', '-reconfigure', '-input=false', '-no-color']);
      if (init.code !== 0) {
        throw new BootstrapError(`terraform init of the S3 backend failed (exit ${init.code}) in ${where.stackDir}. The local state is untouched; fix the cause and re-run \`npm run bootstrap\`.\n${outputTail(init.output)}`);
      }
      const pull = await terraform(['state', 'pull']);
      if (pull.code !== 0) throw new BootstrapError(`terraform state pull from ${stateUri} failed (exit ${pull.code}); the local state is untouched.\n${outputTail(pull.output)}`);
      const throughTerraform = summarizeState(pull.output, `${stateUri} (read by terraform)`);
      const differences = stateDifferences(readLocalState(where.localStateFile)!, throughTerraform);
      if (differences.length > 0) throw new BootstrapError(`terraform reads ${stateUri} differently from the local state, which is therefore kept:\n  - ${differences.join('\n  - ')}`);
    });
  } else {
    notifyReady();
    skip('phase 1 and phase 2', `the state is already in ${stateUri}`);
  }

  const verified = await step(
    'verify the remote state',
    async () => {
      const s3 = new S3Client(account.clientConfig);
      try {
        const remote = await readRemoteState(s3, where.bucket, where.key);
        if (!remote) throw new BootstrapError(`phase 2 finished but ${stateUri} does not exist. The local state is untouched; re-run \`npm run bootstrap\`.`);
        const local = readLocalState(where.localStateFile);
        if (local) {
          const differences = stateDifferences(local, remote);
          if (differences.length > 0) {
            throw new BootstrapError(`${stateUri} differs from the local state, which is therefore kept:\n  - ${differences.join('\n  - ')}\nInspect both, then re-run \`npm run bootstrap\`.`);
          }
        }
        return remote;
      } finally {
        s3.destroy();
      }
    },
    (remote) => `lineage ${remote.lineage}, serial ${remote.serial}, ${remote.instances.length} resources${existsSync(where.localStateFile) ? ', same as the local state' : ''}`,
  );

  let backupFile: string | undefined;
  if (existsSync(where.localStateFile)) {
    backupFile = await step(
      'retire the local state',
      async () => {
        let backup = `${where.localStateFile}.bootstrap-backup`;
        if (existsSync(backup)) backup = `${backup}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        renameSync(where.localStateFile, backup);
        return backup;
      },
      (backup) => `kept as ${backup}`,
    );
  } else {
    skip('retire the local state', 'no local state file left');
  }
  return { startedFrom, steps, stateUri, state: verified, backupFile, layout: where, versionStamp: versionStamp ?? (await readStamp()) };
}

/** Copies the local state file to the state key unless something is already there (conditional create). */
async function putStateIfAbsent(account: AccountSession, where: BootstrapLayout, stateUri: string): Promise<void> {
  const s3 = new S3Client(account.clientConfig);
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: where.bucket,
        Key: where.key,
        Body: readFileSync(where.localStateFile),
        ContentType: 'application/json',
        // What the S3 backend's `encrypt = true` asks for on every state write.
        ServerSideEncryption: 'AES256',
        IfNoneMatch: '*',
      }),
    );
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412) {
      throw new BootstrapError(`${stateUri} appeared while bootstrapping (another run?); nothing was overwritten. Re-run \`npm run bootstrap\` to compare it with the local state.`);
    }
    throw error;
  } finally {
    s3.destroy();
  }
}
