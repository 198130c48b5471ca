import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppDefinition } from '../../lib/app/build-app';
import { s3StateKey } from '../../lib/backends/s3-backend';
import { ciStackName } from '../../lib/identities/names';
import { ciStackState, environmentIdentity } from '../../lib/identities/resolve';
import { sandboxClientConfig } from '../sandbox/credentials';
import { PROJECT_DIR } from '../sandbox/paths';
import { assumeRoleCredentials, type ClientConfig } from '../toolkit/account-session';
import { accountSession, resolveTarget, type Target } from '../sandbox/target';
import { clientConfig } from '../toolkit/aws-clients';
import { UserError } from '../../lib/definitions/errors';
import type { S3AssumeRole } from '../../lib/definitions/state-definition';
import { BootstrapError } from '../toolkit/errors';
import { projectDefinitions } from '../toolkit/project-definitions';
import { synthesizeOrThrow } from '../toolkit/app-synth';
import { runCommand } from '../toolkit/run-command';
import { terraformBinary } from '../toolkit/terraform-binary';
import { readLocalState, readRemoteState } from './inspect';
import { moveStateIntoBucket, retireLocalState, verifyRemoteState } from './move-state';
import { takeBootstrapLock } from './recovery';
import { stateDifferences, type StateSummary } from './state-summary';
import { synthesizedBackend } from './working-directory';
import { S3Client } from '@aws-sdk/client-s3';

/**
 * Moves a `ci-<env>` stack's state from the local file it was kept in before CI state went into the
 * state bucket (`terraform.ci-<env>.tfstate` beside the output directory) into its key in the bucket,
 * the way bootstrap phase 2 moves the state-backend's own: a byte-for-byte copy written only if the
 * key does not exist, read back through Terraform, compared (lineage, serial, resources) and only then
 * the local file retired to `<file>.bootstrap-backup` (docs/cross-account.md, "CI stacks' own state").
 * It acts as the environment account's administrator assuming the CI stack's state role, as the
 * stack's backend does. Re-running is safe: a remote copy equal to the local file only retires it;
 * a different one stops with both kept.
 */
export interface CiStateMoveOptions {
  readonly appDefinition: AppDefinition;
  /** `ci-<env>`. */
  readonly stack: string;
  readonly sandbox: boolean;
  /** Where the stacks are synthesized (default: cdktf.out, or the sandbox's run directory). */
  readonly outDir?: string;
  /** Synthesize the app first (the command does; a caller that has synthesized `outDir` itself need not). @default true */
  readonly synthesize?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  readonly say?: (line: string) => void;
  /** Per terraform/cdktf call. @default 5 minutes */
  readonly timeoutMs?: number;
}

export interface CiStateMoveResult {
  /** `moved`: copied and verified now; `already-moved`: the remote copy was there and the same; `remote-only`/`nothing`: no local state. */
  readonly outcome: 'moved' | 'already-moved' | 'remote-only' | 'nothing';
  readonly stateUri: string;
  readonly localStateFile: string;
  readonly state?: StateSummary;
  readonly backupFile?: string;
}

/** The CI stacks of the app (`ci-<env>` for every environment whose state is in the state bucket). */
export function ciStacksOf(appDefinition: AppDefinition, env: NodeJS.ProcessEnv): string[] {
  const { blueprint, environments, stateBackend } = projectDefinitions(appDefinition, env, PROJECT_DIR);
  return environments
    .filter((environment) => environmentIdentity(blueprint.project, environment, stateBackend).access.via !== 'none')
    .map((environment) => ciStackName(environment.name));
}

