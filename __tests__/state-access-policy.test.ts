import { appDefinition } from '../environments';
import { partitionOf } from '../lib/iam/arn';
import type { IamPolicyDocument } from '../lib/iam/policy-document';
import { stateAccessPolicy } from '../lib/iam/state-access-policy';
import type { S3State } from '../lib/definitions/state-definition';
import { resourcesOf, synthApp } from './support/synth';

const context = { project: 'acme', stack: 'svc', stateAccountId: '123456789012' };
const s3 = { kind: 's3', bucket: 'acme-tfstate', region: 'eu-west-1' } as const;
const KEY = 'acme/svc/terraform.tfstate';

const listStatement = {
  Sid: 'ListStateKey',
  Effect: 'Allow',
  Action: ['s3:ListBucket'],
  Resource: ['arn:aws:s3:::acme-tfstate'],
  Condition: { StringEquals: { 's3:prefix': [KEY] } },
};
const stateStatement = {
  Sid: 'ReadWriteState',
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:PutObject'],
  Resource: [`arn:aws:s3:::acme-tfstate/${KEY}`],
};
/** What `npm run state -- history/restore` reads: versions of this key only (docs/recovery.md). */
const versionStatements = [
  {
    Sid: 'ListStateKeyVersions',
    Effect: 'Allow',
    Action: ['s3:ListBucketVersions'],
    Resource: ['arn:aws:s3:::acme-tfstate'],
    Condition: { StringEquals: { 's3:prefix': [KEY] } },
  },
  { Sid: 'ReadStateVersions', Effect: 'Allow', Action: ['s3:GetObjectVersion'], Resource: [`arn:aws:s3:::acme-tfstate/${KEY}`] },
];
const lockfileStatement = {
  Sid: 'S3LockFile',
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  Resource: [`arn:aws:s3:::acme-tfstate/${KEY}.tflock`],
};
const tableArn = 'arn:aws:dynamodb:eu-west-1:123456789012:table/acme-tflock';
const dynamoStatements = [
  { Sid: 'DescribeLockTable', Effect: 'Allow', Action: ['dynamodb:DescribeTable'], Resource: [tableArn] },
  {
    Sid: 'DynamoDbLockItems',
    Effect: 'Allow',
    Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
    Resource: [tableArn],
    Condition: {
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [`acme-tfstate/${KEY}`, `acme-tfstate/${KEY}-md5`] },
    },
  },
];

const policy = (state: S3State) => stateAccessPolicy(state, context);
const actionsOf = (document: IamPolicyDocument) => document.Statement.flatMap((statement) => statement.Action);

describe('stateAccessPolicy', () => {
  it('lockfile without a known lock table: the state key, its .tflock object and no DynamoDB', () => {
    expect(policy({ ...s3, locking: 'lockfile' })).toEqual({
      Version: '2012-10-17',
      Statement: [listStatement, stateStatement, ...versionStatements, lockfileStatement],
    });
  });

  it('lockfile in the state bucket: its own lock items in the state-backend\'s table too, so rolling back to both needs no state-backend deploy', () => {
    expect(stateAccessPolicy({ ...s3, locking: 'lockfile' }, { ...context, lockTable: 'acme-tflock' }).Statement).toEqual([
      listStatement,
      stateStatement,
      ...versionStatements,
      lockfileStatement,
      ...dynamoStatements,
    ]);
  });

  it('dynamodb: the state key, only this state\'s lock and digest items, and its own .tflock, so the migration\'s first step (both) needs no state-backend deploy', () => {
    const document = policy({ ...s3, locking: 'dynamodb', dynamodbTable: 'acme-tflock' });
    expect(document.Statement).toEqual([listStatement, stateStatement, ...versionStatements, lockfileStatement, ...dynamoStatements]);
  });

  it('every locking mode gets the same policy once the table is known: a migration step changes only the backend', () => {
    const withTable = { ...context, lockTable: 'acme-tflock' };
    const lockfile = stateAccessPolicy({ ...s3, locking: 'lockfile' }, withTable);
    expect(stateAccessPolicy({ ...s3, locking: 'both', dynamodbTable: 'acme-tflock' }, withTable)).toEqual(lockfile);
    expect(stateAccessPolicy({ ...s3, locking: 'dynamodb', dynamodbTable: 'acme-tflock' }, withTable)).toEqual(lockfile);
  });

  it('both (migration): lockfile and DynamoDB permissions together', () => {
    expect(policy({ ...s3, locking: 'both', dynamodbTable: 'acme-tflock' }).Statement).toEqual([
      listStatement,
      stateStatement,
      ...versionStatements,
      lockfileStatement,
      ...dynamoStatements,
    ]);
  });

  it('never grants DeleteObject on the state itself, nor any wildcard object or action', () => {
    const document = policy({ ...s3, locking: 'both', dynamodbTable: 'acme-tflock' });
    const deleters = document.Statement.filter((statement) => statement.Action.includes('s3:DeleteObject'));
    expect(deleters.flatMap((statement) => statement.Resource)).toEqual([`arn:aws:s3:::acme-tfstate/${KEY}.tflock`]);
    expect(actionsOf(document).some((action) => action.includes('*'))).toBe(false);
    expect(document.Statement.flatMap((statement) => statement.Resource).filter((resource) => resource.startsWith('arn:aws:s3'))).not.toContainEqual(
      expect.stringMatching(/\*/),
    );
  });

  it('a KMS key ARN is the Resource of the KMS statement', () => {
    const kmsKeyId = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const document = policy({ ...s3, locking: 'lockfile', kmsKeyId });
    expect(document.Statement.at(-1)).toEqual({
      Sid: 'StateKmsKey',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [kmsKeyId],
    });
  });

  it('a KMS alias ARN becomes the keys carrying that alias (an alias cannot be a Resource for key use)', () => {
    const document = policy({ ...s3, locking: 'lockfile', kmsKeyId: 'arn:aws:kms:eu-west-1:333333333333:alias/acme-tfstate' });
    expect(document.Statement.at(-1)).toEqual({
      Sid: 'StateKmsKey',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: ['arn:aws:kms:eu-west-1:333333333333:key/*'],
      Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/acme-tfstate'] } },
    });
  });

  it('no KMS statement without a KMS key', () => {
    expect(actionsOf(policy({ ...s3, locking: 'lockfile' })).filter((action) => action.startsWith('kms:'))).toEqual([]);
  });

  it('follows an explicit key override', () => {
    const document = policy({ ...s3, locking: 'lockfile', key: 'teams/svc.tfstate' });
    expect(document.Statement[1].Resource).toEqual(['arn:aws:s3:::acme-tfstate/teams/svc.tfstate']);
    expect(document.Statement[0].Condition).toEqual({ StringEquals: { 's3:prefix': ['teams/svc.tfstate'] } });
  });

  it('uses the partition of the region', () => {
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    const document = policy({ kind: 's3', bucket: 'b-cn', region: 'cn-north-1', locking: 'dynamodb', dynamodbTable: 't' });
    expect(document.Statement[0].Resource).toEqual(['arn:aws-cn:s3:::b-cn']);
    expect(document.Statement.find((statement) => statement.Sid === 'DescribeLockTable')!.Resource).toEqual(['arn:aws-cn:dynamodb:cn-north-1:123456789012:table/t']);
  });
});

