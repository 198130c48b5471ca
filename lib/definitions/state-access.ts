/**
 * How an environment reaches its S3 state in the state account, as its definition declares it.
 *
 * A discriminated union on `via`, so "credentials with a trust" does not compile:
 * - `role` (the default for S3 state in the state bucket when the environment lives in another
 *   account): the state-backend stack creates a state role in the state account, with the
 *   environment's least-privilege state policy attached, and the environment's backend assumes it
 *   through the S3 backend's `assume_role` block;
 * - `credentials` (the default when the environment lives in the state account): the deploying
 *   credentials use the state directly. Only possible in a single-account layout; a guardrail stops
 *   synth when an environment in another account would be left without a way to its state.
 * It applies to S3 state in the state bucket only; any other state (local, another backend, a bucket
 * a BACKEND_CONFIG_FILE substitutes) has no state role, and `stateAccess` has no effect on it.
 */
export type StateAccess =
  | {
      readonly via: 'role';
      /** Who may assume the state role. @default { kind: 'environment-account' } */
      readonly trust?: StateRoleTrust;
      /**
       * ARN of a managed policy in the state account (or an AWS managed one) set as the state role's
       * permissions boundary, for organisations that require one on every role; it must allow what
       * the state policy grants, or Terraform is refused its state. @default - no boundary
       */
      readonly permissionsBoundary?: string;
      /**
       * An external ID the state role's trust requires (`sts:ExternalId`) of every environment
       * principal, which the S3 backend then passes (`assume_role { external_id }`), for
       * organisations whose policy requires one on cross-account roles. 2 to 1224 characters of
       * letters, digits and `_+=,.@:/-` (STS's AssumeRole constraints). Not a secret: it is in the
       * synthesized backend. @default - none
       */
      readonly externalId?: string;
    }
  | { readonly via: 'credentials'; readonly trust?: never };

/**
 * Who may assume an environment's state role (its trust policy). Every kind is bound to exact
 * principals; none is open to other accounts.
 */
export type StateRoleTrust =
  /**
   * The default: the environment's account, delegating to its administrators (any principal there
   * whose own IAM policy allows `sts:AssumeRole` on the role), and that environment's CI deploy role.
   */
  | { readonly kind: 'environment-account' }
  /** Only the environment's CI deploy role: people change the environment through CI only. */
  | { readonly kind: 'ci-role-only' }
  /** Exactly these IAM role ARNs (e.g. a break-glass role), and nothing else. */
  | { readonly kind: 'principals'; readonly roleArns: readonly string[] };

export const DEFAULT_STATE_ROLE_TRUST: StateRoleTrust = { kind: 'environment-account' };

/** What an environment's state access resolves to once its account and the state account are known. */
export type ResolvedStateAccess =
  | { readonly via: 'role'; readonly trust: StateRoleTrust; readonly roleArn: string; readonly permissionsBoundary?: string; readonly externalId?: string }
  | { readonly via: 'credentials' }
  /** State not in the state bucket (local, other backends, another bucket): no state role applies. */
  | { readonly via: 'none' };
