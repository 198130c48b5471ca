import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';

/** Per-request limits: the doctor must answer quickly, also when an endpoint is down. */
export const REQUEST_TIMEOUT_MS = 4000;
const CONNECTION_TIMEOUT_MS = 2000;
/**
 * A local sandbox is up or down, never throttling: one retry, then a clear failure (docs/sandbox.md).
 * The commands probe moto and the shim first (3 s each) and name the one that does not answer; this
 * bounds what slips past that. Not shorter: a fresh sandbox's first IAM evaluations took over 10 s on
 * a loaded 2-core machine (measured: a 10 s bound timed out a PutParameter that moto then applied,
 * and its retry failed with ParameterAlreadyExists).
 */
const SANDBOX_ATTEMPTS = 2;
const SANDBOX_CONNECTION_TIMEOUT_MS = 2000;
const SANDBOX_REQUEST_TIMEOUT_MS = 30_000;

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

/** AWS SDK v3 client settings (the S3, DynamoDB, KMS, SSM and STS clients all take this shape). */
export interface ClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  readonly credentials?: AwsCredentialIdentity;
  readonly requestHandler?: {
    readonly httpsAgent?: Agent;
    readonly connectionTimeout?: number;
    readonly requestTimeout: number;
    /** Without it the SDK's handler only logs a warning when `requestTimeout` passes, and keeps waiting. */
    readonly throwOnRequestTimeout?: boolean;
  };
  readonly maxAttempts?: number;
}

/**
 * How a client behaves when an endpoint misbehaves:
 * - `aws`: the SDK's defaults (real AWS, where retries ride out throttling);
 * - `sandbox`: the local sandbox (one retry, 2 s to connect, 30 s per request at most, its own CA trusted);
 * - `preflight`: one attempt with short timeouts, so the doctor answers in seconds even against a
 *   dead endpoint (SDK retries once kept a run busy for 54 minutes).
 */
export type ClientProfile =
  | { readonly kind: 'aws' }
  | { readonly kind: 'sandbox'; readonly caFile: string }
  /** `caFile`: trust exactly this CA bundle (what AWS_CA_BUNDLE makes Terraform's backend and provider do). */
  | { readonly kind: 'preflight'; readonly caFile?: string };

/**
 * The one SDK client configuration of the tooling. With an endpoint, S3 requests are path-style
 * (local servers do not resolve `<bucket>.localhost`); `credentials` (an assumed role's, the
 * sandbox's) replace the default chain when given.
 */
export function clientConfig(options: { region: string; profile: ClientProfile; endpoint?: string; credentials?: AwsCredentialIdentity }): ClientConfig {
  const { region, profile, endpoint, credentials } = options;
  const connection: Partial<ClientConfig> =
    profile.kind === 'sandbox'
      ? {
          maxAttempts: SANDBOX_ATTEMPTS,
          requestHandler: {
            httpsAgent: new Agent({ ca: readFileSync(profile.caFile), keepAlive: true }),
            connectionTimeout: SANDBOX_CONNECTION_TIMEOUT_MS,
            requestTimeout: SANDBOX_REQUEST_TIMEOUT_MS,
            // Measured: without it a stopped moto kept `sandbox -- credentials` waiting over 200 s,
            // printing only the handler's "exceeded the configured 30000 ms requestTimeout" warning.
            throwOnRequestTimeout: true,
          },
        }
      : profile.kind === 'preflight'
        ? {
            maxAttempts: 1,
            requestHandler: {
              ...(profile.caFile ? { httpsAgent: new Agent({ ca: readFileSync(profile.caFile) }) } : {}),
              connectionTimeout: CONNECTION_TIMEOUT_MS,
              requestTimeout: REQUEST_TIMEOUT_MS,
              throwOnRequestTimeout: true,
            },
          }
        : {};
  return {
    region,
    ...connection,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(credentials ? { credentials } : {}),
  };
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
 * The doctor's S3, DynamoDB and SSM clients for `region` (with `credentials`, e.g. a state role's, when
 * given; else the default chain), at the endpoints `env` overrides.
 */
export function awsClients(region: string, env: NodeJS.ProcessEnv, credentials?: AwsCredentialIdentity): AwsClients {
  const s3Endpoint = endpointFor('S3', env);
  const dynamodbEndpoint = endpointFor('DYNAMODB', env);
  const ssmEndpoint = endpointFor('SSM', env);
  const profile: ClientProfile = { kind: 'preflight' };
  return {
    s3: new S3Client(clientConfig({ region, profile, endpoint: s3Endpoint, credentials })),
    dynamodb: new DynamoDBClient(clientConfig({ region, profile, endpoint: dynamodbEndpoint, credentials })),
    ssm: new SSMClient(clientConfig({ region, profile, endpoint: ssmEndpoint, credentials })),
    endpoints: { s3: s3Endpoint, dynamodb: dynamodbEndpoint },
  };
}
