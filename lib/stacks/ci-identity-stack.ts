import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { applyStateBackend } from '../backends/backend-factory';
import {
  crossAccountStateAccess,
  declareGuardrailScope,
  noPlaintextSecrets,
  productionBucketHardening,
  productionStateEncrypted,
  sharedEnvRemoteState,
} from '../guardrails';
import { environmentRole, roleRank } from '../guardrails/role';
import type { S3State } from '../definitions/state-definition';
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
  /**
   * The stack's own state: in the state bucket, through its CI state role (lib/identities/resolve.ts
   * `ciStackState`). @default - a local file `terraform.ci-<env>.tfstate` (the layout before CI state
   * moved into the bucket; docs/cross-account.md says how to move one)
   */
  readonly state?: S3State;
  /** The state-backend's bucket, for the cross-account guardrail. @default - that rule does not apply */
  readonly stateBucket?: string;
}

/**
 * `ci-<env>`: what GitHub Actions needs to deploy one environment with short-lived credentials, in
 * that environment's account, deployed once by an administrator of it (docs/cross-account.md): the
 * GitHub OIDC provider and a deploy role that only jobs of this repository running in this GitHub
 * environment can assume, allowed to assume the environment's state role and to manage its workload.
 *
 * Its own state is in the state bucket (`<project>/ci-<env>/terraform.tfstate`), reached through a
 * role the state-backend stack creates for it, trusted by the environment account's administrators
 * and never by the deploy role this stack creates: nothing this stack deploys is needed to reach it.
 */
export class CiIdentityStack extends TerraformStack {
  readonly deployRole: IamRole;
  readonly oidcProvider?: IamOpenidConnectProvider;

  /** `id` is the stack name, `ci-<env>` (ciStackName) in the app. */
  constructor(scope: Construct, id: string, readonly props: CiIdentityProps) {
    super(scope, id);
    const { project, identity } = props;
    const { environment } = identity;
    applyStateBackend(this, props.state ?? { kind: 'local' }, { project, stack: id });
    // Held to production's standard for what it creates; its state to the environment's (at least
    // shared): remote and locked, encrypted with the state key where the environment's is.
    const { role, because } = environmentRole(environment);
    declareGuardrailScope(
      this,
      {
        environment: id,
        protection: 'hardened',
        role: roleRank(role) >= roleRank('shared') ? role : 'shared',
        because: roleRank(role) >= roleRank('shared') ? `its environment's ${because}` : 'a CI identity is shared by everyone who deploys the environment',
        ...(props.stateBucket !== undefined
          ? { stateAccount: { environmentAccountIds: [identity.account], stateAccountId: identity.stateAccount, stateBucket: props.stateBucket } }
          : {}),
      },
      [productionBucketHardening, noPlaintextSecrets, sharedEnvRemoteState, productionStateEncrypted, crossAccountStateAccess],
    );
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
