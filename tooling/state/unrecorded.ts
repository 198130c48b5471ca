import { DynamoDBClient, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientConfig } from '../toolkit/aws-clients';

/** A resource the configuration names that exists in the account but is not in the state. */
export interface Unrecorded {
  readonly address: string;
  readonly id: string;
}

/** The resource kinds whose name is their import ID and whose existence one read can tell. */
const CHECKS: Readonly<Record<string, { readonly attribute: string; readonly exists: (config: ClientConfig, id: string) => Promise<boolean> }>> = {
  aws_s3_bucket: { attribute: 'bucket', exists: (config, id) => probe(() => new S3Client(config), (c) => c.send(new HeadBucketCommand({ Bucket: id }))) },
  aws_ssm_parameter: { attribute: 'name', exists: (config, id) => probe(() => new SSMClient(config), (c) => c.send(new GetParameterCommand({ Name: id }))) },
  aws_dynamodb_table: { attribute: 'name', exists: (config, id) => probe(() => new DynamoDBClient(config), (c) => c.send(new DescribeTableCommand({ TableName: id }))) },
  aws_iam_role: { attribute: 'name', exists: (config, id) => probe(() => new IAMClient(config), (c) => c.send(new GetRoleCommand({ RoleName: id }))) },
  aws_kms_alias: {
    attribute: 'name',
    exists: (config, id) =>
      probe(
        () => new KMSClient(config),
        async (c) => {
          const { Aliases } = await c.send(new ListAliasesCommand({}));
          if (!(Aliases ?? []).some((alias) => alias.AliasName === id)) throw Object.assign(new Error('no such alias'), { name: 'NotFoundException' });
        },
      ),
  },
};

/** true: it exists; false: the service says it does not; an error: it could not be told (left out). */
async function probe<C extends { destroy(): void }>(make: () => C, call: (client: C) => Promise<unknown>): Promise<boolean> {
  const client = make();
  try {
    await call(client);
    return true;
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (['NotFound', 'NoSuchBucket', 'ParameterNotFound', 'ResourceNotFoundException', 'NoSuchEntity', 'NoSuchEntityException', 'NotFoundException'].includes(e.name ?? '') || e.$metadata?.httpStatusCode === 404) return false;
    throw error;
  } finally {
    client.destroy();
  }
}

/**
 * Resources of the stack's configuration that are not in `recorded` (state addresses) but exist in
 * the account (checked with the account's own credentials, never the state role): what a run killed
 * between creating a resource and writing the state leaves. Only kinds whose literal name is their
 * import ID are checked; `checked` lists the addresses looked at, `unknown` those whose check failed.
 */
export async function unrecordedResources(stackDirectory: string, recorded: ReadonlySet<string>, accountConfig: ClientConfig): Promise<{ unrecorded: Unrecorded[]; checked: string[]; unknown: string[] }> {
  const json = JSON.parse(readFileSync(join(stackDirectory, 'cdk.tf.json'), 'utf8')) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  const unrecorded: Unrecorded[] = [];
  const checked: string[] = [];
  const unknown: string[] = [];
  for (const [type, resources] of Object.entries(json.resource ?? {})) {
    const check = CHECKS[type];
    if (!check) continue;
    for (const [name, body] of Object.entries(resources)) {
      const address = `${type}.${name}`;
      const id = body[check.attribute];
      if (recorded.has(address) || typeof id !== 'string' || id.includes('${') || body.count !== undefined || body.for_each !== undefined) continue;
      checked.push(address);
      try {
        if (await check.exists(accountConfig, id)) unrecorded.push({ address, id });
      } catch {
        unknown.push(address);
      }
    }
  }
  return { unrecorded, checked, unknown };
}
