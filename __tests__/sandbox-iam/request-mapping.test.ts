import { mapRequest, signatureScope, type AwsRequest } from '../../tooling/sandbox/iam/request-mapping';
import type { MappedRequest } from '../../tooling/sandbox/iam/types';

/** Every request the project's stacks and backends make, mapped to IAM's terms: exact action, resource, context. */
const ACCOUNT = '333333333333';
const REGION = 'eu-west-1';
const auth = (service: string, key = 'ASIAEXAMPLE') => `AWS4-HMAC-SHA256 Credential=${key}/20261130/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=abc`;

function request(service: string, method: string, path: string, options: { headers?: Record<string, string>; body?: string } = {}): AwsRequest {
  return { method, url: new URL(path, 'https://sandbox'), headers: { authorization: auth(service), ...options.headers }, body: Buffer.from(options.body ?? '') };
}
const map = (req: AwsRequest) => mapRequest(req, signatureScope(req), ACCOUNT);
const mapped = (result: MappedRequest) => {
  if (result.kind !== 'mapped') throw new Error(`not mapped: ${JSON.stringify(result)}`);
  return result;
};
const json = (service: string, target: string, body: object) =>
  request(service, 'POST', '/', { headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) });
const query = (service: string, params: Record<string, string>) =>
  request(service, 'POST', '/', { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(params).toString() });

describe('the signature scope', () => {
  it('names the access key, region and service of a SigV4 header, or of a presigned URL', () => {
    expect(signatureScope(request('s3', 'GET', '/b/k'))).toEqual({ accessKeyId: 'ASIAEXAMPLE', region: REGION, service: 's3' });
    const presigned = { method: 'GET', url: new URL(`https://sandbox/b/k?X-Amz-Credential=${encodeURIComponent(`AKIA1/20261130/${REGION}/s3/aws4_request`)}`), headers: {}, body: Buffer.alloc(0) };
    expect(signatureScope(presigned)).toEqual({ accessKeyId: 'AKIA1', region: REGION, service: 's3' });
  });
});

