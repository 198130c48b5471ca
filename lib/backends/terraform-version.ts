import type { StateDefinition } from '../definitions/state-definition';

/**
 * Floor for every stack. The S3 backend arguments this project documents and tests (the `endpoints`
 * block, `use_path_style`, the `assume_role` block) arrived with the S3 backend rework in Terraform
 * 1.6, and OpenTofu's first release is 1.6, so both tools share the floor.
 */
export const BASELINE_TERRAFORM_VERSION = '1.6.0';

/**
 * S3-native locking (`use_lockfile`): Terraform 1.10 (experimental) and 1.11 (GA), OpenTofu 1.10.
 * `required_version` is checked by each tool against its own version, so `>= 1.10.0` admits exactly
 * the releases of both tools that understand `use_lockfile`.
 */
export const NATIVE_S3_LOCKING_VERSION = '1.10.0';

/** Lowest Terraform/OpenTofu version a state definition works with. */
export function minimumVersionFor(state: StateDefinition): string {
  if (state.kind === 's3' && state.locking !== 'dynamodb') return NATIVE_S3_LOCKING_VERSION;
  return BASELINE_TERRAFORM_VERSION;
}

/** The `terraform.required_version` constraint a stack with this state declares. */
export function requiredVersionFor(state: StateDefinition): string {
  return `>= ${minimumVersionFor(state)}`;
}
