import { partitionOf, ssmParameterArn } from '../iam/arn';
import { parameterName } from '../naming/naming-rule';

/**
 * The version of what the state-backend stack deploys, stamped into the deployed stack (the way
 * `cdk bootstrap` stamps its bootstrap stack) so that `npm run doctor` and `npm run bootstrap` can
 * say "the deployed state-backend is older than this code" instead of failing obscurely later.
 *
 * Bump it (by one) with any change to what the state-backend stack deploys that environments or the
 * tooling rely on: a state role's policy or trust, the bucket policy, the key policy, the lock table,
 * a new output or resource that another stack or tool reads. Do not bump it for changes nothing relies
 * on (descriptions, tags). The same commit should say in docs/bootstrap.md what the new version adds.
 *
 * History: 1 — the first stamped version (bucket, lock table, key, state roles).
 * 2 — a state role per CI stack (`<project>-ci-<env>-tfstate`, output `ci_state_role_arn_<env>`), which
 * the `ci-<env>` stacks' backends assume, and the state key's policy letting those whose environment
 * encrypts with it use it; state roles that may list and read earlier versions of their own key (npm
 * run state); the access log bucket; the optional replica (its bucket, key, replication role, and each
 * state role's policy for it).
 */
export const STATE_BACKEND_VERSION = 2;

/**
 * `/<project>/state-backend/version`: the SSM String parameter, in the state account and the
 * state-backend's region, that holds the deployed version. Fixed, not derived from the stack name,
 * so the tooling finds it without knowing how the stack was named.
 */
export function stateBackendVersionParameterName(project: string): string {
  return parameterName(project, 'state-backend', 'version');
}

/** Where the deployed stamp lives, for messages that name the permission to read it. */
export function stateBackendVersionParameterArn(project: string, region: string, account: string): string {
  return ssmParameterArn(partitionOf(region), region, account, stateBackendVersionParameterName(project));
}
