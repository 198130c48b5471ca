import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';
import type { AwsCredentialIdentity } from '../toolkit/aws-clients';
import { JOINED_ACCOUNTS_TAG } from './iam/guardrails';
import { SandboxError } from './lifecycle';
import type { SandboxState } from './state-file';

/**
 * The sandbox's AWS Organizations (moto's), spoken to as the AWS CLI would (JSON protocol, through
 * the shim): the project has no Organizations SDK client, and the sandbox's moto does not check
 * signatures (the shim reads who signed from the credential scope, as for every request).
 * `loadControlPolicy` is `npm run sandbox -- scp load` (docs/sandbox.md, "Guardrails").
 */

export type ControlPolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

export class OrganizationsError extends SandboxError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One Organizations call as `credentials`; the answer's JSON, or an OrganizationsError naming AWS's error code. */
export function organizationsCall(state: Pick<SandboxState, 'endpoint' | 'caFile'>, credentials: AwsCredentialIdentity, operation: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  const body = JSON.stringify(payload);
  const date = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      `${state.endpoint}/`,
      {
        method: 'POST',
        ca: readFileSync(state.caFile),
        timeout: 30_000,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `AWSOrganizationsV20161128.${operation}`,
          'x-amz-date': date,
          ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
          authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${date.slice(0, 8)}/us-east-1/organizations/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0`,
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          let answer: Record<string, unknown> = {};
          try {
            answer = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            answer = { message: text.slice(0, 200) };
          }
          if ((response.statusCode ?? 500) < 300) return resolve(answer);
          const code = `${answer.__type ?? answer.Code ?? 'Unknown'}`.split('#').pop()!;
          reject(new OrganizationsError(code, `Organizations ${operation}: ${code} (HTTP ${response.statusCode}): ${answer.message ?? answer.Message ?? ''}`));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer from ${state.endpoint} within 30 s`)));
    request.on('error', reject);
    request.end(body);
  });
}

export interface LoadOptions {
  /** The policy document's file (JSON, as a company keeps its SCPs). */
  readonly file: string;
  readonly type: ControlPolicyType;
  /** The organization's management account (created there when it has none). */
  readonly managementAccount: string;
  /** Existing accounts that join the organization under its root (the blueprint's). */
  readonly joinAccounts: readonly string[];
  /** Policy name (default: the file's name without .json). */
  readonly name?: string;
}

export interface LoadResult {
  readonly organizationId: string;
  readonly rootId: string;
  readonly policyId: string;
  readonly createdOrganization: boolean;
  readonly members: readonly string[];
}

/**
 * Loads a control policy into the sandbox's organization: creates the organization in the management
 * account when needed, joins `joinAccounts` (the root's `sandbox:joined-accounts` tag: moto cannot
 * invite), creates the policy from the file and attaches it to the root, as a company attaches its
 * guardrails. Refuses a file that is not a JSON policy document before anything is created.
 */
export async function loadControlPolicy(state: SandboxState, management: AwsCredentialIdentity, options: LoadOptions): Promise<LoadResult> {
  let content: string;
  try {
    content = readFileSync(options.file, 'utf8');
  } catch (error) {
    throw new SandboxError(`cannot read ${options.file}: ${(error as Error).message}`);
  }
  let document: { Statement?: unknown };
  try {
    document = JSON.parse(content) as { Statement?: unknown };
  } catch (error) {
    throw new SandboxError(`${options.file} is not JSON (${(error as Error).message}): give the policy document exactly as in the Organizations console or \`aws organizations describe-policy\`'s Content`);
  }
  if (typeof document !== 'object' || document === null || document.Statement === undefined) throw new SandboxError(`${options.file} has no "Statement": it is not a policy document`);
  const call = (operation: string, payload: Record<string, unknown>) => organizationsCall(state, management, operation, payload);
  let organization: { Id: string; MasterAccountId: string };
  let createdOrganization = false;
  try {
    organization = (await call('DescribeOrganization', {})).Organization as typeof organization;
  } catch (error) {
    if (!(error instanceof OrganizationsError) || error.code !== 'AWSOrganizationsNotInUseException') throw error;
    organization = (await call('CreateOrganization', { FeatureSet: 'ALL' })).Organization as typeof organization;
    createdOrganization = true;
  }
  if (organization.MasterAccountId !== options.managementAccount) {
    throw new SandboxError(`account ${options.managementAccount} is a member of organization ${organization.Id}, whose management account is ${organization.MasterAccountId}: load policies as that account (--management ${organization.MasterAccountId})`);
  }
  const rootId = ((await call('ListRoots', {})).Roots as Array<{ Id: string }>)[0].Id;
  const tags = ((await call('ListTagsForResource', { ResourceId: rootId })).Tags as Array<{ Key: string; Value: string }> | undefined) ?? [];
  const joined = new Set((tags.find((tag) => tag.Key === JOINED_ACCOUNTS_TAG)?.Value ?? '').split(/\s+/).filter(Boolean));
  for (const account of options.joinAccounts) if (account !== options.managementAccount) joined.add(account);
  if (joined.size > 0) await call('TagResource', { ResourceId: rootId, Tags: [{ Key: JOINED_ACCOUNTS_TAG, Value: [...joined].sort().join(' ') }] });
  const name = options.name ?? basename(options.file).replace(/\.json$/i, '');
  const created = (await call('CreatePolicy', { Name: name, Description: `loaded from ${basename(options.file)}`, Type: options.type, Content: content })).Policy as { PolicySummary: { Id: string } };
  await call('AttachPolicy', { PolicyId: created.PolicySummary.Id, TargetId: rootId });
  return { organizationId: organization.Id, rootId, policyId: created.PolicySummary.Id, createdOrganization, members: [...joined].sort() };
}
