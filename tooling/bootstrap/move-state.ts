import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import type { AccountSession } from '../toolkit/account-session';
import type { ClientConfig } from '../toolkit/aws-clients';
import { BootstrapError } from '../toolkit/errors';
import { outputTail, type CommandResult } from '../toolkit/run-command';
import { readLocalState, readRemoteState, type StateLocation } from './inspect';
import { stateDifferences, summarizeState, type StateSummary } from './state-summary';

/**
 * Phase 2: the local state into the bucket, proven to be the same state. Not `terraform init
 * -migrate-state` nor `terraform state push`: measured with Terraform 1.11.4, both write into an
 * empty S3 key under a NEW lineage with serial 1, so the copy could not be proven to be the same
 * state (docs/bootstrap.md). The local file is copied byte for byte, only if the key does not exist
 * yet, and Terraform then reads it back through the S3 backend. `terraform` runs in the stack's directory.
 */
export async function moveStateIntoBucket(
  account: AccountSession,
  where: StateLocation & { readonly stackDir: string; readonly kmsKeyId?: string },
  stateUri: string,
  terraform: (args: string[]) => Promise<CommandResult>,
): Promise<void> {
  await putStateIfAbsent(account.clientConfig, where, stateUri);
  const init = await terraform(['init', '-reconfigure', '-input=false', '-no-color']);
  if (init.code !== 0) {
    throw new BootstrapError(`terraform init of the S3 backend failed (exit ${init.code}) in ${where.stackDir}. The local state is untouched; fix the cause and re-run \`npm run bootstrap\`.\n${outputTail(init.output)}`);
  }
  const pull = await terraform(['state', 'pull']);
  if (pull.code !== 0) throw new BootstrapError(`terraform state pull from ${stateUri} failed (exit ${pull.code}); the local state is untouched.\n${outputTail(pull.output)}`);
  const throughTerraform = summarizeState(pull.output, `${stateUri} (read by terraform)`);
  const differences = stateDifferences(readLocalState(where.localStateFile)!, throughTerraform);
  if (differences.length > 0) throw new BootstrapError(`terraform reads ${stateUri} differently from the local state, which is therefore kept:\n  - ${differences.join('\n  - ')}`);
}

/** Copies the local state file to the state key unless something is already there (conditional create). */
async function putStateIfAbsent(clientConfig: ClientConfig, where: StateLocation & { readonly kmsKeyId?: string }, stateUri: string): Promise<void> {
  const s3 = new S3Client(clientConfig);
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: where.bucket,
        Key: where.key,
        Body: readFileSync(where.localStateFile),
        ContentType: 'application/json',
        // What the S3 backend's `encrypt = true` (and `kms_key_id`, when the stack sets one) asks for on every state write.
        ...(where.kmsKeyId ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: where.kmsKeyId } : { ServerSideEncryption: 'AES256' as const }),
        IfNoneMatch: '*',
      }),
    );
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 412) {
      throw new BootstrapError(`${stateUri} appeared while bootstrapping (another run?); nothing was overwritten. Re-run \`npm run bootstrap\` to compare it with the local state.`);
    }
    throw error;
  } finally {
    s3.destroy();
  }
}

/** The remote state exists and, while the local file is still there, is the same state. */
export async function verifyRemoteState(clientConfig: ClientConfig, where: StateLocation, stateUri: string): Promise<StateSummary> {
  const s3 = new S3Client(clientConfig);
  try {
    const remote = await readRemoteState(s3, where.bucket, where.key);
    if (!remote) throw new BootstrapError(`phase 2 finished but ${stateUri} does not exist. The local state is untouched; re-run \`npm run bootstrap\`.`);
    const local = readLocalState(where.localStateFile);
    if (local) {
      const differences = stateDifferences(local, remote);
      if (differences.length > 0) {
        throw new BootstrapError(`${stateUri} differs from the local state, which is therefore kept:\n  - ${differences.join('\n  - ')}\nInspect both, then re-run \`npm run bootstrap\`.`);
      }
    }
    return remote;
  } finally {
    s3.destroy();
  }
}

/** Moves the verified local state aside (never deletes it); returns where it went. */
export function retireLocalState(localStateFile: string): string {
  let backup = `${localStateFile}.bootstrap-backup`;
  if (existsSync(backup)) backup = `${backup}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(localStateFile, backup);
  return backup;
}
