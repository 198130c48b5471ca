import * as dynamodb from '@aws-sdk/client-dynamodb';
import * as iam from '@aws-sdk/client-iam';
import * as kms from '@aws-sdk/client-kms';
import * as s3 from '@aws-sdk/client-s3';
import * as ssm from '@aws-sdk/client-ssm';
import * as sts from '@aws-sdk/client-sts';
import { sandboxClientConfig, sandboxCredentials } from '../../../tooling/sandbox/credentials';
import type { SandboxState } from '../../../tooling/sandbox/state-file';
import type { AwsCredentialIdentity } from '../../../tooling/toolkit/aws-clients';
import type { AccountName, Caller, ConformanceCase, PolicyJson, Service } from './types';

/**
 * Runs one conformance case against a running sandbox: its setup made by each account's
 * administrator through the AWS SDK, then its request as the principal it names; returns what the
 * sandbox answered (status and error code), for the test to compare with AWS's documented verdict.
 */

export const ACCOUNT_IDS: Record<AccountName, string> = { A: '111111111111', B: '222222222222', C: '444444444444' };
export const REGION = 'eu-west-1';

/**
 * How each service spells a refusal (its API reference's "Errors" / "Common Errors"): S3's REST
 * `AccessDenied` 403; the JSON protocols' `AccessDeniedException` 400; STS's and IAM's Query
 * `AccessDenied` 403.
 */
export const DENIAL: Record<Service, { status: number; code: string }> = {
  s3: { status: 403, code: 'AccessDenied' },
  kms: { status: 400, code: 'AccessDeniedException' },
  dynamodb: { status: 400, code: 'AccessDeniedException' },
  ssm: { status: 400, code: 'AccessDeniedException' },
  sts: { status: 403, code: 'AccessDenied' },
  iam: { status: 403, code: 'AccessDenied' },
};

export interface Outcome {
  readonly status?: number;
  readonly code?: string;
  readonly message?: string;
}

type Client = { send(command: unknown): Promise<{ $metadata: { httpStatusCode?: number } } & Record<string, unknown>>; destroy(): void };
type Module = Record<string, unknown>;
const MODULES: Record<Service, { module: Module; client: string }> = {
  s3: { module: s3 as Module, client: 'S3Client' },
  kms: { module: kms as Module, client: 'KMSClient' },
  dynamodb: { module: dynamodb as Module, client: 'DynamoDBClient' },
  ssm: { module: ssm as Module, client: 'SSMClient' },
  sts: { module: sts as Module, client: 'STSClient' },
  iam: { module: iam as Module, client: 'IAMClient' },
};

/** Replaces the placeholders (types.ts) in every string of `value`. */
export function substitute<T>(value: T, vars: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') return value.replace(/\{([A-Za-z]+(?::[\w-]+)?)\}/g, (whole, name: string) => vars[name] ?? whole) as T;
  if (Array.isArray(value)) return value.map((item) => substitute(item, vars)) as T;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [substitute(key, vars), substitute(item, vars)])) as T;
  return value;
}

const trustOwnAccount = (account: string): PolicyJson => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
});

const tagList = (tags: Readonly<Record<string, string>> | undefined) => Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));

/** Fields the SDK takes as bytes. */
const BINARY_FIELDS = new Set(['CiphertextBlob', 'Plaintext', 'SourceCiphertextBlob']);

export class ConformanceWorld {
  private readonly clients = new Map<string, Client>();
  private readonly admins = new Map<AccountName, Promise<AwsCredentialIdentity>>();

  constructor(private readonly state: SandboxState) {}

  admin(account: AccountName): Promise<AwsCredentialIdentity> {
    if (!this.admins.has(account)) this.admins.set(account, sandboxCredentials(this.state, ACCOUNT_IDS[account], REGION));
    return this.admins.get(account)!;
  }

  client(service: Service, credentials: AwsCredentialIdentity | undefined, insecure = false): Client {
    const key = `${service} ${credentials?.accessKeyId ?? 'anonymous'} ${insecure}`;
    let client = this.clients.get(key);
    if (!client) {
      const endpoint = insecure ? this.state.insecureEndpoint : this.state.endpoint;
      const { module, client: name } = MODULES[service];
      const config = sandboxClientConfig({ endpoint, caFile: this.state.caFile }, REGION, credentials ?? { accessKeyId: 'anonymous', secretAccessKey: 'anonymous' });
      // An anonymous request is sent unsigned, as a browser or curl would.
      const unsigned = credentials === undefined ? { signer: { sign: async (request: unknown) => request } } : {};
      client = new (module[name] as new (config: unknown) => Client)({ ...config, ...unsigned });
      this.clients.set(key, client);
    }
    return client;
  }

