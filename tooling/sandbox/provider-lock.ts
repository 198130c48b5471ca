import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../toolkit/run-command';
import { terraformBinary } from '../toolkit/terraform-binary';

/**
 * Provider lock files for the sandbox's stacks, made from the provider mirror, so a plain
 * `SANDBOX=1 npx cdktf deploy <stack> --output .sandbox/run/cdktf.out` works offline.
 *
 * Why: before `terraform init`, cdktf 0.21 decides whether to run `terraform providers lock
 * -platform=linux_amd64` after it (`@cdktf/cli-core` `cdktf-stack.js` `checkNeedsLockfileUpdate`): it
 * does unless `--skip-provider-lock` is given or the stack directory already has a
 * `.terraform.lock.hcl` whose entry for each required provider matches the required version. `providers
 * lock` asks the public registry and ignores the CLI configuration's mirror, so offline it fails
 * ("Could not retrieve providers for locking"). A lock file made by `terraform providers lock
 * -fs-mirror=<mirror>` has the same entry and the mirror's own checksums, which `terraform init` then
 * verifies as always; cdktf sees it and skips the registry.
 */

/** The file name Terraform and cdktf read in a stack directory. */
export const LOCK_FILE = '.terraform.lock.hcl';

/** The provider the app's bindings pin (`@cdktf/provider-aws`'s package.json says which build it was made for). */
export function pinnedProviders(): ReadonlyArray<{ readonly source: string; readonly version: string }> {
  const manifest = JSON.parse(readFileSync(require.resolve('@cdktf/provider-aws/package.json'), 'utf8')) as {
    cdktf?: { provider?: { name?: string; version?: string } };
  };
  const provider = manifest.cdktf?.provider;
  if (!provider?.name || !provider.version) throw new Error('@cdktf/provider-aws/package.json names no provider (cdktf.provider)');
  // `registry.terraform.io/hashicorp/aws` → `hashicorp/aws`, the form required_providers takes.
  return [{ source: provider.name.replace(/^registry\.terraform\.io\//, ''), version: provider.version }];
}

const LOCK_TIMEOUT_MS = 120_000;

/**
 * The lock file text for `providers`, made with `terraform providers lock -fs-mirror` in `workDir`
 * (created and removed here), for `platform` (e.g. `linux_amd64`). Throws with terraform's output when
 * the mirror lacks a provider.
 */
export async function lockFileFromMirror(options: {
  readonly mirror: string;
  readonly workDir: string;
  readonly platform: string;
  readonly env: NodeJS.ProcessEnv;
  readonly providers?: ReadonlyArray<{ readonly source: string; readonly version: string }>;
}): Promise<string> {
  const providers = options.providers ?? pinnedProviders();
  rmSync(options.workDir, { recursive: true, force: true });
  mkdirSync(options.workDir, { recursive: true });
  try {
    const required = Object.fromEntries(providers.map((p) => [p.source.split('/').pop()!, { source: p.source, version: p.version }]));
    writeFileSync(join(options.workDir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: required } }));
    const result = await runCommand(
      terraformBinary(options.env),
      ['providers', 'lock', `-fs-mirror=${options.mirror}`, `-platform=${options.platform}`, '-no-color'],
      { cwd: options.workDir, env: { ...options.env, CHECKPOINT_DISABLE: '1' }, timeoutMs: LOCK_TIMEOUT_MS, forwardSignals: false },
    );
    const file = join(options.workDir, LOCK_FILE);
    if (result.code !== 0 || !existsSync(file)) {
      throw new Error(`terraform providers lock -fs-mirror=${options.mirror} failed${result.timedOut ? ' (timed out)' : ` (exit ${result.code})`}: ${result.output.trim()}`);
    }
    return readFileSync(file, 'utf8');
  } finally {
    rmSync(options.workDir, { recursive: true, force: true });
  }
}

/** Terraform's platform name for this machine (`linux_amd64`, `darwin_arm64`, ...). */
export function terraformPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const cpu: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  return `${platform === 'win32' ? 'windows' : platform}_${cpu[arch] ?? arch}`;
}

/**
 * Writes `lock` as `<outDir>/stacks/<stack>/.terraform.lock.hcl` for each stack that has none yet (a
 * lock file Terraform wrote there itself is left alone). Returns the files written.
 */
export function seedLockFiles(outDir: string, stacks: readonly string[], lock: string): string[] {
  const written: string[] = [];
  for (const stack of stacks) {
    const dir = join(outDir, 'stacks', stack);
    const file = join(dir, LOCK_FILE);
    if (existsSync(file)) continue;
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, lock);
    renameSync(tmp, file);
    written.push(file);
  }
  return written;
}

/**
 * Seeds the lock file of every stack in `stacks` under the sandbox's output directory, from the mirror
 * (made once per sandbox run and kept in `runDir`). Returns what to tell the user.
 */
export async function seedSandboxLockFiles(options: {
  readonly runDir: string;
  readonly outDir: string;
  readonly mirror: string;
  readonly stacks: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}): Promise<string> {
  const cached = join(options.runDir, 'provider-mirror.lock.hcl');
  try {
    if (!existsSync(cached)) {
      const lock = await lockFileFromMirror({ mirror: options.mirror, workDir: join(options.runDir, 'provider-lock.work'), platform: terraformPlatform(), env: options.env });
      writeFileSync(cached, lock);
    }
    const written = seedLockFiles(options.outDir, options.stacks, readFileSync(cached, 'utf8'));
    return written.length
      ? `sandbox: provider lock file from the mirror written for ${options.stacks.join(', ')}, so cdktf deploy needs no --skip-provider-lock (docs/sandbox.md "Offline")`
      : `sandbox: ${options.stacks.join(', ')} already have a provider lock file`;
  } catch (error) {
    return `sandbox: no provider lock file made from the mirror (${(error as Error).message}); pass --skip-provider-lock to cdktf deploy`;
  }
}
