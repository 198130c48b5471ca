import type { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { stateRoleName } from './names';
import type { StateRoleTrust } from '../definitions/state-access';
import { stateRoleTrustPolicy } from './trust-policies';
import type { ResourcePolicyDocument } from '../iam/policy-document';

export interface StateRoleProps {
  readonly project: string;
  readonly environment: string;
  /** The environment's state access policy (created by the stack, so its address predates the role). */
  readonly policy: IamPolicy;
  readonly region: string;
  readonly stateAccount: string;
  readonly environmentAccount: string;
  readonly ciRoleArn: string;
  readonly trust: StateRoleTrust;
  /** The whole trust policy, when it is not an environment's (a CI stack's state role). @default - from `trust` */
  readonly trustPolicy?: ResourcePolicyDocument;
  /** Managed policy ARN set as the role's permissions boundary. @default - none */
  readonly permissionsBoundary?: string;
  /** External ID the trust requires of every principal (`sts:ExternalId`); unused with `trustPolicy`. @default - none */
  readonly externalId?: string;
}

/**
 * One environment's state role in the state account: trusted as its definition says, carrying the
 * environment's least-privilege state access policy and nothing else.
 */
export class StateRole extends Construct {
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: StateRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, 'role', {
      name: stateRoleName(props.project, props.environment),
      description: `Terraform state of ${props.environment} (account ${props.environmentAccount}); assumed by its S3 backend`,
      assumeRolePolicy: JSON.stringify(
        props.trustPolicy ?? stateRoleTrustPolicy(props.trust, { region: props.region, environmentAccount: props.environmentAccount, ciRoleArn: props.ciRoleArn, ...(props.externalId ? { externalId: props.externalId } : {}) }),
      ),
      // A chained session (CI role -> state role) is capped at one hour by STS anyway.
      maxSessionDuration: 3600,
      ...(props.permissionsBoundary ? { permissionsBoundary: props.permissionsBoundary } : {}),
    });
    new IamRolePolicyAttachment(this, 'attachment', { role: this.role.name, policyArn: props.policy.arn });
  }
}
