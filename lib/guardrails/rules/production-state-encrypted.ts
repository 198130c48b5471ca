import { TerraformStack } from 'cdktf';
import { backendConfig } from '../terraform-config';
import { COMPLIANT, NOT_APPLICABLE, isProduction, nonCompliant, type GuardrailRule } from '../rule';

/**
 * Production state holds every secret its resources know: it must be encrypted with a key the
 * team controls and can audit (SSE-KMS for S3, a Cloud KMS or customer-supplied key for GCS).
 */
export const productionStateEncrypted: GuardrailRule = {
  id: 'production-state-encrypted',
  description: 'Production state must be encrypted with a key you control',
  fix: 'set kmsKeyId (a KMS key or alias ARN, e.g. the state-backend\'s key) in the S3 state definition',
  check(construct, scope) {
    if (!TerraformStack.isStack(construct) || !isProduction(scope)) return NOT_APPLICABLE;
    const { kind, config } = backendConfig(construct);
    switch (kind) {
      case 'local':
        return nonCompliant('production state is a plain local file: unencrypted and unversioned', 'move production to remote S3 state with kmsKeyId');
      case 's3':
        if (config.encrypt !== true) return nonCompliant('its S3 backend does not set encrypt = true');
        return typeof config.kms_key_id === 'string' && config.kms_key_id !== ''
          ? COMPLIANT
          : nonCompliant('its S3 state is encrypted with S3-managed keys only (no kms_key_id)');
      case 'gcs':
        return config.kms_encryption_key || config.encryption_key
          ? COMPLIANT
          : nonCompliant('its GCS state uses Google-managed encryption only', 'set kmsEncryptionKey in the GCS state definition');
      // Azure Storage and HCP Terraform always encrypt state at rest; customer keys are configured
      // on the storage account / organization, not in the backend block.
      case 'azurerm':
      case 'cloud':
      case 'remote':
        return COMPLIANT;
      default:
        return nonCompliant(`this rule cannot tell whether the "${kind}" backend encrypts state`, 'suppress this rule with the reason why it is encrypted');
    }
  },
};
