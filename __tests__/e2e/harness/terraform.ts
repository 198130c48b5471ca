import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCommand } from '../../../tooling/toolkit/run-command';
import { terraformBinary } from '../../../tooling/toolkit/terraform-binary';
import { progress } from './progress';

/** The tooling's one rule (`TERRAFORM_BINARY_NAME`, e.g. `tofu`, else `terraform` from PATH). */
export const TERRAFORM_BIN = terraformBinary(process.env);

/**
 * The binary's version, or an error saying how to install it: the end-to-end suite must never
 * pass by skipping Terraform.
 */
export function ensureTerraform(): string {
  const result = spawnSync(TERRAFORM_BIN, ['version', '-json'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error || result.status !== 0) {
    throw new Error(
      `The end-to-end tests need the "${TERRAFORM_BIN}" binary (Terraform >= 1.10.2 or OpenTofu >= 1.10.2) on PATH, and it ` +
        `could not be run (${result.error?.message ?? result.stderr.trim()}). Install Terraform from ` +
        'https://developer.hashicorp.com/terraform/install (Debian/Ubuntu: the HashiCorp apt repository, `apt-get install terraform`), ' +
        'or set TERRAFORM_BINARY_NAME to the binary to use, e.g. TERRAFORM_BINARY_NAME=tofu.',
    );
  }
  const version = (JSON.parse(result.stdout) as { terraform_version: string }).terraform_version;
  progress(`${TERRAFORM_BIN} ${version}; providers from ${providerMirror() ?? 'the public registry'}`);
  return version;
}

/**
 * A CLI configuration of the suite's own (never the user's ~/.terraformrc). With `TF_PROVIDER_MIRROR`
 * set to a directory containing `registry.terraform.io/`, providers come from that filesystem mirror
 * only; unset, Terraform installs them from the registry as usual. A shared plugin cache makes every
 * init after the first link the provider instead of copying ~700 MB.
 */
function writeCliConfig(root: string): { configFile: string; pluginCache: string } {
  const pluginCache = join(root, 'plugin-cache');
  mkdirSync(pluginCache, { recursive: true });
  const mirror = providerMirror();
  const installation = mirror
    ? `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["registry.terraform.io/*/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
`
    : '';
  const configFile = join(root, 'terraformrc');
  writeFileSync(
    configFile,
    `plugin_cache_dir = ${JSON.stringify(pluginCache)}\n` +
      // The suite writes no lock files; without this the cache would be bypassed.
      'plugin_cache_may_break_dependency_lock_file = true\n' +
      installation,
  );
  return { configFile, pluginCache };
}

/**
 * Where providers come from: `TF_PROVIDER_MIRROR` when set (empty = the public registry), else the
 * first existing mirror among the offline CI image's `/opt/tf-plugins` and Terraform's own implied
 * mirror directories on Linux, else the public registry.
 */
export function providerMirror(): string | undefined {
  const configured = process.env.TF_PROVIDER_MIRROR;
  if (configured !== undefined) return configured || undefined;
  const candidates = [
    '/opt/tf-plugins',
    join(homedir(), '.terraform.d', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
  return candidates.find((dir) => existsSync(join(dir, 'registry.terraform.io')));
}

let suiteRoot: string | undefined;
function cliConfig(): string {
  suiteRoot ??= mkdtempSync(join(tmpdir(), 'e2e-terraform-'));
  return writeCliConfig(suiteRoot).configFile;
}

export interface AwsEndpoints {
  readonly s3?: string;
  readonly dynamodb?: string;
  readonly sts?: string;
}

/** Environment for a terraform process: offline, non-interactive, pointed at the local servers. */
export function terraformEnv(endpoints: AwsEndpoints = {}, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig(),
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    // s3rver checks signatures against this pair; dynalite accepts any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  if (endpoints.s3) env.AWS_ENDPOINT_URL_S3 = endpoints.s3;
  if (endpoints.dynamodb) env.AWS_ENDPOINT_URL_DYNAMODB = endpoints.dynamodb;
  if (endpoints.sts) env.AWS_ENDPOINT_URL_STS = endpoints.sts;
  return env;
}

/**
 * `-backend-config` values that let the S3 backend, exactly as synthesized, talk to the local
 * servers: they are merged into the backend block at init, so the synthesized JSON is untouched.
 * `max_retries = 1`: with SDK default retries one unreachable endpoint kept a run busy for 54 minutes.
 */
export const LOCAL_S3_BACKEND_CONFIG = [
  'use_path_style=true',
  'skip_credentials_validation=true',
  'skip_requesting_account_id=true',
  'skip_metadata_api_check=true',
  'skip_region_validation=true',
  'max_retries=1',
].map((setting) => `-backend-config=${setting}`);

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for matching error messages wherever Terraform printed them. */
  readonly output: string;
  readonly seconds: number;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Label for the progress line, e.g. the stack name. */
  readonly label: string;
  /** @default 60000 */
  readonly timeoutMs?: number;
}

/** A running terraform process, for tests where one run holds a lock while another tries. */
export interface RunningTerraform {
  readonly process: ChildProcess;
  readonly done: Promise<RunResult>;
}

export function startTerraform(args: readonly string[], options: RunOptions): RunningTerraform {
  // The local-server -backend-config flags are the same every time: one word keeps progress lines readable.
  const shown = args.filter((arg) => !LOCAL_S3_BACKEND_CONFIG.includes(arg));
  const command = `${TERRAFORM_BIN} ${shown.join(' ')}${shown.length < args.length ? ' [local S3 backend config]' : ''}`;
  return startProcess(TERRAFORM_BIN, [...args, '-no-color'], command, options);
}

/**
 * Any long-running CLI (terraform, cdktf) through the tooling's own runner (startCommand: its own
 * process group, so a timeout also kills the provisioners and providers it started); one progress
 * line when it ends, and a timeout fails the test.
 */
export function startProcess(bin: string, args: readonly string[], command: string, options: RunOptions): RunningTerraform {
  const timeoutMs = options.timeoutMs ?? 60_000;
  // No signal forwarding: a test runs many at once, and jest ends them through the process groups.
  const running = startCommand(bin, args, { cwd: options.cwd, env: options.env, timeoutMs, forwardSignals: false });
  const done = running.done.then(({ code, stdout, stderr, timedOut, seconds }) => {
    progress(`${options.label}: ${command} (${seconds.toFixed(1)}s, ${timedOut ? `KILLED after ${timeoutMs} ms` : `exit ${code}`})`);
    if (timedOut) throw new Error(`${command} in ${options.cwd} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`);
    return { code, stdout, stderr, output: `${stdout}\n${stderr}`, seconds };
  });
  return { process: running.process, done };
}

export function runTerraform(args: readonly string[], options: RunOptions): Promise<RunResult> {
  return startTerraform(args, options).done;
}

/** Runs and fails the test with Terraform's own output when the command does not succeed. */
export async function runTerraformOk(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const result = await runTerraform(args, options);
  if (result.code !== 0) {
    throw new Error(`${TERRAFORM_BIN} ${args.join(' ')} failed in ${options.cwd} (exit ${result.code}):\n${result.output}`);
  }
  return result;
}

/** Terraform (not OpenTofu) 1.11 and later warn that `dynamodb_table` is deprecated. */
export function deprecatesDynamoDbTable(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return !/tofu/.test(TERRAFORM_BIN) && (major > 1 || (major === 1 && minor >= 11));
}
