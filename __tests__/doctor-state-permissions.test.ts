import type { S3State } from '../lib/definitions/state-definition';
import { backendRequests } from '../tooling/doctor/state-permissions';

const common = { kind: 's3' as const, bucket: 'acme-tfstate', region: 'eu-west-1' };
const KEY = 'acme/production/terraform.tfstate';
const TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:333333333333:table/acme-tflock';
const KEY_ARN = 'arn:aws:kms:eu-west-1:333333333333:key/k1';
const summary = (state: S3State, stateKey?: { arn: string; alias?: string }, tableKey?: string) =>
  backendRequests(state, KEY, '333333333333', stateKey, tableKey).map((request) => `${request.action} ${request.resource.replace(/^arn:aws:[^:]+:[^:]*:[^:]*:/, '')} ${request.resourcePolicy}`);

describe('the requests the doctor asks IAM to simulate for a state role', () => {
  it('lockfile: list the key, read and write the state, take, read and release the lockfile, all under the bucket policy', () => {
    expect(summary({ ...common, locking: 'lockfile' })).toEqual([
      's3:ListBucket acme-tfstate bucket',
      `s3:GetObject acme-tfstate/${KEY} bucket`,
      `s3:PutObject acme-tfstate/${KEY} bucket`,
      `s3:PutObject acme-tfstate/${KEY}.tflock bucket`,
      `s3:GetObject acme-tfstate/${KEY}.tflock bucket`,
      `s3:DeleteObject acme-tfstate/${KEY}.tflock bucket`,
    ]);
  });

  it('dynamodb with SSE-KMS: the lock and digest items, the table key through DynamoDB, the state key through S3', () => {
    const requests = backendRequests({ ...common, locking: 'dynamodb', dynamodbTable: 'acme-tflock', kmsKeyId: 'arn:aws:kms:eu-west-1:333333333333:alias/acme-tfstate' }, KEY, '333333333333', { arn: KEY_ARN, alias: 'alias/acme-tfstate' }, KEY_ARN);
    expect(requests.map((request) => request.action)).toEqual([
      's3:ListBucket', 's3:GetObject', 's3:PutObject',
      'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem',
      'kms:Decrypt', 'kms:GenerateDataKey', 'kms:Decrypt',
    ]);
    expect(requests[3]).toEqual({
      action: 'dynamodb:PutItem',
      resource: TABLE_ARN,
      context: { 'aws:SecureTransport': ['true'], 'aws:PrincipalAccount': ['333333333333'], 'dynamodb:LeadingKeys': [`acme-tfstate/${KEY}`] },
      resourcePolicy: 'none',
      why: 'take the DynamoDB lock',
    });
    expect(requests[7].context['dynamodb:LeadingKeys']).toEqual([`acme-tfstate/${KEY}-md5`]);
    expect(requests[8].context).toMatchObject({ 'kms:ViaService': ['dynamodb.eu-west-1.amazonaws.com'], 'kms:CallerAccount': ['333333333333'] });
    expect(requests[9]).toMatchObject({
      resource: KEY_ARN,
      resourcePolicy: 'key',
      context: { 'kms:ViaService': ['s3.eu-west-1.amazonaws.com'], 'kms:CallerAccount': ['333333333333'], 'kms:ResourceAliases': ['alias/acme-tfstate'] },
    });
    expect(requests[0].context).toEqual({ 'aws:SecureTransport': ['true'], 'aws:PrincipalAccount': ['333333333333'], 's3:prefix': [KEY] });
  });

  it('both: the lockfile and the DynamoDB items', () => {
    const actions = summary({ ...common, locking: 'both', dynamodbTable: 'acme-tflock' });
    expect(actions).toContain(`s3:DeleteObject acme-tfstate/${KEY}.tflock bucket`);
    expect(actions).toContain('dynamodb:DeleteItem table/acme-tflock none');
    expect(actions.some((line) => line.startsWith('kms:'))).toBe(false);
  });
});
