import { tlsOnlyPolicyDocument } from '../../lib/constructs/tls-only-policy';
import { stateAccessPolicy } from '../../lib/iam/state-access-policy';
import { ciDeployPolicy } from '../../lib/identities/deploy-policy';
import { stateKeyPolicy } from '../../lib/identities/key-policy';
import { githubOidcTrustPolicy, stateRoleTrustPolicy } from '../../lib/identities/trust-policies';
import type { S3State } from '../../lib/definitions/state-definition';
import { Authorizer, type Authorization } from '../../tooling/sandbox/iam/authorizer';
import { DecisionCache, deepFreeze } from '../../tooling/sandbox/iam/decision-cache';
import type { KeyFacts, MotoReader, PolicyDocument, TableFacts } from '../../tooling/sandbox/iam/moto-reader';
import { motoRoot, roleSession } from '../../tooling/sandbox/iam/principal-registry';
import type { Check, MappedRequest, Principal, ViaService } from '../../tooling/sandbox/iam/types';

/**
 * The project's own policies (the state bucket's, the state roles', the state key's, the trust
 * policies), authorized by the sandbox's evaluator as AWS would: what each environment may and may not do.
 */
const REGION = 'eu-west-1';
const STATE = '333333333333';
const STAGING = '222222222222';
const BUCKET = 'acme-tfstate';
const TABLE = 'acme-tflock';
const KEY_ARN = `arn:aws:kms:${REGION}:${STATE}:key/0000-state-key`;
const ALIAS_ARN = `arn:aws:kms:${REGION}:${STATE}:alias/acme-tfstate`;
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

const staging: S3State = { kind: 's3', bucket: BUCKET, region: REGION, locking: 'lockfile' };
const production: S3State = { kind: 's3', bucket: BUCKET, region: REGION, locking: 'dynamodb', dynamodbTable: TABLE, kmsKeyId: ALIAS_ARN };
const qa: S3State = { kind: 's3', bucket: BUCKET, region: REGION, locking: 'both', dynamodbTable: TABLE };
const statePolicy = (state: S3State, stack: string) => stateAccessPolicy(state, { project: 'acme', stack, stateAccountId: STATE });

const rolePolicies: Record<string, PolicyDocument[]> = {
  [`${STATE} acme-staging-tfstate`]: [{ name: 'staging', policy: statePolicy(staging, 'staging') }],
  [`${STATE} acme-production-tfstate`]: [{ name: 'production', policy: statePolicy(production, 'production') }],
  [`${STATE} acme-qa-tfstate`]: [{ name: 'qa', policy: statePolicy(qa, 'qa') }],
  [`${STAGING} acme-staging-ci-deploy`]: [
    { name: 'deploy', policy: ciDeployPolicy({ project: 'acme', environment: 'staging', region: REGION, account: STAGING, stateRoleArn: role(STATE, 'acme-staging-tfstate'), workloadKeys: false }) },
  ],
};
const trust = (environmentAccount: string, environment: string) =>
  stateRoleTrustPolicy({ kind: 'environment-account' }, { region: REGION, environmentAccount, ciRoleArn: role(environmentAccount, `acme-${environment}-ci-deploy`) });
const trustPolicies: Record<string, unknown> = {
  [`${STATE} acme-staging-tfstate`]: trust(STAGING, 'staging'),
  [`${STATE} acme-production-tfstate`]: trust(STATE, 'production'),
  [`${STAGING} acme-staging-ci-deploy`]: githubOidcTrustPolicy({ providerArn: `arn:aws:iam::${STAGING}:oidc-provider/token.actions.githubusercontent.com`, repository: 'acme/platform', environment: 'staging' }),
};
const stateKey: KeyFacts = {
  arn: KEY_ARN,
  account: STATE,
  policy: stateKeyPolicy({ region: REGION, stateAccount: STATE, keyUserRoleArns: [role(STATE, 'acme-production-tfstate')] }),
  aliases: ['alias/acme-tfstate'],
  tags: {},
};
const lockTable: TableFacts = { hashKey: 'LockID', kmsKeyArn: KEY_ARN };

