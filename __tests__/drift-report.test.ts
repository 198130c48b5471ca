import { changedPaths, driftOf, resourcesInPulledState } from '../tooling/drift/drift-events';

const plan = (drift: unknown[], resources: unknown[] = [{ address: 'x' }]) => JSON.stringify({ prior_state: { values: { root_module: { resources } } }, resource_drift: drift });

describe('drift report', () => {
  test('a recorded value that changed is drift, named by its attribute path', () => {
    const report = driftOf(
      plan([
        {
          address: 'aws_s3_bucket_versioning.assets',
          change: { actions: ['update'], before: { versioning_configuration: [{ status: 'Enabled', mfa_delete: '' }] }, after: { versioning_configuration: [{ status: 'Suspended', mfa_delete: '' }] } },
        },
      ]),
    );
    expect(report).toEqual({ empty: false, drifted: [{ address: 'aws_s3_bucket_versioning.assets', action: 'update', attributes: ['versioning_configuration.0.status'] }] });
  });

  test('values the provider only now filled in are not drift (tags = {}, computed mirrors on aws_s3_bucket)', () => {
    const report = driftOf(
      plan([
        { address: 'aws_kms_key.k', change: { actions: ['update'], before: { tags: null, id: 'k' }, after: { tags: {}, id: 'k' } } },
        {
          address: 'aws_s3_bucket.state',
          change: { actions: ['update'], before: { versioning: [{ enabled: false }], policy: '', bucket: 'b' }, after: { versioning: [{ enabled: true }], policy: '{"Statement":[]}', bucket: 'b' } },
        },
      ]),
    );
    expect(report.drifted).toEqual([]);
  });

  test('a tag changed out of band on aws_s3_bucket is still drift (only the mirrored sub-resource attributes are skipped)', () => {
    const report = driftOf(plan([{ address: 'module.m.aws_s3_bucket.b', change: { actions: ['update'], before: { tags_all: { a: '1' } }, after: { tags_all: { a: '2' } } } }]));
    expect(report.drifted).toEqual([{ address: 'module.m.aws_s3_bucket.b', action: 'update', attributes: ['tags_all.a'] }]);
  });

  test("aws_iam_policy's attachment_count rising after the stack's own attachment is not drift; a changed policy document is", () => {
    const report = driftOf(
      plan([
        { address: 'aws_iam_policy.state-access-staging', change: { actions: ['update'], before: { attachment_count: 0, policy: '{"a":1}' }, after: { attachment_count: 1, policy: '{"a":1}' } } },
        { address: 'aws_iam_policy.state-access-production', change: { actions: ['update'], before: { attachment_count: 1, policy: '{"a":1}' }, after: { attachment_count: 1, policy: '{"a":2}' } } },
      ]),
    );
    expect(report.drifted).toEqual([{ address: 'aws_iam_policy.state-access-production', action: 'update', attributes: ['policy'] }]);
  });

  test('an object deleted out of band is drift', () => {
    expect(driftOf(plan([{ address: 'aws_ssm_parameter.p', change: { actions: ['delete'], before: { id: 'p' }, after: null } }])).drifted).toEqual([
      { address: 'aws_ssm_parameter.p', action: 'delete', attributes: [] },
    ]);
  });

  test('a state with no resources is reported as not deployed', () => {
    expect(driftOf(plan([], [])).empty).toBe(true);
  });

  test('a stack whose every object was deleted out of band is drift, not "not deployed" (its refreshed state is empty)', () => {
    const report = driftOf(plan([{ address: 'aws_ssm_parameter.p', change: { actions: ['delete'], before: { id: 'p' }, after: null } }], []));
    expect(report.empty).toBe(false);
    expect(report.drifted).toEqual([{ address: 'aws_ssm_parameter.p', action: 'delete', attributes: [] }]);
  });

  test('resourcesInPulledState: no state at all, an empty state, a deployed one, and output that is not a state', () => {
    expect(resourcesInPulledState('')).toBe(0);
    expect(resourcesInPulledState('\n')).toBe(0);
    expect(resourcesInPulledState(JSON.stringify({ version: 4, serial: 3, resources: [] }))).toBe(0);
    const deployed = JSON.stringify({ version: 4, resources: [{ mode: 'managed', type: 'aws_s3_bucket', name: 'b', instances: [] }] }, null, 2);
    expect(resourcesInPulledState(deployed)).toBe(1);
    // A warning printed around the state (a future release's deprecation notice) does not hide it.
    expect(resourcesInPulledState(`Warning: Deprecated Parameter\n\n${deployed}\n`)).toBe(1);
    // Not a state: the plan decides, so none of these may read as "not deployed".
    expect(resourcesInPulledState('Error: Failed to load state')).toBeUndefined();
    expect(resourcesInPulledState('{"version": 4')).toBeUndefined();
    expect(resourcesInPulledState('{"version": 4}')).toBeUndefined();
  });

  test('changedPaths: list length changes and scalar changes are reported at their path', () => {
    expect(changedPaths({ rule: [{ a: 1 }] }, { rule: [{ a: 1 }, { a: 2 }] })).toEqual(['rule']);
    expect(changedPaths({ n: 1 }, { n: 2 })).toEqual(['n']);
    expect(changedPaths(1, 1)).toEqual([]);
  });
});
