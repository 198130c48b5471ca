import { startDynamoDbServer } from '../harness/dynamodb-server';
import { S3RVER_CREDENTIALS, startS3Server } from '../harness/s3-server';
import { startStsServer } from '../harness/sts-server';

/** The key pair s3rver checks signatures against (other keys get InvalidAccessKeyId). */
export const LOCAL_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
} as const;

export interface LocalAws {
  readonly s3Endpoint: string;
  readonly dynamodbEndpoint: string;
  /** Environment for a process that should talk to these servers. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** The e2e harness's S3 and DynamoDB servers, with the environment a doctor process needs. */
export async function startLocalAws(): Promise<LocalAws> {
  const [s3, dynamo, sts] = await Promise.all([startS3Server(), startDynamoDbServer(), startStsServer()]);
  return {
    s3Endpoint: s3.endpoint,
    dynamodbEndpoint: dynamo.endpoint,
    env: {
      ...LOCAL_CREDENTIALS,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      // The backends (and the doctor) assume their state role first; see harness/sts-server.ts.
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    async stop() {
      await Promise.all([s3.dispose(), dynamo.stop(), sts.stop()]);
    },
  };
}
