import { appDefinition } from '../../environments';
import type { AppDefinition } from '../../lib/app/build-app';
import type { EnvironmentDefinition } from '../../lib/definitions/environment';
import { definitionProblems, resourcesOf, sources, synthApp, synthWithOverrides, type StackJson } from '../support/synth';
import { Testing } from 'cdktf';
import { attachGuardrails, guardrailFindings } from '../../lib/guardrails';
import { environmentIdentity } from '../../lib/identities/resolve';
import { resolveDefinitions } from '../../lib/settings/resolve-definitions';
import { CiIdentityStack } from '../../lib/stacks/ci-identity-stack';

const { stacks } = synthApp(appDefinition);
const json = (value: unknown) => JSON.parse(value as string) as { Statement: Array<Record<string, unknown>> };
const byName = (stack: StackJson, type: string, name: string) => resourcesOf(stack, type).find((resource) => resource.name === name)!;
const addressOf = (stack: StackJson, type: string, name: string) =>
  `${type}.${Object.entries(stack.resource?.[type] ?? {}).find(([, resource]) => resource.name === name)![0]}`;

describe('state roles in the state-backend stack', () => {
  const backend = stacks['state-backend'];

  it('one role per environment whose state is in the state bucket, each with exactly its own policy attached', () => {
    // Plus, per CI stack, the role through which it reaches its own state (below), and the replica's
    // replication role (its own tests: __tests__/state-replica.test.ts and the sandbox's).
    expect(resourcesOf(backend, 'aws_iam_role').map((role) => role.name).sort()).toEqual([
      'acme-platform-ci-production-tfstate',
      'acme-platform-ci-staging-tfstate',
      'acme-platform-production-tfstate',
      'acme-platform-staging-tfstate',
      'acme-platform-state-backend-replication',
    ]);
    const attachments = resourcesOf(backend, 'aws_iam_role_policy_attachment').map((a) => [a.role, a.policy_arn]);
    const attached = (env: string, policy: string) => [
      `\${${addressOf(backend, 'aws_iam_role', `acme-platform-${env}-tfstate`)}.name}`,
      `\${${addressOf(backend, 'aws_iam_policy', `acme-platform-${policy}`)}.arn}`,
    ];
    // Each environment's state role also gets its policy's twin for the replica (docs/recovery.md#region-loss).
    expect(attachments.sort()).toEqual(
      [
        ...['ci-production', 'ci-staging', 'production', 'staging'].map((env) => attached(env, `${env}-tfstate-access`)),
        ...['production', 'staging'].map((env) => attached(env, `${env}-tfstate-replica-access`)),
      ].sort(),
    );
  });

  it('staging\'s role trusts staging\'s account and its CI role; production\'s the production account and its CI role', () => {
    const trust = (env: string) => json(byName(backend, 'aws_iam_role', `acme-platform-${env}-tfstate`).assume_role_policy).Statement;
    for (const [env, account] of [['staging', '222222222222'], ['production', '333333333333']]) {
      expect(trust(env)).toEqual([
        { Sid: 'EnvironmentAccountAdministrators', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${account}:root`] }, Action: ['sts:AssumeRole'] },
        {
          Sid: 'EnvironmentCiDeployRole',
          Effect: 'Allow',
          Principal: { AWS: [`arn:aws:iam::${account}:root`] },
          Action: ['sts:AssumeRole'],
          Condition: { ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${account}:role/acme-platform-${env}-ci-deploy`] } },
        },
      ]);
    }
  });

  it('the state key\'s policy lets exactly production\'s state roles use it, its own and ci-production\'s (staging writes SSE-S3 and is not listed)', () => {
    // The state key, not the replica's (its own key, lib/constructs/state-replica.ts).
    const stateKey = Object.entries(backend.resource?.aws_kms_key ?? {}).find(([address]) => address.startsWith('state-key'));
    expect(stateKey).toBeDefined();
    const policy = json(stateKey![1].policy);
    const users = policy.Statement.filter((statement) => statement.Sid === 'StateRolesUseKey');
    expect(users).toEqual([
      {
        Sid: 'StateRolesUseKey',
        Effect: 'Allow',
        Principal: {
          AWS: [
            `\${${addressOf(backend, 'aws_iam_role', 'acme-platform-production-tfstate')}.arn}`,
            `\${${addressOf(backend, 'aws_iam_role', 'acme-platform-ci-production-tfstate')}.arn}`,
          ],
        },
        Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: ['*'],
      },
    ]);
    // ReplicationDecryptsThroughS3: the replication role reads state objects through S3 only (docs/recovery.md#region-loss).
    expect(policy.Statement.map((statement) => statement.Sid)).toEqual(['KeyAdministration', 'LockTableEncryptionThroughDynamoDb', 'StateRolesUseKey', 'ReplicationDecryptsThroughS3']);
  });

  it('the state bucket policy keeps TLS-only and denies every other account than the state account', () => {
    // The state bucket's own policy (the access log and replica buckets have theirs).
    const policies = resourcesOf(backend, 'aws_s3_bucket_policy').filter((candidate) => /^\$\{aws_s3_bucket\.state_bucket_[0-9A-F]+\.(id|bucket)\}$/.test(candidate.bucket as string));
    expect(policies).toHaveLength(1);
    const policy = policies[0].policy as string;
    expect(policy).toContain('"Sid" = "DenyInsecureTransport"');
    expect(policy).toContain('"Sid" = "DenyOtherAccounts"');
    expect(policy).toContain('"aws:PrincipalAccount" = "333333333333"');
    expect(policy).toContain('StringNotEquals');
  });
});

