/**
 * The two steps of "Try it without an AWS account" (README) that act in one environment's sandbox
 * account:
 *   npm run sandbox:deploy -- <stack>   cdktf deploy <stack> into the sandbox (throw-away secret if none is set)
 *   npm run sandbox:state -- <stack>    where its state is, its lineage and serial, and `terraform state list`
 * Both use the stack's own account (the sandbox hands out per-account credentials) and the sandbox's
 * output directory (.sandbox/run/cdktf.out), discarded with the sandbox.
 */
import { runCli } from '../toolkit/run-cli';
import { S3Client, HeadObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { s3StateKey } from '../../lib/backends/s3-backend';
import { CDKTF_BIN, outputTail, runCommand } from '../toolkit/run-command';
import { terraformBinary } from '../toolkit/terraform-binary';
import { BootstrapError } from '../toolkit/errors';
import { summarizeState } from '../bootstrap/state-summary';
import { accountSession, resolveTarget } from '../toolkit/account-session';
import type { ClientConfig } from '../toolkit/aws-clients';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { definedStacks, projectDefinitions } from '../toolkit/project-definitions';
import { readSynthesizedStack, secretVariables } from '../toolkit/synthesized-stacks';
import { PROJECT_DIR } from '../sandbox/paths';
import { appDefinition } from '../../environments';

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main([command, stack, ...extra]: string[]): Promise<number> {
  const resolved = projectDefinitions(appDefinition, process.env, PROJECT_DIR);
  const definitions = definedStacks(resolved);
  const definition = definitions.find((candidate) => candidate.name === stack);
  if ((command !== 'deploy' && command !== 'state') || !definition) {
    say(`usage: npm run sandbox:deploy -- <stack> | npm run sandbox:state -- <stack>   (stacks: ${definitions.map((d) => d.name).join(', ')})`);
    return 2;
  }
  const target = await resolveTarget({ sandbox: true }, process.env);
  const session = await accountSession(target, definition.allowedAccountIds[0], definition.region, process.env, definition.name);
  const env = { ...session.env, STATE_BACKEND_MIGRATED: process.env.STATE_BACKEND_MIGRATED ?? 'true' };
  const stackDir = join(target.outDir, 'stacks', definition.name);

  if (command === 'deploy') {
    say(`sandbox: cdktf deploy ${stack} as account ${session.accountId} into ${target.outDir}`);
    // Synthesized first, so the stack's own sensitive variables (whatever the workload declares)
    // get a throw-away value when none is set.
    const synth = await runCommand(CDKTF_BIN, ['synth', '--output', target.outDir], { cwd: PROJECT_DIR, env, timeoutMs: 300_000 });
    if (synth.code !== 0) throw new BootstrapError(`cdktf synth failed (exit ${synth.code}):\n${outputTail(synth.output)}`);
    const secrets = secretVariables(readSynthesizedStack(stack, stackDir), process.env, 'sandbox-throw-away-token');
    const args = ['deploy', stack, '--skip-synth', '--auto-approve', '--skip-provider-lock', '--output', target.outDir, ...extra];
    const child = spawn(CDKTF_BIN, args, { cwd: PROJECT_DIR, env: { ...env, ...secrets }, stdio: 'inherit' });
    return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  }

  if (definition.state.kind === 's3') {
    const key = s3StateKey(definition.state, { project: resolved.blueprint.project, stack: definition.name });
    // Through the state role, as the backend reads it: the sandbox enforces IAM, and only the state
    // role may read (and, for production, decrypt) the environment's state.
    const roleArn = definition.state.assumeRole?.roleArn;
    const s3 = new S3Client(roleArn ? { ...session.clientConfig, credentials: await assumedCredentials(session.clientConfig, roleArn, stack) } : session.clientConfig);
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: definition.state.bucket, Key: key }));
      const state = summarizeState(await (await s3.send(new GetObjectCommand({ Bucket: definition.state.bucket, Key: key }))).Body!.transformToString(), key);
      say(`${stack}: state in s3://${definition.state.bucket}/${key} (${head.ContentLength} bytes, ${head.ServerSideEncryption ?? 'unencrypted'}${head.SSEKMSKeyId ? ` ${head.SSEKMSKeyId}` : ''}), lineage ${state.lineage}, serial ${state.serial}, ${state.instances.length} resources:`);
    } catch (error) {
      throw new BootstrapError(`no state for ${stack} in s3://${definition.state.bucket}/${key} (${(error as Error).name}); deploy it first: npm run sandbox:deploy -- ${stack}`);
    } finally {
      s3.destroy();
    }
  }
  const list = await runCommand(terraformBinary(process.env), ['state', 'list'], { cwd: stackDir, env, timeoutMs: 120_000 });
  if (list.code !== 0) throw new BootstrapError(`terraform state list failed in ${stackDir} (exit ${list.code}); deploy it first: npm run sandbox:deploy -- ${stack}\n${outputTail(list.output)}`);
  process.stdout.write(list.output);
  return 0;
}

/** Credentials of `roleArn`, assumed with the session's own. */
async function assumedCredentials(config: ClientConfig, roleArn: string, stack: string): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
  const sts = new STSClient(config);
  try {
    const { Credentials } = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: `sandbox-state-${stack}`.slice(0, 64) }));
    return { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
  } finally {
    sts.destroy();
  }
}

runCli('sandbox', main);
