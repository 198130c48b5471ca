import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';

export interface RotatingKmsKeyProps {
  /** `alias/<name>` by which backends and people refer to the key. */
  readonly alias: string;
  readonly description: string;
  /** Keep Terraform from scheduling the key's deletion. @default false */
  readonly preventDestroy?: boolean;
  /** Key policy JSON. @default - KMS's default policy (the account's IAM policies decide) */
  readonly policy?: string;
  /** The AWS provider (region) to create the key with. @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/** A customer managed KMS key with yearly automatic rotation and an alias. */
export class RotatingKmsKey extends Construct {
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: RotatingKmsKeyProps) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', {
      provider: props.provider,
      description: props.description,
      enableKeyRotation: true,
      // The longest waiting period: a scheduled deletion of a key that encrypts state can be cancelled for 30 days.
      deletionWindowInDays: 30,
      policy: props.policy,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    new KmsAlias(this, 'alias', { provider: props.provider, name: props.alias, targetKeyId: this.key.keyId });
  }
}
