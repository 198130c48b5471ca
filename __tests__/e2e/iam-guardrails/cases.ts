/**
 * Guardrail conformance cases (docs/sandbox.md, "Guardrails: boundaries, session policies, SCPs and
 * RCPs"): permissions boundaries, session policies, service control policies and resource control
 * policies, each with the verdict AWS's documentation gives and the page and section that say so,
 * never the sandbox's own answer. Same shape as the IAM conformance table (id, description, setup,
 * request, expected verdict, HTTP status, error code, source); its own sandbox, because a case's
 * organization changes what every principal of its accounts may do.
 *
 * Placeholders: `{id}` the case id in lower case, `{account}` the caller's account, `{member}` and
 * `{management}` the case's organization accounts, `{policy:<name>}` a managed policy's ARN.
 */

export type PolicyJson = Record<string, unknown>;

export interface GuardrailSetup {
  /** Managed policies created in the caller's account (boundaries, managed session policies). */
  readonly managedPolicies?: ReadonlyArray<{ readonly name: string; readonly policy: PolicyJson }>;
  /** Roles of the caller's account (trusting its administrator), with inline policies and a boundary (a managed policy's name). */
  readonly roles?: ReadonlyArray<{ readonly name: string; readonly policies: readonly PolicyJson[]; readonly boundary?: string }>;
  /**
   * An organization of the case's own: its management account creates it; the member is an account
   * created through Organizations (`created`, optionally inside an OU) or an existing account that
   * joined through the root's `sandbox:joined-accounts` tag (`joined`). Policies are attached to
   * `root`, `ou` or `account`; `detachFullAWSAccess` removes the default SCP from those levels.
   */
  readonly organization?: {
    readonly member: 'created' | 'joined';
    readonly inOu?: boolean;
    readonly scps?: ReadonlyArray<{ readonly target: 'root' | 'ou' | 'account'; readonly policy: PolicyJson }>;
    readonly rcps?: ReadonlyArray<{ readonly target: 'root' | 'ou' | 'account'; readonly policy: PolicyJson }>;
    readonly detachFullAWSAccess?: ReadonlyArray<'ou' | 'account'>;
  };
  /** A bucket `g-{id}` holding `doc.txt`, in the member or management account (default: the caller's), with a bucket policy. */
  readonly bucket?: { readonly in?: 'member' | 'management'; readonly policy?: PolicyJson };
}

export type GuardrailCaller =
  /** The administrator of the member or management account of the case's organization, or of account A. */
  | { readonly admin: 'member' | 'management' | 'A' }
  /** A session of a role of the case in account A, with session policies. */
  | { readonly role: string; readonly sessionPolicy?: PolicyJson; readonly sessionPolicyArns?: readonly string[] };

export interface GuardrailCase {
  readonly id: string;
  readonly description: string;
  readonly setup: GuardrailSetup;
  readonly request: { readonly as: GuardrailCaller; readonly service: 's3' | 'dynamodb' | 'ssm' | 'sts'; readonly command: string; readonly input: Record<string, unknown> };
  readonly expect: { readonly verdict: 'allow' | 'deny'; readonly status?: number; readonly code?: string };
  readonly source: { readonly url: string; readonly section: string };
}

const doc = (...Statement: PolicyJson[]): PolicyJson => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[] = '*'): PolicyJson => ({ Effect: 'Allow', Action, Resource });
const deny = (Action: string | string[], Resource: string | string[] = '*'): PolicyJson => ({ Effect: 'Deny', Action, Resource });

const BUCKET = 'g-{id}';
const OBJECTS = `arn:aws:s3:::${BUCKET}/*`;
const getObject = { service: 's3' as const, command: 'GetObject', input: { Bucket: BUCKET, Key: 'doc.txt' } };
const putObject = { service: 's3' as const, command: 'PutObject', input: { Bucket: BUCKET, Key: 'new.txt', Body: 'new' } };
const listTables = { service: 'dynamodb' as const, command: 'ListTables', input: {} };
const ALLOW = { verdict: 'allow' } as const;
const DENY = { verdict: 'deny' } as const;

