import { IAMClient, SimulatePrincipalPolicyCommand, type ContextEntry } from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetBucketPolicyCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DIGEST_ITEM_SUFFIX, dynamoDbLockId, LOCKFILE_SUFFIX } from '../../lib/iam/state-access-policy';
import type { S3State } from '../../lib/definitions/state-definition';
import { clientConfig, endpointFor, REQUEST_TIMEOUT_MS, type ClientProfile } from '../toolkit/aws-clients';
import { describeAwsError } from '../toolkit/aws-errors';
import { fail, pass, warn, withTimeout, type CheckResult } from './check-result';

/**
 * "May the state role make every request its backend makes?", asked of IAM's own policy simulator
 * (`iam:SimulatePrincipalPolicy`) with the bucket or key policy as the resource policy and the
 * context AWS sets, so a missing permission is named before a deploy fails on it. The sandbox
 * answers the same API with the evaluator that enforces its requests.
 */

export type ResourcePolicySource = 'bucket' | 'key' | 'none';

/** One request the S3 backend makes, in IAM's terms. */
export interface BackendRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, readonly string[]>>;
  readonly resourcePolicy: ResourcePolicySource;
  /** What the backend does with it, for the report. */
  readonly why: string;
}

/** The state key, resolved (an alias ARN names no key in `Resource`). */
export interface ResolvedKey {
  readonly arn: string;
  /** `alias/<name>` when the state names the key by alias (`kms:ResourceAliases`). */
  readonly alias?: string;
}

/**
 * Every request Terraform's S3 backend makes for `state` in its locking mode (docs/cross-account.md,
 * "Every request"): list the key, read and write the state, the lockfile, the DynamoDB lock and digest
 * items (and the table's key through DynamoDB), the state key through S3.
 */
export function backendRequests(state: S3State, key: string, stateAccount: string, stateKey?: ResolvedKey, tableKeyArn?: string): BackendRequest[] {
  const bucketArn = `arn:aws:s3:::${state.bucket}`;
  const object = (suffix = '') => `${bucketArn}/${key}${suffix}`;
  const secure = { 'aws:SecureTransport': ['true'], 'aws:PrincipalAccount': [stateAccount] };
  const requests: BackendRequest[] = [
    { action: 's3:ListBucket', resource: bucketArn, context: { ...secure, 's3:prefix': [key] }, resourcePolicy: 'bucket', why: 'list the state key' },
    { action: 's3:GetObject', resource: object(), context: secure, resourcePolicy: 'bucket', why: 'read the state' },
    { action: 's3:PutObject', resource: object(), context: secure, resourcePolicy: 'bucket', why: 'write the state' },
  ];
  if (state.locking !== 'dynamodb') {
    for (const [action, why] of [['s3:PutObject', 'take the lockfile'], ['s3:GetObject', 'read the lockfile'], ['s3:DeleteObject', 'release the lockfile']] as const) {
      requests.push({ action, resource: object(LOCKFILE_SUFFIX), context: secure, resourcePolicy: 'bucket', why });
    }
  }
  if (state.locking !== 'lockfile') {
    const table = `arn:aws:dynamodb:${state.region}:${stateAccount}:table/${state.dynamodbTable}`;
    const lockId = dynamoDbLockId(state.bucket, key);
    const items: Array<[string, string, string]> = [
      ['dynamodb:PutItem', lockId, 'take the DynamoDB lock'],
      ['dynamodb:GetItem', lockId, 'read the lock holder'],
      ['dynamodb:DeleteItem', lockId, 'release the DynamoDB lock'],
      ['dynamodb:GetItem', `${lockId}${DIGEST_ITEM_SUFFIX}`, 'read the state digest'],
      ['dynamodb:PutItem', `${lockId}${DIGEST_ITEM_SUFFIX}`, 'write the state digest'],
    ];
    for (const [action, leadingKey, why] of items) {
      requests.push({ action, resource: table, context: { ...secure, 'dynamodb:LeadingKeys': [leadingKey] }, resourcePolicy: 'none', why });
    }
    if (tableKeyArn) {
      const via = { ...secure, 'kms:ViaService': [`dynamodb.${state.region}.amazonaws.com`], 'kms:CallerAccount': [stateAccount] };
      requests.push({ action: 'kms:Decrypt', resource: tableKeyArn, context: via, resourcePolicy: 'key', why: 'use the lock table\'s key through DynamoDB' });
    }
  }
  if (stateKey) {
    const via = {
      ...secure,
      'kms:ViaService': [`s3.${state.region}.amazonaws.com`],
      'kms:CallerAccount': [stateAccount],
      ...(stateKey.alias ? { 'kms:ResourceAliases': [stateKey.alias] } : {}),
    };
    requests.push(
      { action: 'kms:GenerateDataKey', resource: stateKey.arn, context: via, resourcePolicy: 'key', why: 'encrypt the state (SSE-KMS)' },
      { action: 'kms:Decrypt', resource: stateKey.arn, context: via, resourcePolicy: 'key', why: 'decrypt the state (SSE-KMS)' },
    );
  }
  return requests;
}

