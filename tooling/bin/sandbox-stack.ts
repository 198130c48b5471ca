/**
 * The two steps of "Try it without an AWS account" (README) that act in one environment's sandbox
 * account:
 *   npm run sandbox:deploy -- <stack>   cdktf deploy <stack> into the sandbox (throw-away secret if none is set)
 *   npm run sandbox:state -- <stack>    where its state is, its lineage and serial, and `terraform state list`
 * Both use the stack's own account (the sandbox hands out per-account credentials) and the sandbox's
 * output directory (.sandbox/run/cdktf.out, tooling/sandbox/sandbox-project.ts), discarded with the sandbox.
 */
import { runCli } from '../toolkit/run-cli';
import { parseArgs, UsageError } from '../toolkit/cli-args';
import { S3Client, HeadObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { s3StateKey } from '../../lib/backends/s3-backend';
import { synthesizeOrThrow } from '../toolkit/app-synth';
import { CDKTF_BIN, outputTail, runCommand } from '../toolkit/run-command';
import { runInterruptible, signalExitCode, type InterruptibleResult } from '../toolkit/interruptible';
import { registerSandboxUse } from '../sandbox/sandbox-users';
import { sandboxLocalStateFile } from '../sandbox/sandbox-project';
import { requireTerraformBinary, terraformBinary } from '../toolkit/terraform-binary';
import { BootstrapError } from '../toolkit/errors';
import { summarizeState } from '../bootstrap/state-summary';
import { assumeRoleCredentials } from '../toolkit/account-session';
import { accountSession, resolveTarget, type Target } from '../sandbox/target';
import type { ClientConfig } from '../toolkit/aws-clients';
import { sandboxClientConfig } from '../sandbox/credentials';
import { watchSandbox } from '../sandbox/watchdog';
import { definedStacks, projectDefinitions } from '../toolkit/project-definitions';
import type { S3AssumeRole } from '../../lib/definitions/state-definition';
import { readSynthesizedStack, secretVariables } from '../toolkit/synthesized-stacks';
import { PROJECT_DIR, sandboxPaths } from '../sandbox/paths';
import { requireValidSandboxContext } from '../sandbox/sandbox-flag';
import { appDefinition } from '../../environments';

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main([command, ...args]: string[]): Promise<number> {
  const resolved = projectDefinitions(appDefinition, process.env, PROJECT_DIR);
  const definitions = definedStacks(resolved);
  const usage = `usage: npm run sandbox:deploy -- <stack> | npm run sandbox:state -- <stack>   (stacks: ${definitions.map((d) => d.name).join(', ')})`;
  if (command !== 'deploy' && command !== 'state') throw new UsageError([`unknown command ${JSON.stringify(command ?? '')}: deploy or state`], usage);
  // One stack and nothing else: the sandbox decides the output directory and the cdktf flags.
  const parsed = parseArgs({ usage, options: {}, positionals: { name: 'stack', min: 1, max: 1, allowed: definitions.map((d) => d.name) } }, args);
  if (parsed.help) {
    say(usage);
    return 0;
  }
  const stack = parsed.positionals[0];
  requireValidSandboxContext(PROJECT_DIR);
  requireTerraformBinary(process.env, command === 'deploy' ? 'cdktf deploy runs it' : 'sandbox:state runs terraform state list');
  const definition = definitions.find((candidate) => candidate.name === stack)!;
  const target = await resolveTarget({ sandbox: true, say }, process.env);
  if (target.kind !== 'sandbox') throw new BootstrapError('unreachable: the sandbox target is not a sandbox');
  // The state-backend's bucket must exist before a stack with S3 state can deploy or have state.
  if (definition.state.kind === 's3' && !target.project.bootstrap) {
    throw new BootstrapError(`${stack} keeps its state in s3://${definition.state.bucket}, which the sandbox does not have yet: run \`npm run bootstrap -- --sandbox\` first`);
  }
  const session = await accountSession(target, definition.allowedAccountIds[0], definition.region, process.env, definition.name);
  const env = session.env;
  const stackDir = join(target.outDir, 'stacks', definition.name);

  if (command === 'deploy') {
    say(`sandbox: cdktf deploy ${stack} as account ${session.accountId} into ${target.outDir}`);
    // Synthesized first, so the stack's own sensitive variables (whatever the workload declares)
    // get a throw-away value when none is set.
    await synthesizeOrThrow(target.outDir, { env, timeoutMs: 300_000 });
    const secrets = secretVariables(readSynthesizedStack(stack, stackDir), process.env, 'sandbox-throw-away-token');
    // No lock file: the output directory is discarded with the sandbox, and locking needs the registry.
    const args = ['deploy', stack, '--skip-synth', '--auto-approve', '--skip-provider-lock', '--output', target.outDir];
    const using = registerSandboxUse(sandboxPaths(), `npm run sandbox:deploy -- ${stack}`, stackDir);
    // A stopped or hung emulator is named within seconds, not left to look like a slow apply.
    const stopWatching = watchSandbox(target.state, `sandbox:deploy ${stack}`, say);
    try {
      const result = await runInterruptible(CDKTF_BIN, args, {
        cwd: PROJECT_DIR,
        env: { ...env, ...secrets },
        timeoutMs: DEPLOY_BOUND_MS,
        graceMs: INTERRUPT_GRACE_MS,
        label: `cdktf deploy ${stack}`,
        say: (line) => say(`sandbox: ${line}`),
        onOutput: (text) => process.stdout.write(text),
        // A state Terraform could not write goes beside the stack's code, not into the output.
        withheldStateDir: stackDir,
      });
      if (result.interrupted) {
        for (const line of afterInterrupt(stack, stackDir, definition.state.kind === 'local' ? sandboxLocalStateFile(sandboxPaths(), stack) : undefined, result)) say(`sandbox: ${line}`);
        return signalExitCode(result.interrupted);
      }
      if (result.timedOut) throw new BootstrapError(`cdktf deploy ${stack} did not finish within ${DEPLOY_BOUND_MS / 60_000} minutes and was stopped; npm run sandbox -- status checks the sandbox, npm run sandbox:state -- ${stack} shows what was recorded`);
      return result.code ?? 1;
    } finally {
      await stopWatching();
      using.release();
    }
  }

  if (definition.state.kind === 's3') {
    const key = s3StateKey(definition.state, { project: resolved.blueprint.project, stack: definition.name });
    const where = `s3://${definition.state.bucket}/${key}`;
    // Read as Terraform does: through the state role when the backend assumes one (the bucket's
    // DenyOtherAccounts refuses the environment's own account).
    const reader = definition.state.assumeRole
      ? await assumeRoleForState(session.clientConfig, target, definition.state.assumeRole, definition.state.region, stack)
      : { config: session.clientConfig, as: `account ${session.accountId}` };
    const s3 = new S3Client(reader.config);
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: definition.state.bucket, Key: key }));
      const state = summarizeState(await (await s3.send(new GetObjectCommand({ Bucket: definition.state.bucket, Key: key }))).Body!.transformToString(), key);
      say(`${stack}: state in ${where} (${head.ContentLength} bytes, ${head.ServerSideEncryption ?? 'unencrypted'}${head.SSEKMSKeyId ? ` ${head.SSEKMSKeyId}` : ''}), read as ${reader.as}, lineage ${state.lineage}, serial ${state.serial}, ${state.instances.length} resources:`);
    } catch (error) {
      throw new BootstrapError(stateReadProblem(error, where, reader.as, stack));
    } finally {
      s3.destroy();
    }
  }
  const list = await runCommand(terraformBinary(process.env), ['state', 'list'], { cwd: stackDir, env, timeoutMs: 120_000 });
  if (list.code !== 0) throw new BootstrapError(`terraform state list failed in ${stackDir} (exit ${list.code}); deploy it first: npm run sandbox:deploy -- ${stack}\n${outputTail(list.output)}`);
  process.stdout.write(list.output);
  return 0;
}

