import { evaluate, type Evaluation } from '../../tooling/sandbox/iam/evaluator';

/**
 * The evaluator module's own adjustments around `@cloud-copilot/iam-simulate`: conditions on
 * `kms:EncryptionContext:<key>` (a variable after a colon, which the library drops) are judged, and
 * an implicit deny names the side that does not allow as AWS does. The e2e conformance cases
 * (kms-12 to kms-14, kms-24/25) prove the same through the shim.
 */
const ROLE = 'arn:aws:iam::111111111111:role/caller';
const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*', Resource: '*' }] };
const statement = (Effect: 'Allow' | 'Deny', Condition: object) => ({ Effect, Action: 'kms:Decrypt', Resource: KEY, Condition });
const decrypt = (context: Evaluation['context'], ...statements: object[]): Evaluation => ({
  principal: ROLE,
  action: 'kms:Decrypt',
  resource: KEY,
  resourceAccount: '111111111111',
  context,
  identityPolicies: [{ name: 'caller', policy: { Version: '2012-10-17', Statement: statements } }],
  resourcePolicy: KEY_POLICY,
});
const PURPOSE = 'kms:EncryptionContext:purpose';

describe('kms:EncryptionContext:<key> conditions', () => {
  it.each([
    ['StringEquals, the same value', { StringEquals: { [PURPOSE]: 'state' } }, { [PURPOSE]: 'state' }, 'Allowed'],
    ['StringEquals, another value', { StringEquals: { [PURPOSE]: 'state' } }, { [PURPOSE]: 'other' }, 'ImplicitlyDenied'],
    ['StringEquals, the value in another case', { StringEquals: { [PURPOSE]: 'state' } }, { [PURPOSE]: 'State' }, 'ImplicitlyDenied'],
    ['StringEquals, no context', { StringEquals: { [PURPOSE]: 'state' } }, {}, 'ImplicitlyDenied'],
    ['StringEqualsIfExists, no context', { StringEqualsIfExists: { [PURPOSE]: 'state' } }, {}, 'Allowed'],
    ['Null true, no context', { Null: { [PURPOSE]: 'true' } }, {}, 'Allowed'],
    ['Null true, a context', { Null: { [PURPOSE]: 'true' } }, { [PURPOSE]: 'state' }, 'ImplicitlyDenied'],
  ])('Allow with %s', async (_name, condition, context, result) => {
    expect((await evaluate(decrypt(context, statement('Allow', condition)))).result).toBe(result);
  });

  it('a StringNotEquals Deny applies to another value only (before: to every request, the key being dropped)', async () => {
    const allow = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY };
    const deny = statement('Deny', { StringNotEquals: { [PURPOSE]: 'state' } });
    expect(await evaluate(decrypt({ [PURPOSE]: 'state' }, allow, deny))).toEqual({ result: 'Allowed' });
    expect(await evaluate(decrypt({ [PURPOSE]: 'other' }, allow, deny))).toMatchObject({ result: 'ExplicitlyDenied' });
  });

  it('the same policy object is judged the same way again (the carried copy is cached per object)', async () => {
    const policy = Object.freeze({ Version: '2012-10-17', Statement: [statement('Allow', { StringEquals: { [PURPOSE]: 'state' } })] });
    const request = (value: string): Evaluation => ({ ...decrypt({ [PURPOSE]: value }), identityPolicies: [{ name: 'caller', policy }] });
    expect((await evaluate(request('state'))).result).toBe('Allowed');
    expect((await evaluate(request('other'))).result).toBe('ImplicitlyDenied');
    expect((await evaluate(request('state'))).result).toBe('Allowed');
  });
});

describe('the side an implicit deny names', () => {
  const putObject = (resourcePolicy: object | undefined, boundary: object): Evaluation => ({
    principal: ROLE,
    action: 's3:PutObject',
    resource: 'arn:aws:s3:::state/key',
    resourceAccount: '111111111111',
    context: {},
    identityPolicies: [{ name: 'caller', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }],
    ...(resourcePolicy ? { resourcePolicy } : {}),
    permissionBoundaries: [{ name: 'boundary', policy: boundary }],
  });
  const narrow = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
  const bucketPolicy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/other' }, Action: 's3:GetObject', Resource: '*' }] };

  it('same account, the identity policy allows, the boundary does not: the boundary, even beside a bucket policy that does not grant', async () => {
    for (const resourcePolicy of [undefined, bucketPolicy]) {
      expect(await evaluate(putObject(resourcePolicy, narrow))).toEqual({ result: 'ImplicitlyDenied', reason: 'because no permissions boundary allows the s3:PutObject action' });
    }
  });
});