describe('backends assume the state role', () => {
  it('staging (another account) and production (asks for it) assume their own state role; never the top-level role_arn', () => {
    expect(stacks.staging.terraform.backend?.s3?.assume_role).toEqual({ role_arn: 'arn:aws:iam::333333333333:role/acme-platform-staging-tfstate' });
    expect(stacks.production.terraform.backend?.s3?.assume_role).toEqual({
      role_arn: 'arn:aws:iam::333333333333:role/acme-platform-production-tfstate',
    });
    for (const stack of Object.values(stacks)) expect(stack.terraform.backend?.s3 ?? {}).not.toHaveProperty('role_arn');
    expect(stacks.dev.terraform.backend).toEqual({ local: { path: '../../../terraform.dev.tfstate' } });
    expect(stacks.staging.output?.state_role_arn?.value).toBe('arn:aws:iam::333333333333:role/acme-platform-staging-tfstate');
  });

  it('a single-account layout keeps working without a role (and without a state role resource)', () => {
    const { stacks: single } = synthApp(appDefinition, sources({ AWS_ACCOUNT_ID_STAGING: '333333333333' }));
    expect(single.staging.terraform.backend?.s3).not.toHaveProperty('assume_role');
    expect(resourcesOf(single['state-backend'], 'aws_iam_role').map((role) => role.name).sort()).toEqual(['acme-platform-ci-production-tfstate', 'acme-platform-production-tfstate', 'acme-platform-state-backend-replication']);
    // ci-staging's own state, like staging's, is reached with the deploying (state-account) credentials.
    expect(single['ci-staging'].terraform.backend).toEqual({
      s3: { bucket: 'acme-platform-tfstate', key: 'acme-platform/ci-staging/terraform.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
    // Its CI deploy role carries the state policy itself, so nothing is left dangling.
    const statePolicy = resourcesOf(single['ci-staging'], 'aws_iam_role_policy').find((p) => p.name === 'tfstate-access');
    expect(JSON.parse(statePolicy?.policy as string)).toEqual(JSON.parse(single.staging.output?.state_access_policy_json?.value as string));
    expect(JSON.stringify(single['ci-staging'].resource)).not.toContain('sts:AssumeRole"');
  });
});

describe('CI identity stacks', () => {
  it('one per environment with state in the state bucket, in that environment\'s account', () => {
    expect(stacks['ci-staging'].provider?.aws[0].allowed_account_ids).toEqual(['222222222222']);
    expect(stacks['ci-production'].provider?.aws[0].allowed_account_ids).toEqual(['333333333333']);
    expect(stacks).not.toHaveProperty('ci-dev');
  });

  it('the OIDC provider for GitHub, audience sts.amazonaws.com', () => {
    expect(resourcesOf(stacks['ci-staging'], 'aws_iam_openid_connect_provider')).toEqual([
      { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] },
    ]);
  });

  it('the deploy role trusts exactly repo:<owner>/<repo>:environment:<env> from the setting', () => {
    const { stacks: custom } = synthApp(appDefinition, sources({}, { githubRepository: 'example-org/infra' }));
    const role = resourcesOf(custom['ci-production'], 'aws_iam_role')[0];
    expect(role.name).toBe('acme-platform-production-ci-deploy');
    const [statement] = json(role.assume_role_policy).Statement;
    expect(statement.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': ['sts.amazonaws.com'],
        'token.actions.githubusercontent.com:sub': ['repo:example-org/infra:environment:production'],
      },
    });
    expect(statement.Principal).toEqual({ Federated: ['${aws_iam_openid_connect_provider.github-oidc.arn}'] });
  });

  it('the deploy role may assume its state role and no other', () => {
    const policy = json(resourcesOf(stacks['ci-staging'], 'aws_iam_role_policy')[0].policy);
    const assume = policy.Statement.filter((statement) => (statement.Action as string[]).some((action) => action.startsWith('sts:')));
    expect(assume).toEqual([
      { Sid: 'AssumeStateRole', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: ['arn:aws:iam::333333333333:role/acme-platform-staging-tfstate'] },
    ]);
  });

  it('two environments in one account share one OIDC provider (IAM allows one per issuer and account)', () => {
    const qa = (blueprint: Parameters<AppDefinition['environments'][number]>[0]): EnvironmentDefinition => ({
      ...appDefinition.environments[1](blueprint),
      name: 'qa',
    });
    const { stacks: withQa } = synthApp({ ...appDefinition, environments: [...appDefinition.environments, qa] });
    expect(resourcesOf(withQa['ci-qa'], 'aws_iam_openid_connect_provider')).toHaveLength(0);
    const [statement] = json(resourcesOf(withQa['ci-qa'], 'aws_iam_role')[0].assume_role_policy).Statement;
    expect(statement.Principal).toEqual({ Federated: ['arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com'] });
  });
});