/** moto's answers, as the sandbox would read them after deploying the state-backend stack. */
const moto = {
  rolePolicies: async (account: string, name: string) => rolePolicies[`${account} ${name}`],
  trustPolicy: async (account: string, name: string) => trustPolicies[`${account} ${name}`],
  key: async (account: string, _region: string, keyId: string) => (account === STATE && [KEY_ARN, ALIAS_ARN, 'alias/acme-tfstate'].includes(keyId) ? stateKey : undefined),
  table: async (account: string, _region: string, table: string) => (account === STATE && table === TABLE ? lockTable : undefined),
  bucketEncryption: async () => ({ kind: 'sse-kms' as const, keyId: KEY_ARN }),
  // The project's roles carry no IAM tags, and its key no grants.
  principalTags: async () => ({}),
  grants: async () => [],
} as unknown as MotoReader;

const sources = {
  moto,
  bucketPolicy: (bucket: string) => (bucket === BUCKET ? JSON.stringify(tlsOnlyPolicyDocument(`arn:aws:s3:::${BUCKET}`, { onlyAccount: STATE })) : undefined),
  bucketOwner: (bucket: string) => (bucket === BUCKET ? STATE : undefined),
};
const uncached = new Authorizer(sources);
/** The same sources as the real reader gives them (deep-frozen), with the decision cache enforcement uses. */
const frozenMoto = {
  rolePolicies: async (account: string, name: string) => deepFreeze(await moto.rolePolicies(account, name)),
  trustPolicy: async (account: string, name: string) => deepFreeze(await moto.trustPolicy(account, name)),
  key: async (account: string, region: string, keyId: string) => deepFreeze(await moto.key(account, region, keyId)),
  table: async (account: string, region: string, table: string) => deepFreeze(await moto.table(account, region, table)),
  bucketEncryption: async (account: string, bucket: string) => deepFreeze(await moto.bucketEncryption(account, bucket)),
  principalTags: async () => deepFreeze({}),
  grants: async () => deepFreeze([]),
} as unknown as MotoReader;
const decisions = new DecisionCache();
const cached = new Authorizer({ ...sources, moto: frozenMoto, decisions });

/**
 * Every decision below is made three times: without the decision cache, with it (a miss the first
 * time a request is seen), and again (a hit): all three must agree, so the cache never changes a decision.
 */
async function agreed(decision: (authorizer: Authorizer) => Promise<Authorization>): Promise<Authorization> {
  const plain = await decision(uncached);
  expect(await decision(cached)).toEqual(plain);
  expect(await decision(cached)).toEqual(plain);
  return plain;
}
const authorizer = {
  authorize: (...args: Parameters<Authorizer['authorize']>) => agreed((a) => a.authorize(...args)),
  authorizeVia: (...args: Parameters<Authorizer['authorizeVia']>) => agreed((a) => a.authorizeVia(...args)),
};

const stagingRole = roleSession(role(STATE, 'acme-staging-tfstate'), 's');
const productionRole = roleSession(role(STATE, 'acme-production-tfstate'), 's');
const qaRole = roleSession(role(STATE, 'acme-qa-tfstate'), 's');
const stateAdmin = roleSession(role(STATE, 'sandbox-admin'), 'sandbox');
const stagingAdmin = roleSession(role(STAGING, 'sandbox-admin'), 'sandbox');
const stagingCi = roleSession(role(STAGING, 'acme-staging-ci-deploy'), 'github-actions');

