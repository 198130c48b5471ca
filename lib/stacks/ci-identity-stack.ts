import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { applyStateBackend } from '../backends/backend-factory';
import { declareGuardrailScope, noPlaintextSecrets, productionBucketHardening } from '../guardrails';
import { stateAccessPolicyJson } from '../iam/state-access-policy';
import { PROTECTION_PROFILES } from '../definitions/protection';
import { addAwsProvider } from './aws-provider';
import { ciDeployPolicy } from '../identities/deploy-policy';
import { ciDeployRoleName, GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST, githubOidcProviderArn } from '../identities/names';
import type { EnvironmentIdentity } from '../identities/resolve';
import { githubOidcTrustPolicy, githubSubject } from '../identities/trust-policies';

export interface CiIdentityProps {
  readonly project: string;
  readonly identity: EnvironmentIdentity;
  /** `<owner>/<repo>` whose Actions jobs may assume the deploy role. */
  readonly repository: string;
  /**
   * IAM allows one provider per issuer URL and account: the first environment of an account creates
   * it, the others refer to it by ARN (deploy that one's CI stack first).
   */
  readonly createOidcProvider: boolean;
  /** The state-backend's lock table, for the single-account state policy. @default - only the state's own table */
  readonly stateLockTable?: string;
}

/**
 * `ci-<env>`: what GitHub Actions needs to deploy one environment with short-lived credentials, in
 * that environment's account, deployed once by an administrator of it (docs/cross-account.md): the
 * GitHub OIDC provider and a deploy role that only jobs of this repository running in this GitHub
 * environment can assume, allowed to assume the environment's state role and to manage its workload.
 *
 * Its own state is local (`terraform.ci-<env>.tfstate`), like the state-backend's in bootstrap
 * phase 1: the identities that open the state bucket must stay repairable when that access is broken.
 */
export class CiIdentityStack extends TerraformStack {
  readonly deployRole: IamRole;
  readonly oidcProvider?: IamOpenidConnectProvider;

  /** `id` is the stack name, `ci-<env>` (ciStackName) in the app. */
  constructor(scope: Construct, id: string, readonly props: CiIdentityProps) {
    super(scope, id);
    const { project, identity } = props;
    const { environment } = identity;
    applyStateBackend(this, { kind: 'local' }, { project, stack: id });
    declareGuardrailScope(this, { environment: id, protection: 'hardened' }, [productionBucketHardening, noPlaintextSecrets]);
    addAwsProvider(this, { region: environment.region, allowedAccountIds: [identity.account], tags: environment.tags });

    this.oidcProvider = props.createOidcProvider
      ? new IamOpenidConnectProvider(this, 'github-oidc', {
          url: `https://${GITHUB_OIDC_HOST}`,
          clientIdList: [GITHUB_OIDC_AUDIENCE],
          // No thumbprint_list: IAM verifies GitHub's certificate against its own trusted CAs.
        })
      : undefined;
    const providerArn = this.oidcProvider?.arn ?? githubOidcProviderArn(environment.region, identity.account);

    this.deployRole = new IamRole(this, 'deploy-role', {
      name: ciDeployRoleName(project, environment.name),
      description: `GitHub Actions (${props.repository}, environment ${environment.name}) deploys ${environment.name}`,
      assumeRolePolicy: JSON.stringify(githubOidcTrustPolicy({ providerArn, repository: props.repository, environment: environment.name })),
      maxSessionDuration: 3600,
      ...(environment.ciDeployRole?.permissionsBoundary ? { permissionsBoundary: environment.ciDeployRole.permissionsBoundary } : {}),
    });
    new IamRolePolicy(this, 'deploy-policy', {
      role: this.deployRole.name,
      name: 'deploy',
      policy: JSON.stringify(
        ciDeployPolicy({
          project,
          environment: environment.name,
          region: environment.region,
          account: identity.account,
          stateRoleArn: identity.access.via === 'role' ? identity.access.roleArn : undefined,
          workloadKeys: PROTECTION_PROFILES[environment.protection].encryption === 'sse-kms',
        }),
      ),
    });
    // Single account without a state role: the deploy role uses the state itself, with the same least privilege.
    if (identity.access.via === 'credentials' && environment.state.kind === 's3') {
      new IamRolePolicy(this, 'state-access', {
        role: this.deployRole.name,
        name: 'tfstate-access',
        policy: stateAccessPolicyJson(environment.state, {
          project,
          stack: environment.name,
          stateAccountId: identity.stateAccount,
          ...(props.stateLockTable !== undefined ? { lockTable: props.stateLockTable } : {}),
        }),
      });
    }

    new TerraformOutput(this, 'deploy_role_arn', {
      value: this.deployRole.arn,
      description: `Set it as the variable AWS_DEPLOY_ROLE_ARN of the GitHub environment "${environment.name}"`,
    });
    new TerraformOutput(this, 'github_subject', {
      value: githubSubject(props.repository, environment.name),
      description: 'The only OIDC subject the deploy role trusts',
    });
  }
}
