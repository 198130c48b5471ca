/**
 * The IAM conformance table's vocabulary (docs/sandbox.md, "IAM conformance"): one case is the
 * resources and policies AWS's documentation describes, one request made through the AWS SDK as the
 * principal involved, and the verdict that documentation gives, with the page and section saying so.
 *
 * Names and ARNs in a case may use placeholders, replaced by the runner (runner.ts):
 * `{id}` the case's id in lower case (unique names per case: `{id}` for a bucket, `{id}-reader` for
 * a role), `{A}` / `{B}` / `{C}` the accounts, `{keyArn}` / `{keyId}` the case's first key (`{keyArn:name}`
 * for a named one), `{ciphertext}` (`{ciphertext:name}`) base64 of a ciphertext made under that key.
 */

/** The three accounts of the suite: A and B are the usual "same account" / "other account"; C is a third party. */
export type AccountName = 'A' | 'B' | 'C';

export type PolicyJson = Record<string, unknown>;

export interface RoleSetup {
  readonly name: string;
  readonly account: AccountName;
  /** Trust policy; default: the role's own account root (its administrator may assume it). */
  readonly trust?: PolicyJson;
  /** Inline identity policies. */
  readonly policies?: readonly PolicyJson[];
  /** IAM tags of the role (`aws:PrincipalTag/*` of its sessions). */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface UserSetup {
  readonly name: string;
  readonly account: AccountName;
  readonly policies?: readonly PolicyJson[];
  /** Groups the user is a member of, each with its inline policies (created by the runner). */
  readonly groups?: ReadonlyArray<{ readonly name: string; readonly policies: readonly PolicyJson[] }>;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface BucketSetup {
  readonly name: string;
  readonly account: AccountName;
  readonly policy?: PolicyJson;
  /** PutPublicAccessBlock, after the policy (so a public policy may already be in place). */
  readonly publicAccessBlock?: { readonly BlockPublicAcls?: boolean; readonly IgnorePublicAcls?: boolean; readonly BlockPublicPolicy?: boolean; readonly RestrictPublicBuckets?: boolean };
  readonly ownership?: 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';
  readonly objects?: ReadonlyArray<{ readonly key: string; readonly body: string; readonly sseKmsKey?: string }>;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface KeySetup {
  /** Placeholder name (`{keyArn:name}`); the first key is also `{keyArn}`. */
  readonly name?: string;
  readonly account: AccountName;
  /** The key policy; default: KMS's default key policy (the account root, which enables IAM policies). */
  readonly policy?: PolicyJson;
  readonly tags?: Readonly<Record<string, string>>;
  /** A ciphertext made by the account's administrator (`{ciphertext}`), with this encryption context. */
  readonly ciphertext?: { readonly plaintext: string; readonly context?: Readonly<Record<string, string>> };
  /** Grants made by the account's administrator. */
  readonly grants?: ReadonlyArray<{ readonly grantee: string; readonly operations: readonly string[]; readonly constraints?: { readonly EncryptionContextSubset?: Record<string, string>; readonly EncryptionContextEquals?: Record<string, string> } }>;
}

export interface TableSetup {
  readonly name: string;
  readonly account: AccountName;
  /** The hash key attribute (a string). */
  readonly hashKey: string;
  readonly items?: ReadonlyArray<Record<string, string>>;
}

export interface ParameterSetup {
  readonly name: string;
  readonly account: AccountName;
  readonly value: string;
}

export interface Setup {
  readonly roles?: readonly RoleSetup[];
  readonly users?: readonly UserSetup[];
  readonly buckets?: readonly BucketSetup[];
  readonly keys?: readonly KeySetup[];
  readonly tables?: readonly TableSetup[];
  readonly parameters?: readonly ParameterSetup[];
}

/** Who makes the request. */
export type Caller =
  /** The account's administrator (the sandbox's per-account administrator role). */
  | { readonly admin: AccountName }
  /** A session of a role of the case, assumed by its account's administrator (with session tags, an external ID). */
  | { readonly role: string; readonly account: AccountName; readonly sessionTags?: Readonly<Record<string, string>>; readonly externalId?: string }
  /** An IAM user of the case, with an access key of its own. */
  | { readonly user: string; readonly account: AccountName }
  /** No credentials at all (an unsigned request). */
  | { readonly anonymous: true };

export type Service = 's3' | 'kms' | 'dynamodb' | 'ssm' | 'sts' | 'iam';

export interface Request {
  readonly as: Caller;
  readonly service: Service;
  /** The SDK command, without `Command` (`PutObject`, `Decrypt`, `AssumeRole`). */
  readonly command: string;
  readonly input: Record<string, unknown>;
  /** Over the plain-HTTP port (aws:SecureTransport false). @default false */
  readonly insecure?: boolean;
}

export interface Source {
  readonly url: string;
  /** The section of the page that gives the verdict. */
  readonly section: string;
}

export type Verdict = 'allow' | 'deny';

export interface ConformanceCase {
  /** Unique, short: `s3-01`, `kms-12`. */
  readonly id: string;
  readonly description: string;
  readonly setup: Setup;
  readonly request: Request;
  readonly expect: {
    readonly verdict: Verdict;
    /** HTTP status; default: 200 when allowed, the service's AccessDenied status when denied. */
    readonly status?: number;
    /** Error code when denied; default: the service's AccessDenied code. */
    readonly code?: string;
  };
  readonly source: Source;
  /**
   * A known divergence the sandbox has not fixed: why it answers otherwise. The suite then requires
   * the sandbox's (wrong) answer to still differ from AWS's, so a fix shows up as a failure asking
   * for this line to go; docs/sandbox.md lists it as a divergence.
   */
  readonly divergence?: string;
}
