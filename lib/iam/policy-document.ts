/** The subset of the IAM policy grammar this project writes, typed so a misspelt element does not compile. */
export interface IamStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export interface IamPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly IamStatement[];
}

/** Who a resource policy (trust, key or bucket policy) speaks about. */
export type IamPrincipal =
  | '*'
  | {
      readonly AWS?: readonly string[];
      readonly Federated?: readonly string[];
      /** An AWS service principal, e.g. `logging.s3.amazonaws.com`. */
      readonly Service?: readonly string[];
    };

/**
 * A statement of a resource policy: it names a principal. Trust policies name no resource (the role
 * is the resource); key and bucket policies do.
 */
export interface ResourcePolicyStatement extends Omit<IamStatement, 'Resource'> {
  readonly Principal: IamPrincipal;
  readonly Resource?: readonly string[];
}

export interface ResourcePolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly ResourcePolicyStatement[];
}
