import type { StateDefinition } from '../definitions/state-definition';

/**
 * Version floors derived from what each stack uses: the one table the backend factory, the doctor,
 * the workflows' preflight (through the synthesized `required_version`), the generated examples and
 * the guide's version table read. Each backend feature carries its Terraform and its OpenTofu floor
 * with the changelog line or pull request that proves it; a stack's `required_version` is the highest
 * floor among the features it uses, plus the releases a feature excludes.
 *
 * `required_version` is one string that both tools check against their own version, with no "Terraform
 * only": a feature's floor in the constraint is the higher of its two floors (e.g. the lockfile's 1.10.2
 * comes from OpenTofu; Terraform alone would need 1.10.1), and an excluded Terraform release excludes
 * the OpenTofu release with the same number too.
 */

/** One tool's floor for a feature, and the releases above it that must not run it. */
export interface ToolFloor {
  /** Lowest release that works. */
  readonly floor: string;
  /** Releases at or above the floor that break the feature. @default - none */
  readonly excluded?: readonly string[];
  /** The first release after the excluded ones that works again. @default - none (only with `excluded`) */
  readonly fixedIn?: string;
  /** Primary sources (changelog, pull request, issue) proving the floor and every exclusion. */
  readonly sources: readonly string[];
}

export type BackendFeatureId = 'baseline' | 'kms-alias' | 'prefix-limited-listing' | 'use-lockfile' | 'dynamodb-table';

export interface BackendFeature {
  readonly id: BackendFeatureId;
  /** What the stack uses, as the guide's table names it. */
  readonly feature: string;
  /** What goes wrong below the floor. */
  readonly why: string;
  /** What goes wrong on an excluded release. @default - none (only with `excluded`) */
  readonly excludedBecause?: string;
  readonly terraform: ToolFloor;
  readonly openTofu: ToolFloor;
  /** Whether a stack with this state definition uses the feature. */
  readonly usedBy: (state: StateDefinition) => boolean;
}

const TF = 'https://github.com/hashicorp/terraform';
const TOFU = 'https://github.com/opentofu/opentofu';

/** Matches a KMS alias given as an ARN (`arn:aws:kms:…:alias/x`) or a bare `alias/x`. */
const KMS_ALIAS = /(^|:)alias\//;

const isS3 = (state: StateDefinition): state is Extract<StateDefinition, { kind: 's3' }> => state.kind === 's3';

/** The table, lowest floor first. A floor is raised only with a source, never lowered without one. */
export const BACKEND_FEATURES: readonly BackendFeature[] = [
  {
    id: 'baseline',
    feature: 'every stack (the S3 backend arguments this project writes and documents: `endpoints`, `use_path_style`, the `assume_role` block)',
    why: 'these arrived with the S3 backend rework in Terraform 1.6; OpenTofu 1.6 is its first release',
    terraform: { floor: '1.6.0', sources: [`${TF}/blob/v1.6/CHANGELOG.md`] },
    openTofu: { floor: '1.6.0', sources: [`${TOFU}/blob/v1.6/CHANGELOG.md`] },
    usedBy: () => true,
  },
  {
    id: 'kms-alias',
    feature: '`kms_key_id` given as a KMS alias (`arn:…:alias/…`)',
    why: 'Terraform 1.6.0 accepts only `key/…` ARNs and stops `init` with "Invalid KMS Key ARN"',
    terraform: { floor: '1.6.1', sources: [`${TF}/pull/33993`, `${TF}/issues/34005`] },
    openTofu: { floor: '1.6.0', sources: [`${TOFU}/pull/670`] },
    usedBy: (state) => isS3(state) && state.kmsKeyId !== undefined && KMS_ALIAS.test(state.kmsKeyId),
  },
  {
    id: 'prefix-limited-listing',
    feature: '`assume_role` into a role whose `s3:ListBucket` is limited to `s3:prefix` = the state key (this project\'s state roles)',
    why: '`init` lists the `env:` workspace prefix, which such a role may not list; older releases fail on the AccessDenied',
    terraform: { floor: '1.7.2', sources: [`${TF}/blob/v1.7/CHANGELOG.md`, `${TF}/pull/34511`] },
    openTofu: { floor: '1.7.0', sources: [`${TOFU}/blob/v1.7/CHANGELOG.md`, `${TOFU}/pull/1445`] },
    usedBy: (state) => isS3(state) && state.assumeRole !== undefined,
  },
  {
    id: 'use-lockfile',
    feature: '`use_lockfile` (S3-native locking; `locking: lockfile` or `both`)',
    why:
      'both tools know `use_lockfile` from 1.10.0; Terraform 1.10.0 cannot write the lock on Object Lock buckets, and OpenTofu ' +
      '1.10.0 and 1.10.1 write it without the server-side encryption header, which this bucket\'s SSE-KMS refuses',
    terraform: { floor: '1.10.1', sources: [`${TF}/blob/v1.10/CHANGELOG.md`, `${TF}/pull/36120`] },
    openTofu: { floor: '1.10.2', sources: [`${TOFU}/blob/v1.10/CHANGELOG.md`, `${TOFU}/issues/2970`] },
    usedBy: (state) => isS3(state) && state.locking !== 'dynamodb',
  },
  {
    id: 'dynamodb-table',
    feature: '`dynamodb_table` (`locking: dynamodb` or `both`)',
    why: 'every release knows `dynamodb_table`; Terraform deprecates it from 1.11 (a warning), OpenTofu does not',
    excludedBecause:
      'prints the dynamodb_table deprecation warning on stdout of `terraform output -json`, which breaks `cdktf deploy` ' +
      '("Failed to parse terraform output")',
    terraform: {
      floor: '1.6.0',
      excluded: ['1.15.0', '1.15.1'],
      fixedIn: '1.15.2',
      sources: [`${TF}/blob/v1.15/CHANGELOG.md`, `${TF}/issues/38479`, `${TF}/pull/38487`, `${TF}/pull/38530`],
    },
    openTofu: { floor: '1.6.0', sources: ['https://opentofu.org/docs/language/settings/backends/s3/'] },
    usedBy: (state) => isS3(state) && state.locking !== 'lockfile',
  },
];

