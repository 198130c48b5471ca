import { TerraformStack } from 'cdktf';
import { backendConfig } from '../terraform-config';
import { COMPLIANT, NOT_APPLICABLE, isShared, nonCompliant, roleOf, roleReason, type GuardrailRule } from '../rule';

/** Backends whose state service always locks (blob leases, HCP runs, Consul sessions, ...). */
const ALWAYS_LOCKING = new Set(['gcs', 'azurerm', 'cloud', 'remote', 'consul', 'pg', 'kubernetes']);

/** Shared environments (every protection level but `ephemeral`) keep their state remote and locked. */
export const sharedEnvRemoteState: GuardrailRule = {
  id: 'shared-env-remote-state',
  description: 'Shared environments (staging, production) must have remote state with locking',
  fix: 'give the environment remote, locked state, e.g. state: { kind: "s3", bucket, region, locking: "lockfile" } as in environments/staging.ts',
  check(construct, scope) {
    if (!TerraformStack.isStack(construct) || !isShared(scope)) return NOT_APPLICABLE;
    const { kind, config } = backendConfig(construct);
    if (kind === 'local') {
      return nonCompliant(
        `"${scope.environment}" is ${roleOf(scope) === 'production' ? 'production' : 'shared'} (${roleReason(scope)}) but keeps its state in a local file that nobody else sees and nothing locks`,
      );
    }
    if (kind === 's3') {
      const locked = config.use_lockfile === true || (typeof config.dynamodb_table === 'string' && config.dynamodb_table !== '');
      return locked
        ? COMPLIANT
        : nonCompliant(
            'its S3 state has no locking (neither use_lockfile nor dynamodb_table), so two concurrent applies can overwrite each other',
            'set locking: "lockfile" (Terraform/OpenTofu >= 1.10) or "dynamodb" with a lock table in its state definition',
          );
    }
    if (kind === 'http') return config.lock_address ? COMPLIANT : nonCompliant('its http backend has no lock_address, so state is not locked');
    if (ALWAYS_LOCKING.has(kind)) return COMPLIANT;
    return nonCompliant(`this rule cannot tell whether the "${kind}" backend locks state`, 'use a backend from lib/backends, or suppress this rule with the reason why it locks');
  },
};
