/**
 * The services whose operations IAM enforcement maps (S3, KMS, DynamoDB, SSM, STS, IAM): a request to
 * one of them that it cannot map is refused (unless SANDBOX_IAM_UNMAPPED=allow), never allowed
 * unjudged. Requests to any other service are allowed and listed by `npm run sandbox -- status`.
 * A module of its own so the CLI can name them without loading the evaluator.
 */
export const MODELLED_SERVICES = ['s3', 'kms', 'dynamodb', 'ssm', 'sts', 'iam'] as const;

/** The setting that lets a modelled service's unmapped requests through, deliberately. */
export const ALLOW_UNMAPPED_SETTING = 'SANDBOX_IAM_UNMAPPED=allow';
