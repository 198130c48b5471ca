import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { basename, delimiter, isAbsolute, join } from 'node:path';
import {
  DYNAMODB_WARNING_ON_STDOUT_FIXED_IN,
  compareVersions,
  constraintFloorOf,
  exclusionReasonFor,
  featuresUsedBy,
  limitingFeatureFor,
  minimumVersionFor,
  toolMinimumVersionFor,
} from '../../lib/backends/terraform-version';
import type { StateDefinition } from '../../lib/definitions/state-definition';
import { fail, pass, type CheckResult } from './check-result';
import { TERRAFORM_BINARY_VARIABLE, terraformBinary } from '../toolkit/terraform-binary';

export type TerraformTool = 'Terraform' | 'OpenTofu';

export interface TerraformBinary {
  readonly tool: TerraformTool;
  /** Absolute path (or the TERRAFORM_BINARY_NAME value as given). */
  readonly path: string;
  /** The CLI name to show in commands: `terraform` or `tofu`. */
  readonly command: string;
  readonly version: string;
}

export type BinaryLookup = { readonly found: TerraformBinary } | { readonly problem: string };

const VERSION_TIMEOUT_MS = 10_000;

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `terraform_version` of `<bin> version -json` (OpenTofu keeps that field name for compatibility). */
function versionOf(path: string, env: NodeJS.ProcessEnv): { version: string } | { problem: string } {
  const run = spawnSync(path, ['version', '-json'], { env: { ...env, CHECKPOINT_DISABLE: '1' }, encoding: 'utf8', timeout: VERSION_TIMEOUT_MS });
  if (run.error) return { problem: `could not run "${path} version -json": ${run.error.message}` };
  if (run.status !== 0) return { problem: `"${path} version -json" exited with ${run.status}: ${run.stderr.trim()}` };
  try {
    const version = (JSON.parse(run.stdout) as { terraform_version?: unknown }).terraform_version;
    if (typeof version === 'string' && version !== '') return { version };
  } catch {
    // fall through
  }
  return { problem: `"${path} version -json" did not print a terraform_version` };
}

/**
 * The binary the tooling runs (tooling/toolkit/terraform-binary.ts: `TERRAFORM_BINARY_NAME`, else
 * `terraform`). A binary whose name contains "tofu" is OpenTofu. When `terraform` is missing but
 * `tofu` is there, the problem says to select it.
 */
export function findTerraformBinary(env: NodeJS.ProcessEnv): BinaryLookup {
  let name: string;
  try {
    name = terraformBinary(env);
  } catch (error) {
    return { problem: (error as Error).message };
  }
  const explicit = env[TERRAFORM_BINARY_VARIABLE];
  const path = isAbsolute(name) || name.includes('/') ? name : onPath(name, env);
  if (!path) {
    if (explicit) return { problem: `${TERRAFORM_BINARY_VARIABLE}="${explicit}" is not an executable on the PATH` };
    return { problem: onPath('tofu', env) ? `terraform is not on the PATH, but tofu is: set ${TERRAFORM_BINARY_VARIABLE}=tofu to use OpenTofu` : 'neither terraform nor tofu is on the PATH' };
  }
  const result = versionOf(path, env);
  if ('problem' in result) return result;
  const tofu = basename(path).includes('tofu');
  return { found: { tool: tofu ? 'OpenTofu' : 'Terraform', command: tofu ? 'tofu' : 'terraform', path, version: result.version } };
}

/** Compares dotted versions numerically (the version table's own comparison). */
export { compareVersions };

const INSTALL_FIX =
  'install Terraform >= 1.11 (https://developer.hashicorp.com/terraform/install) or OpenTofu >= 1.10.2 (https://opentofu.org/docs/intro/install/), or point TERRAFORM_BINARY_NAME at the binary';

/** The features whose floor a version is below, as the doctor names them. */
function featuresBelow(state: StateDefinition, version: string): string[] {
  return featuresUsedBy(state)
    .filter((f) => compareVersions(version, constraintFloorOf(f)) < 0)
    .map((f) => `${f.id} >= ${constraintFloorOf(f)}`);
}

/**
 * Whether the binary found is new enough for the state's backend settings: at least the highest floor
 * among the features the stack uses (lib/backends/terraform-version.ts, the table `required_version`
 * comes from), and not a release a feature excludes.
 */
export function checkTerraformVersion(lookup: BinaryLookup, state: StateDefinition): CheckResult {
  const name = 'terraform/tofu version';
  const minimum = minimumVersionFor(state);
  const lockfile = state.kind === 's3' && state.locking !== 'dynamodb';
  const limiting = limitingFeatureFor(state);
  const why = limiting.id === 'use-lockfile' ? 'S3-native locking (use_lockfile)' : limiting.id === 'baseline' ? 'the backend settings' : limiting.feature.replace(/`/g, '');
  if ('problem' in lookup) return fail(name, lookup.problem, INSTALL_FIX);
  const { tool, version, path } = lookup.found;
  if (compareVersions(version, minimum) < 0) {
    // required_version is one constraint for both tools, so a tool whose own floor is lower is still refused.
    const own = toolMinimumVersionFor(state, tool);
    const shared =
      compareVersions(version, own) >= 0 ? ` (${tool} itself works from ${own}, but required_version is one constraint for both tools: ${limiting.why.replace(/`/g, '')})` : '';
    const below = featuresBelow(state, version);
    const all = below.length > 1 ? `; it is below the floors of ${below.join(', ')} (docs/backend-configuration.md#version-floors)` : '';
    return fail(name, `${tool} ${version} at ${path} is older than ${minimum}, which ${why} needs${shared}${all}`, INSTALL_FIX);
  }
  // The stack's required_version refuses these too; say why before terraform does.
  const excluded = exclusionReasonFor(state, version);
  if (excluded) {
    const openTofu = tool === 'OpenTofu' ? ' (OpenTofu is not affected, but checks the same required_version)' : '';
    return fail(
      name,
      `${tool} ${version} at ${path} is excluded by required_version for backends with dynamodb_table${openTofu}: ${excluded}`,
      `use Terraform ${DYNAMODB_WARNING_ON_STDOUT_FIXED_IN} or later, or an earlier release; or migrate to use_lockfile (docs/backend-configuration.md)`,
    );
  }
  const notes: string[] = [];
  if (lockfile && tool === 'Terraform' && compareVersions(version, '1.11.0') < 0) notes.push('use_lockfile is experimental in Terraform 1.10, GA in 1.11');
  if (state.kind === 's3' && state.locking !== 'lockfile' && tool === 'Terraform' && compareVersions(version, '1.11.0') >= 0) {
    notes.push('Terraform >= 1.11 warns that dynamodb_table is deprecated (it still works)');
  }
  return pass(name, `${tool} ${version} at ${path} (>= ${minimum} needed for ${why})${notes.length ? `; note: ${notes.join('; ')}` : ''}`);
}
