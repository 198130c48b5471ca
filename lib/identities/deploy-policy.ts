import { partitionOf } from '../iam/arn';
import type { IamPolicyDocument, IamStatement } from '../iam/policy-document';
import { parameterName, resourceName } from '../naming/naming-rule';

export interface DeployPolicyContext {
  readonly project: string;
  readonly environment: string;
  readonly region: string;
  /** The environment's account, where the CI deploy role and the workload live. */
  readonly account: string;
  /** The environment's state role to assume; undefined when the deploy role uses the state directly (single account). */
  readonly stateRoleArn?: string;
  /** Whether the workload creates customer managed KMS keys (protection `hardened`). */
  readonly workloadKeys: boolean;
}

/** The tag every resource of an environment carries (provider default tags), which KMS access keys on. */
export const ENVIRONMENT_TAG = 'environment';

/**
 * What the CI deploy role may do in its own account: assume the environment's state role, and manage
 * the workload's resources, which the naming rule puts under `<project>-<env>-*` (buckets, KMS aliases)
 * and `/<project>/<env>/*` (SSM parameters). KMS keys have no name to scope by: creating one requires
 * the `environment` tag of this environment in the request, using or changing one requires it on the
 * key, and re-tagging a key that carries another environment's tag is denied. Nothing here reaches
 * another environment's resources, the state, or IAM. A key without any `environment` tag could still
 * be tagged into reach: keep every key in an environment account tagged (the provider's default tags do).
 */
export function ciDeployPolicy(context: DeployPolicyContext): IamPolicyDocument {
  const partition = partitionOf(context.region);
  const prefix = resourceName(context.project, context.environment, '');
  const statements: IamStatement[] = [];
  if (context.stateRoleArn) {
    statements.push({ Sid: 'AssumeStateRole', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [context.stateRoleArn] });
  }
  statements.push(
    {
      Sid: 'WorkloadBuckets',
      Effect: 'Allow',
      Action: ['s3:*'],
      Resource: [`arn:${partition}:s3:::${prefix}-*`, `arn:${partition}:s3:::${prefix}-*/*`],
    },
    {
      Sid: 'WorkloadParameters',
      Effect: 'Allow',
      Action: ['ssm:*'],
      Resource: [`arn:${partition}:ssm:${context.region}:${context.account}:parameter${parameterName(context.project, context.environment, '')}/*`],
    },
    // DescribeParameters has no resource-level permissions; the provider reads parameter metadata with it.
    { Sid: 'DescribeParameters', Effect: 'Allow', Action: ['ssm:DescribeParameters'], Resource: ['*'] },
  );
  if (context.workloadKeys) {
    const tagged = (key: 'aws:RequestTag' | 'aws:ResourceTag') => ({ StringEquals: { [`${key}/${ENVIRONMENT_TAG}`]: [context.environment] } });
    statements.push(
      { Sid: 'CreateWorkloadKeys', Effect: 'Allow', Action: ['kms:CreateKey', 'kms:TagResource'], Resource: ['*'], Condition: tagged('aws:RequestTag') },
      {
        Sid: 'WorkloadKeys',
        Effect: 'Allow',
        Action: ['kms:*'],
        Resource: [`arn:${partition}:kms:${context.region}:${context.account}:key/*`],
        Condition: tagged('aws:ResourceTag'),
      },
      {
        Sid: 'WorkloadKeyAliases',
        Effect: 'Allow',
        Action: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'],
        Resource: [`arn:${partition}:kms:${context.region}:${context.account}:alias/${prefix}-*`],
      },
      { Sid: 'ListKeyAliases', Effect: 'Allow', Action: ['kms:ListAliases'], Resource: ['*'] },
      // CreateKey needs kms:TagResource on "*" (the key has no ARN yet), which would also let the role
      // re-tag a key of another environment (or the state key, in a shared account) into its reach.
      {
        Sid: 'DenyRetaggingOtherKeys',
        Effect: 'Deny',
        Action: ['kms:TagResource', 'kms:UntagResource'],
        Resource: ['*'],
        Condition: {
          StringNotEquals: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: [context.environment] },
          Null: { [`aws:ResourceTag/${ENVIRONMENT_TAG}`]: ['false'] },
        },
      },
    );
  }
  return { Version: '2012-10-17', Statement: statements };
}