describe('S3 (path-style REST)', () => {
  it('state reads and writes: GetObject / PutObject on the object ARN, with the encryption the backend asked for', () => {
    expect(mapped(map(request('s3', 'GET', '/acme-tfstate/env/terraform.tfstate')))).toEqual({
      kind: 'mapped', protocol: 's3-rest', service: 's3', operation: 'GetObject', region: REGION,
      checks: [{ action: 's3:GetObject', resource: { kind: 's3', bucket: 'acme-tfstate', key: 'env/terraform.tfstate' } }],
    });
    const put = mapped(map(request('s3', 'PUT', '/acme-tfstate/env/terraform.tfstate', { headers: { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:eu-west-1:333333333333:alias/acme-tfstate' } })));
    // The encryption headers are also the condition keys s3:x-amz-server-side-encryption(-aws-kms-key-id).
    expect(put.checks).toEqual([
      {
        action: 's3:PutObject',
        resource: { kind: 's3', bucket: 'acme-tfstate', key: 'env/terraform.tfstate' },
        context: { 's3:x-amz-server-side-encryption': 'aws:kms', 's3:x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:eu-west-1:333333333333:alias/acme-tfstate' },
      },
    ]);
    expect(put.via).toEqual({ kind: 's3-put', bucket: 'acme-tfstate', region: REGION, encryption: { kind: 'sse-kms', keyId: 'arn:aws:kms:eu-west-1:333333333333:alias/acme-tfstate' } });
    expect(mapped(map(request('s3', 'PUT', '/b/k.tflock', { headers: { 'x-amz-server-side-encryption': 'AES256' } }))).via).toMatchObject({ encryption: { kind: 'sse-s3' } });
    expect(mapped(map(request('s3', 'PUT', '/b/k'))).via).toMatchObject({ encryption: { kind: 'bucket-default' } });
  });

  it('HeadObject is s3:GetObject, the lockfile\'s delete is s3:DeleteObject, versions are their own actions', () => {
    expect(mapped(map(request('s3', 'HEAD', '/b/k'))).checks[0].action).toBe('s3:GetObject');
    expect(mapped(map(request('s3', 'DELETE', '/b/k.tflock'))).checks[0]).toEqual({ action: 's3:DeleteObject', resource: { kind: 's3', bucket: 'b', key: 'k.tflock' } });
    expect(mapped(map(request('s3', 'GET', '/b/k?versionId=3'))).checks[0].action).toBe('s3:GetObjectVersion');
    expect(mapped(map(request('s3', 'DELETE', '/b/k?versionId=3'))).checks[0].action).toBe('s3:DeleteObjectVersion');
  });

  it('listing: s3:ListBucket on the bucket with s3:prefix when the request names one; ListBuckets is s3:ListAllMyBuckets on *', () => {
    expect(mapped(map(request('s3', 'GET', '/b?list-type=2&prefix=env%2Fterraform.tfstate'))).checks).toEqual([
      { action: 's3:ListBucket', resource: { kind: 's3', bucket: 'b' }, context: { 's3:prefix': 'env/terraform.tfstate' } },
    ]);
    expect(mapped(map(request('s3', 'GET', '/b?list-type=2'))).checks).toEqual([{ action: 's3:ListBucket', resource: { kind: 's3', bucket: 'b' } }]);
    expect(mapped(map(request('s3', 'GET', '/b?versions&prefix=p'))).checks).toEqual([{ action: 's3:ListBucketVersions', resource: { kind: 's3', bucket: 'b' }, context: { 's3:prefix': 'p' } }]);
    expect(mapped(map(request('s3', 'GET', '/'))).checks).toEqual([{ action: 's3:ListAllMyBuckets', resource: { kind: 'arn', arn: '*', account: '' } }]);
  });

  it('bucket configuration the provider reads and writes', () => {
    const action = (method: string, path: string) => mapped(map(request('s3', method, path))).checks[0].action;
    expect(action('PUT', '/b')).toBe('s3:CreateBucket');
    expect(action('DELETE', '/b')).toBe('s3:DeleteBucket');
    expect(action('PUT', '/b?policy')).toBe('s3:PutBucketPolicy');
    expect(action('GET', '/b?encryption')).toBe('s3:GetEncryptionConfiguration');
    expect(action('DELETE', '/b?encryption')).toBe('s3:PutEncryptionConfiguration');
    expect(action('PUT', '/b?publicAccessBlock')).toBe('s3:PutBucketPublicAccessBlock');
    expect(action('PUT', '/b?lifecycle')).toBe('s3:PutLifecycleConfiguration');
    expect(action('GET', '/b?object-lock')).toBe('s3:GetBucketObjectLockConfiguration');
    expect(action('GET', '/b?accelerate')).toBe('s3:GetAccelerateConfiguration');
    expect(action('GET', '/b?requestPayment')).toBe('s3:GetBucketRequestPayment');
  });

  it('DeleteObjects is s3:DeleteObject on each key it names', () => {
    const body = '<Delete><Object><Key>a</Key></Object><Object><Key>b&amp;c</Key></Object></Delete>';
    expect(mapped(map(request('s3', 'POST', '/b?delete', { body }))).checks).toEqual([
      { action: 's3:DeleteObject', resource: { kind: 's3', bucket: 'b', key: 'a' } },
      { action: 's3:DeleteObject', resource: { kind: 's3', bucket: 'b', key: 'b&c' } },
    ]);
  });

  it('a sub-resource it does not know is unmapped, named, not guessed', () => {
    expect(map(request('s3', 'GET', '/b?mystery'))).toEqual({ kind: 'unmapped', protocol: 's3-rest', service: 's3', operation: 'GET ?mystery', reason: 'bucket sub-resource the sandbox does not map' });
  });
});

describe('DynamoDB (JSON)', () => {
  const table = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/acme-tflock`;
  it('lock items: the item operation on the table, its items for dynamodb:LeadingKeys, the table key used as the caller', () => {
    const get = mapped(map(json('dynamodb', 'DynamoDB_20120810.GetItem', { TableName: 'acme-tflock', Key: { LockID: { S: 'acme-tfstate/env/terraform.tfstate-md5' } } })));
    expect(get).toEqual({
      kind: 'mapped', protocol: 'json', service: 'dynamodb', operation: 'GetItem', region: REGION,
      checks: [{ action: 'dynamodb:GetItem', resource: { kind: 'arn', arn: table, account: ACCOUNT } }],
      dynamodbItems: { table: 'acme-tflock', account: ACCOUNT, items: [{ LockID: { S: 'acme-tfstate/env/terraform.tfstate-md5' } }] },
      via: { kind: 'dynamodb-table', account: ACCOUNT, region: REGION, table: 'acme-tflock', actions: ['kms:Decrypt'] },
    });
    const put = mapped(map(json('dynamodb', 'DynamoDB_20120810.PutItem', { TableName: 'acme-tflock', Item: { LockID: { S: 'x' }, Info: { S: '{}' } } })));
    expect(put.dynamodbItems?.items).toEqual([{ LockID: { S: 'x' }, Info: { S: '{}' } }]);
  });

  it('table operations on the table ARN; CreateTable naming a key uses it as the caller; ListTables on *', () => {
    expect(mapped(map(json('dynamodb', 'DynamoDB_20120810.DescribeTable', { TableName: 'acme-tflock' }))).checks).toEqual([{ action: 'dynamodb:DescribeTable', resource: { kind: 'arn', arn: table, account: ACCOUNT } }]);
    const create = mapped(map(json('dynamodb', 'DynamoDB_20120810.CreateTable', { TableName: 'acme-tflock', SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: 'arn:aws:kms:eu-west-1:333333333333:key/k' } })));
    expect(create.via).toEqual({ kind: 'dynamodb-key', keyId: 'arn:aws:kms:eu-west-1:333333333333:key/k', account: ACCOUNT, region: REGION, actions: ['kms:DescribeKey', 'kms:CreateGrant'] });
    expect(mapped(map(json('dynamodb', 'DynamoDB_20120810.ListTagsOfResource', { ResourceArn: table }))).checks[0].resource).toEqual({ kind: 'arn', arn: table, account: ACCOUNT });
    expect(mapped(map(json('dynamodb', 'DynamoDB_20120810.ListTables', {}))).checks[0]).toEqual({ action: 'dynamodb:ListTables', resource: { kind: 'arn', arn: '*', account: ACCOUNT } });
  });
});

describe('KMS (JSON)', () => {
  it('key operations on the key as named (resolved, with its aliases, by the authorizer)', () => {
    expect(mapped(map(json('kms', 'TrentService.Decrypt', { KeyId: 'arn:aws:kms:eu-west-1:444444444444:alias/x', CiphertextBlob: 'AA==' }))).checks).toEqual([
      { action: 'kms:Decrypt', resource: { kind: 'kms-key', keyId: 'arn:aws:kms:eu-west-1:444444444444:alias/x', account: '444444444444', region: REGION }, context: {} },
    ]);
  });

  it('CreateKey on * with its tags as aws:RequestTag and aws:TagKeys; aliases need the alias and the key', () => {
    expect(mapped(map(json('kms', 'TrentService.CreateKey', { Tags: [{ TagKey: 'environment', TagValue: 'production' }] }))).checks).toEqual([
      { action: 'kms:CreateKey', resource: { kind: 'arn', arn: '*', account: ACCOUNT }, context: { 'aws:RequestTag/environment': 'production', 'aws:TagKeys': ['environment'] } },
    ]);
    expect(mapped(map(json('kms', 'TrentService.CreateAlias', { AliasName: 'alias/acme-tfstate', TargetKeyId: 'k1' }))).checks).toEqual([
      { action: 'kms:CreateAlias', resource: { kind: 'arn', arn: `arn:aws:kms:${REGION}:${ACCOUNT}:alias/acme-tfstate`, account: ACCOUNT } },
      { action: 'kms:CreateAlias', resource: { kind: 'kms-key', keyId: 'k1', account: ACCOUNT, region: REGION } },
    ]);
  });
});

describe('SSM (JSON)', () => {
  it('parameters by name, DescribeParameters on *', () => {
    expect(mapped(map(json('ssm', 'AmazonSSM.GetParameter', { Name: '/acme/staging/api-token', WithDecryption: true }))).checks).toEqual([
      { action: 'ssm:GetParameter', resource: { kind: 'arn', arn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/acme/staging/api-token`, account: ACCOUNT }, context: {} },
    ]);
    expect(mapped(map(json('ssm', 'AmazonSSM.DescribeParameters', {}))).checks[0].resource).toEqual({ kind: 'arn', arn: '*', account: ACCOUNT });
    expect(mapped(map(json('ssm', 'AmazonSSM.ListTagsForResource', { ResourceType: 'Parameter', ResourceId: '/acme/p' }))).checks[0].resource).toEqual({
      kind: 'arn', arn: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/acme/p`, account: ACCOUNT,
    });
  });
});

describe('STS and IAM (Query)', () => {
  it('AssumeRole on the role (its trust policy decides); GetCallerIdentity needs no permission (no check)', () => {
    expect(mapped(map(query('sts', { Action: 'AssumeRole', RoleArn: 'arn:aws:iam::333333333333:role/acme-staging-tfstate', RoleSessionName: 's' })))).toEqual({
      kind: 'mapped', protocol: 'query', service: 'sts', operation: 'AssumeRole', region: REGION,
      checks: [{ action: 'sts:AssumeRole', resource: { kind: 'role', roleArn: 'arn:aws:iam::333333333333:role/acme-staging-tfstate' }, context: { 'sts:RoleSessionName': 's' } }],
    });
    expect(mapped(map(query('sts', { Action: 'GetCallerIdentity' }))).checks).toEqual([]);
  });

  it('group membership is authorized on the group', () => {
    expect(mapped(map(query('iam', { Action: 'AddUserToGroup', GroupName: 'g', UserName: 'u' }))).checks[0].resource).toEqual({ kind: 'arn', arn: `arn:aws:iam::${ACCOUNT}:group/g`, account: ACCOUNT });
  });

  it('AssumeRole\'s external ID and session tags are condition keys; session tags also need sts:TagSession', () => {
    const tagged = mapped(map(query('sts', { Action: 'AssumeRole', RoleArn: 'arn:aws:iam::333333333333:role/r', RoleSessionName: 's', ExternalId: 'x-1', 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'blue' })));
    const context = { 'sts:ExternalId': 'x-1', 'sts:RoleSessionName': 's', 'aws:RequestTag/team': 'blue', 'aws:TagKeys': ['team'] };
    expect(tagged.checks).toEqual([
      { action: 'sts:AssumeRole', resource: { kind: 'role', roleArn: 'arn:aws:iam::333333333333:role/r' }, context },
      { action: 'sts:TagSession', resource: { kind: 'role', roleArn: 'arn:aws:iam::333333333333:role/r' }, context },
    ]);
    expect(tagged.sessionTags).toEqual({ team: 'blue' });
  });

  it('KMS Decrypt without KeyId is authorized on the key moto\'s ciphertext names; a key ARN of another account is served as its owner', () => {
    const keyId = '0f4e3a52-1111-4222-8333-444455556666';
    const blob = Buffer.concat([Buffer.from(keyId), Buffer.alloc(40, 7)]).toString('base64');
    const decrypt = mapped(map(json('kms', 'TrentService.Decrypt', { CiphertextBlob: blob, EncryptionContext: { purpose: 'state' } })));
    expect(decrypt.checks).toEqual([{ action: 'kms:Decrypt', resource: { kind: 'kms-key', keyId, account: ACCOUNT, region: REGION }, context: { 'kms:EncryptionContext:purpose': 'state', 'kms:EncryptionContextKeys': ['purpose'] } }]);
    expect(map(json('kms', 'TrentService.Decrypt', { CiphertextBlob: Buffer.from('not moto').toString('base64') }))).toMatchObject({ kind: 'unmapped' });
    const other = mapped(map(json('kms', 'TrentService.Encrypt', { KeyId: 'arn:aws:kms:eu-west-1:999999999999:key/k', Plaintext: 'eA==' })));
    expect(other.ownerAccount).toBe('999999999999');
    expect(mapped(map(json('kms', 'TrentService.ReEncrypt', { CiphertextBlob: blob, DestinationKeyId: 'k2' }))).checks.map((check) => check.action)).toEqual(['kms:ReEncryptFrom', 'kms:ReEncryptTo']);
  });

  it('the unsigned AssumeRoleWithWebIdentity is mapped as a web identity', () => {
    const unsigned: AwsRequest = { method: 'POST', url: new URL('https://sandbox/'), headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from('Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Fci&WebIdentityToken=t') };
    expect(mapRequest(unsigned, undefined, ACCOUNT)).toMatchObject({ kind: 'mapped', operation: 'AssumeRoleWithWebIdentity', webIdentity: true, checks: [{ action: 'sts:AssumeRoleWithWebIdentity', resource: { kind: 'role', roleArn: 'arn:aws:iam::222222222222:role/ci' } }] });
  });

  it('IAM on the entity ARN; AttachRolePolicy on the role with iam:PolicyARN; List operations on *', () => {
    expect(mapped(map(query('iam', { Action: 'CreateRole', RoleName: 'r', Path: '/ci/', AssumeRolePolicyDocument: '{}' }))).checks).toEqual([
      { action: 'iam:CreateRole', resource: { kind: 'arn', arn: `arn:aws:iam::${ACCOUNT}:role/ci/r`, account: ACCOUNT } },
    ]);
    expect(mapped(map(query('iam', { Action: 'AttachRolePolicy', RoleName: 'r', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/p` }))).checks).toEqual([
      { action: 'iam:AttachRolePolicy', resource: { kind: 'arn', arn: `arn:aws:iam::${ACCOUNT}:role/r`, account: ACCOUNT }, context: { 'iam:PolicyARN': `arn:aws:iam::${ACCOUNT}:policy/p` } },
    ]);
    expect(mapped(map(query('iam', { Action: 'CreateOpenIDConnectProvider', Url: 'https://token.actions.githubusercontent.com' }))).checks[0].resource).toEqual({
      kind: 'arn', arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, account: ACCOUNT,
    });
    expect(mapped(map(query('iam', { Action: 'ListRoles' }))).checks[0].resource).toEqual({ kind: 'arn', arn: '*', account: ACCOUNT });
  });

  it('the sandbox\'s own control endpoints are not IAM requests', () => {
    expect(map(request('s3', 'POST', '/moto-api/reset'))).toEqual({ kind: 'sandbox-control' });
  });
});

describe('unsigned requests', () => {
  it('a plain GET of an object URL is an anonymous S3 request (its bucket policy still applies)', () => {
    const anonymous: AwsRequest = { method: 'GET', url: new URL('http://sandbox/acme-tfstate/env/terraform.tfstate'), headers: {}, body: Buffer.alloc(0) };
    expect(mapRequest(anonymous, signatureScope(anonymous), ACCOUNT)).toMatchObject({
      kind: 'mapped',
      service: 's3',
      operation: 'GetObject',
      checks: [{ action: 's3:GetObject', resource: { kind: 's3', bucket: 'acme-tfstate', key: 'env/terraform.tfstate' } }],
    });
  });
});