const IAM = 'https://docs.aws.amazon.com/IAM/latest/UserGuide';
const ORG = 'https://docs.aws.amazon.com/organizations/latest/userguide';
const BOUNDARIES = { url: `${IAM}/access_policies_boundaries.html`, section: 'Evaluating effective permissions with boundaries: Identity-based policies with boundaries' };
const BOUNDARY_RESOURCE = { url: `${IAM}/reference_policies_evaluation-logic_policy-eval-denyallow.html`, section: 'Resource-based policies (IAM roles and sessions: a grant to the role ARN is limited by an implicit deny in a permissions boundary or session policy)' };
const SESSION = { url: `${IAM}/access_policies.html`, section: 'Session policies (the session\'s permissions are the intersection of the identity-based policies and the session policies)' };
const SCP_EFFECTS = { url: `${ORG}/orgs_manage_policies_scps.html`, section: 'SCP effects on permissions' };
const SCP_MANAGEMENT = { url: `${ORG}/orgs_manage_policies_scps.html`, section: 'SCPs don\'t affect users or roles in the management account' };
const SCP_EVALUATION = { url: `${ORG}/orgs_manage_policies_scps_evaluation.html`, section: 'How SCPs work with Allow (an Allow at every level from the root through each OU to the account)' };
const SCP_DENY = { url: `${ORG}/orgs_manage_policies_scps_evaluation.html`, section: 'How SCPs work with Deny (a Deny at any level above the account applies to it)' };
const RCP_EFFECTS = { url: `${ORG}/orgs_manage_policies_rcps.html`, section: 'RCP effects on permissions' };
const RCP_MANAGEMENT = { url: `${ORG}/orgs_manage_policies_rcps.html`, section: 'RCPs don\'t affect resources in the management account' };

const caller = (name = 'caller', extra: Partial<Extract<GuardrailCaller, { role: string }>> = {}): GuardrailCaller => ({ role: `{id}-${name}`, ...extra });

