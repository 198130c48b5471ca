import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetPolicyCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { S3Client } from '@aws-sdk/client-s3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bucketExistence } from '../toolkit/bucket-existence';
import type { AccountSession } from '../toolkit/account-session';
import { BootstrapError } from '../toolkit/errors';
import { outputTail, type CommandResult } from '../toolkit/run-command';

/**
 * Resources an interrupted phase 1 created but never recorded: Terraform sends the create, the
 * signal cancels the provider's wait for the answer, and the resource exists without being in the
 * local state. The rerun's create then fails (`ParameterAlreadyExists`, `ResourceInUseException`,
 * `EntityAlreadyExists`, `BucketAlreadyOwnedByYou`, `AlreadyExistsException`). Bootstrap created them
 * moments ago in the state account, so it imports each one whose name the synthesized stack fixes
 * (what `terraform import` does by hand), before phase 1 deploys again.
 *
 * A resource without a name of its own (the KMS key: AWS picks its ID) cannot be found this way; an
 * interrupted create of it leaves a key without alias in the account, which the rerun does not reuse.
 */
interface Candidate {
  readonly address: string;
  readonly id: string;
  readonly exists: () => Promise<boolean>;
}

const literal = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' && !value.includes('${') ? value : undefined);
const notFound = (error: unknown) => ['ResourceNotFoundException', 'ParameterNotFound', 'NoSuchEntity', 'NoSuchEntityException', 'NotFoundException'].includes((error as { name?: string }).name ?? '');

/** Whether `probe` finds the resource; "not found" is false, anything else is a problem the caller reports. */
async function found(probe: () => Promise<unknown>): Promise<boolean> {
  try {
    await probe();
    return true;
  } catch (error) {
    if (notFound(error)) return false;
    throw error;
  }
}

/** Addresses (`type.name`) of the managed resources in a local state file. */
function stateAddresses(file: string): Set<string> {
  if (!existsSync(file)) return new Set();
  const state = JSON.parse(readFileSync(file, 'utf8')) as { resources?: Array<{ mode?: string; type?: string; name?: string; module?: string }> };
  return new Set((state.resources ?? []).filter((r) => r.mode !== 'data' && !r.module).map((r) => `${r.type}.${r.name}`));
}

/**
 * Imports what an interrupted phase 1 left created but unrecorded. `terraform` runs in the stack's
 * directory with the local backend (initialised by the caller). Returns the imported addresses.
 */
export async function adoptHalfCreated(
  account: AccountSession,
  where: { readonly stackDir: string; readonly localStateFile: string },
  terraform: (args: string[]) => Promise<CommandResult>,
  say: (line: string) => void,
): Promise<string[]> {
  const config = JSON.parse(readFileSync(join(where.stackDir, 'cdk.tf.json'), 'utf8')) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  const recorded = stateAddresses(where.localStateFile);
  const { clientConfig, accountId } = account;
  const ssm = new SSMClient(clientConfig);
  const dynamodb = new DynamoDBClient(clientConfig);
  const s3 = new S3Client(clientConfig);
  const kms = new KMSClient(clientConfig);
  const iam = new IAMClient(clientConfig);
  try {
    const candidates: Candidate[] = [];
    for (const [type, byName] of Object.entries(config.resource ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const address = `${type}.${name}`;
        if (recorded.has(address)) continue;
        if (type === 'aws_ssm_parameter' && literal(body.name)) {
          const id = literal(body.name)!;
          candidates.push({ address, id, exists: () => found(() => ssm.send(new GetParameterCommand({ Name: id }))) });
        } else if (type === 'aws_dynamodb_table' && literal(body.name)) {
          const id = literal(body.name)!;
          candidates.push({ address, id, exists: () => found(() => dynamodb.send(new DescribeTableCommand({ TableName: id }))) });
        } else if (type === 'aws_s3_bucket' && literal(body.bucket)) {
          const id = literal(body.bucket)!;
          candidates.push({ address, id, exists: async () => (await bucketExistence(s3, id, { expectedOwner: accountId })).kind === 'exists' });
        } else if (type === 'aws_kms_alias' && literal(body.name)) {
          const id = literal(body.name)!;
          candidates.push({ address, id, exists: () => found(() => kms.send(new DescribeKeyCommand({ KeyId: id }))) });
        } else if (type === 'aws_iam_role' && literal(body.name)) {
          const id = literal(body.name)!;
          candidates.push({ address, id, exists: () => found(() => iam.send(new GetRoleCommand({ RoleName: id }))) });
        } else if (type === 'aws_iam_policy' && literal(body.name)) {
          const id = `arn:aws:iam::${accountId}:policy${literal(body.path) ?? '/'}${literal(body.name)}`;
          candidates.push({ address, id, exists: () => found(() => iam.send(new GetPolicyCommand({ PolicyArn: id }))) });
        }
      }
    }
    const imported: string[] = [];
    for (const candidate of candidates) {
      if (!(await candidate.exists())) continue;
      const result = await terraform(['import', '-input=false', '-no-color', candidate.address, candidate.id]);
      if (result.code !== 0) {
        throw new BootstrapError(
          `${candidate.address} (${candidate.id}) exists in account ${accountId} but is not in ${where.localStateFile} (an interrupted run created it), and importing it failed (exit ${result.code}). ` +
            `Import it by hand from ${where.stackDir}: terraform import ${candidate.address} ${candidate.id}; then re-run \`npm run bootstrap\`.\n${outputTail(result.output)}`,
        );
      }
      imported.push(`${candidate.address} (${candidate.id})`);
    }
    if (imported.length > 0) say(`bootstrap: an interrupted run created ${imported.join(', ')} without recording ${imported.length === 1 ? 'it' : 'them'}; imported into ${where.localStateFile} so phase 1 keeps ${imported.length === 1 ? 'it' : 'them'}`);
    return imported;
  } finally {
    ssm.destroy();
    dynamodb.destroy();
    s3.destroy();
    kms.destroy();
    iam.destroy();
  }
}
