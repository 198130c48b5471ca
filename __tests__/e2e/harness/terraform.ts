import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { terraformBinary } from '../../../tooling/toolkit/terraform-binary';
import { cliConfigText, providerMirror as toolingProviderMirror } from '../../../tooling/toolkit/terraform-cli-config';
import { progress } from './progress';
import { startStep, STEP_TIMEOUT_MS, type RunningStep, type RunResult } from './step';

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

/** A CLI configuration of the suite's own (never the user's ~/.terraformrc), by the tooling's one rule. */
function writeCliConfig(root: string): { configFile: string; pluginCache: string } {
  const pluginCache = join(root, 'plugin-cache');
  mkdirSync(pluginCache, { recursive: true });
  const configFile = join(root, 'terraformrc');
  writeFileSync(configFile, cliConfigText({ mirror: providerMirror(), pluginCache }));
  return { configFile, pluginCache };
}

/** Where providers come from: tooling/toolkit/terraform-cli-config.ts (TF_PROVIDER_MIRROR, else the known mirror directories). */
export function providerMirror(): string | undefined {
  return toolingProviderMirror(process.env);
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

export type { RunResult };

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Label for the progress line, e.g. the stack name. */
  readonly label: string;
  /** @default STEP_TIMEOUT_MS.synth (harness/step.ts) */
  readonly timeoutMs?: number;
}

/** A running terraform process, for tests where one run holds a lock while another tries. */
export type RunningTerraform = RunningStep;

export function startTerraform(args: readonly string[], options: RunOptions): RunningTerraform {
  // The local-server -backend-config flags are the same every time: one word keeps progress lines readable.
  const shown = args.filter((arg) => !LOCAL_S3_BACKEND_CONFIG.includes(arg));
  const command = `${TERRAFORM_BIN} ${shown.join(' ')}${shown.length < args.length ? ' [local S3 backend config]' : ''}`;
  return startProcess(TERRAFORM_BIN, [...args, '-no-color'], command, options);
}

/**
 * Any long-running CLI (terraform, cdktf) as a named, bounded step (harness/step.ts, on the tooling's
 * runner): "<label>: <command>" names it in the progress line and in the timeout error.
 */
export function startProcess(bin: string, args: readonly string[], command: string, options: RunOptions): RunningTerraform {
  return startStep(`${options.label}: ${command}`, bin, args, { cwd: options.cwd, env: options.env, timeoutMs: options.timeoutMs ?? STEP_TIMEOUT_MS.synth });
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
