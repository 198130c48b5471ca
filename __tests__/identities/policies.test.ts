import { bucketPolicyStatements } from '../../lib/constructs/tls-only-policy';
import { ciDeployPolicy } from '../../lib/identities/deploy-policy';
import { stateKeyPolicy } from '../../lib/identities/key-policy';
import { stateRoleTrustPolicy, githubOidcTrustPolicy } from '../../lib/identities/trust-policies';

const ENV_ROOT = 'arn:aws:iam::222222222222:root';
const CI_ROLE = 'arn:aws:iam::222222222222:role/acme-staging-ci-deploy';
const trustContext = { region: 'eu-west-1', environmentAccount: '222222222222', ciRoleArn: CI_ROLE };
const ciStatement = {
  Sid: 'EnvironmentCiDeployRole',
  Effect: 'Allow',
  Principal: { AWS: [ENV_ROOT] },
  Action: ['sts:AssumeRole'],
  Condition: { ArnEquals: { 'aws:PrincipalArn': [CI_ROLE] } },
};

describe('state role trust policy', () => {
  it('default (environment-account): that account\'s administrators and its CI deploy role, nothing else', () => {
    expect(stateRoleTrustPolicy({ kind: 'environment-account' }, trustContext)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'EnvironmentAccountAdministrators', Effect: 'Allow', Principal: { AWS: [ENV_ROOT] }, Action: ['sts:AssumeRole'] },
        ciStatement,
      ],
    });
  });

  it('ci-role-only: exactly the CI deploy role', () => {
    expect(stateRoleTrustPolicy({ kind: 'ci-role-only' }, trustContext).Statement).toEqual([ciStatement]);
  });

  it('principals: exactly the named roles, through their accounts', () => {
    const roleArns = ['arn:aws:iam::444444444444:role/break-glass', 'arn:aws:iam::444444444444:role/ops', 'arn:aws:iam::555555555555:role/x'];
    expect(stateRoleTrustPolicy({ kind: 'principals', roleArns }, trustContext).Statement).toEqual([
      {
        Sid: 'NamedPrincipals',
        Effect: 'Allow',
        Principal: { AWS: ['arn:aws:iam::444444444444:root', 'arn:aws:iam::555555555555:root'] },
        Action: ['sts:AssumeRole'],
        Condition: { ArnEquals: { 'aws:PrincipalArn': roleArns } },
      },
    ]);
  });

  it('uses the partition of the region', () => {
    const policy = stateRoleTrustPolicy({ kind: 'environment-account' }, { ...trustContext, region: 'cn-north-1' });
    expect(policy.Statement[0].Principal).toEqual({ AWS: ['arn:aws-cn:iam::222222222222:root'] });
  });
});

describe('CI deploy role trust policy (GitHub OIDC)', () => {
  it('binds aud and sub exactly, with StringEquals and no wildcard', () => {
    const providerArn = 'arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com';
    const policy = githubOidcTrustPolicy({ providerArn, repository: 'acme/infra', environment: 'staging' });
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'GitHubActionsEnvironment',
          Effect: 'Allow',
          Principal: { Federated: [providerArn] },
          Action: ['sts:AssumeRoleWithWebIdentity'],
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': ['sts.amazonaws.com'],
              'token.actions.githubusercontent.com:sub': ['repo:acme/infra:environment:staging'],
            },
          },
        },
      ],
    });
    expect(JSON.stringify(policy)).not.toMatch(/StringLike|\*/);
  });
});

describe('state key policy', () => {
  const policy = stateKeyPolicy({ region: 'eu-west-1', stateAccount: '333333333333', keyUserRoleArns: ['arn:aws:iam::333333333333:role/acme-production-tfstate'] });

  it('the state account administers the key but cannot use it', () => {
    expect(policy.Statement[0]).toEqual({
      Sid: 'KeyAdministration',
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::333333333333:root'] },
      Action: [
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:PutKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:EnableKeyRotation',
        'kms:DisableKeyRotation',
        'kms:ListResourceTags',
        'kms:TagResource',
        'kms:UntagResource',
        'kms:UpdateKeyDescription',
        'kms:CreateAlias',
        'kms:UpdateAlias',
        'kms:DeleteAlias',
        'kms:ListGrants',
        'kms:RevokeGrant',
        'kms:EnableKey',
        'kms:DisableKey',
        'kms:ScheduleKeyDeletion',
        'kms:CancelKeyDeletion',
      ],
      Resource: ['*'],
    });
    const administration = policy.Statement[0].Action;
    for (const use of ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:CreateGrant', 'kms:ReEncryptFrom']) expect(administration).not.toContain(use);
    expect(administration.some((action) => action.includes('*'))).toBe(false);
  });

  it('DynamoDB may use it for the lock table on behalf of any principal of the state account (granted here, not delegated to IAM), only via DynamoDB in this region', () => {
    expect(policy.Statement[1]).toEqual({
      Sid: 'LockTableEncryptionThroughDynamoDb',
      Effect: 'Allow',
      // DynamoDB uses the key as the caller: a root principal would need every lock taker's own kms allow.
      Principal: { AWS: ['*'] },
      Action: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:DescribeKey',
        'kms:CreateGrant',
      ],
      Resource: ['*'],
      Condition: { StringEquals: { 'kms:ViaService': ['dynamodb.eu-west-1.amazonaws.com'], 'kms:CallerAccount': ['333333333333'] } },
    });
  });

  it('exactly the state roles that encrypt with it may use it, for exactly what the S3 backend does', () => {
    expect(policy.Statement[2]).toEqual({
      Sid: 'StateRolesUseKey',
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::333333333333:role/acme-production-tfstate'] },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: ['*'],
    });
    expect(policy.Statement).toHaveLength(3);
  });

  it('no key user, no use statement', () => {
    expect(stateKeyPolicy({ region: 'eu-west-1', stateAccount: '333333333333', keyUserRoleArns: [] }).Statement.map((s) => s.Sid)).toEqual([
      'KeyAdministration',
      'LockTableEncryptionThroughDynamoDb',
    ]);
  });
});