describe('CI stacks keep their own state in the state bucket, through a role of their own', () => {
  const backend = stacks['state-backend'];
  const statements = (name: string) => json(byName(backend, 'aws_iam_policy', name).policy).Statement;
  const resources = (name: string) => statements(name).flatMap((statement) => statement.Resource as string[]);

  it('ci-<env>\'s backend: the naming rule\'s key in the state bucket, locked and encrypted as the environment\'s state, through its CI state role', () => {
    expect(stacks['ci-staging'].terraform.backend).toEqual({
      s3: {
        bucket: 'acme-platform-tfstate',
        key: 'acme-platform/ci-staging/terraform.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        use_lockfile: true,
        assume_role: { role_arn: 'arn:aws:iam::333333333333:role/acme-platform-ci-staging-tfstate' },
      },
    });
    expect(stacks['ci-production'].terraform.backend).toEqual({
      s3: {
        bucket: 'acme-platform-tfstate',
        key: 'acme-platform/ci-production/terraform.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        dynamodb_table: 'acme-platform-tflock',
        kms_key_id: 'arn:aws:kms:eu-west-1:333333333333:alias/acme-platform-tfstate',
        assume_role: { role_arn: 'arn:aws:iam::333333333333:role/acme-platform-ci-production-tfstate' },
      },
    });
    expect(stacks['ci-production'].terraform.required_version).toBe(stacks.production.terraform.required_version);
  });

  it('its role trusts the environment account\'s administrators and explicitly refuses the CI deploy role', () => {
    for (const [env, account] of [['staging', '222222222222'], ['production', '333333333333']]) {
      expect(json(byName(backend, 'aws_iam_role', `acme-platform-ci-${env}-tfstate`).assume_role_policy).Statement).toEqual([
        { Sid: 'EnvironmentAccountAdministrators', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${account}:root`] }, Action: ['sts:AssumeRole'] },
        {
          Sid: 'NeverTheCiDeployRole',
          Effect: 'Deny',
          Principal: { AWS: [`arn:aws:iam::${account}:root`] },
          Action: ['sts:AssumeRole'],
          Condition: { ArnEquals: { 'aws:PrincipalArn': [`arn:aws:iam::${account}:role/acme-platform-${env}-ci-deploy`] } },
        },
      ]);
    }
  });

  it('each state policy names its own key only: no environment\'s role reaches a CI state, no CI state role an environment\'s', () => {
    const ciKey = (env: string) => `arn:aws:s3:::acme-platform-tfstate/acme-platform/ci-${env}/terraform.tfstate`;
    const envKey = (env: string) => `arn:aws:s3:::acme-platform-tfstate/acme-platform/${env}/terraform.tfstate`;
    for (const env of ['staging', 'production']) {
      expect(resources(`acme-platform-ci-${env}-tfstate-access`)).toEqual(expect.arrayContaining([ciKey(env), `${ciKey(env)}.tflock`]));
      for (const name of ['staging', 'production', 'ci-staging', 'ci-production'].filter((other) => other !== `ci-${env}`)) {
        expect(resources(`acme-platform-${name}-tfstate-access`)).not.toContain(ciKey(env));
      }
      expect(resources(`acme-platform-ci-${env}-tfstate-access`)).not.toContain(envKey(env));
    }
    // Listing is limited to the CI key, as for every state role.
    const list = statements('acme-platform-ci-staging-tfstate-access').find((statement) => statement.Sid === 'ListStateKey');
    expect(list?.Condition).toEqual({ StringEquals: { 's3:prefix': ['acme-platform/ci-staging/terraform.tfstate'] } });
  });

  it('an output names each CI state role; the CI deploy roles still may assume their environment\'s state role only', () => {
    expect(backend.output?.ci_state_role_arn_staging?.value).toBe(`\${${addressOf(backend, 'aws_iam_role', 'acme-platform-ci-staging-tfstate')}.arn}`);
    for (const env of ['staging', 'production']) expect(JSON.stringify(stacks[`ci-${env}`].resource)).not.toContain('ci-staging-tfstate');
  });

  it('the guardrails hold a CI stack to its environment\'s state rules: local state (the old layout) fails shared-env-remote-state, and production-state-encrypted for ci-production', () => {
    const { blueprint, environments, stateBackend } = resolveDefinitions(appDefinition, sources());
    const app = Testing.app({ stackTraces: false });
    for (const name of ['staging', 'production']) {
      const identity = environmentIdentity(blueprint.project, environments.find((environment) => environment.name === name)!, stateBackend);
      new CiIdentityStack(app, `ci-${name}`, { project: blueprint.project, identity, repository: 'acme/infra', createOidcProvider: true, stateBucket: stateBackend.bucket });
    }
    attachGuardrails(app);
    const findings = guardrailFindings(app).map((finding) => `${finding.ruleId} ${finding.path}`);
    expect(findings.sort()).toEqual(['production-state-encrypted ci-production', 'shared-env-remote-state ci-production', 'shared-env-remote-state ci-staging']);
    // The app's own CI stacks comply.
    const { built } = synthApp(appDefinition);
    expect(guardrailFindings(built.ciStacks[0].node.scope!).filter((finding) => finding.path.startsWith('ci-'))).toEqual([]);
  });

  it('a name or key that would collide with a CI stack is refused, naming the field', () => {
    const qa = (name: string, key?: string) => (blueprint: Parameters<AppDefinition['environments'][number]>[0]): EnvironmentDefinition => {
      const staging = appDefinition.environments[1](blueprint);
      return { ...staging, name, state: { ...(staging.state as Extract<EnvironmentDefinition['state'], { kind: 's3' }>), ...(key ? { key } : {}) } } as EnvironmentDefinition;
    };
    const problems = (extra: AppDefinition['environments'][number]) => definitionProblems(() => synthApp({ ...appDefinition, environments: [...appDefinition.environments, extra] }));
    expect(problems(qa('ci-staging'))).toContain(
      'ci-staging.name: "ci-staging" is the name of staging\'s CI stack (ci-<environment>, docs/cross-account.md): rename the environment',
    );
    expect(problems(qa('qa', 'acme-platform/ci-production/terraform.tfstate'))).toContain(
      'qa.state: stores its state at s3://acme-platform-tfstate/acme-platform/ci-production/terraform.tfstate, which ci-production uses already; two stacks sharing one state would overwrite each other. Fix: remove the explicit key/prefix/path so the naming rule gives each stack its own',
    );
  });
});

describe('state access definitions: every problem at once, as env.field: fix', () => {
  const build = synthWithOverrides;
  const problemsOf = definitionProblems;

  it('rejects misspelt kinds, bad ARNs, a foreign assumeRole and a bad repository together', () => {
    const problems = problemsOf(() =>
      build(
        {
          staging: { stateAccess: { via: 'roles' } as never },
          production: { stateAccess: { via: 'role', trust: { kind: 'principals', roleArns: ['arn:aws:iam::1:user/x'] } } },
        },
        sources({ GITHUB_REPOSITORY: 'not a repo' }),
      ),
    );
    expect(problems).toEqual([
      'staging.stateAccess.via: via must be "role" (assume the state role the state-backend stack creates) or "credentials" (single account: use the deploying credentials)',
      'production.stateAccess.trust.roleArns.0: "arn:aws:iam::1:user/x" is not an IAM role ARN: use "arn:aws:iam::<12-digit account>:role/<name>"',
      'settings.githubRepository: "not a repo" is not "<owner>/<repo>": set the cdktf context key "githubRepository" (cdktf.json) or GITHUB_REPOSITORY to your repository, e.g. "acme/platform-infrastructure"; the CI roles trust exactly that repository',
    ]);
    expect(problemsOf(() => build({}, sources({ GITHUB_REPOSITORY: 'owner/repo:*' })))).toEqual([
      'settings.githubRepository: "owner/repo:*" is not "<owner>/<repo>": set the cdktf context key "githubRepository" (cdktf.json) or GITHUB_REPOSITORY to your repository, e.g. "acme/platform-infrastructure"; the CI roles trust exactly that repository',
    ]);
  });

  it('an assumeRole that is not the environment\'s state role, and state-key encryption without the role', () => {
    const problems = problemsOf(() =>
      build({
        staging: { state: { kind: 's3', bucket: 'acme-platform-tfstate', region: 'eu-west-1', locking: 'lockfile', assumeRole: { roleArn: 'arn:aws:iam::333333333333:role/other' } } },
        production: { stateAccess: { via: 'credentials' } },
      }),
    );
    expect(problems).toEqual([
      'staging.state.assumeRole.roleArn: "arn:aws:iam::333333333333:role/other" is not staging\'s state role "arn:aws:iam::333333333333:role/acme-platform-staging-tfstate": remove assumeRole (the app assumes the state role for you), or set stateAccess: { via: "credentials" } to reach the state with a role of your own',
      'production.stateAccess: its state is encrypted with the state key, whose key policy lets only state roles use it: set stateAccess: { via: "role" } (or remove kmsKeyId from its state)',
    ]);
  });
});

describe('the doctor checks state as the backend reaches it', () => {
  it('its targets carry each environment\'s state role', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { allTargets } = require('../../tooling/doctor/targets') as typeof import('../../tooling/doctor/targets');
    const targets = allTargets(appDefinition, sources());
    const role = (name: string) => {
      const state = targets.find((target) => target.name === name)!.state;
      return state.kind === 's3' ? state.assumeRole?.roleArn : undefined;
    };
    expect(role('staging')).toBe('arn:aws:iam::333333333333:role/acme-platform-staging-tfstate');
    expect(role('production')).toBe('arn:aws:iam::333333333333:role/acme-platform-production-tfstate');
    expect(role('dev')).toBeUndefined();
  });
});
