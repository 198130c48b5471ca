import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseCliConfig, cliConfigVariables, type CliConfigChoice } from '../toolkit/terraform-cli-config';
import type { SandboxPaths } from './paths';
import { BootstrapError } from '../toolkit/errors';

/**
 * The one place that says what the app looks like inside the sandbox, so bootstrap, sandbox:deploy,
 * sandbox:state, drift, doctor and `workflows/dev/deploy.sh --sandbox` agree:
 * - its stacks are the app's, synthesized into ONE output directory, `outDir`, discarded with the
 *   sandbox; the local-state stacks (dev, the state-backend before bootstrap, ci-*) therefore keep
 *   their state in the run directory (`../../../terraform.<stack>.tfstate` from their stack directory);
 * - whether the state-backend's own state has moved into its bucket is what `npm run bootstrap --
 *   --sandbox` RECORDED in the run directory (`bootstrap.json`), never the committed cdktf.json;
 * - Terraform's CLI configuration: the user's own, else one generated in the run directory when a
 *   provider mirror exists (offline machines), never the user's ~/.terraformrc.
 */
export interface SandboxProject {
  /** Where every sandbox command synthesizes: `<run>/cdktf.out`. */
  readonly outDir: string;
  /** The record bootstrap leaves. */
  readonly recordFile: string;
  readonly bootstrap: BootstrapRecord | undefined;
  readonly cliConfig: CliConfigChoice;
}

/** What `npm run bootstrap -- --sandbox` did, as it recorded it. */
export interface BootstrapRecord {
  readonly stateBackendMigrated: true;
  readonly stack: string;
  /** Where the state-backend's state is now, e.g. s3://acme-platform-tfstate/acme-platform/state-backend/terraform.tfstate */
  readonly stateUri: string;
  readonly at: string;
}

export function sandboxOutDir(paths: SandboxPaths): string {
  return join(paths.runDir, 'cdktf.out');
}

/** A local-state stack's state file in the sandbox (dev's: `<run>/terraform.dev.tfstate`). */
export function sandboxLocalStateFile(paths: SandboxPaths, stack: string): string {
  return join(paths.runDir, `terraform.${stack}.tfstate`);
}

function recordFile(paths: SandboxPaths): string {
  return join(paths.runDir, 'bootstrap.json');
}

/**
 * The record, or undefined when bootstrap has not run. A record that cannot be what bootstrap wrote
 * (cut short by a full disk, edited by hand: `"stateBackendMigrated": "maybe"`) is refused naming the
 * file and the field, never taken for "not bootstrapped" (which would send the user to bootstrap again).
 */
export function readBootstrapRecord(paths: SandboxPaths): BootstrapRecord | undefined {
  const file = recordFile(paths);
  if (!existsSync(file)) return undefined;
  const fix = `run \`npm run bootstrap -- --sandbox\` again (it finds the state where it is and records it anew), or \`npm run sandbox -- reset\` to start from empty accounts`;
  let parsed: Partial<Record<keyof BootstrapRecord, unknown>>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<keyof BootstrapRecord, unknown>>;
  } catch (error) {
    throw new BootstrapError(`${file}, the sandbox's record of bootstrap, is not JSON (${(error as Error).message.split('\n')[0]}): it was cut short or edited; ${fix}`);
  }
  const problems = [
    ...(parsed === null || typeof parsed !== 'object' ? ['is not a JSON object'] : []),
    ...(parsed?.stateBackendMigrated !== true ? [`"stateBackendMigrated" is ${JSON.stringify(parsed?.stateBackendMigrated)}, but bootstrap writes only true`] : []),
    ...(typeof parsed?.stateUri !== 'string' || !parsed.stateUri.startsWith('s3://') ? [`"stateUri" is ${JSON.stringify(parsed?.stateUri)}, not the s3:// URI bootstrap writes`] : []),
  ];
  if (problems.length > 0) throw new BootstrapError(`${file}, the sandbox's record of bootstrap, is not what bootstrap writes: ${problems.join('; ')}; ${fix}`);
  return parsed as BootstrapRecord;
}

export function recordBootstrap(paths: SandboxPaths, record: Omit<BootstrapRecord, 'stateBackendMigrated' | 'at'>): BootstrapRecord {
  const written: BootstrapRecord = { stateBackendMigrated: true, ...record, at: new Date().toISOString() };
  // Written beside and renamed: a full disk leaves the old record (or none), never half of one.
  const tmp = `${recordFile(paths)}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(written, null, 2)}\n`);
    renameSync(tmp, recordFile(paths));
  } finally {
    rmSync(tmp, { force: true });
  }
  return written;
}

/**
 * Forgets what the sandbox's accounts held (after `sandbox reset` emptied them): the bootstrap
 * record and every local state file in the run directory (dev's, the state-backend's phase 1, ci-*).
 */
export function forgetSandboxDeployments(paths: SandboxPaths): void {
  rmSync(recordFile(paths), { force: true });
  if (!existsSync(paths.runDir)) return;
  for (const name of readdirSync(paths.runDir)) if (/^terraform\..+\.tfstate/.test(name)) rmSync(join(paths.runDir, name), { force: true });
}

export function sandboxProject(paths: SandboxPaths, env: NodeJS.ProcessEnv): SandboxProject {
  return {
    outDir: sandboxOutDir(paths),
    recordFile: recordFile(paths),
    bootstrap: readBootstrapRecord(paths),
    cliConfig: chooseCliConfig(env, paths.runDir, join(paths.home, 'plugin-cache')),
  };
}

/**
 * The variables every process acting on the sandbox's stacks gets from the project: the recorded
 * bootstrap as `STATE_BACKEND_MIGRATED` (what cdktf synth reads), the generated CLI configuration
 * when there is one, and no calls home.
 */
export function sandboxProjectVariables(project: SandboxProject): Record<string, string> {
  return {
    STATE_BACKEND_MIGRATED: project.bootstrap ? 'true' : 'false',
    ...cliConfigVariables(project.cliConfig),
    CHECKPOINT_DISABLE: '1',
  };
}
