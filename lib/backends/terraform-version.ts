import type { StateDefinition } from '../definitions/state-definition';

/**
 * Floor for every stack. The S3 backend arguments this project documents and tests (the `endpoints`
 * block, `use_path_style`, the `assume_role` block) arrived with the S3 backend rework in Terraform
 * 1.6, and OpenTofu's first release is 1.6, so both tools share the floor.
 */
export const BASELINE_TERRAFORM_VERSION = '1.6.0';

/**
 * Floor for S3-native locking (`use_lockfile`). Both tools know `use_lockfile` from 1.10.0, but
 * OpenTofu 1.10.0 and 1.10.1 write the `.tflock` object without the `x-amz-server-side-encryption`
 * header (opentofu/opentofu#2970, fixed in 1.10.2 and 1.11.0). In a bucket whose default encryption
 * is SSE-KMS with a key the environment may not use (this project's state key), such a lock is
 * refused. 1.10.2 excludes exactly those two releases; for Terraform it also excludes 1.10.0, whose
 * lock writes fail on Object Lock buckets (hashicorp/terraform#36120, fixed in 1.10.1).
 */
export const NATIVE_S3_LOCKING_VERSION = '1.10.2';

/**
 * Terraform releases whose `terraform output -json` prints the S3 backend's `dynamodb_table`
 * deprecation warning on stdout, after the JSON, so cdktf's `JSON.parse` fails ("Failed to parse
 * terraform output"): 1.15.0 (also `-raw`) and 1.15.1 (`-raw` fixed, hashicorp/terraform#38487);
 * `-json` is fixed in 1.15.2 (#38530) and in every 1.16 pre-release.
 */
export const DYNAMODB_WARNING_ON_STDOUT_VERSIONS: readonly string[] = ['1.15.0', '1.15.1'];

/** The first Terraform release after the ones above whose `output -json` is clean again. */
export const DYNAMODB_WARNING_ON_STDOUT_FIXED_IN = '1.15.2';

function usesLockfile(state: StateDefinition): boolean {
  return state.kind === 's3' && state.locking !== 'dynamodb';
}

function usesDynamoDb(state: StateDefinition): boolean {
  return state.kind === 's3' && state.locking !== 'lockfile';
}

/** Lowest Terraform/OpenTofu version a state definition works with. */
export function minimumVersionFor(state: StateDefinition): string {
  return usesLockfile(state) ? NATIVE_S3_LOCKING_VERSION : BASELINE_TERRAFORM_VERSION;
}

/**
 * Versions a state definition must not run with. `required_version` is one string that OpenTofu checks
 * against its own version too, and it has no "Terraform only": excluding Terraform 1.15.0/1.15.1 also
 * excludes OpenTofu 1.15.0/1.15.1 (not released yet, and unaffected: OpenTofu does not deprecate
 * `dynamodb_table`). Two patch releases of a future OpenTofu are the price of protecting every
 * Terraform user; the alternative, `< 1.15.0`, would shut out the fixed Terraform releases as well.
 */
export function excludedVersionsFor(state: StateDefinition): readonly string[] {
  return usesDynamoDb(state) ? DYNAMODB_WARNING_ON_STDOUT_VERSIONS : [];
}

/** Why `version` is excluded for this state (the doctor and preflight say it before Terraform does), or undefined. */
export function exclusionReasonFor(state: StateDefinition, version: string): string | undefined {
  if (!excludedVersionsFor(state).includes(version.replace(/^v/, ''))) return undefined;
  return (
    `Terraform ${version} prints the dynamodb_table deprecation warning on stdout of \`terraform output -json\`, which breaks ` +
    `\`cdktf deploy\` ("Failed to parse terraform output"); fixed in ${DYNAMODB_WARNING_ON_STDOUT_FIXED_IN}`
  );
}

/** The `terraform.required_version` constraint a stack with this state declares. */
export function requiredVersionFor(state: StateDefinition): string {
  return [`>= ${minimumVersionFor(state)}`, ...excludedVersionsFor(state).map((v) => `!= ${v}`)].join(', ');
}
