import { Construct } from 'constructs';
import { RotatingKmsKey } from '../lib/constructs/rotating-kms-key';
import { SecureBucket } from '../lib/constructs/secure-bucket';
import type { WorkloadFactory } from '../lib/definitions/app-definition';
import type { ProtectionLevel } from '../lib/definitions/environment';
import { PROTECTION_PROFILES } from '../lib/definitions/protection';
import { AppSecret } from './app-secret';

export interface ExampleWorkloadProps {
  /** `<project>-<environment>`: prefix of every name. */
  readonly namePrefix: string;
  /** `/<project>/<environment>`: prefix of the environment's SSM parameter names (`parameterName`). */
  readonly parameterPrefix: string;
  readonly protection: ProtectionLevel;
}

/** Name of the Terraform variable (and `TF_VAR_` suffix) carrying the application's API token. */
export const APP_API_TOKEN_VARIABLE = 'app_api_token';

/**
 * A small, realistic workload so that deploying an environment creates something: the application's
 * asset bucket and its API token (an SSM SecureString), hardened according to the environment's
 * protection level.
 */
export class ExampleWorkload extends Construct {
  readonly assets: SecureBucket;
  readonly apiToken: AppSecret;
  /** The environment's customer managed key (hardened only); encrypts the asset bucket and the API token. */
  readonly kmsKey?: RotatingKmsKey;

  constructor(scope: Construct, id: string, props: ExampleWorkloadProps) {
    super(scope, id);
    const profile = PROTECTION_PROFILES[props.protection];
    const kmsKey =
      profile.encryption === 'sse-kms'
        ? new RotatingKmsKey(this, 'assets-key', {
            alias: `alias/${props.namePrefix}-assets`,
            description: `Encrypts the ${props.namePrefix} asset bucket and application secrets`,
            preventDestroy: profile.preventDestroy,
          })
        : undefined;
    this.kmsKey = kmsKey;
    this.assets = new SecureBucket(this, 'assets', {
      bucketName: `${props.namePrefix}-assets`,
      encryption: kmsKey ? { kind: 'sse-kms', kmsKeyArn: kmsKey.key.arn } : { kind: 'sse-s3' },
      versioning: profile.versioning,
      noncurrentVersionExpirationDays: profile.noncurrentVersionExpirationDays,
      forceDestroy: profile.forceDestroy,
      preventDestroy: profile.preventDestroy,
      tlsOnly: profile.tlsOnly,
    });
    this.apiToken = new AppSecret(this, 'api-token', {
      variableName: APP_API_TOKEN_VARIABLE,
      description: 'API token the application uses to call its upstream service',
      parameterName: `${props.parameterPrefix}/app/api-token`,
      kmsKeyId: kmsKey?.key.arn,
    });
  }
}

/**
 * The app's workload factory (environments/index.ts): the example workload in every environment,
 * hardened by the environment's protection level, with the outputs the docs and tests read.
 */
export const exampleWorkload: WorkloadFactory = (scope, { environment, namePrefix, parameterPrefix }) => {
  const workload = new ExampleWorkload(scope, 'workload', { namePrefix, parameterPrefix, protection: environment.protection });
  return {
    assets_bucket_name: { value: workload.assets.bucket.bucket, description: 'Name of the application asset bucket' },
    api_token_parameter: {
      value: workload.apiToken.parameter.name,
      description: 'SSM parameter holding the application API token (SecureString; read it with IAM, not from state)',
    },
  };
};
