import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';

/** Per-request limits: the doctor must answer quickly, also when an endpoint is down. */
export const REQUEST_TIMEOUT_MS = 4000;
const CONNECTION_TIMEOUT_MS = 2000;

/**
 * The endpoint override for a service, as Terraform's S3 backend and the AWS SDKs read it:
 * `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`.
 */
export function endpointFor(service: 'S3' | 'DYNAMODB' | 'STS' | 'SSM', env: NodeJS.ProcessEnv): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
}

/** Temporary credentials, e.g. of an assumed state role. */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface AwsClients {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  /** For the state-backend's version stamp (an SSM parameter in the state account). */
  readonly ssm: SSMClient;
  /** Endpoints in use, for the report ("AWS" when none is overridden). */
  readonly endpoints: { readonly s3?: string; readonly dynamodb?: string };
}

/**
 * S3, DynamoDB and SSM clients for `region` (with `credentials`, e.g. a state role's, when given): one attempt per request (no minutes of retries against a
 * dead endpoint), short timeouts, and path-style S3 requests when an endpoint is overridden (local
 * S3 servers do not resolve `<bucket>.localhost`).
 */
export function awsClients(region: string, env: NodeJS.ProcessEnv, credentials?: AwsCredentialIdentity): AwsClients {
  const s3Endpoint = endpointFor('S3', env);
  const dynamodbEndpoint = endpointFor('DYNAMODB', env);
  const ssmEndpoint = endpointFor('SSM', env);
  const common = {
    region,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    // A state role's session when the backend assumes one; else the default chain.
    ...(credentials ? { credentials } : {}),
  };
  return {
    s3: new S3Client({ ...common, ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}) }),
    dynamodb: new DynamoDBClient({ ...common, ...(dynamodbEndpoint ? { endpoint: dynamodbEndpoint } : {}) }),
    ssm: new SSMClient({ ...common, ...(ssmEndpoint ? { endpoint: ssmEndpoint } : {}) }),
    endpoints: { s3: s3Endpoint, dynamodb: dynamodbEndpoint },
  };
}