export const GUARDRAIL_CASES: readonly GuardrailCase[] = [
  // ------------------------------------------------------------ permissions boundaries
  {
    id: 'pb-01',
    description: 'identity policy and boundary both allow s3:GetObject',
    setup: { managedPolicies: [{ name: 'boundary', policy: doc(allow('s3:GetObject')) }], roles: [{ name: 'caller', policies: [doc(allow('s3:GetObject', OBJECTS))], boundary: 'boundary' }], bucket: {} },
    request: { as: caller(), ...getObject },
    expect: ALLOW,
    source: BOUNDARIES,
  },
  {
    id: 'pb-02',
    description: 'identity policy allows s3:PutObject, the boundary allows only s3:GetObject',
    setup: { managedPolicies: [{ name: 'boundary', policy: doc(allow('s3:GetObject')) }], roles: [{ name: 'caller', policies: [doc(allow(['s3:GetObject', 's3:PutObject'], OBJECTS))], boundary: 'boundary' }], bucket: {} },
    request: { as: caller(), ...putObject },
    expect: DENY,
    source: BOUNDARIES,
  },
  {
    id: 'pb-03',
    description: 'the boundary allows s3:GetObject, but no identity policy does (a boundary grants nothing)',
    setup: { managedPolicies: [{ name: 'boundary', policy: doc(allow('s3:*')) }], roles: [{ name: 'caller', policies: [], boundary: 'boundary' }], bucket: {} },
    request: { as: caller(), ...getObject },
    expect: DENY,
    source: BOUNDARIES,
  },
  {
    id: 'pb-04',
    description: 'the boundary allows s3:* and explicitly denies s3:GetObject; the identity policy allows it',
    setup: { managedPolicies: [{ name: 'boundary', policy: doc(allow('s3:*'), deny('s3:GetObject')) }], roles: [{ name: 'caller', policies: [doc(allow('s3:*', '*'))], boundary: 'boundary' }], bucket: {} },
    request: { as: caller(), ...getObject },
    expect: DENY,
    source: BOUNDARIES,
  },
  {
    id: 'pb-05',
    description: 'same account: the bucket policy grants the role ARN, the role\'s boundary does not allow s3',
    setup: {
      managedPolicies: [{ name: 'boundary', policy: doc(allow('dynamodb:*')) }],
      roles: [{ name: 'caller', policies: [], boundary: 'boundary' }],
      bucket: { policy: doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::{account}:role/{id}-caller' }, Action: 's3:GetObject', Resource: OBJECTS }) },
    },
    request: { as: caller(), ...getObject },
    expect: DENY,
    source: BOUNDARY_RESOURCE,
  },
  // ------------------------------------------------------------ session policies
  {
    id: 'sp-01',
    description: 'role allows GetObject and PutObject; the inline session policy allows GetObject: GetObject',
    setup: { roles: [{ name: 'caller', policies: [doc(allow(['s3:GetObject', 's3:PutObject'], OBJECTS))] }], bucket: {} },
    request: { as: caller('caller', { sessionPolicy: doc(allow('s3:GetObject', OBJECTS)) }), ...getObject },
    expect: ALLOW,
    source: SESSION,
  },
  {
    id: 'sp-02',
    description: 'the same role and inline session policy: PutObject',
    setup: { roles: [{ name: 'caller', policies: [doc(allow(['s3:GetObject', 's3:PutObject'], OBJECTS))] }], bucket: {} },
    request: { as: caller('caller', { sessionPolicy: doc(allow('s3:GetObject', OBJECTS)) }), ...putObject },
    expect: DENY,
    source: SESSION,
  },
  {
    id: 'sp-03',
    description: 'a managed session policy (PolicyArns) allowing only GetObject: PutObject',
    setup: { managedPolicies: [{ name: 'read-only', policy: doc(allow('s3:GetObject')) }], roles: [{ name: 'caller', policies: [doc(allow('s3:*', '*'))] }], bucket: {} },
    request: { as: caller('caller', { sessionPolicyArns: ['{policy:read-only}'] }), ...putObject },
    expect: DENY,
    source: SESSION,
  },
  {
    id: 'sp-04',
    description: 'the session policy allows s3:*, the role only GetObject (a session policy grants nothing): PutObject',
    setup: { roles: [{ name: 'caller', policies: [doc(allow('s3:GetObject', OBJECTS))] }], bucket: {} },
    request: { as: caller('caller', { sessionPolicy: doc(allow('s3:*')) }), ...putObject },
    expect: DENY,
    source: SESSION,
  },
  // ------------------------------------------------------------ service control policies
  {
    id: 'scp-01',
    description: 'an SCP on the root denies s3:*: the member account\'s administrator reads its own object',
    setup: { organization: { member: 'created', scps: [{ target: 'root', policy: doc(deny('s3:*')) }] }, bucket: { in: 'member' } },
    request: { as: { admin: 'member' }, ...getObject },
    expect: DENY,
    source: SCP_DENY,
  },
  {
    id: 'scp-02',
    description: 'the same SCP on the root: the management account\'s administrator reads its own object',
    setup: { organization: { member: 'created', scps: [{ target: 'root', policy: doc(deny('s3:*')) }] }, bucket: { in: 'management' } },
    request: { as: { admin: 'management' }, ...getObject },
    expect: ALLOW,
    source: SCP_MANAGEMENT,
  },
  {
    id: 'scp-03',
    description: 'allow list: FullAWSAccess detached from the member\'s OU, which allows only s3:*: the member reads its object',
    setup: { organization: { member: 'created', inOu: true, detachFullAWSAccess: ['ou'], scps: [{ target: 'ou', policy: doc(allow('s3:*')) }] }, bucket: { in: 'member' } },
    request: { as: { admin: 'member' }, ...getObject },
    expect: ALLOW,
    source: SCP_EVALUATION,
  },
  {
    id: 'scp-04',
    description: 'the same allow list on the OU: the member lists its DynamoDB tables',
    setup: { organization: { member: 'created', inOu: true, detachFullAWSAccess: ['ou'], scps: [{ target: 'ou', policy: doc(allow('s3:*')) }] } },
    request: { as: { admin: 'member' }, ...listTables },
    expect: DENY,
    source: SCP_EVALUATION,
  },
  {
    id: 'scp-05',
    description: 'the OU allows only s3:*, FullAWSAccess detached from the account, which allows only dynamodb:*: ListTables (allowed at one level, not at every level)',
    setup: {
      organization: { member: 'created', inOu: true, detachFullAWSAccess: ['ou', 'account'], scps: [{ target: 'ou', policy: doc(allow('s3:*')) }, { target: 'account', policy: doc(allow('dynamodb:*')) }] },
    },
    request: { as: { admin: 'member' }, ...listTables },
    expect: DENY,
    source: SCP_EVALUATION,
  },
  {
    id: 'scp-06',
    description: 'an SCP on the member\'s OU denies dynamodb:ListTables: inherited by the account below it',
    setup: { organization: { member: 'created', inOu: true, scps: [{ target: 'ou', policy: doc(deny('dynamodb:ListTables')) }] } },
    request: { as: { admin: 'member' }, ...listTables },
    expect: DENY,
    source: SCP_DENY,
  },
  {
    id: 'scp-07',
    description: 'an existing account joined to the organization; an SCP on the root denies s3:GetObject',
    setup: { organization: { member: 'joined', scps: [{ target: 'root', policy: doc(deny('s3:GetObject')) }] }, bucket: { in: 'member' } },
    request: { as: { admin: 'member' }, ...getObject },
    expect: DENY,
    source: SCP_DENY,
  },
  {
    id: 'scp-08',
    description: 'an SCP on the root denies dynamodb:*: a member reads S3 (an SCP limits only what it names)',
    setup: { organization: { member: 'created', scps: [{ target: 'root', policy: doc(deny('dynamodb:*')) }] }, bucket: { in: 'member' } },
    request: { as: { admin: 'member' }, ...getObject },
    expect: ALLOW,
    source: SCP_EFFECTS,
  },
  {
    id: 'scp-09',
    description: 'an SCP on the root denies every action: the member account\'s administrator asks who it is (GetCallerIdentity)',
    setup: { organization: { member: 'created', scps: [{ target: 'root', policy: doc(deny('*')) }] } },
    request: { as: { admin: 'member' }, service: 'sts', command: 'GetCallerIdentity', input: {} },
    expect: ALLOW,
    source: { url: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html', section: 'GetCallerIdentity (no permissions are required; an explicit deny does not stop it)' },
  },
  // ------------------------------------------------------------ resource control policies
  {
    id: 'rcp-01',
    description: 'an RCP on the root denies s3:GetObject: the member account\'s administrator reads its own object',
    setup: { organization: { member: 'created', rcps: [{ target: 'root', policy: doc({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: '*' }) }] }, bucket: { in: 'member' } },
    request: { as: { admin: 'member' }, ...getObject },
    expect: DENY,
    source: RCP_EFFECTS,
  },
  {
    id: 'rcp-02',
    description: 'the same RCP on the root: an object of the management account',
    setup: { organization: { member: 'created', rcps: [{ target: 'root', policy: doc({ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: '*' }) }] }, bucket: { in: 'management' } },
    request: { as: { admin: 'management' }, ...getObject },
    expect: ALLOW,
    source: RCP_MANAGEMENT,
  },
];
