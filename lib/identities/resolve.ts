import type { EnvironmentDefinition } from '../definitions/environment';
import { parseKmsArn } from '../iam/arn';
import { replicaSettings, type StateBackendDefinition } from '../definitions/state-backend-definition';
import { ciDeployRoleName, ciStateRoleName, roleArn, stateRoleName } from './names';
import type { S3State } from '../definitions/state-definition';
import { DEFAULT_STATE_ROLE_TRUST, type ResolvedStateAccess } from '../definitions/state-access';

/** What an environment's identities resolve to: its accounts, its state access and its CI role. */
export interface EnvironmentIdentity {
  readonly environment: EnvironmentDefinition;
  /** The environment's account: the first of its `allowedAccountIds`. */
  readonly account: string;
  /** The state account: the first of the state-backend's `allowedAccountIds`. */
  readonly stateAccount: string;
  readonly access: ResolvedStateAccess;
  /** ARN of the environment's CI deploy role (created by its CI stack, `ci-<env>`). */
  readonly ciRoleArn: string;
}

/**
 * Whether `environment`'s state is S3 state in the state-backend's bucket, or in its replica after a
 * region loss (docs/recovery.md): the only state a state role can serve.
 */
export function isInStateBucket(environment: EnvironmentDefinition, stateBackend: StateBackendDefinition): boolean {
  const { state } = environment;
  return state.kind === 's3' && (state.bucket === stateBackend.bucket || state.bucket === replicaSettings(stateBackend)?.bucket);
}

/** Whether S3 state is encrypted with the state-backend's own KMS key (by alias or by key ARN in its account). */
export function usesStateKey(environment: EnvironmentDefinition, stateBackend: StateBackendDefinition): boolean {
  const { state } = environment;
  if (state.kind !== 's3' || !state.kmsKeyId || stateBackend.encryption.kind !== 'sse-kms') return false;
  const arn = parseKmsArn(state.kmsKeyId);
  const aliases = [stateBackend.encryption.kmsAlias, replicaSettings(stateBackend)?.kmsAlias];
  return arn?.account === stateBackend.allowedAccountIds[0] && (arn.kind === 'key' || aliases.includes(arn.resource));
}

/** Resolves `stateAccess` and its default; pure, so every stack computes the same answer. */
export function environmentIdentity(project: string, environment: EnvironmentDefinition, stateBackend: StateBackendDefinition): EnvironmentIdentity {
  const account = environment.allowedAccountIds[0];
  const stateAccount = stateBackend.allowedAccountIds[0];
  const ciRoleArn = roleArn(environment.region, account, ciDeployRoleName(project, environment.name));
  const base = { environment, account, stateAccount, ciRoleArn };
  if (!isInStateBucket(environment, stateBackend)) return { ...base, access: { via: 'none' } };
  const via = environment.stateAccess?.via ?? (account === stateAccount ? 'credentials' : 'role');
  if (via === 'credentials') return { ...base, access: { via } };
  return {
    ...base,
    access: {
      via,
      trust: environment.stateAccess?.trust ?? DEFAULT_STATE_ROLE_TRUST,
      roleArn: roleArn(stateBackend.region, stateAccount, stateRoleName(project, environment.name)),
      ...(environment.stateAccess?.via === 'role' && environment.stateAccess.permissionsBoundary ? { permissionsBoundary: environment.stateAccess.permissionsBoundary } : {}),
      ...(environment.stateAccess?.via === 'role' && environment.stateAccess.externalId ? { externalId: environment.stateAccess.externalId } : {}),
    },
  };
}

/** ARN of the role through which `ci-<env>` reaches its own state (created by the state-backend stack). */
export function ciStateRoleArn(project: string, environment: string, stateBackend: StateBackendDefinition): string {
  return roleArn(stateBackend.region, stateBackend.allowedAccountIds[0], ciStateRoleName(project, environment));
}

/**
 * Where the `ci-<env>` stack keeps its state: the state bucket, at the naming rule's key for the stack
 * `ci-<env>` (`<project>/ci-<env>/terraform.tfstate`), locked and encrypted as the environment's own
 * state is (same locking, lock table and KMS key), and reached as the environment's state is: through
 * a role of its own in the state account (`<project>-ci-<env>-tfstate`) when the environment's state
 * access is `via: 'role'`, with the deploying credentials when it is `via: 'credentials'` (single
 * account). Undefined for environments without a CI stack (state outside the state bucket).
 */
