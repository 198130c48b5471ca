import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Terraform gets the `hashicorp/aws` provider when it cannot reach the public registry: one
 * rule for the sandbox commands and the end-to-end tests (docs/sandbox.md "Offline").
 */

/** The home directory Terraform would read (~/.terraformrc): `HOME` of the environment given, as on POSIX. */
const homeOf = (env: NodeJS.ProcessEnv) => env.HOME || homedir();

/**
 * The mirror root (a directory holding `registry.terraform.io/`): `TF_PROVIDER_MIRROR` when set (set
 * but empty = the public registry), else the first existing one among the offline CI image's
 * `/opt/tf-plugins` and Terraform's own implied mirror directories on Linux, else none.
 */
export function providerMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.TF_PROVIDER_MIRROR;
  if (configured !== undefined) return configured || undefined;
  const candidates = ['/opt/tf-plugins', join(homeOf(env), '.terraform.d', 'plugins'), '/usr/local/share/terraform/plugins', '/usr/share/terraform/plugins'];
  return candidates.find((dir) => existsSync(join(dir, 'registry.terraform.io')));
}

/**
 * A CLI configuration's text: providers from `mirror` only (when given; else the registry as usual),
 * and a shared plugin cache so every `init` after the first links the provider instead of copying
 * ~700 MB. The tooling writes no lock files in these runs; without the last setting the cache would
 * be bypassed.
 */
export function cliConfigText(options: { readonly mirror?: string; readonly pluginCache: string }): string {
  const installation = options.mirror
    ? `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(options.mirror)}
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
`
    : '';
  return `plugin_cache_dir = ${JSON.stringify(options.pluginCache)}\nplugin_cache_may_break_dependency_lock_file = true\n${installation}`;
}

/** What a run's Terraform CLI configuration is. */
export type CliConfigChoice =
  /** The user's own (TF_CLI_CONFIG_FILE naming an existing file, or ~/.terraformrc): left alone. */
  | { readonly kind: 'users'; readonly file: string }
  /** Generated (never in the user's home): providers from `mirror`. */
  | { readonly kind: 'generated'; readonly file: string; readonly mirror: string }
  /** No configuration and no mirror: Terraform's defaults (the public registry). */
  | { readonly kind: 'default' };

/**
 * The CLI configuration for Terraform runs of the tooling in `dir` (e.g. the sandbox's run directory).
 * A user's own configuration always wins, so a user with internet access and their own setup sees no
 * change; only when there is none (TF_CLI_CONFIG_FILE unset or naming a missing file, no
 * ~/.terraformrc) and a provider mirror exists is one written, to `dir/terraformrc`.
 */
export function chooseCliConfig(env: NodeJS.ProcessEnv, dir: string, pluginCache: string): CliConfigChoice {
  const named = env.TF_CLI_CONFIG_FILE;
  if (named && existsSync(named)) return { kind: 'users', file: named };
  const home = join(homeOf(env), '.terraformrc');
  if (!named && existsSync(home)) return { kind: 'users', file: home };
  const mirror = providerMirror(env);
  if (!mirror) return { kind: 'default' };
  mkdirSync(dir, { recursive: true });
  mkdirSync(pluginCache, { recursive: true });
  const file = join(dir, 'terraformrc');
  writeFileSync(file, cliConfigText({ mirror, pluginCache }));
  return { kind: 'generated', file, mirror };
}

/** The variables a Terraform run needs for `choice` (only a generated file is named). */
export function cliConfigVariables(choice: CliConfigChoice): Record<string, string> {
  return choice.kind === 'generated' ? { TF_CLI_CONFIG_FILE: choice.file } : {};
}

/** One line saying where providers come from, printed once by each command that generated a config. */
export function describeCliConfig(choice: CliConfigChoice, env: NodeJS.ProcessEnv): string | undefined {
  if (choice.kind !== 'generated') return undefined;
  const why = env.TF_CLI_CONFIG_FILE ? `TF_CLI_CONFIG_FILE names a missing file (${env.TF_CLI_CONFIG_FILE})` : 'no Terraform CLI configuration';
  return `terraform: providers from the mirror ${choice.mirror} (${why}; generated ${choice.file}; set TF_PROVIDER_MIRROR= to use the registry)`;
}
