/**
 * Bucket policies as the sandbox shim keeps them (docs/sandbox.md, gap 2). moto evaluates bucket
 * policy statements without their Conditions, so a TLS-only `Deny` would deny everything. The shim
 * therefore keeps the policy itself (GetBucketPolicy returns exactly what was put), hands moto only
 * the statements without conditions, and evaluates the conditional ones here. Anything it cannot
 * evaluate faithfully is refused at PutBucketPolicy time, never silently ignored.
 */

export interface S3Request {
  readonly method: string;
  readonly bucket: string;
  /** Undefined for bucket-level requests. */
  readonly key?: string;
  /** Bucket sub-resource (`policy`, `versioning`, ...) when the query names one. */
  readonly subresource?: string;
  /** Came in over TLS: the value of `aws:SecureTransport`. */
  readonly secure: boolean;
  /** The account of the request's credentials (`aws:PrincipalAccount`), when a policy needs it. */
  readonly principalAccount?: string;
}

interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly Action?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | boolean | readonly (string | boolean)[]>>;
}

export interface ParsedPolicy {
  /** The document exactly as put (returned by GetBucketPolicy). */
  readonly text: string;
  /** Statements with conditions: evaluated by the shim. */
  readonly conditional: readonly Statement[];
  /** Statements without conditions: given to moto, which evaluates those faithfully. */
  readonly unconditional: readonly Statement[];
  readonly version?: string;
  readonly id?: string;
}

/** Condition operators and keys the shim evaluates; everything else is refused. */
const SUPPORTED_CONDITIONS: Record<string, readonly string[]> = {
  Bool: ['aws:securetransport'],
  // aws:SecureTransport is present in every request, so ...IfExists evaluates the same.
  BoolIfExists: ['aws:securetransport'],
  // The state bucket's DenyOtherAccounts (lib/constructs/tls-only-policy.ts).
  StringEquals: ['aws:principalaccount'],
  StringNotEquals: ['aws:principalaccount'],
};

/** Whether evaluating the policy needs the account of each request's credentials. */
export function needsPrincipalAccount(policy: ParsedPolicy): boolean {
  return policy.conditional.some((statement) =>
    Object.values(statement.Condition ?? {}).some((keys) => Object.keys(keys).some((key) => key.toLowerCase() === 'aws:principalaccount')),
  );
}

const list = <T>(value: T | readonly T[] | undefined): readonly T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value as T]);

/** Parses and checks a policy; returns the problem (for a 501 answer) when the shim cannot evaluate it. */
export function parsePolicy(text: string): ParsedPolicy | { readonly problem: string } {
  let document: { Version?: string; Id?: string; Statement?: Statement | Statement[] };
  try {
    document = JSON.parse(text);
  } catch {
    return { problem: 'the policy is not valid JSON' };
  }
  const statements = list(document.Statement);
  const conditional: Statement[] = [];
  const unconditional: Statement[] = [];
  for (const [index, statement] of statements.entries()) {
    const name = statement.Sid ?? `Statement[${index}]`;
    if (!statement.Condition || Object.keys(statement.Condition).length === 0) {
      unconditional.push(statement);
      continue;
    }
    for (const [operator, keys] of Object.entries(statement.Condition)) {
      for (const key of Object.keys(keys)) {
        if (!SUPPORTED_CONDITIONS[operator]?.includes(key.toLowerCase())) {
          return {
            problem: `${name}: condition ${operator} ${key} is not evaluated by the sandbox (supported: Bool/BoolIfExists aws:SecureTransport, StringEquals/StringNotEquals aws:PrincipalAccount); see docs/sandbox.md`,
          };
        }
      }
    }
    const negated = ['NotAction', 'NotResource', 'NotPrincipal'].filter((element) => element in statement);
    if (negated.length > 0) {
      return { problem: `${name}: ${negated.join(', ')} in a conditional statement is not evaluated by the sandbox; see docs/sandbox.md` };
    }
    if (!isEveryone(statement.Principal)) {
      return { problem: `${name}: conditional statements must name Principal "*" in the sandbox (got ${JSON.stringify(statement.Principal)}); see docs/sandbox.md` };
    }
    conditional.push(statement);
  }
  return { text, conditional, unconditional, version: document.Version, id: document.Id };
}

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    const aws = (principal as Record<string, unknown>).AWS;
    return aws === '*' || (Array.isArray(aws) && aws.length === 1 && aws[0] === '*');
  }
  return false;
}

