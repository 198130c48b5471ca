import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseCliConfig, cliConfigVariables, type CliConfigChoice } from '../toolkit/terraform-cli-config';
import type { SandboxPaths } from './paths';

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

export function readBootstrapRecord(paths: SandboxPaths): BootstrapRecord | undefined {
  const file = recordFile(paths);
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<BootstrapRecord>;
  return parsed.stateBackendMigrated === true && typeof parsed.stateUri === 'string' ? (parsed as BootstrapRecord) : undefined;
}

export function recordBootstrap(paths: SandboxPaths, record: Omit<BootstrapRecord, 'stateBackendMigrated' | 'at'>): BootstrapRecord {
  const written: BootstrapRecord = { stateBackendMigrated: true, ...record, at: new Date().toISOString() };
  writeFileSync(recordFile(paths), `${JSON.stringify(written, null, 2)}\n`);
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
