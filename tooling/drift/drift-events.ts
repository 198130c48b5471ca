/**
 * Reads `terraform show -json <refresh-only plan>`: `resource_drift` lists every object whose
 * refreshed value differs from the state. Not all of that is drift: the AWS provider fills in values
 * it never recorded (`tags = {}`, an S3 bucket's computed `policy` and `lifecycle_rule` copied from
 * their own resources), on real AWS as in the sandbox. Drift here is a recorded value that changed,
 * or an object that is gone.
 */
export interface DriftedResource {
  readonly address: string;
  /** `update` (changed out of band) or `delete` (gone). */
  readonly action: string;
  /** Attribute paths whose recorded value changed (never the values: they may be secrets). */
  readonly attributes: readonly string[];
}

interface ShowJson {
  readonly prior_state?: { readonly values?: { readonly root_module?: { readonly resources?: readonly unknown[] } } };
  readonly resource_drift?: ReadonlyArray<{ readonly address: string; readonly change: { readonly actions: readonly string[]; readonly before: unknown; readonly after: unknown } }>;
}

const isEmpty = (value: unknown) =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

/** Paths where a recorded (non-empty) value differs; values the provider only now filled in are ignored. */
export function changedPaths(before: unknown, after: unknown, path = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isEmpty(before)) return [];
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, index) => changedPaths(item, after[index], path ? `${path}.${index}` : `${index}`));
  }
  if (before && after && typeof before === 'object' && typeof after === 'object' && !Array.isArray(before) && !Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => changedPaths((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], path ? `${path}.${key}` : key));
  }
  return [path || '(the whole object)'];
}

/**
 * Computed attributes that mirror what other resources of the same stack manage, so they change on
 * the first refresh after a clean deploy: aws_s3_bucket's deprecated copies of its own sub-resources
 * (aws_s3_bucket_versioning, _server_side_encryption_configuration, _lifecycle_configuration,
 * _policy, _ownership_controls), and aws_iam_policy's `attachment_count`, which rises when the
 * stack's aws_iam_role_policy_attachment attaches it after the policy was recorded. Drift in them is
 * reported on the resource that manages it.
 */
const MIRRORED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  aws_s3_bucket: ['versioning', 'server_side_encryption_configuration', 'lifecycle_rule', 'policy', 'grant', 'acl'],
  aws_iam_policy: ['attachment_count'],
};

function resourceType(address: string): string {
  const parts = address.split('.');
  // module.x.type.name: the type is the part before the last one (data sources never drift).
  return parts[parts.length - 2];
}

export interface DriftReport {
  /** The state holds no managed resources: nothing deployed. */
  readonly empty: boolean;
  readonly drifted: readonly DriftedResource[];
}

export function driftOf(showJson: string): DriftReport {
  const plan = JSON.parse(showJson) as ShowJson;
  // prior_state is the state after the refresh: a stack whose every object was deleted out of band
  // refreshes to nothing, but its resource_drift still names what it held, so it is not "not deployed".
  const empty = (plan.prior_state?.values?.root_module?.resources ?? []).length === 0 && (plan.resource_drift ?? []).length === 0;
  const drifted: DriftedResource[] = [];
  for (const drift of plan.resource_drift ?? []) {
    const actions = drift.change.actions;
    if (actions.includes('delete') || drift.change.after === null) {
      drifted.push({ address: drift.address, action: 'delete', attributes: [] });
      continue;
    }
    const mirrored = MIRRORED_ATTRIBUTES[resourceType(drift.address)] ?? [];
    const attributes = changedPaths(drift.change.before, drift.change.after).filter((path) => !mirrored.includes(path.split('.')[0]));
    if (attributes.length > 0) drifted.push({ address: drift.address, action: 'update', attributes });
  }
  return { empty, drifted };
}

/**
 * How many resources `terraform state pull` printed: 0 for no state at all (it prints nothing), or
 * undefined when the output is not a state (then the plan is what reports the problem).
 */
export function resourcesInPulledState(stdout: string): number | undefined {
  if (stdout.trim() === '') return 0;
  try {
    const state = JSON.parse(stdout.slice(stdout.indexOf('{'), stdout.lastIndexOf('}') + 1)) as { resources?: unknown };
    return Array.isArray(state.resources) ? state.resources.length : undefined;
  } catch {
    return undefined;
  }
}
