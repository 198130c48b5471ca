/**
 * S3's own guards on public access, which S3 applies after IAM's verdict (docs/sandbox.md, "S3 Block
 * Public Access and Object Ownership"), as the S3 User Guide's "Blocking public access to your Amazon
 * S3 storage" and "Controlling ownership of objects and disabling ACLs" describe them:
 * - BlockPublicAcls: PutBucketAcl, PutObjectAcl and PutObject (and CopyObject, multipart uploads)
 *   carrying a public ACL fail (403 AccessDenied);
 * - BlockPublicPolicy: PutBucketPolicy of a public policy fails (403 AccessDenied);
 * - RestrictPublicBuckets: while the bucket's policy is public, only principals of the bucket owner's
 *   account get in (403 AccessDenied for anyone else, anonymous included);
 * - Object Ownership "bucket owner enforced": ACLs are disabled; a request setting any ACL but
 *   bucket-owner-full-control fails (400 AccessControlListNotSupported).
 * IgnorePublicAcls needs nothing here: the sandbox grants nothing through ACLs.
 */

export interface PublicAccessBlock {
  readonly BlockPublicAcls: boolean;
  readonly IgnorePublicAcls: boolean;
  readonly BlockPublicPolicy: boolean;
  readonly RestrictPublicBuckets: boolean;
}

export interface BucketGuards {
  readonly publicAccessBlock?: PublicAccessBlock;
  readonly ownership?: string;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Canned ACLs that grant the AllUsers or AuthenticatedUsers groups. */
const PUBLIC_CANNED = new Set(['public-read', 'public-read-write', 'authenticated-read']);
const PUBLIC_GROUPS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;
const GRANT_HEADERS = ['x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control'];

/** Whether a request's ACL (canned header, grant headers or an AccessControlPolicy body) is public. */
export function hasPublicAcl(headers: Headers, body: Buffer): boolean {
  if (PUBLIC_CANNED.has(`${headers['x-amz-acl'] ?? ''}`)) return true;
  if (GRANT_HEADERS.some((name) => PUBLIC_GROUPS.test(`${headers[name] ?? ''}`))) return true;
  return PUBLIC_GROUPS.test(body.toString('utf8'));
}

/** Whether a request sets an ACL other than bucket-owner-full-control (refused when ACLs are disabled). */
export function setsAcl(headers: Headers, body: Buffer, aclRequest: boolean): boolean {
  const canned = headers['x-amz-acl'];
  if (canned !== undefined && `${canned}` !== 'bucket-owner-full-control') return true;
  if (GRANT_HEADERS.some((name) => headers[name] !== undefined)) return true;
  return aclRequest && /<AccessControlPolicy/.test(body.toString('utf8'));
}

/**
 * Condition keys whose fixed values make a statement non-public ("The meaning of 'public'"): a
 * statement granting `*` is public unless a condition pins one of them to values without wildcards.
 */
const LIMITING_KEYS = new Set(
  ['aws:SourceIp', 'aws:SourceArn', 'aws:SourceVpc', 'aws:SourceVpce', 'aws:SourceOwner', 'aws:SourceAccount', 'aws:userid', 's3:DataAccessPointArn', 's3:DataAccessPointAccount', 'aws:PrincipalArn', 'aws:PrincipalAccount', 'aws:PrincipalOrgID'].map((key) => key.toLowerCase()),
);
const FIXED_OPERATORS = /^(StringEquals|StringEqualsIgnoreCase|ArnEquals|ArnLike|StringLike|IpAddress)$/i;

function wildcardPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    const aws = (principal as Record<string, unknown>).AWS;
    return [aws].flat().includes('*');
  }
  return false;
}

function limited(condition: unknown): boolean {
  if (!condition || typeof condition !== 'object') return false;
  for (const [operator, keys] of Object.entries(condition as Record<string, Record<string, unknown>>)) {
    if (!FIXED_OPERATORS.test(operator.replace(/^For(All|Any)Values?:/i, ''))) continue;
    for (const [key, values] of Object.entries(keys ?? {})) {
      if (!LIMITING_KEYS.has(key.toLowerCase())) continue;
      const list = [values].flat().map(String);
      // aws:SourceIp: any range but 0.0.0.0/0 and ::/0 pins the caller down; other keys: no wildcard.
      if (key.toLowerCase() === 'aws:sourceip' ? list.every((value) => !/\/0$/.test(value)) : list.every((value) => !/[*?]/.test(value))) return true;
    }
  }
  return false;
}

/** Verdicts by policy text (a few dozen buckets: a small bound). */
const publicByText = new Map<string, boolean>();

/** Whether a bucket policy is public: an Allow statement for `*` (or NotPrincipal) not pinned by a limiting condition. */
export function isPublicPolicy(policyText: string | undefined): boolean {
  if (!policyText) return false;
  let known = publicByText.get(policyText);
  if (known === undefined) {
    known = judgePolicy(policyText);
    if (publicByText.size >= 256) publicByText.clear();
    publicByText.set(policyText, known);
  }
  return known;
}

function judgePolicy(policyText: string): boolean {
  let policy: { Statement?: unknown };
  try {
    policy = JSON.parse(policyText) as { Statement?: unknown };
  } catch {
    return false;
  }
  return [policy.Statement ?? []].flat().some((statement) => {
    const s = statement as Record<string, unknown>;
    if (s.Effect !== 'Allow') return false;
    if (!(wildcardPrincipal(s.Principal) || s.NotPrincipal !== undefined)) return false;
    return !limited(s.Condition);
  });
}

export type Guard = { readonly status: number; readonly code: string; readonly message: string };

/** Operations that carry an ACL for an object being written. */
const OBJECT_WRITES = new Set(['PutObject', 'CopyObject', 'MultipartUpload']);

/** S3's answer to a request its public-access guards refuse, or undefined. */
export function publicAccessGuard(options: {
  readonly operation: string;
  readonly headers: Headers;
  readonly body: Buffer;
  readonly guards: BucketGuards;
  /** The bucket policy in place (RestrictPublicBuckets) and, for PutBucketPolicy, the one being put. */
  readonly policy?: string;
  /** Whether the caller is a principal of the bucket owner's account. */
  readonly ownerAccountCaller: boolean;
}): Guard | undefined {
  const { operation, headers, body, guards } = options;
  const aclRequest = operation === 'PutBucketAcl' || operation === 'PutObjectAcl';
  if (guards.ownership === 'BucketOwnerEnforced' && (aclRequest || OBJECT_WRITES.has(operation)) && setsAcl(headers, body, aclRequest)) {
    return { status: 400, code: 'AccessControlListNotSupported', message: 'The bucket does not allow ACLs' };
  }
  const block = guards.publicAccessBlock;
  if (!block) return undefined;
  if (block.BlockPublicAcls && (aclRequest || OBJECT_WRITES.has(operation)) && hasPublicAcl(headers, body)) return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
  if (block.BlockPublicPolicy && operation === 'PutBucketPolicy' && isPublicPolicy(body.toString('utf8'))) return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
  if (block.RestrictPublicBuckets && operation !== 'PutBucketPolicy' && !options.ownerAccountCaller && isPublicPolicy(options.policy)) return { status: 403, code: 'AccessDenied', message: 'Access Denied' };
  return undefined;
}
