import { Annotations, Aspects, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import { UserError } from '../definitions/errors';
import type { GuardrailRule, GuardrailScope } from './rule';
import { accessLogTarget } from './rules/access-log-target';
import { crossAccountStateAccess } from './rules/cross-account-state-access';
import { noPlaintextSecrets } from './rules/no-plaintext-secrets';
import { productionBucketHardening } from './rules/production-bucket-hardening';
import { productionStateEncrypted } from './rules/production-state-encrypted';
import { protectionMatchesRole } from './rules/protection-matches-role';
import { sharedEnvRemoteState } from './rules/shared-env-remote-state';
import { environmentRole } from './role';
import { suppressGuardrail, suppressionOf, type GuardrailSuppression } from './suppressions';

export type { GuardrailRule, GuardrailScope, RuleResult, StateAccountScope } from './rule';
export { accessLogTarget, crossAccountStateAccess, noPlaintextSecrets, productionBucketHardening, productionStateEncrypted, protectionMatchesRole, sharedEnvRemoteState };
export type { GuardrailSuppression } from './suppressions';

export const ALL_RULES: readonly GuardrailRule[] = [
  protectionMatchesRole,
  sharedEnvRemoteState,
  productionStateEncrypted,
  productionBucketHardening,
  noPlaintextSecrets,
  crossAccountStateAccess,
  accessLogTarget,
];

/** One rule's verdict on one construct that did not comply. */
export interface GuardrailFinding {
  readonly ruleId: string;
  readonly path: string;
  readonly message: string;
  /** Set when the construct or a scope of it acknowledged the rule. */
  readonly suppression?: GuardrailSuppression;
}

export function formatFinding(ruleId: string, path: string, problem: string, fix: string): string {
  return `[${ruleId}] ${path}: ${problem}. Fix: ${fix}  (suppress with { id: '${ruleId}', reason: '...' } if intended)`;
}

/**
 * The rules as a cdktf Aspect: visited at synth for every construct of the stack it is added to.
 * A violation becomes an error annotation, which makes `app.synth()` throw and `cdktf synth` fail;
 * a suppressed one becomes an info annotation that keeps the reason visible.
 */
export class GuardrailPack implements IAspect {
  constructor(
    readonly scope: GuardrailScope,
    readonly rules: readonly GuardrailRule[] = ALL_RULES,
  ) {}

  /** Every rule that does not hold for `construct` (suppressed ones included, marked). */
  findings(construct: IConstruct): GuardrailFinding[] {
    return this.rules.flatMap((rule) => {
      const result = rule.check(construct, this.scope);
      if (result.status !== 'non-compliant') return [];
      const path = construct.node.path;
      const suppression = suppressionOf(construct, rule.id);
      const message = formatFinding(rule.id, path, result.problem, result.fix ?? rule.fix);
      return [suppression ? { ruleId: rule.id, path, message, suppression } : { ruleId: rule.id, path, message }];
    });
  }

  visit(construct: IConstruct): void {
    for (const finding of this.findings(construct)) {
      if (finding.suppression) Annotations.of(construct).addInfo(`[${finding.ruleId}] suppressed: ${finding.suppression.reason}`);
      else Annotations.of(construct).addError(finding.message);
    }
  }
}

/** Adds the guardrails to one stack (tests; the app uses attachGuardrails). */
export function applyGuardrails(stack: TerraformStack, scope: GuardrailScope, rules: readonly GuardrailRule[] = ALL_RULES): GuardrailPack {
  const pack = new GuardrailPack(scope, rules);
  Aspects.of(stack).add(pack);
  return pack;
}

/** What a stack declares about itself for the guardrails: its scope and, when not every rule applies, which rules. */
interface DeclaredScope {
  readonly scope: GuardrailScope;
  readonly rules: readonly GuardrailRule[];
}

const declaredScopes = new WeakMap<TerraformStack, DeclaredScope>();

/**
 * A stack says which environment it is and how it is protected; attachGuardrails then checks it.
 * The engine's stacks declare themselves; a stack that declares nothing is still checked.
 */
export function declareGuardrailScope(stack: TerraformStack, scope: GuardrailScope, rules: readonly GuardrailRule[] = ALL_RULES): void {
  declaredScopes.set(stack, { scope, rules });
}

/**
 * The one place guardrails are attached: every stack under `root` gets one pack, the engine's
 * stacks with the scope they declared, any other stack (one a user adds) with every rule and the
 * role its name implies, at least `shared` (protection `standard`), so nothing enters the app unchecked.
 */
export function attachGuardrails(root: IConstruct): void {
  for (const stack of root.node.findAll().filter(TerraformStack.isStack)) {
    if (Aspects.of(stack).all.some((aspect) => aspect instanceof GuardrailPack)) continue;
    const declared = declaredScopes.get(stack) ?? { scope: undeclaredScope(stack), rules: ALL_RULES };
    Aspects.of(stack).add(new GuardrailPack(declared.scope, declared.rules));
  }
}

function undeclaredScope(stack: TerraformStack): GuardrailScope {
  const { role, because } = environmentRole({ name: stack.node.id, protection: 'standard' });
  return { environment: stack.node.id, protection: 'standard', role, because: `${because} (a stack that declares no guardrail scope: declareGuardrailScope in lib/guardrails)` };
}

/** Acknowledges one rule on a construct and its children; rejects unknown rule ids and empty reasons. */
export function suppress(construct: IConstruct, suppression: GuardrailSuppression): void {
  suppressGuardrail(
    construct,
    suppression,
    ALL_RULES.map((rule) => rule.id),
  );
}

/** Findings of every guardrail pack on the stacks under `root`, without synthesizing anything. */
export function guardrailFindings(root: IConstruct): GuardrailFinding[] {
  const stacks = root.node.findAll().filter(TerraformStack.isStack);
  return stacks.flatMap((stack) => {
    const packs = Aspects.of(stack).all.filter((aspect): aspect is GuardrailPack => aspect instanceof GuardrailPack);
    return packs.flatMap((pack) => stack.node.findAll().flatMap((construct) => pack.findings(construct)));
  });
}

/** Thrown before synth when a guardrail is violated; lists every violation. */
export class GuardrailError extends UserError {
  constructor(readonly violations: readonly GuardrailFinding[]) {
    super(
      `Guardrails violated (${violations.length}); nothing was synthesized:\n` + violations.map((finding) => `  - ${finding.message}`).join('\n'),
    );
  }
}

/**
 * Checks every stack before `app.synth()` writes any of them: cdktf runs aspects stack by stack
 * while writing, and its CLI keeps going on error annotations, so without this a violation in the
 * last stack would still leave the others on disk.
 */
export function assertGuardrails(root: IConstruct): void {
  const violations = guardrailFindings(root).filter((finding) => !finding.suppression);
  if (violations.length > 0) throw new GuardrailError(violations);
}
