import { partitionOf } from '../iam/arn';
import { resourceName } from '../naming/naming-rule';

/**
 * Names and ARNs of the identities, from the project's naming rule. ARNs are computed, not read
 * from resources, so an environment stack can name a role another stack (or account) creates.
 */

/** GitHub's OIDC issuer host: the provider URL is `https://<host>`, the claims are `<host>:aud`/`:sub`. */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** The audience aws-actions/configure-aws-credentials requests for its OIDC token. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';

/** `<project>-<env>-tfstate`: the environment's state role, in the state account. */
export function stateRoleName(project: string, environment: string): string {
  return resourceName(project, environment, 'tfstate');
}

/**
 * `<project>-ci-<env>-tfstate`: the role in the state account through which the `ci-<env>` stack
 * (deployed by the environment account's administrators) reaches its own state in the state bucket.
 */
export function ciStateRoleName(project: string, environment: string): string {
  return stateRoleName(project, ciStackName(environment));
}

/** `<project>-<env>-ci-deploy`: the environment's CI deploy role, in the environment's account. */
export function ciDeployRoleName(project: string, environment: string): string {
  return resourceName(project, environment, 'ci-deploy');
}

export function roleArn(region: string, account: string, name: string): string {
  return `arn:${partitionOf(region)}:iam::${account}:role/${name}`;
}

export function accountRootArn(region: string, account: string): string {
  return `arn:${partitionOf(region)}:iam::${account}:root`;
}

export function githubOidcProviderArn(region: string, account: string): string {
  return `arn:${partitionOf(region)}:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

/** The account of an IAM ARN (`arn:<partition>:iam::<account>:...`), if it is one. */
export function accountOfIamArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1];
}

/** Stack name of an environment's CI identity stack. */
export function ciStackName(environment: string): string {
  return `ci-${environment}`;
}

/** `<owner>/<repo>` as GitHub spells them: letters, digits, `-`, `_`, `.`; no wildcard can slip into the OIDC subject. */
export const GITHUB_REPOSITORY_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** The problem with a `githubRepository` setting, if any, as `settings.githubRepository: ...`. */
export function githubRepositoryProblem(repository: string): string | undefined {
  if (GITHUB_REPOSITORY_PATTERN.test(repository) && !/\/\.\.?$/.test(repository)) return undefined;
  return (
    `settings.githubRepository: ${JSON.stringify(repository)} is not "<owner>/<repo>": set the cdktf context key "githubRepository" ` +
    '(cdktf.json) or GITHUB_REPOSITORY to your repository, e.g. "acme/platform-infrastructure"; the CI roles trust exactly that repository'
  );
}
