import { appDefinition } from '../../environments';
import type { EnvironmentDefinition } from '../../lib/definitions/environment';
import { App } from 'cdktf';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../lib/app/build-app';
import { stateLocation } from '../../tooling/state/state-location';
import { definitionProblems, resourcesOf, sources, synthApp, synthWithOverrides } from '../support/synth';

/**
 * An external ID on a state role (`stateAccess: { via: 'role', externalId }`, docs/cross-account.md,
 * "External IDs"): every statement of the role's trust requires it (`sts:ExternalId`), the
 * environment's S3 backend passes it (`assume_role { external_id }`), and a value STS would refuse is
 * named with its field, every problem at once.
 */
const EXTERNAL_ID = 'acme-staging-state:2026';

const build = synthWithOverrides;
const problemsOf = definitionProblems;
const trustOf = (stacks: ReturnType<typeof synthApp>['stacks'], name: string) =>
  JSON.parse(resourcesOf(stacks['state-backend'], 'aws_iam_role').find((resource) => resource.name === name)!.assume_role_policy as string) as unknown;

describe('with an external ID on staging\'s state role', () => {
  const { stacks } = build({ staging: { stateAccess: { via: 'role', externalId: EXTERNAL_ID } } });

  it('every statement of its trust requires it, beside the conditions it already had', () => {
    const condition = { StringEquals: { 'sts:ExternalId': [EXTERNAL_ID] } };
    expect(trustOf(stacks, 'acme-platform-staging-tfstate')).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'EnvironmentAccountAdministrators', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::222222222222:root'] }, Action: ['sts:AssumeRole'], Condition: condition },
        {
          Sid: 'EnvironmentCiDeployRole',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::222222222222:root'] },
          Action: ['sts:AssumeRole'],
          Condition: { ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:role/acme-platform-staging-ci-deploy'] }, ...condition },
        },
      ],
    });
  });

  it('staging\'s S3 backend passes it in assume_role; production\'s, not given one, does not', () => {
    expect(stacks.staging.terraform.backend?.s3.assume_role).toEqual({ role_arn: 'arn:aws:iam::333333333333:role/acme-platform-staging-tfstate', external_id: EXTERNAL_ID });
    expect(stacks.production.terraform.backend?.s3.assume_role).toEqual({ role_arn: 'arn:aws:iam::333333333333:role/acme-platform-production-tfstate' });
  });

  it('production\'s state role and the CI stacks\' state roles require none', () => {
    expect(JSON.stringify(trustOf(stacks, 'acme-platform-production-tfstate'))).not.toContain('sts:ExternalId');
    expect(JSON.stringify(trustOf(stacks, 'acme-platform-ci-staging-tfstate'))).not.toContain('sts:ExternalId');
  });
});

it('the default blueprint sets no external ID anywhere', () => {
  const { stacks } = synthApp(appDefinition);
  expect(JSON.stringify(stacks['state-backend'])).not.toContain('sts:ExternalId');
  for (const stack of ['staging', 'production']) expect(stacks[stack].terraform.backend?.s3.assume_role).not.toHaveProperty('external_id');
});

it('an external ID STS would refuse is named with its field and the fix, every problem at once', () => {
  const problems = problemsOf(() =>
    build({
      staging: { stateAccess: { via: 'role', externalId: 'x' } },
      production: { stateAccess: { via: 'role', externalId: 'team acme#1' } },
    }),
  );
  expect(problems).toEqual([
    'staging.stateAccess.externalId: is 1 character(s) long: STS accepts an external ID of 2 to 1224 characters; use a longer one',
    'production.stateAccess.externalId: contains " ", "#", which STS does not accept in an external ID: use only letters, digits and _+=,.@:/-',
  ]);
  expect(problemsOf(() => build({ production: { stateAccess: { via: 'role', externalId: 'a'.repeat(1225) } } }))).toEqual([
    'production.stateAccess.externalId: is 1225 characters long: STS accepts an external ID of 2 to 1224 characters; use a shorter one',
  ]);
  expect(() => build({ production: { stateAccess: { via: 'role', externalId: `${'a'.repeat(1220)}+=,.@:/-_`.slice(0, 1224) } } })).not.toThrow();
});

it('an external ID given in state.assumeRole instead of stateAccess is named: the trust takes it from stateAccess', () => {
  const problems = problemsOf(() =>
    synthApp({
      ...appDefinition,
      environments: appDefinition.environments.map((module) => (blueprint) => {
        const environment = module(blueprint);
        if (environment.name !== 'staging' || environment.state.kind !== 's3') return environment;
        return {
          ...environment,
          state: { ...environment.state, assumeRole: { roleArn: 'arn:aws:iam::333333333333:role/acme-platform-staging-tfstate', externalId: 'acme-staging' } },
        } as EnvironmentDefinition;
      }),
    }),
  );
  expect(problems).toEqual([
    'staging.state.assumeRole.externalId: staging\'s state role takes its external ID from stateAccess.externalId (none set): remove state.assumeRole and set stateAccess: { via: "role", externalId } instead',
  ]);
});

it('an external ID on an environment without a state role is named, as a boundary there is', () => {
  expect(problemsOf(() => build({ dev: { stateAccess: { via: 'role', externalId: 'acme-dev' } } }))).toEqual([
    'dev.stateAccess.externalId: dev has no state role (its state is not in the state bucket), so no trust would require the external ID: remove it',
  ]);
});

it('the state tool reads the external ID from the synthesized backend, beside the role it assumes', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'external-id-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    buildApp(
      app,
      {
        ...appDefinition,
        environments: appDefinition.environments.map((module) => (blueprint) => {
          const environment = module(blueprint);
          return environment.name === 'staging' ? { ...environment, stateAccess: { via: 'role' as const, externalId: EXTERNAL_ID } } : environment;
        }),
      },
      sources(),
    );
    app.synth();
    expect(stateLocation('staging', join(outdir, 'stacks', 'staging'))).toMatchObject({ roleArn: 'arn:aws:iam::333333333333:role/acme-platform-staging-tfstate', externalId: EXTERNAL_ID });
    expect(stateLocation('production', join(outdir, 'stacks', 'production')).externalId).toBeUndefined();
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
