import { Construct } from 'constructs';
import { RotatingKmsKey } from '../constructs/rotating-kms-key';
import { SecureBucket } from '../constructs/secure-bucket';
import type { ProtectionLevel } from '../environment';
import { PROTECTION_PROFILES } from '../protection';

export interface ExampleWorkloadProps {
  /** `<project>-<environment>`: prefix of every name. */
  readonly namePrefix: string;
  readonly protection: ProtectionLevel;
}

/**
 * A small, realistic workload so that deploying an environment creates something: the application's
 * asset bucket, hardened according to the environment's protection level.
 */
export class ExampleWorkload extends Construct {
  readonly assets: SecureBucket;

  constructor(scope: Construct, id: string, props: ExampleWorkloadProps) {
    super(scope, id);
    const profile = PROTECTION_PROFILES[props.protection];
    const kmsKey =
      profile.encryption === 'sse-kms'
        ? new RotatingKmsKey(this, 'assets-key', {
            alias: `alias/${props.namePrefix}-assets`,
            description: `Encrypts the ${props.namePrefix} asset bucket`,
            preventDestroy: profile.preventDestroy,
          })
        : undefined;
    this.assets = new SecureBucket(this, 'assets', {
      bucketName: `${props.namePrefix}-assets`,
      encryption: kmsKey ? { kind: 'sse-kms', kmsKeyArn: kmsKey.key.arn } : { kind: 'sse-s3' },
      versioning: profile.versioning,
      noncurrentVersionExpirationDays: profile.noncurrentVersionExpirationDays,
      forceDestroy: profile.forceDestroy,
      preventDestroy: profile.preventDestroy,
      tlsOnly: profile.tlsOnly,
    });
  }
}