function featureById(id: BackendFeatureId): BackendFeature {
  return BACKEND_FEATURES.find((f) => f.id === id)!;
}

/** Compares dotted versions numerically; a pre-release (`1.10.0-beta1`) sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.replace(/^v/, '').split('-', 2);
    return { parts: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const diff = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  if (x.pre && !y.pre) return -1;
  if (!x.pre && y.pre) return 1;
  return 0;
}

const highest = (versions: readonly string[]) => versions.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));

/** The floor a feature puts into `required_version`: the higher of its two tools' floors. */
export function constraintFloorOf(feature: BackendFeature): string {
  return highest([feature.terraform.floor, feature.openTofu.floor]);
}

/** The features a stack with this state uses, in table order. */
export function featuresUsedBy(state: StateDefinition): readonly BackendFeature[] {
  return BACKEND_FEATURES.filter((f) => f.usedBy(state));
}

/** The used feature that sets the stack's floor (the first of the highest, in table order). */
export function limitingFeatureFor(state: StateDefinition): BackendFeature {
  const used = featuresUsedBy(state);
  const floor = highest(used.map(constraintFloorOf));
  return used.find((f) => constraintFloorOf(f) === floor)!;
}

/** Lowest Terraform/OpenTofu version a state definition works with: the highest floor among its features. */
export function minimumVersionFor(state: StateDefinition): string {
  return constraintFloorOf(limitingFeatureFor(state));
}

/** One tool's own floor for a state (what the doctor compares a found binary with). */
export function toolMinimumVersionFor(state: StateDefinition, tool: 'Terraform' | 'OpenTofu'): string {
  return highest(featuresUsedBy(state).map((f) => (tool === 'Terraform' ? f.terraform : f.openTofu).floor));
}

/**
 * Versions a state definition must not run with. `required_version` has no "Terraform only": excluding
 * Terraform 1.15.0/1.15.1 also excludes OpenTofu 1.15.0/1.15.1 (not released yet, and unaffected). Two
 * patch releases of a future OpenTofu are the price of protecting every Terraform user; the
 * alternative, `< 1.15.0`, would shut out the fixed Terraform releases as well.
 */
export function excludedVersionsFor(state: StateDefinition): readonly string[] {
  const excluded = featuresUsedBy(state).flatMap((f) => [...(f.terraform.excluded ?? []), ...(f.openTofu.excluded ?? [])]);
  return [...new Set(excluded)].sort(compareVersions);
}

/** Why `version` is excluded for this state (the doctor and preflight say it before Terraform does), or undefined. */
export function exclusionReasonFor(state: StateDefinition, version: string): string | undefined {
  const plain = version.replace(/^v/, '');
  for (const feature of featuresUsedBy(state)) {
    for (const [tool, floor] of [['Terraform', feature.terraform], ['OpenTofu', feature.openTofu]] as const) {
      if (!floor.excluded?.includes(plain)) continue;
      return `${tool} ${version} ${feature.excludedBecause ?? 'is excluded'}${floor.fixedIn ? `; fixed in ${floor.fixedIn}` : ''}`;
    }
  }
  return undefined;
}

/**
 * The `terraform.required_version` constraint a stack with this state declares. A stack that also reads
 * other stacks' state (`terraform_remote_state`) configures their backends too, so their floors count:
 * reading production's state through its state role lists `env:` and validates its KMS alias as
 * production's own runs do. Their exclusions do not: the 1.15.0/1.15.1 `output -json` bug is about the
 * stack's own backend (hashicorp/terraform#38479).
 */
export function requiredVersionFor(state: StateDefinition, reads: readonly StateDefinition[] = []): string {
  const floor = highest([state, ...reads].map(minimumVersionFor));
  return [`>= ${floor}`, ...excludedVersionsFor(state).map((v) => `!= ${v}`)].join(', ');
}

/** The floor every stack shares (the `baseline` feature). */
export const BASELINE_TERRAFORM_VERSION = constraintFloorOf(featureById('baseline'));

/** The floor S3-native locking (`use_lockfile`) puts into `required_version`. */
export const NATIVE_S3_LOCKING_VERSION = constraintFloorOf(featureById('use-lockfile'));

/** Terraform releases excluded for `dynamodb_table` (their `output -json` breaks cdktf). */
export const DYNAMODB_WARNING_ON_STDOUT_VERSIONS: readonly string[] = featureById('dynamodb-table').terraform.excluded ?? [];

/** The first Terraform release after the ones above whose `output -json` is clean again. */
export const DYNAMODB_WARNING_ON_STDOUT_FIXED_IN = featureById('dynamodb-table').terraform.fixedIn!;
