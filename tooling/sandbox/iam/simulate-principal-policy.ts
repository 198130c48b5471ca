import { evaluate } from './evaluator';
import type { MotoReader } from './moto-reader';

/**
 * `iam:SimulatePrincipalPolicy`, answered by the sandbox with the same evaluator that enforces its
 * requests (moto has no simulator), so `npm run doctor` asks the sandbox exactly what it asks AWS:
 * the role's own policies, the resource policy given, the context entries given.
 */

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `Name.member.1`, `Name.member.2`, ... of a Query request. */
function members(params: URLSearchParams, name: string): string[] {
  const values: string[] = [];
  for (let index = 1; params.has(`${name}.member.${index}`); index++) values.push(params.get(`${name}.member.${index}`)!);
  return values;
}

function contextEntries(params: URLSearchParams): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  for (let index = 1; params.has(`ContextEntries.member.${index}.ContextKeyName`); index++) {
    const prefix = `ContextEntries.member.${index}`;
    const values = members(params, `${prefix}.ContextKeyValues`);
    const type = params.get(`${prefix}.ContextKeyType`) ?? 'string';
    context[params.get(`${prefix}.ContextKeyName`)!] = type.endsWith('List') ? values : values[0] ?? '';
  }
  return context;
}

const DECISIONS = { Allowed: 'allowed', ExplicitlyDenied: 'explicitDeny', ImplicitlyDenied: 'implicitDeny' } as const;

/** The XML answer, or undefined when the policy source is not a role the sandbox knows (IAM's NoSuchEntity). */
export async function simulatePrincipalPolicy(params: URLSearchParams, moto: MotoReader): Promise<{ status: number; body: string }> {
  const source = params.get('PolicySourceArn') ?? '';
  const match = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(source);
  const policies = match ? await moto.rolePolicies(match[1], match[2]) : undefined;
  if (!match || !policies) {
    const body = `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role ${escapeXml(source)} cannot be found (the sandbox simulates roles only).</Message></Error><RequestId>sandbox-iam</RequestId></ErrorResponse>`;
    return { status: 404, body };
  }
  const [, account] = match;
  const resourcePolicy = params.get('ResourcePolicy') ? JSON.parse(params.get('ResourcePolicy')!) : undefined;
  const owner = /^arn:[^:]+:iam::(\d{12}):/.exec(params.get('ResourceOwner') ?? '')?.[1];
  const context = { 'aws:SecureTransport': 'true', 'aws:PrincipalAccount': account, 'aws:PrincipalArn': source, ...contextEntries(params) };
  const resources = members(params, 'ResourceArns');
  const results: string[] = [];
  for (const action of members(params, 'ActionNames')) {
    for (const resource of resources.length > 0 ? resources : ['*']) {
      const resourceAccount = owner ?? /^arn:[^:]+:[^:]+:[^:]*:(\d{12}):/.exec(resource)?.[1] ?? account;
      const result = await evaluate({ principal: source, action, resource, resourceAccount, context, identityPolicies: policies, resourcePolicy });
      const decision = result.result === 'NotEvaluated' ? 'implicitDeny' : DECISIONS[result.result];
      results.push(`<member><EvalActionName>${escapeXml(action)}</EvalActionName><EvalResourceName>${escapeXml(resource)}</EvalResourceName><EvalDecision>${decision}</EvalDecision><MatchedStatements/><MissingContextValues/></member>`);
    }
  }
  const body =
    '<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>' +
    `<EvaluationResults>${results.join('')}</EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>sandbox-iam</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>`;
  return { status: 200, body };
}