describe('state access policies in the synthesized app', () => {
  const { stacks } = synthApp(appDefinition);
  const outputPolicy = (stack: string) => JSON.parse(stacks[stack].output?.state_access_policy_json?.value as string) as IamPolicyDocument;

  it('staging and production output theirs; dev (local state) has none', () => {
    expect(stacks.dev.output).not.toHaveProperty('state_access_policy_json');
    expect(actionsOf(outputPolicy('staging'))).toContain('s3:DeleteObject'); // the lockfile
    // Staging's own lock items only (a rollback to both needs them), never another state's.
    const stagingItems = outputPolicy('staging').Statement.find((statement) => statement.Sid === 'DynamoDbLockItems');
    expect(stagingItems?.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'dynamodb:LeadingKeys': ['acme-platform-tfstate/acme-platform/staging/terraform.tfstate', 'acme-platform-tfstate/acme-platform/staging/terraform.tfstate-md5'],
      },
    });
    expect(actionsOf(outputPolicy('production'))).toContain('dynamodb:PutItem');
    expect(actionsOf(outputPolicy('production'))).toContain('kms:Decrypt');
  });

  it('staging\'s policy does not grant production\'s state, lock or key, and the reverse', () => {
    const staging = JSON.stringify(outputPolicy('staging'));
    const production = JSON.stringify(outputPolicy('production'));
    expect(staging).toContain('acme-platform/staging/terraform.tfstate');
    expect(staging).not.toContain('production');
    expect(staging).not.toContain('kms');
    expect(production).not.toContain('staging');
  });

  it('production\'s lock table ARN is in the state-backend\'s account', () => {
    const tables = outputPolicy('production').Statement.filter((statement) => statement.Sid === 'DescribeLockTable');
    expect(tables.flatMap((statement) => statement.Resource)).toEqual(['arn:aws:dynamodb:eu-west-1:333333333333:table/acme-platform-tflock']);
  });

  it('the state-backend stack creates one aws_iam_policy per remote environment, equal to its output', () => {
    const policies = resourcesOf(stacks['state-backend'], 'aws_iam_policy');
    // The CI stacks' state roles get the same policy for their own keys (docs/cross-account.md).
    expect(policies.map((resource) => resource.name).sort()).toEqual([
      'acme-platform-ci-production-tfstate-access',
      'acme-platform-ci-staging-tfstate-access',
      'acme-platform-production-tfstate-access',
      'acme-platform-production-tfstate-replica-access',
      'acme-platform-staging-tfstate-access',
      'acme-platform-staging-tfstate-replica-access',
    ]);
    for (const name of ['staging', 'production']) {
      const resource = policies.find((candidate) => candidate.name === `acme-platform-${name}-tfstate-access`);
      expect(JSON.parse(resource?.policy as string)).toEqual(outputPolicy(name));
    }
  });
});
