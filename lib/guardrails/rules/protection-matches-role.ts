import { TerraformStack } from 'cdktf';
import { MINIMUM_PROTECTION, protectionRank, roleRank } from '../role';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, roleOf, roleReason, type GuardrailRule } from '../rule';

/**
 * The protection an environment declares is at least what its role needs: production set to
 * `protection: 'ephemeral'` would otherwise get force_destroy buckets and no prevent_destroy.
 */
export const protectionMatchesRole: GuardrailRule = {
  id: 'protection-matches-role',
  description: 'An environment\'s protection level is at least what its role (production, shared) needs',
  fix: 'raise the protection level to what the role needs',
  check(construct, scope) {
    if (!TerraformStack.isStack(construct)) return NOT_APPLICABLE;
    const role = roleOf(scope);
    const needed = MINIMUM_PROTECTION[role];
    if (protectionRank(scope.protection) >= roleRank(role)) return COMPLIANT;
    return nonCompliant(
      `"${scope.environment}" is ${role} (${roleReason(scope)}) but declares protection "${scope.protection}"`,
      `set protection: "${needed}" in its definition`,
    );
  },
};
