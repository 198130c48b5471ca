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

/** Evaluates one request as IAM would: explicit deny first, cross-account needs both sides. */
export async function evaluate(evaluation: Evaluation): Promise<EvaluationResult> {
  const simulation = await runSimulation(
    {
      request: {
        principal: evaluation.principal === 'anonymous' ? anonymousPrincipal : evaluation.principal,
        action: evaluation.action,
        resource: { resource: evaluation.resource, accountId: evaluation.resourceAccount },
        contextVariables: evaluation.context as Record<string, string | string[]>,
      },
      identityPolicies: evaluation.identityPolicies.map(({ name, policy }) => ({ name, policy })),
      serviceControlPolicies: (evaluation.serviceControlPolicies ?? []).map(({ orgIdentifier, policies }) => ({ orgIdentifier, policies: policies.map(({ name, policy }) => ({ name, policy })) })),
      resourceControlPolicies: (evaluation.resourceControlPolicies ?? []).map(({ orgIdentifier, policies }) => ({ orgIdentifier, policies: policies.map(({ name, policy }) => ({ name, policy })) })),
      resourcePolicy: evaluation.resourcePolicy,
      ...(evaluation.sessionPolicy !== undefined ? { sessionPolicy: evaluation.sessionPolicy } : {}),
      ...(evaluation.permissionBoundaries ? { permissionBoundaryPolicies: evaluation.permissionBoundaries.map(({ name, policy }) => ({ name, policy })) } : {}),
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
  // IAM names the identity side when it is missing (the usual case), else the side that is.
  const types = new Set(denials.map((denial) => denial.policyType));
  const missing = types.has('identity') ? 'identity' : [...types][0];
  return { result: 'ImplicitlyDenied', reason: `because no ${missing ? (POLICY_TYPES[missing] ?? missing) : 'policy'} allows the ${evaluation.action} action` };
}