/** The policy moto should see: only what it evaluates faithfully. Undefined: give it none. */
export function policyForMoto(policy: ParsedPolicy): string | undefined {
  if (policy.unconditional.length === 0) return undefined;
  return JSON.stringify({
    ...(policy.version ? { Version: policy.version } : {}),
    ...(policy.id ? { Id: policy.id } : {}),
    Statement: policy.unconditional,
  });
}

/** IAM wildcard match (`*` and `?`), case-sensitive like S3 ARNs. */
function globMatches(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** The S3 action a request performs, as far as policy evaluation here needs it. */
export function actionOf(request: S3Request): string {
  const { method, key, subresource } = request;
  if (key !== undefined) {
    if (method === 'GET' || method === 'HEAD') return 's3:GetObject';
    if (method === 'PUT' || method === 'POST') return 's3:PutObject';
    if (method === 'DELETE') return 's3:DeleteObject';
  }
  if (subresource) return `s3:${method === 'GET' ? 'Get' : method === 'DELETE' ? 'Delete' : 'Put'}Bucket${subresource[0].toUpperCase()}${subresource.slice(1)}`;
  if (method === 'GET') return 's3:ListBucket';
  if (method === 'DELETE') return 's3:DeleteBucket';
  return `s3:${method}Bucket`;
}

function conditionsHold(statement: Statement, request: S3Request): boolean {
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, expected] of Object.entries(keys)) {
      if ((operator === 'Bool' || operator === 'BoolIfExists') && key.toLowerCase() === 'aws:securetransport') {
        // A condition with several values holds when any of them matches (IAM's OR within a key).
        if (!list(expected).some((value) => `${value}`.toLowerCase() === `${request.secure}`)) return false;
      } else if (key.toLowerCase() === 'aws:principalaccount' && (operator === 'StringEquals' || operator === 'StringNotEquals')) {
        // As in IAM: a missing key never equals, so StringNotEquals holds without it.
        const equal = request.principalAccount !== undefined && list(expected).some((value) => `${value}` === request.principalAccount);
        if (operator === 'StringEquals' ? !equal : equal) return false;
      } else {
        return false; // unreachable: parsePolicy refuses anything else
      }
    }
  }
  return true;
}

/** The Sid (or index) of the conditional Deny statement that denies `request`, if any. */
export function deniedBy(policy: ParsedPolicy, request: S3Request): string | undefined {
  const action = actionOf(request);
  const resource = request.key === undefined ? `arn:aws:s3:::${request.bucket}` : `arn:aws:s3:::${request.bucket}/${request.key}`;
  for (const [index, statement] of policy.conditional.entries()) {
    if (statement.Effect !== 'Deny') continue;
    if (!list(statement.Action).some((pattern) => globMatches(pattern.toLowerCase(), action.toLowerCase()))) continue;
    if (!list(statement.Resource).some((pattern) => globMatches(pattern, resource))) continue;
    if (conditionsHold(statement, request)) return statement.Sid ?? `Statement[${index}]`;
  }
  return undefined;
}

/** The shim's policies by bucket name (S3 bucket names are global, as in moto). */
export class BucketPolicyStore {
  private readonly policies = new Map<string, ParsedPolicy>();

  get(bucket: string): ParsedPolicy | undefined {
    return this.policies.get(bucket);
  }

  set(bucket: string, policy: ParsedPolicy): void {
    this.policies.set(bucket, policy);
  }

  delete(bucket: string): void {
    this.policies.delete(bucket);
  }

  clear(): void {
    this.policies.clear();
  }
}
