import { createHash } from 'node:crypto';
import type { Evaluation, EvaluationResult } from './evaluator';

/**
 * The evaluator's decisions, remembered by **everything it was given** (docs/performance.md, "IAM
 * enforcement's cost"): the principal, the action, the resource and its account, the full request
 * context, and the content of every identity policy and of the resource policy. The evaluator is a
 * pure function of those inputs, so a remembered decision is the decision it would make again; a
 * changed policy is a different key, never a stale hit. Keeping the *inputs* fresh is the policy
 * reader's job (moto-reader.ts, invalidated on every write that could change them, enforcement.ts).
 */

/** Documents this module froze itself (deeply): only these may have their fingerprint remembered. */
const frozen = new WeakSet<object>();
const fingerprints = new WeakMap<object, string>();

/** Freezes `value` and everything in it, so that it can be fingerprinted once and shared. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !frozen.has(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
    frozen.add(value);
  }
  return value;
}

/** Whether `value` was deep-frozen by `deepFreeze` (so nothing in it can change). */
export function isDeepFrozen(value: unknown): boolean {
  return value !== null && typeof value === 'object' && frozen.has(value);
}

/** JSON with every object's keys sorted: equal documents, equal text. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, member]) => member !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonical(member)}`).join(',')}}`;
}

/** A digest of the document's content; remembered for documents deep-frozen here, recomputed for any other. */
export function fingerprint(value: unknown): string {
  if (value !== null && typeof value === 'object' && frozen.has(value)) {
    const known = fingerprints.get(value);
    if (known) return known;
    const digest = createHash('sha256').update(canonical(value)).digest('base64');
    fingerprints.set(value, digest);
    return digest;
  }
  return createHash('sha256').update(canonical(value)).digest('base64');
}

/** The cache key: every input of the evaluation. */
export function decisionKey(evaluation: Evaluation): string {
  return JSON.stringify([
    evaluation.principal,
    evaluation.action,
    evaluation.resource,
    evaluation.resourceAccount,
    canonical(evaluation.context),
    evaluation.identityPolicies.map(({ name, policy }) => [name, fingerprint(policy)]),
    evaluation.resourcePolicy === undefined ? null : fingerprint(evaluation.resourcePolicy),
    // The guardrails (guardrails.ts), only when present: keys of evaluations without them stay as they were.
    ...(evaluation.sessionPolicy === undefined ? [] : [['session', fingerprint(evaluation.sessionPolicy)]]),
    ...(evaluation.permissionBoundaries === undefined ? [] : [['boundary', evaluation.permissionBoundaries.map(({ name, policy }) => [name, fingerprint(policy)])]]),
    ...(evaluation.serviceControlPolicies?.length ? [['scp', evaluation.serviceControlPolicies.map(({ orgIdentifier, policies }) => [orgIdentifier, policies.map(({ name, policy }) => [name, fingerprint(policy)])])]] : []),
    ...(evaluation.resourceControlPolicies?.length ? [['rcp', evaluation.resourceControlPolicies.map(({ orgIdentifier, policies }) => [orgIdentifier, policies.map(({ name, policy }) => [name, fingerprint(policy)])])]] : []),
  ]);
}

/** Decisions kept (a fresh sandbox's four deploys need a few hundred distinct ones). */
const CAPACITY = 20_000;

export class DecisionCache {
  private readonly decisions = new Map<string, EvaluationResult>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = CAPACITY) {}

  /** The evaluator's decision for `evaluation`: remembered, or asked of `evaluate` and remembered. */
  async decide(evaluation: Evaluation, evaluate: (evaluation: Evaluation) => Promise<EvaluationResult>): Promise<EvaluationResult> {
    const key = decisionKey(evaluation);
    const known = this.decisions.get(key);
    if (known) {
      this.hits += 1;
      return known;
    }
    this.misses += 1;
    const result = await evaluate(evaluation);
    // The oldest decision goes first when full (a Map iterates in insertion order).
    if (this.decisions.size >= this.capacity) this.decisions.delete(this.decisions.keys().next().value!);
    this.decisions.set(key, result);
    return result;
  }

  get size(): number {
    return this.decisions.size;
  }

  clear(): void {
    this.decisions.clear();
  }
}
