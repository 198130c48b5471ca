/**
 * The one module that loads the IAM policy evaluator, `@cloud-copilot/iam-simulate` (licence
 * AGPL-3.0-or-later, unlike this project's MPL-2.0): it is a development dependency confined to the
 * sandbox, never loaded by synth or deploys (__tests__/evaluator-confinement.test.ts checks both).
 */
import { anonymousPrincipal, getDenialReasons, runSimulation } from '@cloud-copilot/iam-simulate';

export interface Evaluation {
  readonly principal: string | 'anonymous';
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource (cross-account access needs both sides). */
  readonly resourceAccount: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly identityPolicies: ReadonlyArray<{ readonly name: string; readonly policy: unknown }>;
  readonly resourcePolicy?: unknown;
  /** The session's policies as one document (role sessions given `Policy`/`PolicyArns`). */
  readonly sessionPolicy?: unknown;
  /** The principal's permissions boundary. */
  readonly permissionBoundaries?: ReadonlyArray<{ readonly name: string; readonly policy: unknown }>;
  /** SCPs of the principal's account, one entry per level, root first (none: not a member account). */
  readonly serviceControlPolicies?: ReadonlyArray<{ readonly orgIdentifier: string; readonly policies: ReadonlyArray<{ readonly name: string; readonly policy: unknown }> }>;
  /** RCPs of the resource's account, one entry per level, root first. */
  readonly resourceControlPolicies?: ReadonlyArray<{ readonly orgIdentifier: string; readonly policies: ReadonlyArray<{ readonly name: string; readonly policy: unknown }> }>;
}

export type EvaluationResult =
  | { readonly result: 'Allowed' }
  | { readonly result: 'ImplicitlyDenied' | 'ExplicitlyDenied'; readonly reason: string }
  /** The evaluator could not run the simulation (an action it does not know, an invalid policy). */
  | { readonly result: 'NotEvaluated'; readonly reason: string };

const POLICY_TYPES: Record<string, string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
  permissionBoundary: 'permissions boundary',
  // The evaluator's own name for a permissions boundary in its denial reasons.
  pb: 'permissions boundary',
  session: 'session policy',
};

/**
 * Condition keys whose variable part follows a colon, `kms:EncryptionContext:<key>`: the evaluator
 * recognises variable keys only after a slash (`aws:PrincipalTag/<key>`), so it drops such a key
 * from the request and a condition on it never matches (an Allow on it never applies, a
 * `StringNotEquals` Deny always does). Both sides are carried under a slash key the evaluator
 * accepts for every action, `aws:RequestTag/kms:EncryptionContext:<key>` (no KMS operation that
 * takes an encryption context has request tags), so the evaluator still does the matching, with
 * every operator, `…IfExists` and `Null`. As for tags, the evaluator compares the key part
 * case-insensitively; the value is compared as the operator says.
 */
const COLON_VARIABLE_KEY = /^kms:EncryptionContext:(.+)$/i;
const CARRIER_PREFIX = 'aws:RequestTag/kms:EncryptionContext:';
const carried = (key: string) => key.replace(COLON_VARIABLE_KEY, (_match, variable: string) => `${CARRIER_PREFIX}${variable}`);

function carryContext(context: Evaluation['context']): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(context)) result[carried(key)] = value as string | string[];
  return result;
}

/** Policies with their colon-variable condition keys carried, by the policy object (policies are frozen and reused). */
const carriedPolicies = new WeakMap<object, unknown>();

function carryPolicy(policy: unknown): unknown {
  if (policy === null || policy === undefined) return policy;
  const cacheable = typeof policy === 'object';
  if (cacheable && carriedPolicies.has(policy)) return carriedPolicies.get(policy);
  const text = typeof policy === 'string' ? policy : JSON.stringify(policy);
  let result: unknown = policy;
  if (/kms:EncryptionContext:/i.test(text)) {
    const document = JSON.parse(text) as { Statement?: unknown };
    for (const statement of [document.Statement ?? []].flat() as Array<{ Condition?: Record<string, Record<string, unknown>> }>) {
      for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
        statement.Condition![operator] = Object.fromEntries(Object.entries(keys).map(([key, value]) => [carried(key), value]));
      }
    }
    result = document;
  }
  if (cacheable) carriedPolicies.set(policy, result);
  return result;
}

const carryNamed = (policies: ReadonlyArray<{ readonly name: string; readonly policy: unknown }>) => policies.map(({ name, policy }) => ({ name, policy: carryPolicy(policy) }));

const MISSING_SIDE_ORDER = ['identity', 'permissionBoundary', 'pb', 'session', 'scp', 'rcp', 'resource'];

/** Evaluates one request as IAM would: explicit deny first, cross-account needs both sides. */
export async function evaluate(evaluation: Evaluation): Promise<EvaluationResult> {
  const simulation = await runSimulation(
    {
      request: {
        principal: evaluation.principal === 'anonymous' ? anonymousPrincipal : evaluation.principal,
        action: evaluation.action,
        resource: { resource: evaluation.resource, accountId: evaluation.resourceAccount },
        contextVariables: carryContext(evaluation.context),
      },
      identityPolicies: carryNamed(evaluation.identityPolicies),
      serviceControlPolicies: (evaluation.serviceControlPolicies ?? []).map(({ orgIdentifier, policies }) => ({ orgIdentifier, policies: carryNamed(policies) })),
      resourceControlPolicies: (evaluation.resourceControlPolicies ?? []).map(({ orgIdentifier, policies }) => ({ orgIdentifier, policies: carryNamed(policies) })),
      resourcePolicy: carryPolicy(evaluation.resourcePolicy),
      ...(evaluation.sessionPolicy !== undefined ? { sessionPolicy: carryPolicy(evaluation.sessionPolicy) } : {}),
      ...(evaluation.permissionBoundaries ? { permissionBoundaryPolicies: carryNamed(evaluation.permissionBoundaries) } : {}),
    },
    {},
  );
  if (simulation.resultType === 'error') return { result: 'NotEvaluated', reason: simulation.errors.message };
  const overall = simulation.overallResult;
  if (overall === 'Allowed') return { result: 'Allowed' };
  const analysis = simulation.resultType === 'single' ? simulation.result.analysis : simulation.results[0]?.analysis;
  const denials = analysis ? getDenialReasons(analysis) : [];
  if (overall === 'ExplicitlyDenied') {
    const explicit = denials.filter((denial) => denial.denialType === 'Explicit');
    const where = explicit.map((denial) => `${POLICY_TYPES[denial.policyType] ?? denial.policyType}${'statementId' in denial && denial.statementId ? ` (statement ${denial.statementId})` : ''}`);
    return { result: 'ExplicitlyDenied', reason: `with an explicit deny in a ${where.join(' and a ') || 'policy'}` };
  }
  // IAM names the identity side when it is missing (the usual case), else the side that is; the
  // resource side last, since within one account a resource policy that does not grant is no cause
  // when the identity side allows (a boundary that does not allow is).
  const types = new Set<string>(denials.map((denial) => denial.policyType));
  const missing = MISSING_SIDE_ORDER.find((type) => types.has(type)) ?? [...types][0];
  return { result: 'ImplicitlyDenied', reason: `because no ${missing ? (POLICY_TYPES[missing] ?? missing) : 'policy'} allows the ${evaluation.action} action` };
}