/** A deploy of one sandbox stack takes minutes (lifecycle configurations alone wait 55 s each): far above that is a hang. */
const DEPLOY_BOUND_MS = 30 * 60_000;
/** After SIGINT, Terraform finishes the operations in flight and writes its state: seconds in the sandbox. */
const INTERRUPT_GRACE_MS = 120_000;

/** What an interrupted deploy left, and what to run next. */
function afterInterrupt(stack: string, stackDir: string, localStateFile: string | undefined, result: InterruptibleResult): string[] {
  const lines = [`${stack}: cdktf deploy stopped after ${result.interrupted} (${result.killedAfterGrace ? 'killed when the grace period ended' : `exit ${result.code}`})`];
  if (localStateFile) {
    const lockFile = join(dirname(localStateFile), `.${basename(localStateFile)}.lock.info`);
    lines.push(
      existsSync(lockFile)
        ? `${stack}: its state lock is still held (${lockFile}): Terraform was stopped before releasing it; once no terraform runs for ${stack}, remove that file`
        : `${stack}: Terraform released its state lock; the state is in ${localStateFile}`,
    );
  }
  const errored = join(stackDir, 'errored.tfstate');
  if (existsSync(errored) && statSync(errored).size > 0) lines.push(`${stack}: Terraform could not write its state and saved it to ${errored}: run \`terraform state push errored.tfstate\` in ${stackDir} before anything else`);
  lines.push(`next: npm run sandbox:state -- ${stack} shows what the state records; npm run sandbox:deploy -- ${stack} finishes the deploy from there`);
  return lines;
}

/** Client settings acting as the stack's state role, assumed with the stack's account credentials (as its backend does). */
async function assumeRoleForState(
  config: ClientConfig,
  target: Extract<Target, { kind: 'sandbox' }>,
  { roleArn, externalId }: S3AssumeRole,
  region: string,
  stack: string,
): Promise<{ config: ClientConfig; as: string }> {
  try {
    const { credentials } = await assumeRoleCredentials(config, roleArn, `sandbox-state-${stack}`, externalId);
    return { config: sandboxClientConfig(target.state, region, credentials), as: `state role ${roleArn}` };
  } catch (error) {
    throw new BootstrapError(`${stack}: could not assume its state role ${roleArn} (${awsProblem(error)}); is the state-backend deployed? npm run bootstrap -- --sandbox`);
  }
}

/** "AccessDenied (HTTP 403): <message>" from an SDK error. */
function awsProblem(error: unknown): string {
  const failure = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = failure.$metadata?.httpStatusCode;
  return `${failure.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}${failure.message && failure.message !== failure.name ? `: ${failure.message}` : ''}`;
}

/** Says which of "not deployed" and "refused" it is; a HEAD has no body, so 403/404 are told apart by status. */
function stateReadProblem(error: unknown, where: string, as: string, stack: string): string {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === 404 || (error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchKey') {
    return `no state for ${stack} in ${where} (${awsProblem(error)}); deploy it first: npm run sandbox:deploy -- ${stack}`;
  }
  if (status === 403) return `reading ${where} as ${as} was refused (${awsProblem(error)}): the bucket policy or the role's permissions deny it; npm run doctor -- --sandbox ${stack} checks the state role`;
  return `could not read ${where} as ${as}: ${awsProblem(error)}`;
}

runCli('sandbox', main);
