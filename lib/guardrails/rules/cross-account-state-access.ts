import { TerraformStack } from 'cdktf';
import { accountOfIamArn } from '../../identities/names';
import { backendConfig, isJsonObject } from '../terraform-config';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type GuardrailRule } from '../rule';

/**
 * An environment whose account is not the state account reaches its S3 state only by assuming a role
 * in the state account: its own credentials find neither the lock table (DynamoDB tables are per
 * account) nor any grant on the bucket. Without one, every plan fails at `init`, or worse, a
 * DynamoDB-locked backend looks for the table in the wrong account.
 */
export const crossAccountStateAccess: GuardrailRule = {
  id: 'cross-account-state-access',
  description: 'An environment in another account than the state account must assume a role in the state account to reach its state',
  fix: 'remove stateAccess from the environment definition (environments in another account assume their state role by default), or set stateAccess: { via: "role" }',
  check(construct, scope) {
    if (!TerraformStack.isStack(construct) || !scope.stateAccount) return NOT_APPLICABLE;
    const { environmentAccountIds, stateAccountId, stateBucket } = scope.stateAccount;
    const { kind, config } = backendConfig(construct);
    if (kind !== 's3' || config.bucket !== stateBucket) return NOT_APPLICABLE;
    if (config.role_arn !== undefined) {
      return nonCompliant(
        `${scope.environment}.state: its S3 backend sets the top-level role_arn, which Terraform 1.10 removed`,
        'use the assume_role block: state.assumeRole = { roleArn } (or let stateAccess assume the state role)',
      );
    }
    if (environmentAccountIds.includes(stateAccountId)) return COMPLIANT;
    const assumed = isJsonObject(config.assume_role) ? config.assume_role.role_arn : undefined;
    if (typeof assumed === 'string' && accountOfIamArn(assumed) === stateAccountId) return COMPLIANT;
    return nonCompliant(
      `${scope.environment}.stateAccess: the environment runs in account ${environmentAccountIds.join(', ')} but its state is in ` +
        `s3://${stateBucket} in account ${stateAccountId}, and its backend assumes ` +
        `${typeof assumed === 'string' ? `"${assumed}", which is not a role of the state account` : 'no role'}, so it cannot reach its state or lock`,
    );
  },
};