const request = (checks: Check[], extra: Partial<Extract<MappedRequest, { kind: 'mapped' }>> = {}): Extract<MappedRequest, { kind: 'mapped' }> => ({
  kind: 'mapped', protocol: 's3-rest', service: 's3', operation: 'op', region: REGION, checks, ...extra,
});
const object = (action: string, key: string): Check => ({ action, resource: { kind: 's3', bucket: BUCKET, key } });
const decide = async (principal: Principal, checks: Check[], extra: Partial<Extract<MappedRequest, { kind: 'mapped' }>> = {}, secure = true) => authorizer.authorize(principal, request(checks, extra), secure);
const lockItem = (principal: Principal, action: string, lockId: string) =>
  decide(principal, [{ action, resource: { kind: 'arn', arn: `arn:aws:dynamodb:${REGION}:${STATE}:table/${TABLE}`, account: STATE } }], {
    dynamodbItems: { table: TABLE, account: STATE, items: [{ LockID: { S: lockId } }] },
    via: { kind: 'dynamodb-table', account: STATE, region: REGION, table: TABLE, actions: ['kms:Decrypt'] },
  });
const stagingKey = 'acme/staging/terraform.tfstate';
const productionKey = 'acme/production/terraform.tfstate';

describe('state access through the state roles', () => {
  it('staging\'s role reads and writes its state and lockfile over TLS, and nothing of production\'s', async () => {
    expect(await decide(stagingRole, [object('s3:GetObject', stagingKey), object('s3:PutObject', stagingKey), object('s3:DeleteObject', `${stagingKey}.tflock`)])).toEqual({ kind: 'allowed' });
    expect(await decide(stagingRole, [object('s3:GetObject', productionKey)])).toEqual({
      kind: 'denied',
      action: 's3:GetObject',
      resource: `arn:aws:s3:::${BUCKET}/${productionKey}`,
      principal: 'arn:aws:sts::333333333333:assumed-role/acme-staging-tfstate/s',
      reason: 'because no identity-based policy allows the s3:GetObject action',
    });
    expect(await lockItem(stagingRole, 'dynamodb:PutItem', `${BUCKET}/${productionKey}`)).toMatchObject({ kind: 'denied', action: 'dynamodb:PutItem' });
  });

  it('ListBucket only for its own key as s3:prefix', async () => {
    const list = (prefix: string) => decide(stagingRole, [{ action: 's3:ListBucket', resource: { kind: 's3', bucket: BUCKET }, context: { 's3:prefix': prefix } }]);
    expect(await list(stagingKey)).toEqual({ kind: 'allowed' });
    expect(await list('acme/')).toMatchObject({ kind: 'denied', action: 's3:ListBucket', resource: `arn:aws:s3:::${BUCKET}` });
  });

  it('plain HTTP is refused by the bucket policy\'s explicit deny, naming the statement', async () => {
    expect(await decide(stagingRole, [object('s3:GetObject', stagingKey)], {}, false)).toMatchObject({
      kind: 'denied',
      reason: 'with an explicit deny in a resource-based policy (statement DenyInsecureTransport)',
    });
  });

  it('an anonymous request is refused too: over plain HTTP by the explicit deny, over TLS for want of any allow', async () => {
    expect(await decide({ kind: 'anonymous' }, [object('s3:GetObject', stagingKey)], {}, false)).toMatchObject({ kind: 'denied', principal: 'anonymous', reason: expect.stringContaining('DenyInsecureTransport') });
    expect(await decide({ kind: 'anonymous' }, [object('s3:GetObject', stagingKey)])).toMatchObject({ kind: 'denied', principal: 'anonymous' });
  });

  it('an environment account\'s administrator cannot read the state without the role (DenyOtherAccounts)', async () => {
    expect(await decide(stagingAdmin, [object('s3:GetObject', stagingKey)])).toMatchObject({ kind: 'denied', reason: expect.stringContaining('DenyOtherAccounts') });
  });

  it('production\'s role writes its state encrypted with the state key through its alias, and locks its own items', async () => {
    const put = { kind: 's3-put', bucket: BUCKET, region: REGION, encryption: { kind: 'sse-kms', keyId: ALIAS_ARN } } as const satisfies ViaService;
    expect(await decide(productionRole, [object('s3:PutObject', productionKey)], { via: put })).toEqual({ kind: 'allowed' });
    expect(await lockItem(productionRole, 'dynamodb:PutItem', `${BUCKET}/${productionKey}`)).toEqual({ kind: 'allowed' });
    expect(await lockItem(productionRole, 'dynamodb:GetItem', `${BUCKET}/${productionKey}-md5`)).toEqual({ kind: 'allowed' });
  });

  it('the state account\'s administrators read the object but cannot decrypt production\'s state', async () => {
    expect(await decide(stateAdmin, [object('s3:GetObject', productionKey)])).toEqual({ kind: 'allowed' });
    expect(await authorizer.authorizeVia(stateAdmin, { kind: 's3-get', keyId: KEY_ARN, region: REGION }, true)).toMatchObject({
      kind: 'denied',
      action: 'kms:Decrypt',
      resource: KEY_ARN,
      principal: 'arn:aws:sts::333333333333:assumed-role/sandbox-admin/sandbox',
    });
  });

  it('an environment that locks in DynamoDB without the state key (qa, locking both) may use the key through DynamoDB only', async () => {
    expect(await lockItem(qaRole, 'dynamodb:PutItem', `${BUCKET}/acme/qa/terraform.tfstate`)).toEqual({ kind: 'allowed' });
    expect(await decide(qaRole, [object('s3:PutObject', 'acme/qa/terraform.tfstate.tflock')])).toEqual({ kind: 'allowed' });
    expect(await authorizer.authorizeVia(qaRole, { kind: 's3-get', keyId: KEY_ARN, region: REGION }, true)).toMatchObject({ kind: 'denied', action: 'kms:Decrypt' });
  });
});