describe('state bucket policy', () => {
  const arn = 'arn:aws:s3:::acme-tfstate';
  const tls = {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [arn, `${arn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };

  it('TLS only, as before, when no account is named', () => {
    expect(bucketPolicyStatements(arn)).toEqual([tls]);
  });

  it('restricted to the state account: every principal of another account is denied, on the bucket and its objects', () => {
    expect(bucketPolicyStatements(arn, { onlyAccount: '333333333333' })).toEqual([
      tls,
      {
        Sid: 'DenyOtherAccounts',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [arn, `${arn}/*`],
        Condition: { StringNotEquals: { 'aws:PrincipalAccount': '333333333333' } },
      },
    ]);
  });
});

describe('CI deploy role permissions', () => {
  const base = { project: 'acme', environment: 'staging', region: 'eu-west-1', account: '222222222222' };
  const workload = [
    {
      Sid: 'WorkloadBuckets',
      Effect: 'Allow',
      Action: ['s3:*'],
      Resource: ['arn:aws:s3:::acme-staging-*', 'arn:aws:s3:::acme-staging-*/*'],
    },
    {
      Sid: 'WorkloadParameters',
      Effect: 'Allow',
      Action: ['ssm:*'],
      Resource: ['arn:aws:ssm:eu-west-1:222222222222:parameter/acme/staging/*'],
    },
    { Sid: 'DescribeParameters', Effect: 'Allow', Action: ['ssm:DescribeParameters'], Resource: ['*'] },
  ];

  it('staging: assume exactly its state role, manage only its own named workload, no KMS, no IAM', () => {
    const stateRoleArn = 'arn:aws:iam::333333333333:role/acme-staging-tfstate';
    expect(ciDeployPolicy({ ...base, stateRoleArn, workloadKeys: false })).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'AssumeStateRole', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [stateRoleArn] }, ...workload],
    });
  });

  it('single account without a state role: no sts:AssumeRole at all', () => {
    expect(ciDeployPolicy({ ...base, workloadKeys: false }).Statement).toEqual(workload);
  });

  it('hardened: KMS keys by the environment tag, and re-tagging another environment\'s key is denied', () => {
    const statements = ciDeployPolicy({ ...base, environment: 'production', workloadKeys: true }).Statement.slice(3);
    expect(statements).toEqual([
      {
        Sid: 'CreateWorkloadKeys',
        Effect: 'Allow',
        Action: ['kms:CreateKey', 'kms:TagResource'],
        Resource: ['*'],
        Condition: { StringEquals: { 'aws:RequestTag/environment': ['production'] } },
      },
      {
        Sid: 'WorkloadKeys',
        Effect: 'Allow',
        Action: ['kms:*'],
        Resource: ['arn:aws:kms:eu-west-1:222222222222:key/*'],
        Condition: { StringEquals: { 'aws:ResourceTag/environment': ['production'] } },
      },
      {
        Sid: 'WorkloadKeyAliases',
        Effect: 'Allow',
        Action: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'],
        Resource: ['arn:aws:kms:eu-west-1:222222222222:alias/acme-production-*'],
      },
      { Sid: 'ListKeyAliases', Effect: 'Allow', Action: ['kms:ListAliases'], Resource: ['*'] },
      {
        Sid: 'DenyRetaggingOtherKeys',
        Effect: 'Deny',
        Action: ['kms:TagResource', 'kms:UntagResource'],
        Resource: ['*'],
        Condition: {
          StringNotEquals: { 'aws:ResourceTag/environment': ['production'] },
          Null: { 'aws:ResourceTag/environment': ['false'] },
        },
      },
    ]);
  });
});