export function ciStackState(identity: EnvironmentIdentity, project: string, stateBackend: StateBackendDefinition): S3State | undefined {
  const { environment, access } = identity;
  if (access.via === 'none' || environment.state.kind !== 's3') return undefined;
  const state = environment.state;
  const common = {
    kind: 's3' as const,
    bucket: stateBackend.bucket,
    region: stateBackend.region,
    ...(state.kmsKeyId ? { kmsKeyId: state.kmsKeyId } : {}),
    ...(access.via === 'role' ? { assumeRole: { roleArn: ciStateRoleArn(project, environment.name, stateBackend) } } : {}),
  };
  return state.locking === 'lockfile' ? { ...common, locking: 'lockfile' } : { ...common, locking: state.locking, dynamodbTable: state.dynamodbTable };
}

/**
 * The environments with their state role filled into their S3 state (`assumeRole`), and every
 * problem with their state access, each as `<env>.<field>: what is wrong and how to fix it`.
 */
export function withStateRoles(
  project: string,
  environments: readonly EnvironmentDefinition[],
  stateBackend: StateBackendDefinition,
): { environments: EnvironmentDefinition[]; problems: string[] } {
  const problems: string[] = [];
  const resolved = environments.map((environment) => {
    const { name, state } = environment;
    const { access, account, stateAccount } = environmentIdentity(project, environment, stateBackend);
    // A boundary is a policy of the role's own account (or an AWS managed one): IAM refuses any other.
    const boundaryProblem = (field: string, arn: string | undefined, roleAccount: string, role: string) => {
      const owner = arn ? /^arn:[^:]+:iam::(\d{12}|aws):/.exec(arn)?.[1] : undefined;
      if (owner && owner !== 'aws' && owner !== roleAccount) {
        problems.push(`${name}.${field}: "${arn}" is a policy of account ${owner}, but ${role} is in account ${roleAccount}: use a managed policy of ${roleAccount} (arn:aws:iam::${roleAccount}:policy/<name>) or an AWS managed one`);
      }
    };
    boundaryProblem('ciDeployRole.permissionsBoundary', environment.ciDeployRole?.permissionsBoundary, account, `its CI deploy role`);
    if (access.via === 'role') boundaryProblem('stateAccess.permissionsBoundary', access.permissionsBoundary, stateAccount, 'its state role');
    if (environment.stateAccess?.via === 'role' && environment.stateAccess.permissionsBoundary && access.via !== 'role') {
      problems.push(`${name}.stateAccess.permissionsBoundary: ${name} has no state role (its state is not in the state bucket), so the boundary would apply to nothing: remove it`);
    }
    if (environment.stateAccess?.via === 'role' && environment.stateAccess.externalId && access.via !== 'role') {
      problems.push(`${name}.stateAccess.externalId: ${name} has no state role (its state is not in the state bucket), so no trust would require the external ID: remove it`);
    }
    // State outside the state bucket (local, another backend, a BACKEND_CONFIG_FILE's bucket) has no state role.
    if (access.via === 'none') return environment;
    if (state.kind !== 's3') return environment; // isInStateBucket guarantees S3; this narrows the type
    if (access.via === 'credentials') {
      if (usesStateKey(environment, stateBackend)) {
        problems.push(
          `${name}.stateAccess: its state is encrypted with the state key, whose key policy lets only state roles use it: ` +
            'set stateAccess: { via: "role" } (or remove kmsKeyId from its state)',
        );
      }
      return environment;
    }
    if (state.assumeRole && state.assumeRole.roleArn !== access.roleArn) {
      problems.push(
        `${name}.state.assumeRole.roleArn: "${state.assumeRole.roleArn}" is not ${name}'s state role "${access.roleArn}": remove assumeRole ` +
          '(the app assumes the state role for you), or set stateAccess: { via: "credentials" } to reach the state with a role of your own',
      );
      return environment;
    }
    if (state.assumeRole?.externalId !== undefined && state.assumeRole.externalId !== access.externalId) {
      problems.push(
        `${name}.state.assumeRole.externalId: ${name}'s state role takes its external ID from stateAccess.externalId ` +
          `(${access.externalId ? `"${access.externalId}"` : 'none set'}): remove state.assumeRole and set stateAccess: { via: "role", externalId } instead`,
      );
      return environment;
    }
    return { ...environment, state: { ...state, assumeRole: { roleArn: access.roleArn, ...(access.externalId ? { externalId: access.externalId } : {}) } } };
  });
  return { environments: resolved, problems };
}