describe('role chains', () => {
  const assume = (principal: Principal, roleArn: string, webIdentity = false) => decide(principal, [{ action: webIdentity ? 'sts:AssumeRoleWithWebIdentity' : 'sts:AssumeRole', resource: { kind: 'role', roleArn } }], { webIdentity });

  it('staging\'s CI role assumes staging\'s state role, not production\'s', async () => {
    expect(await assume(stagingCi, role(STATE, 'acme-staging-tfstate'))).toEqual({ kind: 'allowed' });
    expect(await assume(stagingCi, role(STATE, 'acme-production-tfstate'))).toMatchObject({ kind: 'denied', action: 'sts:AssumeRole', resource: role(STATE, 'acme-production-tfstate') });
  });

  it('an account\'s administrators assume their environment\'s state role; another account\'s do not', async () => {
    expect(await assume(stagingAdmin, role(STATE, 'acme-staging-tfstate'))).toEqual({ kind: 'allowed' });
    expect(await assume(stagingAdmin, role(STATE, 'acme-production-tfstate'))).toMatchObject({ kind: 'denied' });
  });

  it('GitHub\'s OIDC provider may assume the CI role (its :sub/:aud conditions are the unit tests\', not the evaluator\'s)', async () => {
    expect(await assume({ kind: 'anonymous' }, role(STAGING, 'acme-staging-ci-deploy'), true)).toEqual({ kind: 'allowed' });
    expect(await assume({ kind: 'anonymous' }, role(STATE, 'acme-staging-tfstate'), true)).toMatchObject({ kind: 'denied', action: 'sts:AssumeRoleWithWebIdentity' });
  });

  it('a role that does not exist cannot be assumed; the sandbox\'s own administrator role is the bootstrap', async () => {
    expect(await assume(motoRoot(), role(STATE, 'no-such-role'))).toMatchObject({ kind: 'denied' });
    expect(await assume(motoRoot(), role(STATE, 'sandbox-admin'))).toEqual({ kind: 'allowed' });
  });
});

describe('the decision cache', () => {
  it('answered every repeated decision above without the evaluator', () => {
    expect(decisions.hits).toBeGreaterThanOrEqual(decisions.misses);
    expect(decisions.misses).toBeGreaterThan(10);
  });
});
