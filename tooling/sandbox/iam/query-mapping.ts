import type { Check, MappedRequest, SessionPolicies } from './types';

/**
 * Query-protocol requests (`Action=<Operation>&...`, form body or query string) -> IAM actions: STS
 * and IAM.
 */

/** AssumeRole's `Tags.member.N.Key` / `.Value`. */
function sessionTags(params: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [name, key] of params) {
    const match = /^Tags\.member\.(\d+)\.Key$/.exec(name);
    if (match) tags[key] = params.get(`Tags.member.${match[1]}.Value`) ?? '';
  }
  return tags;
}

function mapSts(operation: string, params: URLSearchParams, region: string): MappedRequest {
  const unmapped = (reason: string): MappedRequest => ({ kind: 'unmapped', protocol: 'query', service: 'sts', operation, reason });
  const mapped = (checks: Check[], webIdentity = false): MappedRequest => ({ kind: 'mapped', protocol: 'query', service: 'sts', operation, region, checks, ...(webIdentity ? { webIdentity } : {}) });
  switch (operation) {
    case 'GetCallerIdentity':
      // Needs no permission, and an explicit deny (an identity policy's, an SCP's) does not stop it
      // (STS API Reference, GetCallerIdentity): nothing to check.
      return mapped([]);
    case 'AssumeRole':
    case 'AssumeRoleWithWebIdentity': {
      const roleArn = params.get('RoleArn');
      if (!roleArn) return unmapped('no RoleArn');
      // The STS condition keys of the request (STS actions page): sts:ExternalId, sts:RoleSessionName,
      // and session tags as aws:RequestTag/* + aws:TagKeys, which also need sts:TagSession on the role.
      const context: Record<string, string | string[]> = {};
      if (params.get('ExternalId') !== null) context['sts:ExternalId'] = params.get('ExternalId')!;
      if (params.get('RoleSessionName') !== null) context['sts:RoleSessionName'] = params.get('RoleSessionName')!;
      const tags = sessionTags(params);
      const tagContext: Record<string, string | string[]> = {};
      for (const [key, value] of Object.entries(tags)) tagContext[`aws:RequestTag/${key}`] = value;
      if (Object.keys(tags).length > 0) {
        tagContext['aws:TagKeys'] = Object.keys(tags);
        const transitive = [...params.entries()].filter(([name]) => /^TransitiveTagKeys\.member\.\d+$/.test(name)).map(([, value]) => value);
        if (transitive.length > 0) tagContext['sts:TransitiveTagKeys'] = transitive;
      }
      const checks: Check[] = [{ action: `sts:${operation}`, resource: { kind: 'role', roleArn }, context: { ...context, ...tagContext } }];
      if (Object.keys(tags).length > 0) checks.push({ action: 'sts:TagSession', resource: { kind: 'role', roleArn }, context: { ...context, ...tagContext } });
      const sessionPolicies = sessionPoliciesOf(params);
      return {
        ...(mapped(checks, operation === 'AssumeRoleWithWebIdentity') as Extract<MappedRequest, { kind: 'mapped' }>),
        ...(Object.keys(tags).length > 0 ? { sessionTags: tags } : {}),
        ...(sessionPolicies ? { sessionPolicies } : {}),
      };
    }
    default:
      return unmapped('STS operation not mapped');
  }
}

/** AssumeRole's `Policy` and `PolicyArns.member.N.arn` parameters (undefined when neither is given). */
function sessionPoliciesOf(params: URLSearchParams): SessionPolicies | undefined {
  const inline = params.get('Policy') ?? undefined;
  const arns = [...params.entries()]
    .filter(([name]) => /^PolicyArns\.member\.\d+\.arn$/.test(name))
    .sort(([a], [b]) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]))
    .map(([, value]) => value);
  return inline !== undefined || arns.length > 0 ? { ...(inline !== undefined ? { inline } : {}), arns } : undefined;
}

/** IAM request parameters that name the resource, and how they become its ARN. */
function iamResource(operation: string, params: URLSearchParams, account: string): string | undefined {
  const path = params.get('Path') ?? '/';
  const named = (kind: string, name: string) => `arn:aws:iam::${account}:${kind}${operation.startsWith('Create') ? path : '/'}${name}`;
  // Group membership is authorized on the group (IAM actions page: AddUserToGroup, RemoveUserFromGroup).
  if (/^(AddUserToGroup|RemoveUserFromGroup)$/.test(operation) && params.get('GroupName')) return named('group', params.get('GroupName')!);
  if (params.get('RoleName')) return named('role', params.get('RoleName')!);
  if (params.get('UserName')) return named('user', params.get('UserName')!);
  if (params.get('GroupName')) return named('group', params.get('GroupName')!);
  if (params.get('InstanceProfileName')) return named('instance-profile', params.get('InstanceProfileName')!);
  if (params.get('PolicyArn')) return params.get('PolicyArn')!;
  if (params.get('OpenIDConnectProviderArn')) return params.get('OpenIDConnectProviderArn')!;
  if (params.get('PolicySourceArn')) return params.get('PolicySourceArn')!;
  if (operation === 'CreatePolicy' && params.get('PolicyName')) return named('policy', params.get('PolicyName')!);
  if (operation === 'CreateOpenIDConnectProvider' && params.get('Url')) return `arn:aws:iam::${account}:oidc-provider/${params.get('Url')!.replace(/^https:\/\//, '')}`;
  if (/^(List|Get(AccountAuthorizationDetails|AccountSummary|CredentialReport))/.test(operation)) return '*';
  return undefined;
}

function mapIam(operation: string, params: URLSearchParams, region: string, account: string): MappedRequest {
  const resource = iamResource(operation, params, account);
  if (resource === undefined) return { kind: 'unmapped', protocol: 'query', service: 'iam', operation, reason: 'no resource parameter the sandbox maps' };
  // AttachRolePolicy & co. are authorized on the role, with the policy as a condition key.
  const context = params.get('PolicyArn') && params.get('RoleName') ? { 'iam:PolicyARN': params.get('PolicyArn')! } : undefined;
  const arn = params.get('RoleName') ? iamResource(operation, new URLSearchParams({ RoleName: params.get('RoleName')!, Path: params.get('Path') ?? '/' }), account)! : resource;
  return { kind: 'mapped', protocol: 'query', service: 'iam', operation, region, checks: [{ action: `iam:${operation}`, resource: { kind: 'arn', arn, account }, ...(context ? { context } : {}) }] };
}

/** Maps one Query-protocol request of `service` (`sts` or `iam`); `account` is the caller's. */
export function mapQuery(service: string, params: URLSearchParams, region: string, account: string): MappedRequest {
  const operation = params.get('Action') ?? '';
  if (!operation) return { kind: 'unmapped', protocol: 'query', service, operation: '(none)', reason: 'no Action parameter' };
  if (service === 'sts') return mapSts(operation, params, region);
  if (service === 'iam') return mapIam(operation, params, region, account);
  return { kind: 'unmapped', protocol: 'query', service, operation, reason: 'service not mapped' };
}
