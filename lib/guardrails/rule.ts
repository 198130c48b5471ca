import type { IConstruct } from 'constructs';
import type { ProtectionLevel } from '../definitions/environment';
import { ROLE_OF_PROTECTION, type EnvironmentRole } from './role';

/** What the rules know about the stack they check: which environment, its role, and how it is protected. */
export interface GuardrailScope {
  readonly environment: string;
  /** The protection the definition declares. */
  readonly protection: ProtectionLevel;
  /**
   * What the environment is (lib/guardrails/role.ts), which the rules key on; `because` says which
   * signal made it so. @default - the role the protection level implies
   */
  readonly role?: EnvironmentRole;
  readonly because?: string;
  /** Where the state account is, for the cross-account rule. @default - the rule does not apply */
  readonly stateAccount?: StateAccountScope;
}

/** The environment's accounts and the state account whose bucket holds the state. */
export interface StateAccountScope {
  readonly environmentAccountIds: readonly string[];
  readonly stateAccountId: string;
  readonly stateBucket: string;
}

export type RuleResult =
  | { readonly status: 'compliant' }
  | { readonly status: 'not-applicable' }
  | { readonly status: 'non-compliant'; readonly problem: string; readonly fix?: string };

export const COMPLIANT: RuleResult = { status: 'compliant' };
export const NOT_APPLICABLE: RuleResult = { status: 'not-applicable' };

export function nonCompliant(problem: string, fix?: string): RuleResult {
  return fix === undefined ? { status: 'non-compliant', problem } : { status: 'non-compliant', problem, fix };
}

/** One synth-time policy: looks at one construct at a time and says whether it complies. */
export interface GuardrailRule {
  /** Stable id used in messages and suppressions, e.g. `production-state-encrypted`. */
  readonly id: string;
  readonly description: string;
  /** How to comply, unless the result names a more specific fix. */
  readonly fix: string;
  check(construct: IConstruct, scope: GuardrailScope): RuleResult;
}

export const roleOf = (scope: GuardrailScope): EnvironmentRole => scope.role ?? ROLE_OF_PROTECTION[scope.protection];
/** Which signal gave the scope its role, for messages: `protection "standard"`, `name "production"`. */
export const roleReason = (scope: GuardrailScope): string => scope.because ?? `protection "${scope.protection}"`;
export const isShared = (scope: GuardrailScope): boolean => roleOf(scope) !== 'personal';
export const isProduction = (scope: GuardrailScope): boolean => roleOf(scope) === 'production';
