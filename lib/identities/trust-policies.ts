import type { ResourcePolicyDocument, ResourcePolicyStatement } from '../iam/policy-document';
import { accountOfIamArn, accountRootArn, GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from './names';
import type { StateRoleTrust } from '../definitions/state-access';

export interface StateRoleTrustContext {
  readonly region: string;
  /** The environment's account (the first of its `allowedAccountIds`). */
  readonly environmentAccount: string;
  /** The environment's CI deploy role (in its account). */
  readonly ciRoleArn: string;
  /** The external ID every statement requires (`sts:ExternalId`). @default - none */
  readonly externalId?: string;
}

/**
 * The trust policy of an environment's state role. Principals are account roots narrowed by
 * `aws:PrincipalArn` where a single role is meant: IAM rejects a trust policy naming a role that
 * does not exist yet, and this keeps the state-backend stack deployable before the CI stacks
 * (docs/cross-account.md, "Order"). For a role session `aws:PrincipalArn` is the role's ARN.
 */
export function stateRoleTrustPolicy(trust: StateRoleTrust, context: StateRoleTrustContext): ResourcePolicyDocument {
  const root = accountRootArn(context.region, context.environmentAccount);
  const ciRole: ResourcePolicyStatement = {
    Sid: 'EnvironmentCiDeployRole',
    Effect: 'Allow',
    Principal: { AWS: [root] },
    Action: ['sts:AssumeRole'],
    Condition: { ArnEquals: { 'aws:PrincipalArn': [context.ciRoleArn] } },
  };
  const statements: ResourcePolicyStatement[] = [];
  switch (trust.kind) {
    case 'environment-account':
      // Trusting the account root delegates to its IAM: only principals whose own policy allows
      // sts:AssumeRole on this role (its administrators) can use it. The CI statement stays explicit
      // so that narrowing this one later cannot lock CI out.
      statements.push({ Sid: 'EnvironmentAccountAdministrators', Effect: 'Allow', Principal: { AWS: [root] }, Action: ['sts:AssumeRole'] }, ciRole);
      break;
    case 'ci-role-only':
      statements.push(ciRole);
      break;
    case 'principals': {
      const accounts = [...new Set(trust.roleArns.map((arn) => accountOfIamArn(arn)!))];
      statements.push({
        Sid: 'NamedPrincipals',
        Effect: 'Allow',
        Principal: { AWS: accounts.map((account) => accountRootArn(context.region, account)) },
        Action: ['sts:AssumeRole'],
        Condition: { ArnEquals: { 'aws:PrincipalArn': [...trust.roleArns] } },
      });
      break;
    }
  }
  // An external ID is required of every principal the trust admits: StringEquals on a key the
  // request lacks does not match, so a caller without it (or with another) is refused.
  const { externalId } = context;
  const withExternalId = externalId
    ? statements.map((statement) => ({ ...statement, Condition: { ...statement.Condition, StringEquals: { ...statement.Condition?.StringEquals, 'sts:ExternalId': [externalId] } } }))
    : statements;
  return { Version: '2012-10-17', Statement: withExternalId };
}

/**
 * The trust policy of a CI stack's state role (`<project>-ci-<env>-tfstate`): the environment account,
 * delegating to its administrators, who deploy `ci-<env>` once per account before any CI role exists
 * (so nothing here may name a role that does not exist yet). The environment's CI deploy role is
 * explicitly refused, whatever its own policy says: CI must never be able to rewrite the record of
 * the identity it runs as.
 */
export function ciStateRoleTrustPolicy(context: StateRoleTrustContext): ResourcePolicyDocument {
  const root = accountRootArn(context.region, context.environmentAccount);
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'EnvironmentAccountAdministrators', Effect: 'Allow', Principal: { AWS: [root] }, Action: ['sts:AssumeRole'] },
      {
        Sid: 'NeverTheCiDeployRole',
        Effect: 'Deny',
        Principal: { AWS: [root] },
        Action: ['sts:AssumeRole'],
        Condition: { ArnEquals: { 'aws:PrincipalArn': [context.ciRoleArn] } },
      },
    ],
  };
}

export interface GithubOidcTrustContext {
  /** ARN of the account's GitHub OIDC provider. */
  readonly providerArn: string;
  /** `<owner>/<repo>`. */
  readonly repository: string;
  /** The GitHub environment the workflow job declares (`environment: <name>`): the cdktf environment's name. */
  readonly environment: string;
}

/**
 * The trust policy of a CI deploy role: only GitHub's OIDC tokens minted for jobs of exactly this
 * repository running in exactly this GitHub environment, for the audience
 * aws-actions/configure-aws-credentials requests. StringEquals, no wildcards: a branch, a pull
 * request or a fork cannot present this subject.
 */
export function githubOidcTrustPolicy(context: GithubOidcTrustContext): ResourcePolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GitHubActionsEnvironment',
        Effect: 'Allow',
        Principal: { Federated: [context.providerArn] },
        Action: ['sts:AssumeRoleWithWebIdentity'],
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: [GITHUB_OIDC_AUDIENCE],
            [`${GITHUB_OIDC_HOST}:sub`]: [githubSubject(context.repository, context.environment)],
          },
        },
      },
    ],
  };
}

/** The `sub` claim of a GitHub Actions job that declares `environment: <environment>`. */
export function githubSubject(repository: string, environment: string): string {
  return `repo:${repository}:environment:${environment}`;
}
