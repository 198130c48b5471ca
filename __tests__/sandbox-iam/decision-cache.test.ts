import { DecisionCache, decisionKey, deepFreeze, fingerprint } from '../../tooling/sandbox/iam/decision-cache';
import type { Evaluation, EvaluationResult } from '../../tooling/sandbox/iam/evaluator';
import { readsChangedBy } from '../../tooling/sandbox/iam/invalidation';
import type { MappedRequest } from '../../tooling/sandbox/iam/types';

/** The decision cache's key, and which writes drop which reads (cache-invalidation.test.ts runs them end to end). */
const base: Evaluation = {
  principal: 'arn:aws:sts::333333333333:assumed-role/r/s',
  action: 's3:GetObject',
  resource: 'arn:aws:s3:::b/k',
  resourceAccount: '333333333333',
  context: { 'aws:SecureTransport': 'true', 'aws:PrincipalAccount': '333333333333' },
  identityPolicies: [{ name: 'p', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } }],
  resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] },
};

describe('the decision cache', () => {
  it('asks the evaluator once for identical evaluations, and remembers its whole answer', async () => {
    const cache = new DecisionCache();
    const evaluate = jest.fn(async (): Promise<EvaluationResult> => ({ result: 'ImplicitlyDenied', reason: 'because no identity-based policy allows the s3:GetObject action' }));
    const first = await cache.decide(base, evaluate);
    expect(await cache.decide({ ...base, context: { ...base.context } }, evaluate)).toEqual(first);
    expect(evaluate).toHaveBeenCalledTimes(1);
    expect([cache.hits, cache.misses]).toEqual([1, 1]);
  });

  it('keys on every input: a change to any of them is another decision', () => {
    const variants: Evaluation[] = [
      { ...base, principal: 'arn:aws:sts::333333333333:assumed-role/r/other-session' },
      { ...base, action: 's3:PutObject' },
      { ...base, resource: 'arn:aws:s3:::b/other' },
      { ...base, resourceAccount: '222222222222' },
      { ...base, context: { ...base.context, 'aws:SecureTransport': 'false' } },
      { ...base, context: { ...base.context, 's3:prefix': 'k' } },
      { ...base, context: { ...base.context, 'kms:ResourceAliases': ['alias/a', 'alias/b'] } },
      { ...base, identityPolicies: [] },
      { ...base, identityPolicies: [{ name: 'renamed', policy: base.identityPolicies[0].policy }] },
      { ...base, identityPolicies: [{ name: 'p', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] } }] },
      { ...base, identityPolicies: [...base.identityPolicies, { name: 'q', policy: {} }] },
      { ...base, resourcePolicy: undefined },
      { ...base, resourcePolicy: { Version: '2012-10-17', Statement: [] } },
      // The guardrails (guardrails.ts): a changed boundary, session policy, SCP or RCP is another decision.
      { ...base, sessionPolicy: { Version: '2012-10-17', Statement: [] } },
      { ...base, permissionBoundaries: [{ name: 'b', policy: { Version: '2012-10-17', Statement: [] } }] },
      { ...base, permissionBoundaries: [{ name: 'b', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }] },
      { ...base, serviceControlPolicies: [{ orgIdentifier: 'r-1', policies: [{ name: 'deny', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] } }] }] },
      { ...base, serviceControlPolicies: [{ orgIdentifier: 'r-1', policies: [] }] },
      { ...base, resourceControlPolicies: [{ orgIdentifier: 'r-1', policies: [{ name: 'deny', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }] } }] }] },
    ];
    const keys = new Set([base, ...variants].map(decisionKey));
    expect(keys.size).toBe(variants.length + 1);
  });

  it('equal documents are equal keys whatever their key order; frozen documents are fingerprinted once and cannot change', () => {
    expect(fingerprint({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(fingerprint({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(fingerprint({ a: [1, 2] })).not.toBe(fingerprint({ a: [2, 1] }));
    const policy = deepFreeze({ Statement: [{ Effect: 'Allow', Action: '*' }] });
    expect(() => {
      (policy.Statement[0] as { Effect: string }).Effect = 'Deny';
    }).toThrow(TypeError);
    expect(fingerprint(policy)).toBe(fingerprint({ Statement: [{ Effect: 'Allow', Action: '*' }] }));
  });

  it('drops its oldest decision when full', async () => {
    const cache = new DecisionCache(2);
    const evaluate = jest.fn(async (): Promise<EvaluationResult> => ({ result: 'Allowed' }));
    for (const action of ['s3:A', 's3:B', 's3:C', 's3:A']) await cache.decide({ ...base, action }, evaluate);
    expect(evaluate).toHaveBeenCalledTimes(4);
    expect(cache.size).toBe(2);
  });
});

describe('which writes drop which reads from moto', () => {
  const mapped = (service: string, operation: string): MappedRequest => ({ kind: 'mapped', protocol: 'query', service, operation, region: 'eu-west-1', checks: [] });
  const unmapped = (service: string, operation: string): MappedRequest => ({ kind: 'unmapped', protocol: 'query', service, operation, reason: 'test' });

  it.each([
    [mapped('iam', 'PutRolePolicy'), ['iam']],
    [mapped('iam', 'UpdateAssumeRolePolicy'), ['iam']],
    [mapped('iam', 'CreatePolicyVersion'), ['iam']],
    [unmapped('iam', 'CreateServiceLinkedRole'), ['iam']],
    [unmapped('iam', '(none)'), ['iam']],
    [mapped('iam', 'GetRole'), []],
    [mapped('iam', 'SimulatePrincipalPolicy'), []],
    [mapped('kms', 'PutKeyPolicy'), ['kms']],
    [mapped('kms', 'CreateKey'), ['kms']],
    [mapped('kms', 'TagResource'), ['kms']],
    [unmapped('TrentService', 'CreateAlias'), ['kms']],
    [mapped('kms', 'Decrypt'), []],
    [mapped('kms', 'GenerateDataKey'), []],
    [mapped('dynamodb', 'UpdateTable'), ['table']],
    [mapped('dynamodb', 'RestoreTableFromBackup'), ['table']],
    [mapped('dynamodb', 'PutItem'), []],
    [mapped('dynamodb', 'DescribeTable'), []],
    [mapped('s3', 'PutEncryptionConfiguration'), ['encryption']],
    [mapped('s3', 'CreateBucket'), ['encryption']],
    [mapped('s3', 'DeleteBucket'), ['encryption']],
    [mapped('s3', 'PutObject'), []],
    [mapped('s3', 'PutBucketPolicy'), []],
    [mapped('sts', 'AssumeRole'), []],
    [mapped('ssm', 'PutParameter'), []],
    [unmapped('unknown', 'POST /'), 'all'],
    [unmapped('DynamoDB_20120810', 'CreateTable'), 'all'],
  ] as Array<[MappedRequest, string[] | 'all']>)('%o drops %o', (request, kinds) => {
    expect(readsChangedBy(request, 'POST')).toEqual(kinds);
  });

  it('moto\'s own control API: reads drop nothing, anything else (reset, seeding, replays) drops everything', () => {
    expect(readsChangedBy({ kind: 'sandbox-control' }, 'GET')).toEqual([]);
    expect(readsChangedBy({ kind: 'sandbox-control' }, 'POST')).toBe('all');
  });
});