  async send(service: Service, command: string, input: Record<string, unknown>, credentials: AwsCredentialIdentity | undefined, insecure = false) {
    const Command = MODULES[service].module[`${command}Command`] as (new (input: unknown) => unknown) | undefined;
    if (!Command) throw new Error(`no ${service} command ${command}Command in the AWS SDK`);
    return this.client(service, credentials, insecure).send(new Command(input));
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}

function bytes(name: string, value: unknown): unknown {
  if (!BINARY_FIELDS.has(name) || typeof value !== 'string') return value;
  return name === 'Plaintext' ? Buffer.from(value, 'utf8') : Buffer.from(value, 'base64');
}

/** Runs `conformance`: setup, then the request; never throws for the request's own refusal. */
export async function runCase(world: ConformanceWorld, conformance: ConformanceCase): Promise<Outcome> {
  const vars: Record<string, string> = { id: conformance.id.toLowerCase(), ...ACCOUNT_IDS };
  const sub = <T>(value: T): T => substitute(value, vars);
  // Placeholders are replaced as each part is made: key ARNs exist only once the keys do, and key
  // policies may name the case's roles, so roles and users are created first and given their
  // policies after the keys.
  const setup = conformance.setup;
  const as = async (account: AccountName, service: Service, command: string, input: Record<string, unknown>) => world.send(service, command, sub(input), await world.admin(account));
  const userKeys = new Map<string, AwsCredentialIdentity>();

  for (const role of setup.roles ?? []) {
    const account = ACCOUNT_IDS[role.account];
    await as(role.account, 'iam', 'CreateRole', { RoleName: role.name, AssumeRolePolicyDocument: JSON.stringify(sub(role.trust ?? trustOwnAccount(account))), ...(role.tags ? { Tags: tagList(role.tags) } : {}) });
  }
  for (const user of setup.users ?? []) {
    await as(user.account, 'iam', 'CreateUser', { UserName: user.name, ...(user.tags ? { Tags: tagList(user.tags) } : {}) });
    for (const group of user.groups ?? []) {
      await as(user.account, 'iam', 'CreateGroup', { GroupName: group.name });
      await as(user.account, 'iam', 'AddUserToGroup', { GroupName: group.name, UserName: user.name });
    }
    const { AccessKey } = (await as(user.account, 'iam', 'CreateAccessKey', { UserName: user.name })) as { AccessKey?: { AccessKeyId: string; SecretAccessKey: string } };
    userKeys.set(`${user.account}/${sub(user.name)}`, { accessKeyId: AccessKey!.AccessKeyId, secretAccessKey: AccessKey!.SecretAccessKey });
  }
  for (const [index, key] of (setup.keys ?? []).entries()) {
    const created = (await as(key.account, 'kms', 'CreateKey', { ...(key.policy ? { Policy: JSON.stringify(sub(key.policy)) } : {}), ...(key.tags ? { Tags: Object.entries(key.tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) } : {}) })) as { KeyMetadata?: { Arn: string; KeyId: string } };
    const names = index === 0 ? ['', `:${key.name ?? ''}`] : [`:${key.name ?? index}`];
    for (const suffix of names) Object.assign(vars, { [`keyArn${suffix}`]: created.KeyMetadata!.Arn, [`keyId${suffix}`]: created.KeyMetadata!.KeyId });
    if (key.ciphertext) {
      const encrypted = (await as(key.account, 'kms', 'Encrypt', { KeyId: created.KeyMetadata!.KeyId, Plaintext: Buffer.from(key.ciphertext.plaintext), ...(key.ciphertext.context ? { EncryptionContext: key.ciphertext.context } : {}) })) as { CiphertextBlob?: Uint8Array };
      for (const suffix of names) vars[`ciphertext${suffix}`] = Buffer.from(encrypted.CiphertextBlob!).toString('base64');
    }
    for (const grant of key.grants ?? []) {
      await as(key.account, 'kms', 'CreateGrant', { KeyId: created.KeyMetadata!.KeyId, GranteePrincipal: sub(grant.grantee), Operations: grant.operations, ...(grant.constraints ? { Constraints: grant.constraints } : {}) });
    }
  }
  for (const role of setup.roles ?? []) {
    for (const [index, policy] of (role.policies ?? []).entries()) {
      await as(role.account, 'iam', 'PutRolePolicy', { RoleName: role.name, PolicyName: `p${index}`, PolicyDocument: JSON.stringify(sub(policy)) });
    }
  }
  for (const user of setup.users ?? []) {
    for (const [index, policy] of (user.policies ?? []).entries()) {
      await as(user.account, 'iam', 'PutUserPolicy', { UserName: user.name, PolicyName: `p${index}`, PolicyDocument: JSON.stringify(sub(policy)) });
    }
    for (const group of user.groups ?? []) {
      for (const [index, policy] of group.policies.entries()) {
        await as(user.account, 'iam', 'PutGroupPolicy', { GroupName: group.name, PolicyName: `p${index}`, PolicyDocument: JSON.stringify(sub(policy)) });
      }
    }
  }
  for (const bucket of setup.buckets ?? []) {
    await as(bucket.account, 's3', 'CreateBucket', { Bucket: bucket.name, CreateBucketConfiguration: { LocationConstraint: REGION } });
    if (bucket.ownership) await as(bucket.account, 's3', 'PutBucketOwnershipControls', { Bucket: bucket.name, OwnershipControls: { Rules: [{ ObjectOwnership: bucket.ownership }] } });
    if (bucket.tags) await as(bucket.account, 's3', 'PutBucketTagging', { Bucket: bucket.name, Tagging: { TagSet: tagList(bucket.tags) } });
    for (const object of bucket.objects ?? []) {
      const sse = object.sseKmsKey ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: sub(object.sseKmsKey) } : {};
      await as(bucket.account, 's3', 'PutObject', { Bucket: bucket.name, Key: object.key, Body: object.body, ...sse });
    }
    if (bucket.policy) await as(bucket.account, 's3', 'PutBucketPolicy', { Bucket: bucket.name, Policy: JSON.stringify(sub(bucket.policy)) });
    if (bucket.publicAccessBlock) await as(bucket.account, 's3', 'PutPublicAccessBlock', { Bucket: bucket.name, PublicAccessBlockConfiguration: bucket.publicAccessBlock });
  }
  for (const table of setup.tables ?? []) {
    await as(table.account, 'dynamodb', 'CreateTable', {
      TableName: table.name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: table.hashKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: table.hashKey, KeyType: 'HASH' }],
    });
    for (const item of table.items ?? []) {
      await as(table.account, 'dynamodb', 'PutItem', { TableName: table.name, Item: Object.fromEntries(Object.entries(item).map(([name, value]) => [name, { S: value }])) });
    }
  }
  for (const parameter of setup.parameters ?? []) {
    await as(parameter.account, 'ssm', 'PutParameter', { Name: parameter.name, Value: parameter.value, Type: 'String' });
  }

  const credentials = await callerCredentials(world, sub(conformance.request.as), userKeys);
  const input = Object.fromEntries(Object.entries(sub(conformance.request.input)).map(([name, value]) => [name, bytes(name, value)]));
  try {
    const answer = await world.send(conformance.request.service, conformance.request.command, input, credentials, conformance.request.insecure);
    return { status: answer.$metadata.httpStatusCode };
  } catch (error) {
    const failure = error as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    if (failure.$metadata?.httpStatusCode === undefined) throw error;
    return { status: failure.$metadata.httpStatusCode, code: failure.Code ?? failure.name, message: failure.message };
  }
}

async function callerCredentials(world: ConformanceWorld, caller: Caller, userKeys: ReadonlyMap<string, AwsCredentialIdentity>): Promise<AwsCredentialIdentity | undefined> {
  if ('anonymous' in caller) return undefined;
  if ('admin' in caller) return world.admin(caller.admin);
  if ('user' in caller) {
    const keys = userKeys.get(`${caller.account}/${caller.user}`);
    if (!keys) throw new Error(`case setup has no user ${caller.user} in account ${caller.account}`);
    return keys;
  }
  const answer = (await world.send(
    'sts',
    'AssumeRole',
    {
      RoleArn: `arn:aws:iam::${ACCOUNT_IDS[caller.account]}:role/${caller.role}`,
      RoleSessionName: 'conformance',
      ...(caller.externalId ? { ExternalId: caller.externalId } : {}),
      ...(caller.sessionTags ? { Tags: tagList(caller.sessionTags) } : {}),
    },
    await world.admin(caller.account),
  )) as { Credentials?: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } };
  const issued = answer.Credentials!;
  return { accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretAccessKey, sessionToken: issued.SessionToken };
}
