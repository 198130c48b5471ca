import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppDefinition } from '../../lib/app/build-app';
import { loadSettingSources } from '../../lib/settings/setting-sources';
import { PROJECT_DIR, sandboxPaths } from '../sandbox/paths';
import { assertStateBelongs, emptyStateProblem, takeBootstrapLock, untaintLocalState } from './recovery';
import { BOOTSTRAP_MARKER, stopLeftovers } from './leftovers';
import { adoptHalfCreated } from './adopt';
import { recordBootstrap } from '../sandbox/sandbox-project';
import { accountSession, resolveTarget, type AccountSession, type Target } from '../sandbox/target';
import { BootstrapError } from '../toolkit/errors';
import { runInterruptible } from '../toolkit/interruptible';
import { synthesizeOrThrow } from '../toolkit/app-synth';
import { outputTail, runCommand } from '../toolkit/run-command';
import { terraformBinary } from '../toolkit/terraform-binary';
import { watchBackendReady } from './backend-watcher';
import { inspectPosition, readLocalState } from './inspect';
import { moveStateIntoBucket, retireLocalState, verifyRemoteState } from './move-state';
import { assertBootstrapSettings, bootstrapLayout, type BootstrapLayout } from './plan';
import { assertResumable, startingPoint, type StartingPoint } from './resume';
import type { StateSummary } from './state-summary';
import { StepReporter, type BootstrapStep } from './step-reporter';
import { forgetRemoteInit, synthesizedBackend } from './working-directory';

export type { BootstrapStep } from './step-reporter';
import { SSMClient } from '@aws-sdk/client-ssm';
import { compareStamp, describeStamp, readDeployedStamp, stampFix, type StampComparison } from './version-stamp';

export interface BootstrapOptions {
  /** The app (environments/index.ts), passed down by the entry point. */
  readonly appDefinition: AppDefinition;
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
  /** Per synth and per terraform call. @default 10 minutes */
  readonly timeoutMs?: number;
}

export interface BootstrapResult {
  /** What existed when this run started. */
  readonly startedFrom: StartingPoint;
  readonly steps: readonly BootstrapStep[];
  readonly stateUri: string;
  readonly state: StateSummary;
  /** Where the retired local state file went (undefined when it was retired by an earlier run). */
  readonly backupFile?: string;
  readonly layout: BootstrapLayout;
  /** The deployed state-backend's version stamp against the code's, as read at the end of the run. */
  readonly versionStamp: StampComparison;
  /** Sandbox only: the file recording that the state-backend's state is in its bucket (every sandbox command reads it). */
  readonly recordFile?: string;
}

/** How long an interrupted phase 1 deploy gets to finish its current operations and write the local state. */
const DEPLOY_INTERRUPT_GRACE_MS = 120_000;

/**
 * Two-phase bootstrap of the state-backend stack (docs/bootstrap.md), resumable: every run first
 * looks at what exists (local state file, bucket, remote state object) and continues from there.
 */