export async function moveCiState(options: CiStateMoveOptions): Promise<CiStateMoveResult> {
  const env = options.env ?? process.env;
  const say = options.say ?? (() => undefined);
  const timeoutMs = options.timeoutMs ?? 300_000;
  // The definitions as synth resolves them: a bad setting or definition stops here with nothing done.
  const { blueprint, environments, stateBackend } = projectDefinitions(options.appDefinition, env, PROJECT_DIR);
  const project = blueprint.project;
  const environment = environments.find((candidate) => ciStackName(candidate.name) === options.stack);
  const identity = environment && environmentIdentity(project, environment, stateBackend);
  const state = identity && ciStackState(identity, project, stateBackend);
  if (!identity || !state) {
    throw new UserError(`${options.stack}: not a CI stack of this app; CI stacks: ${ciStacksOf(options.appDefinition, env).join(', ') || 'none'}`);
  }
  const key = s3StateKey(state, { project, stack: options.stack });
  const stateUri = `s3://${state.bucket}/${key}`;

  const target = await resolveTarget({ sandbox: options.sandbox, outDir: options.outDir, say }, env);
  const stackDir = join(target.outDir, 'stacks', options.stack);
  // Where the local backend kept it: `../../../terraform.<stack>.tfstate` from the stack's directory.
  const localStateFile = join(dirname(target.outDir), `terraform.${options.stack}.tfstate`);
  // The environment account's administrator, as for `cdktf deploy ci-<env>`.
  const session = await accountSession(target, identity.account, environment.region, env, options.stack);
  const stateConfig = state.assumeRole ? await roleConfig(target, session.clientConfig, state.assumeRole, state.region, options.stack) : session.clientConfig;
  const where = { localStateFile, bucket: state.bucket, key, stackDir, ...(state.kmsKeyId ? { kmsKeyId: state.kmsKeyId } : {}) };

  const releaseLock = takeBootstrapLock(localStateFile, say);
  try {
    const local = readLocalState(localStateFile);
    const s3 = new S3Client(stateConfig);
    let remote: StateSummary | undefined;
    try {
      remote = await readRemoteState(s3, state.bucket, key);
    } finally {
      s3.destroy();
    }
    say(`bootstrap: ${options.stack}: ${local ? `local state ${localStateFile} (serial ${local.serial}, ${local.instances.length} resources)` : 'no local state'}, ${remote ? `remote state in ${stateUri} (serial ${remote.serial})` : `nothing in ${stateUri}`}`);
    if (!local) return { outcome: remote ? 'remote-only' : 'nothing', stateUri, localStateFile, ...(remote ? { state: remote } : {}) };

    const differences = remote ? stateDifferences(local, remote) : [];
    if (remote && differences.length > 0) {
      const fix =
        remote.instances.length === 0
          ? `The remote state holds no resources: ${options.stack} was deployed with its S3 backend before its local state was moved (on a machine without the local file). ` +
            `Replace it with the local state through Terraform, which takes the lock and writes the digest: cd ${stackDir} && terraform init -reconfigure && terraform state push -force ${localStateFile}; ` +
            `then \`terraform plan\` there must show no changes, and you may retire the local file (mv ${localStateFile} ${localStateFile}.bootstrap-backup).`
          : `Both hold resources: compare them (terraform state pull in ${stackDir}) and keep the one that matches what is deployed in the account.`;
      throw new BootstrapError(`${stateUri} differs from ${localStateFile}; nothing was changed and both are kept:\n  - ${differences.join('\n  - ')}\n${fix}`);
    }

    if (!remote) {
      if (options.synthesize ?? true) {
        say(`bootstrap: ${options.stack}: synthesizing into ${target.outDir}`);
        await synthesizeOrThrow(target.outDir, { env: { ...session.env, FORCE_COLOR: '0' }, timeoutMs }, '; fix the app first');
      }
      const backend = synthesizedBackend(stackDir);
      if (backend !== 's3') throw new BootstrapError(`${stackDir} has ${backend ? `a "${backend}" backend` : 'no synthesized stack'} where the move needs its S3 backend: synthesize the app (npx cdktf synth) and re-run`);
      say(`bootstrap: ${options.stack}: copying ${localStateFile} to ${stateUri} (only if absent), then reading it back through terraform`);
      await moveStateIntoBucket({ ...session, clientConfig: stateConfig }, where, stateUri, (args) =>
        runCommand(terraformBinary(env), args, { cwd: stackDir, env: { ...session.env, TF_INPUT: '0' }, timeoutMs }),
      );
    }
    const verified = await verifyRemoteState(stateConfig, where, stateUri);
    say(`bootstrap: ${options.stack}: ${stateUri} has lineage ${verified.lineage}, serial ${verified.serial}, ${verified.instances.length} resources, the same as ${localStateFile}`);
    const backupFile = existsSync(localStateFile) ? retireLocalState(localStateFile) : undefined;
    return { outcome: remote ? 'already-moved' : 'moved', stateUri, localStateFile, state: verified, ...(backupFile ? { backupFile } : {}) };
  } finally {
    releaseLock();
  }
}

/** Client settings acting as the CI stack's state role, assumed with the administrator's session (as its backend does). */
async function roleConfig(target: Target, config: ClientConfig, { roleArn, externalId }: S3AssumeRole, region: string, stack: string): Promise<ClientConfig> {
  try {
    const { credentials } = await assumeRoleCredentials(config, roleArn, `bootstrap-${stack}`, externalId);
    return target.kind === 'sandbox' ? sandboxClientConfig(target.state, region, credentials) : clientConfig({ region, profile: { kind: 'aws' }, credentials });
  } catch (error) {
    throw new BootstrapError(
      `${stack}: could not assume its state role ${roleArn} (${(error as Error).message}). Deploy the state-backend first (it creates the role: npx cdktf deploy state-backend, or npm run bootstrap), ` +
        `and run this with the credentials of an administrator of the environment's account (the role trusts them, never the CI deploy role). The local state is untouched.`,
    );
  }
}
