import { bucketPolicyStatements } from '../lib/constructs/tls-only-policy';
import { deniedBy, needsPrincipalAccount, parsePolicy, type ParsedPolicy } from '../tooling/sandbox/shim/bucket-policies';

// The state bucket's policy as the state-backend stack writes it, evaluated the way the sandbox shim does.
const policy = parsePolicy(
  JSON.stringify({ Version: '2012-10-17', Statement: bucketPolicyStatements('arn:aws:s3:::acme-tfstate', { onlyAccount: '333333333333' }) }),
) as ParsedPolicy;
const request = (principalAccount: string | undefined, secure = true) => ({ method: 'GET', bucket: 'acme-tfstate', key: 'k', secure, principalAccount });

describe('sandbox shim: aws:PrincipalAccount in bucket policies', () => {
  it('accepts the state bucket policy and knows it needs the caller\'s account', () => {
    expect('problem' in policy).toBe(false);
    expect(needsPrincipalAccount(policy)).toBe(true);
  });

  it('DenyOtherAccounts: the state account passes, any other account (or none) is denied; TLS still applies first', () => {
    expect(deniedBy(policy, request('333333333333'))).toBeUndefined();
    expect(deniedBy(policy, request('222222222222'))).toBe('DenyOtherAccounts');
    expect(deniedBy(policy, request(undefined))).toBe('DenyOtherAccounts');
    expect(deniedBy(policy, request('333333333333', false))).toBe('DenyInsecureTransport');
  });

  it('StringEquals on aws:PrincipalAccount holds only for a listed account', () => {
    const onlyOthers = parsePolicy(
      JSON.stringify({
        Statement: [{ Sid: 'DenyStaging', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::acme-tfstate/*', Condition: { StringEquals: { 'aws:PrincipalAccount': ['222222222222'] } } }],
      }),
    ) as ParsedPolicy;
    expect(deniedBy(onlyOthers, request('222222222222'))).toBe('DenyStaging');
    expect(deniedBy(onlyOthers, request('333333333333'))).toBeUndefined();
  });

  it('still refuses condition keys it cannot evaluate', () => {
    const other = parsePolicy(JSON.stringify({ Statement: [{ Sid: 'X', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } }] }));
    expect(other).toEqual({ problem: expect.stringContaining('X: condition StringEquals aws:PrincipalOrgID is not evaluated by the sandbox') });
  });
});