export async function runBootstrap(options: BootstrapOptions): Promise<BootstrapResult> {
  const env = options.env ?? process.env;
  const say = options.say ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 600_000;
  // SIGINT/SIGTERM: the running command gets the signal too (runCommand forwards it to its group) and
  // stops as Terraform stops; bootstrap then starts no further step and says how to continue. A
  // second signal exits at once.
  let interrupted: NodeJS.Signals | undefined;
  /** Before each step, and inside phase 1 before its apply: after a signal, nothing further starts. */
  const stopIfInterrupted = (before: string) => {
    if (interrupted) throw new BootstrapError(`interrupted by ${interrupted} before ${before}; nothing is lost: re-run \`npm run bootstrap\` and it continues from here`);
  };
  const reporter = new StepReporter(say, (name) => stopIfInterrupted(`"${name}"`));
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      say(`bootstrap: second ${signal}: exiting now; re-run \`npm run bootstrap\` to continue`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    interrupted = signal;
    say(`bootstrap: ${signal} received during "${reporter.current ?? 'start-up'}": its commands were asked to stop; no further step will start (a second ${signal} exits at once)`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await bootstrapSteps();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  async function bootstrapSteps(): Promise<BootstrapResult> {
  const step = reporter.run.bind(reporter);
  const skip = reporter.skip.bind(reporter);

  // Before anything is connected to or changed: a bad setting is refused as synth refuses it.
  const settings = loadSettingSources(PROJECT_DIR, env);
  assertBootstrapSettings(options.appDefinition, settings);

  let target: Target | undefined;
  let session: AccountSession | undefined;
  let layout: BootstrapLayout | undefined;
  await step(
    'connect',
    async () => {
      target = await resolveTarget({ sandbox: options.sandbox, outDir: options.outDir, say }, env);
      layout = bootstrapLayout(options.appDefinition, settings, target.outDir);
      session = await accountSession(target, layout.accountId, layout.region, env, layout.stack);
    },
    () => `${target!.kind === 'sandbox' ? `sandbox ${target!.state.endpoint}` : 'AWS'}, account ${layout!.accountId}, ${layout!.region}`,
  );
  const where = layout!;
  const account = session!;
  assertStateBelongs(target!, where.localStateFile, sandboxPaths(env).home);
  const releaseLock = takeBootstrapLock(where.localStateFile, say);
  try {
    // Holding the lock, any command still marked with this state is a killed run's: stop it first.
    await stopLeftovers(where.localStateFile, say);
    return await resumeBootstrap();
  } finally {
    releaseLock();
  }

  async function resumeBootstrap(): Promise<BootstrapResult> {
  const empty = emptyStateProblem(where.localStateFile);
  if (empty) throw new BootstrapError(empty);
  const untainted = untaintLocalState(where.localStateFile);
  if (untainted.length > 0) {
    say(`bootstrap: ${untainted.join(', ')} ${untainted.length === 1 ? 'was' : 'were'} left tainted by an interrupted run; untainted (kept the previous state as ${where.localStateFile}.tainted-backup) so the rerun keeps ${untainted.length === 1 ? 'it' : 'them'} instead of replacing`);
  }
  const stateUri = `s3://${where.bucket}/${where.key}`;
  const position = await step('inspect', () => inspectPosition(account.clientConfig, where), (found) =>
    [
      found.local ? `local state (serial ${found.local.serial}, ${found.local.instances.length} resources)` : 'no local state',
      found.bucketExists ? `bucket ${where.bucket} exists` : `no bucket ${where.bucket}`,
      found.remote ? `remote state (serial ${found.remote.serial})` : 'no remote state',
    ].join(', '),
  );
  const startedFrom = startingPoint(position);

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

  // Terraform's resource progress during a deploy, one line each, so a long apply is never silent.
  let onOutput: ((text: string) => void) | undefined;
  const resourceProgress = () => {
    let partial = '';
    return (text: string) => {
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const raw of lines) {
        // eslint-disable-next-line no-control-regex
        const line = raw.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '').trim();
        if (/: (Creating\.\.\.|Creation complete|Still creating|Modifying\.\.\.|Modifications complete|Destroying\.\.\.)|Interrupt received|Stopping operation/.test(line)) say(`bootstrap:   ${line}`);
      }
    };
  };
  const synthOptions = (migrated: boolean) => ({
    cwd: PROJECT_DIR,
    // Each phase pins the setting: an exported STATE_BACKEND_MIGRATED must not leak into phase 1.
    env: { ...account.env, STATE_BACKEND_MIGRATED: migrated ? 'true' : 'false', FORCE_COLOR: '0', [BOOTSTRAP_MARKER]: where.localStateFile },
    timeoutMs,
  });
  // Terraform in the synthesized stack's directory, marked as this bootstrap's (leftovers.ts).
  const terraformOptions = { cwd: where.stackDir, env: { ...account.env, TF_INPUT: '0', [BOOTSTRAP_MARKER]: where.localStateFile }, timeoutMs };
  const terraformRun = (args: string[]) => runCommand(terraformBinary(env), args, terraformOptions);
  // Phase 1 is `terraform init` and `terraform apply` of what was synthesized, which is what `cdktf
  // deploy state-backend --skip-synth` runs (its CLI cost 3.5-5 CPU s on top, and put Terraform in a
  // pty that a signal to cdktf hangs up). The apply runs in its own process group: the first
  // SIGINT/SIGTERM becomes one SIGINT to Terraform, which finishes its current operations and
  // writes the local state (toolkit/interruptible.ts).
  const terraformApply = () =>
    runInterruptible(terraformBinary(env), ['apply', '-auto-approve', '-input=false', '-no-color'], {
      ...terraformOptions,
      onOutput: (text: string) => onOutput?.(text),
      graceMs: DEPLOY_INTERRUPT_GRACE_MS,
      say: (line) => say(`bootstrap: ${line}`),
      label: `terraform apply of ${where.stack}`,
    });

  const synth = async (migrated: boolean) => {
    const expected = migrated ? 's3' : 'local';
    await synthesizeOrThrow(target!.outDir, synthOptions(migrated), '; fix the app first');
    const backend = synthesizedBackend(where.stackDir);
    if (backend !== expected) {
      throw new BootstrapError(
        `${where.stack} was synthesized with a "${backend}" backend where phase ${migrated ? 2 : 1} needs "${expected}": ` +
          'something overrides stateBackendMigrated, which bootstrap sets per phase through STATE_BACKEND_MIGRATED (e.g. an environments/state-backend.ts that ignores it): fix that and run bootstrap again.',
      );
    }
  };

  assertResumable(position, where, stateUri);

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
        forgetRemoteInit(where.stackDir);
        // A signal during init or the imports may reach no command (Terraform's init ignores SIGINT
        // once its providers are installed): the apply must then not start.
        const beforeApply = `the terraform apply of ${where.stack}`;
        let init = await terraformRun(['init', '-input=false', '-no-color']);
        stopIfInterrupted(beforeApply);
        // The lock file of an earlier run names other provider versions than the stack now requires
        // (a dependency was updated between two runs): what `cdktf deploy` does then, `init -upgrade`.
        if (init.code !== 0 && /must use terraform init\s+-upgrade/.test(init.output)) {
          say(`bootstrap: ${join(where.stackDir, '.terraform.lock.hcl')} names other provider versions than ${where.stack} requires: terraform init -upgrade`);
          init = await terraformRun(['init', '-upgrade', '-input=false', '-no-color']);
          stopIfInterrupted(beforeApply);
        }
        if (init.code !== 0) throw new BootstrapError(`terraform init in ${where.stackDir} failed (exit ${init.code}); the local state is untouched.\n${outputTail(init.output)}`);
        // A rerun: what an interrupted apply created without recording it is imported first.
        if (position.local) await adoptHalfCreated(account, where, terraformRun, say);
        stopIfInterrupted(beforeApply);
        let finished = false;
        const watcher = watchBackendReady(account.clientConfig, where, () => !finished, notifyReady);
        onOutput = resourceProgress();
        const result = await terraformApply().finally(() => {
          finished = true;
          onOutput = undefined;
        });
        await watcher;
        if (result.code !== 0) {
          const how = result.interrupted ? `stopped on ${result.interrupted}${result.killedAfterGrace ? ' (killed after its grace period)' : ''} (exit ${result.code})` : `failed (exit ${result.code})`;
          throw new BootstrapError(
            `terraform apply of ${where.stack} in ${where.stackDir} ${how}. Its state so far is in ${where.localStateFile}; ${result.interrupted ? '' : 'fix the cause and '}re-run \`npm run bootstrap\` to continue.\n${outputTail(result.output)}`,
          );
        }
        const local = readLocalState(where.localStateFile);
        if (!local || local.instances.length === 0) throw new BootstrapError(`terraform apply of ${where.stack} succeeded but ${where.localStateFile} holds no resources; look at the output above`);
        return local;
      },
      (local) => `${local.instances.length} resources, state in ${where.localStateFile}`,
    );
    notifyReady();
    versionStamp = await readStamp();
    say(`bootstrap: version stamp: ${describeStamp(versionStamp, stampLocation)}`);
    await step('synthesize phase 2 (S3 state)', () => synth(true));
    await step(`phase 2: move the state into ${stateUri}`, () =>
      moveStateIntoBucket(account, where, stateUri, terraformRun),
    );
  } else {
    notifyReady();
    skip('phase 1 and phase 2', `the state is already in ${stateUri}`);
  }

  const verified = await step(
    'verify the remote state',
    () => verifyRemoteState(account.clientConfig, where, stateUri),
    (remote) => `lineage ${remote.lineage}, serial ${remote.serial}, ${remote.instances.length} resources${existsSync(where.localStateFile) ? ', same as the local state' : ''}`,
  );

  let backupFile: string | undefined;
  if (existsSync(where.localStateFile)) {
    backupFile = await step(
      'retire the local state',
      async () => retireLocalState(where.localStateFile),
      (backup) => `kept as ${backup}`,
    );
  } else {
    skip('retire the local state', 'no local state file left');
  }
  // The sandbox remembers what was done here, so its other commands synthesize the state-backend
  // with its S3 backend without anyone editing the committed cdktf.json.
  let recordFile: string | undefined;
  if (target!.kind === 'sandbox') {
    recordBootstrap(sandboxPaths(env), { stack: where.stack, stateUri });
    recordFile = target!.project.recordFile;
  }
  return { startedFrom, steps: reporter.steps, stateUri, state: verified, backupFile, layout: where, versionStamp: versionStamp ?? (await readStamp()), recordFile };
  }
}
}
