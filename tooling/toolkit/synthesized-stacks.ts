import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BootstrapError } from './errors';

/**
 * A stack as `cdktf synth` wrote it: what the tooling needs to act on it, read from the synthesized
 * output rather than rebuilt from the definitions, so every stack the app has (`ci-*` included) is
 * seen, and a replaced workload's variables are found without importing it.
 */
export interface SynthesizedStack {
  readonly name: string;
  /** The stack's working directory (where terraform runs). */
  readonly directory: string;
  /** The account its AWS provider is pinned to (`allowed_account_ids[0]`), and its region. */
  readonly accountId: string;
  readonly region: string;
  /** The backend block's kind (`local`, `s3`, ...). */
  readonly backend: string;
  /** The local backend's state file, absolute; undefined for remote backends. */
  readonly localStateFile?: string;
  /** Input variables marked `sensitive: true` (secrets the caller supplies as TF_VAR_<name>). */
  readonly sensitiveVariables: readonly string[];
}

interface Manifest {
  readonly stacks?: Readonly<Record<string, { readonly name: string; readonly workingDirectory: string; readonly synthesizedStackPath: string }>>;
}

interface StackJson {
  readonly terraform?: { readonly backend?: Readonly<Record<string, { readonly path?: string }>> };
  readonly provider?: { readonly aws?: ReadonlyArray<{ readonly alias?: string; readonly allowed_account_ids?: readonly string[]; readonly region?: string }> };
  readonly variable?: Readonly<Record<string, { readonly sensitive?: boolean }>>;
}

/** One stack's synthesized configuration (`cdk.tf.json` in its directory). */
export function readSynthesizedStack(name: string, directory: string): SynthesizedStack {
  const file = join(directory, 'cdk.tf.json');
  if (!existsSync(file)) throw new BootstrapError(`${directory} has no cdk.tf.json; synthesize first`);
  const json = JSON.parse(readFileSync(file, 'utf8')) as StackJson;
  const [backend, settings] = Object.entries(json.terraform?.backend ?? {})[0] ?? ['local', {}];
  // The default (unaliased) AWS provider carries the stack's account guard.
  const provider = (json.provider?.aws ?? []).find((candidate) => candidate.alias === undefined);
  if (!provider?.allowed_account_ids?.[0] || !provider.region) throw new BootstrapError(`${file}: its AWS provider names no allowed_account_ids or region`);
  return {
    name,
    directory,
    accountId: provider.allowed_account_ids[0],
    region: provider.region,
    backend,
    // Terraform's default local path when the block names none.
    localStateFile: backend === 'local' ? resolve(directory, settings.path ?? 'terraform.tfstate') : undefined,
    sensitiveVariables: Object.entries(json.variable ?? {})
      .filter(([, variable]) => variable.sensitive === true)
      .map(([variable]) => variable),
  };
}

/** A stack listed in the manifest: its name and working directory. */
export interface ManifestStack {
  readonly name: string;
  readonly directory: string;
}

/** Every stack in `outDir/manifest.json`, in the manifest's order. */
export function manifestStacks(outDir: string): ManifestStack[] {
  const file = join(outDir, 'manifest.json');
  if (!existsSync(file)) throw new BootstrapError(`${outDir} holds no synthesized app (no manifest.json); synthesize first (drop --skip-synth)`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  return Object.values(manifest.stacks ?? {}).map((stack) => ({ name: stack.name, directory: join(outDir, stack.workingDirectory) }));
}

/**
 * `TF_VAR_<name>` for each sensitive variable of `stack`: the caller's value when set, else
 * `placeholder` (for runs where the value cannot matter, e.g. a refresh-only plan).
 */
export function secretVariables(stack: Pick<SynthesizedStack, 'sensitiveVariables'>, env: NodeJS.ProcessEnv, placeholder: string): Record<string, string> {
  return Object.fromEntries(stack.sensitiveVariables.map((name) => [`TF_VAR_${name}`, env[`TF_VAR_${name}`] || placeholder]));
}
