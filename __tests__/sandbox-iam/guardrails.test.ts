import { JOINED_ACCOUNTS_TAG, memberPath } from '../../tooling/sandbox/iam/guardrails';
import { readsChangedBy } from '../../tooling/sandbox/iam/invalidation';
import type { OrganizationModel } from '../../tooling/sandbox/iam/moto-reader';
import { mapQuery } from '../../tooling/sandbox/iam/query-mapping';

/**
 * The inputs of the guardrails (tooling/sandbox/iam/guardrails.ts) that the e2e cases
 * (__tests__/e2e/iam-guardrails.test.ts) cannot single out: where an account sits in an organization,
 * which AssumeRole parameters are session policies, and that an Organizations write drops what was read.
 */
const model: OrganizationModel = {
  organizations: [{ id: 'o-1', managementAccount: '900000000000', rootId: 'r-1', rootTags: { [JOINED_ACCOUNTS_TAG]: '111111111111 222222222222' } }],
  accounts: [
    { id: '900000000000', organizationId: 'o-1', parentId: 'r-1' },
    { id: '300000000000', organizationId: 'o-1', parentId: 'ou-1-b' },
  ],
  units: [
    { id: 'ou-1-a', organizationId: 'o-1', parentId: 'r-1' },
    { id: 'ou-1-b', organizationId: 'o-1', parentId: 'ou-1-a' },
  ],
};

describe('memberPath: the levels whose SCPs and RCPs apply to an account', () => {
  it('the management account is no member (SCPs and RCPs do not apply to it)', () => {
    expect(memberPath(model, '900000000000')).toBeUndefined();
  });
  it('an account created in a nested OU: root, each OU, the account, root first', () => {
    expect(memberPath(model, '300000000000')).toEqual({ managementAccount: '900000000000', levels: ['r-1', 'ou-1-a', 'ou-1-b', '300000000000'], joined: false });
  });
  it('an account joined through the root tag sits directly under the root', () => {
    expect(memberPath(model, '222222222222')).toEqual({ managementAccount: '900000000000', levels: ['r-1', '222222222222'], joined: true });
  });
  it('an account outside every organization has none', () => {
    expect(memberPath(model, '444444444444')).toBeUndefined();
  });
});

describe('AssumeRole session policies', () => {
  it('Policy and PolicyArns.member.N.arn become the session policies, in order', () => {
    const params = new URLSearchParams({
      Action: 'AssumeRole',
      RoleArn: 'arn:aws:iam::111111111111:role/r',
      Policy: '{"Version":"2012-10-17","Statement":[]}',
      'PolicyArns.member.2.arn': 'arn:aws:iam::111111111111:policy/b',
      'PolicyArns.member.1.arn': 'arn:aws:iam::111111111111:policy/a',
    });
    const mapped = mapQuery('sts', params, 'eu-west-1', '111111111111');
    expect(mapped.kind === 'mapped' && mapped.sessionPolicies).toEqual({ inline: '{"Version":"2012-10-17","Statement":[]}', arns: ['arn:aws:iam::111111111111:policy/a', 'arn:aws:iam::111111111111:policy/b'] });
  });
  it('none given: no session policies (the session has the role\'s permissions)', () => {
    const mapped = mapQuery('sts', new URLSearchParams({ Action: 'AssumeRole', RoleArn: 'arn:aws:iam::111111111111:role/r' }), 'eu-west-1', '111111111111');
    expect(mapped.kind === 'mapped' && mapped.sessionPolicies).toBeUndefined();
  });
});

describe('Organizations writes drop the organization reads, and only them', () => {
  const organizations = (operation: string) => ({ kind: 'unmapped' as const, protocol: 'json' as const, service: 'AWSOrganizationsV20161128', operation, reason: 'service not mapped' });
  it.each(['AttachPolicy', 'DetachPolicy', 'UpdatePolicy', 'MoveAccount', 'TagResource', 'CreateAccount'])('%s', (operation) => {
    expect(readsChangedBy(organizations(operation), 'POST')).toEqual(['org']);
  });
  it.each(['DescribePolicy', 'ListPoliciesForTarget', 'ListRoots'])('%s (a read) drops nothing', (operation) => {
    expect(readsChangedBy(organizations(operation), 'POST')).toEqual([]);
  });
});