const contextEntries = (context: BackendRequest['context']): ContextEntry[] =>
  Object.entries(context).map(([name, values]) => ({
    ContextKeyName: name,
    ContextKeyValues: [...values],
    ContextKeyType: name === 'aws:SecureTransport' ? 'boolean' : name === 'dynamodb:LeadingKeys' || name === 'kms:ResourceAliases' ? 'stringList' : 'string',
  }));

export interface StatePermissionClients {
  readonly iam: IAMClient;
  readonly kms: KMSClient;
  readonly sts: STSClient;
  /** The caller's (not the state role's): reading the bucket and key policies is administration. */
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
}

export function statePermissionClients(region: string, env: NodeJS.ProcessEnv, s3: S3Client, dynamodb: DynamoDBClient): StatePermissionClients {
  const profile: ClientProfile = { kind: 'preflight' };
  const endpoint = (service: 'IAM' | 'KMS') => env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
  return {
    iam: new IAMClient(clientConfig({ region, profile, endpoint: endpoint('IAM') })),
    kms: new KMSClient(clientConfig({ region, profile, endpoint: endpoint('KMS') })),
    sts: new STSClient(clientConfig({ region, profile, endpoint: endpointFor('STS', env) })),
    s3,
    dynamodb,
  };
}

const NAME = 'state role permissions';

/**
 * Simulates every backend request for the state role. Needs the state account's credentials (IAM
 * simulates principals of the caller's own account): otherwise it says so and passes with a warning.
 */
export async function checkStatePermissions(clients: StatePermissionClients, state: S3State, key: string, roleArn: string, stateAccount: string): Promise<CheckResult> {
  try {
    return await withTimeout(REQUEST_TIMEOUT_MS * 6, 'IAM policy simulation', async (abortSignal) => {
      const caller = await clients.sts.send(new GetCallerIdentityCommand({}), { abortSignal });
      if (caller.Account !== stateAccount) {
        return warn(NAME, `not simulated: IAM simulates principals of the caller's own account, and these credentials are of ${caller.Account}`, `run the doctor with credentials of the state account ${stateAccount} to have IAM check the state role's permissions`);
      }
      const bucketPolicy = await clients.s3
        .send(new GetBucketPolicyCommand({ Bucket: state.bucket }), { abortSignal })
        .then((answer) => answer.Policy)
        .catch(() => undefined);
      let stateKey: ResolvedKey | undefined;
      let keyPolicy: string | undefined;
      let tableKeyArn: string | undefined;
      if (state.locking !== 'lockfile') {
        const table = await clients.dynamodb.send(new DescribeTableCommand({ TableName: state.dynamodbTable }), { abortSignal }).catch(() => undefined);
        tableKeyArn = table?.Table?.SSEDescription?.KMSMasterKeyArn;
      }
      const keyId = state.kmsKeyId ?? tableKeyArn;
      if (keyId) {
        const described = await clients.kms.send(new DescribeKeyCommand({ KeyId: keyId }), { abortSignal });
        const arn = described.KeyMetadata!.Arn!;
        if (state.kmsKeyId) stateKey = { arn, alias: /:(alias\/.+)$/.exec(state.kmsKeyId)?.[1] };
        if (tableKeyArn) tableKeyArn = arn;
        keyPolicy = (await clients.kms.send(new GetKeyPolicyCommand({ KeyId: arn, PolicyName: 'default' }), { abortSignal })).Policy;
      }
      const requests = backendRequests(state, key, stateAccount, stateKey, tableKeyArn);
      const missing: string[] = [];
      for (const request of requests) {
        const resourcePolicy = request.resourcePolicy === 'bucket' ? bucketPolicy : request.resourcePolicy === 'key' ? keyPolicy : undefined;
        const answer = await clients.iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: roleArn,
            ActionNames: [request.action],
            ResourceArns: [request.resource],
            ContextEntries: contextEntries(request.context),
            ...(resourcePolicy ? { ResourcePolicy: resourcePolicy, ResourceOwner: `arn:aws:iam::${stateAccount}:root`, CallerArn: roleArn } : {}),
          }),
          { abortSignal },
        );
        const decision = answer.EvaluationResults?.[0]?.EvalDecision;
        if (decision !== 'allowed') missing.push(`${request.action} on ${request.resource} (${request.why}: ${decision ?? 'no answer'})`);
      }
      if (missing.length > 0) {
        return fail(
          NAME,
          `IAM says ${roleArn} cannot make ${missing.length} of the ${requests.length} requests its backend makes: ${missing.join('; ')}`,
          'the state role\'s policy comes from the state-backend stack: deploy it first (`npx cdktf deploy state-backend`, or `npm run bootstrap`), then run the doctor again (docs/cross-account.md)',
        );
      }
      return pass(NAME, `IAM's policy simulator allows all ${requests.length} requests the backend makes (${state.locking} locking${stateKey ? ', SSE-KMS' : ''})`);
    });
  } catch (error) {
    return warn(NAME, `could not ask IAM's policy simulator: ${describeAwsError(error)}`, 'the caller needs iam:SimulatePrincipalPolicy, kms:DescribeKey and kms:GetKeyPolicy in the state account');
  }
}
