import { appDefinition } from '../../environments';
import { definitionProblems, resourcesOf, synthApp, synthWithOverrides } from '../support/synth';

/**
 * Permissions boundaries an organisation requires on every role (docs/cross-account.md,
 * "Permissions boundaries"): the state roles (`stateAccess.permissionsBoundary`, a policy of the state
 * account) and the CI deploy roles (`ciDeployRole.permissionsBoundary`, a policy of the environment's
 * account), validated with the field named, every problem at once.
 */
const STATE_BOUNDARY = 'arn:aws:iam::333333333333:policy/org/terraform-state-boundary';
const CI_BOUNDARY = 'arn:aws:iam::222222222222:policy/org/ci-boundary';

const build = synthWithOverrides;
const problemsOf = definitionProblems;

describe('with boundaries set', () => {
  const { stacks } = build({ staging: { stateAccess: { via: 'role', permissionsBoundary: STATE_BOUNDARY }, ciDeployRole: { permissionsBoundary: CI_BOUNDARY } } });
  const role = (stack: string, name: string) => resourcesOf(stacks[stack], 'aws_iam_role').find((resource) => resource.name === name)!;

  it('staging\'s state role carries the boundary; production\'s, not given one, has none', () => {
    expect(role('state-backend', 'acme-platform-staging-tfstate').permissions_boundary).toBe(STATE_BOUNDARY);
    expect(role('state-backend', 'acme-platform-production-tfstate')).not.toHaveProperty('permissions_boundary');
  });

  it('staging\'s CI deploy role carries its boundary; production\'s has none', () => {
    expect(role('ci-staging', 'acme-platform-staging-ci-deploy').permissions_boundary).toBe(CI_BOUNDARY);
    expect(role('ci-production', 'acme-platform-production-ci-deploy')).not.toHaveProperty('permissions_boundary');
  });
});

it('without boundaries, no role has one (the default blueprint is unchanged)', () => {
  const { stacks } = synthApp(appDefinition);
  for (const stack of ['state-backend', 'ci-staging', 'ci-production']) {
    for (const resource of resourcesOf(stacks[stack], 'aws_iam_role')) expect(resource).not.toHaveProperty('permissions_boundary');
  }
});

it('a boundary that is not a managed policy ARN is named by the schema; every boundary of another account, or on no role, is named together', () => {
  const problems = problemsOf(() =>
    build({
      staging: { stateAccess: { via: 'role', permissionsBoundary: 'arn:aws:iam::333333333333:role/not-a-policy' }, ciDeployRole: { permissionsBoundary: 'arn:aws:iam::333333333333:policy/ci-boundary' } },
      production: { stateAccess: { via: 'role', permissionsBoundary: 'arn:aws:iam::222222222222:policy/state-boundary' } },
    }),
  );
  expect(problems).toEqual(
    expect.arrayContaining([
      'staging.stateAccess.permissionsBoundary: "arn:aws:iam::333333333333:role/not-a-policy" is not a managed policy ARN: use "arn:aws:iam::<12-digit account>:policy/<name>" (a permissions boundary is a managed policy)',
    ]),
  );
  expect(problems).toHaveLength(1);
  const crossChecks = problemsOf(() =>
    build({
      dev: { stateAccess: { via: 'role', permissionsBoundary: 'arn:aws:iam::111111111111:policy/boundary' } },
      staging: { ciDeployRole: { permissionsBoundary: 'arn:aws:iam::333333333333:policy/ci-boundary' } },
      production: { stateAccess: { via: 'role', permissionsBoundary: 'arn:aws:iam::222222222222:policy/state-boundary' } },
    }),
  );
  expect(crossChecks).toEqual([
    'dev.stateAccess.permissionsBoundary: dev has no state role (its state is not in the state bucket), so the boundary would apply to nothing: remove it',
    'staging.ciDeployRole.permissionsBoundary: "arn:aws:iam::333333333333:policy/ci-boundary" is a policy of account 333333333333, but its CI deploy role is in account 222222222222: use a managed policy of 222222222222 (arn:aws:iam::222222222222:policy/<name>) or an AWS managed one',
    'production.stateAccess.permissionsBoundary: "arn:aws:iam::222222222222:policy/state-boundary" is a policy of account 222222222222, but its state role is in account 333333333333: use a managed policy of 333333333333 (arn:aws:iam::333333333333:policy/<name>) or an AWS managed one',
  ]);
});
