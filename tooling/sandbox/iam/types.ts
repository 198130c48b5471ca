/**
 * What the sandbox's IAM enforcement works with (docs/sandbox.md, "IAM enforcement"): who is calling,
 * what a request asks for in IAM's terms, and the verdict.
 */

/** Who signed a request, as AWS would see it. */
export type Principal =
  /** moto's bootstrap keys (any key moto did not issue): the root user of moto's default account. */
  | { readonly kind: 'root'; readonly account: string; readonly arn: string }
  /** Credentials from AssumeRole / AssumeRoleWithWebIdentity. `arn` is the session ARN, `roleArn` is `aws:PrincipalArn`. */
  | {
      readonly kind: 'role-session';
      readonly account: string;
      readonly arn: string;
      readonly roleArn: string;
      readonly roleName: string;
      /** The session policies AssumeRole was given (its `Policy` and `PolicyArns`), when any. */
      readonly sessionPolicies?: SessionPolicies;
      /** Tags passed to AssumeRole: the session's principal tags, over the role's own of the same key. */
      readonly sessionTags?: Readonly<Record<string, string>>;
    }
  /** An IAM user's access key (learned from the CreateAccessKey answer the shim proxies). */
  | { readonly kind: 'user'; readonly account: string; readonly arn: string; readonly userName: string }
  /** An unsigned request (AssumeRoleWithWebIdentity is the one the project makes). */
  | { readonly kind: 'anonymous' };

/** AssumeRole's session policies: an inline document (`Policy`) and managed policy ARNs (`PolicyArns`). */
export interface SessionPolicies {
  readonly inline?: string;
  readonly arns: readonly string[];
}

/** Context values as IAM takes them. */
export type Context = Readonly<Record<string, string | readonly string[]>>;

/** The resource a check is about; resolved (owner account, policy) by the authorizer. */
export type ResourceRef =
  /** A plain ARN (or `*`) in a known account, with no resource policy. */
  | { readonly kind: 'arn'; readonly arn: string; readonly account: string }
  /** A bucket or an object: owned by the bucket's account, governed by the bucket policy. */
  | { readonly kind: 's3'; readonly bucket: string; readonly key?: string }
  /** A KMS key named by id, key ARN, alias name or alias ARN: governed by its key policy. */
  | { readonly kind: 'kms-key'; readonly keyId: string; readonly account: string; readonly region: string }
  /** A role being assumed: governed by its trust policy. */
  | { readonly kind: 'role'; readonly roleArn: string };

/** One IAM authorization a request needs. */
export interface Check {
  readonly action: string;
  readonly resource: ResourceRef;
  /** Request-specific context (`s3:prefix`, `aws:RequestTag/...`); the authorizer adds the global keys. */
  readonly context?: Context;
}

/** How S3 encrypts an object a request writes. */
export type S3Encryption = { readonly kind: 'sse-kms'; readonly keyId?: string } | { readonly kind: 'sse-s3' } | { readonly kind: 'bucket-default' };

/** Uses of a key a service makes on the caller's behalf (`kms:ViaService`), resolved by the authorizer. */
export type ViaService =
  /** PutObject: S3 generates a data key when the object is (or defaults to) SSE-KMS. */
  | { readonly kind: 's3-put'; readonly bucket: string; readonly encryption: S3Encryption; readonly region: string }
  /** A DynamoDB request on a table: its customer managed key, if any, is used as the caller. */
  | { readonly kind: 'dynamodb-table'; readonly account: string; readonly region: string; readonly table: string; readonly actions: readonly string[] }
  /** CreateTable/UpdateTable naming a customer managed key: DynamoDB describes it and creates its grant as the caller. */
  | { readonly kind: 'dynamodb-key'; readonly account: string; readonly region: string; readonly keyId: string; readonly actions: readonly string[] }
  /** GetObject of an SSE-KMS object (known from S3's answer): S3 decrypts its data key as the caller. */
  | { readonly kind: 's3-get'; readonly keyId: string; readonly region: string };

/** The wire protocol of a request: how a denial must be spelled. */
export type Protocol = 's3-rest' | 'json' | 'query';

export type MappedRequest =
  | {
      readonly kind: 'mapped';
      readonly protocol: Protocol;
      readonly service: string;
      readonly operation: string;
      readonly region: string;
      readonly checks: readonly Check[];
      readonly via?: ViaService;
      /** DynamoDB items whose hash key values are `dynamodb:LeadingKeys` (the key schema is looked up). */
      readonly dynamodbItems?: { readonly table: string; readonly account: string; readonly items: readonly Record<string, unknown>[] };
      /** The request names a web identity: the trust policy is evaluated for the federated provider. */
      readonly webIdentity?: boolean;
      /** AssumeRole's session policies: they limit the session the answer's credentials stand for. */
      readonly sessionPolicies?: SessionPolicies;
      /** The account that owns what the request names, when not the caller's (a KMS key by ARN): moto is asked as it. */
      readonly ownerAccount?: string;
      /** AssumeRole's session tags (`Tags.member.N`): the new session's principal tags. */
      readonly sessionTags?: Readonly<Record<string, string>>;
    }
  /** Allowed, counted and reported: the sandbox cannot say what AWS would decide. */
  | { readonly kind: 'unmapped'; readonly protocol: Protocol; readonly service: string; readonly operation: string; readonly reason: string }
  /** The sandbox's own control endpoints (moto's /moto-api, the shim's /sandbox-api). */
  | { readonly kind: 'sandbox-control' };

export type Verdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly action: string; readonly resource: string; readonly principal: string; readonly reason: string };
