import type { IConstruct } from 'constructs';
import type { GuardrailSuppression } from '../definitions/environment';

export type { GuardrailSuppression } from '../definitions/environment';

const SUPPRESSION_METADATA = 'guardrails/suppression';

/**
 * Acknowledges rule `id` on `construct` and everything below it (a stack, a wrapper such as
 * SecureBucket, or one resource). The reason is kept in the construct's metadata and printed at
 * synth, so an exception is always explained where it is made.
 */
export function suppressGuardrail(construct: IConstruct, suppression: GuardrailSuppression, knownRuleIds?: readonly string[]): void {
  if (typeof suppression.reason !== 'string' || suppression.reason.trim().length < 10) {
    throw new Error(
      `Suppressing guardrail "${suppression.id}" on ${construct.node.path} needs a reason of at least 10 characters that says why the exception is safe`,
    );
  }
  if (knownRuleIds && !knownRuleIds.includes(suppression.id)) {
    throw new Error(`Cannot suppress unknown guardrail "${suppression.id}" on ${construct.node.path}: use one of ${knownRuleIds.join(', ')}`);
  }
  construct.node.addMetadata(SUPPRESSION_METADATA, { id: suppression.id, reason: suppression.reason.trim() });
}

/** The suppression of rule `id` that covers `construct` (set on it or on any of its scopes), if any. */
export function suppressionOf(construct: IConstruct, id: string): GuardrailSuppression | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const entry = scope.node.metadata.find(
      (metadata) => metadata.type === SUPPRESSION_METADATA && (metadata.data as GuardrailSuppression).id === id,
    );
    if (entry) return entry.data as GuardrailSuppression;
  }
  return undefined;
}
