import type { Blueprint } from './blueprint';
import type { StateAccess } from './state-access';
import type { StateDefinition } from './state-definition';

/**
 * How much an environment protects what it creates. It drives the example workload's hardening:
 * - `ephemeral`: throw-away (force_destroy, no versioning), for one person's dev loop;
 * - `standard`: shared but recoverable (versioning, no force_destroy);
 * - `hardened`: production (versioning, SSE-KMS, TLS-only, prevent_destroy).
 */
export type ProtectionLevel = 'ephemeral' | 'standard' | 'hardened';

/**
 * What an environment is to the organisation, which decides the guardrails it must follow
 * (lib/guardrails/role.ts derives it from every signal):
 * - `personal`: one person's throw-away (dev);
 * - `shared`: used by a team (staging, qa): remote, locked state;
 * - `production`: everything `shared` needs, plus encrypted state and hardened buckets.
 */
export type EnvironmentRole = 'personal' | 'shared' | 'production';

/** An acknowledged exception to one guardrail, with the reason a reviewer will read. */
export interface GuardrailSuppression {
  readonly id: string;
  readonly reason: string;
}

/** One environment: one cdktf stack named `name`, in one AWS account and region. */
export interface EnvironmentDefinition {
  /** Stack name (`cdktf.out/stacks/<name>`): lowercase letters, digits and hyphens. */
  readonly name: string;
  /** AWS region the environment's resources live in. */
  readonly region: string;
  /** Account guard: the AWS provider refuses to run against any other account. */
  readonly allowedAccountIds: readonly string[];
  /** Default tags put on every taggable AWS resource of the environment. */
  readonly tags: Readonly<Record<string, string>>;
  /** Where and how the environment keeps its Terraform state. */
  readonly state: StateDefinition;
  readonly protection: ProtectionLevel;
  /**
   * What the environment is to the team (lib/guardrails/role.ts): it can raise the role its name and
   * protection imply, never lower it. @default - from the name, the `environment` tag and the protection
   */
  readonly role?: EnvironmentRole;
  /** Guardrails acknowledged for the whole stack, each with the reason a reviewer reads. The only opt-out. */
  readonly suppressions?: readonly GuardrailSuppression[];
  /**
   * How the environment reaches S3 state in the state bucket (docs/cross-account.md).
   * @default - `{ via: 'role' }` (a state role trusted by this account's administrators and its CI
   * role) when the environment's account differs from the state account, else `{ via: 'credentials' }`
   */
  readonly stateAccess?: StateAccess;
  /** The environment's CI deploy role (its `ci-<env>` stack). @default - no permissions boundary */
  readonly ciDeployRole?: CiDeployRoleOptions;
}

/** What an organisation may require of the CI deploy role. */
export interface CiDeployRoleOptions {
  /**
   * ARN of a managed policy in the environment's account (or an AWS managed one) set as the deploy
   * role's permissions boundary; it must allow what the deploy policy grants. @default - no boundary
   */
  readonly permissionsBoundary?: string;
}

/** An environment file's export: a definition computed from the project-wide blueprint. */
export type EnvironmentModule = (blueprint: Blueprint) => EnvironmentDefinition;

/** Identity function that gives environment files type checking and editor completion. */
export function defineEnvironment(module: EnvironmentModule): EnvironmentModule {
  return module;
}
