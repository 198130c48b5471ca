import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { applyStateBackend } from '../backend-factory';
import { RotatingKmsKey } from '../constructs/rotating-kms-key';
import { SecureBucket } from '../constructs/secure-bucket';
import type { EnvironmentDefinition } from '../environment';
import { applyGuardrails, noPlaintextSecrets, productionBucketHardening } from '../guardrails';
import { stateAccessPolicyJson } from '../iam/state-access-policy';
import { resourceName } from '../naming';
import type { SandboxConnection } from '../sandbox/connection';
import type { StateBackendDefinition } from '../state-backend-definition';
import { addAwsProvider } from './aws-provider';

/**
 * Creates what remote state needs: a versioned, encrypted, private, TLS-only bucket and a DynamoDB
 * lock table, both protected from `terraform destroy`.
 */
export class StateBackendStack extends TerraformStack {
  readonly stateBucket: SecureBucket;
  readonly lockTable: DynamodbTable;
  readonly kmsKey?: RotatingKmsKey;
  /** One least-privilege state access policy per environment whose S3 state lives in this bucket. */
  readonly stateAccessPolicies: Readonly<Record<string, IamPolicy>>;

  constructor(
    scope: Construct,
    readonly definition: StateBackendDefinition,
    project: string,
    environments: readonly EnvironmentDefinition[] = [],
    /** SANDBOX=1's connection (lib/sandbox/connection.ts), else undefined. */
    sandbox?: SandboxConnection,
  ) {
    super(scope, definition.name);
    applyStateBackend(this, definition.state, { project, stack: definition.name, sandbox });
    // Held to production's standard for what it creates. The state rules do not apply: during
    // bootstrap phase 1 its own state is local on purpose (its bucket does not exist yet).
    applyGuardrails(this, { environment: definition.name, protection: 'hardened' }, [productionBucketHardening, noPlaintextSecrets]);
    addAwsProvider(this, definition, sandbox);

    const { encryption } = definition;
    this.kmsKey =
      encryption.kind === 'sse-kms'
        ? new RotatingKmsKey(this, 'state-key', {
            alias: encryption.kmsAlias,
            description: `Encrypts the Terraform state of ${project}`,
            preventDestroy: true,
          })
        : undefined;

    this.stateBucket = new SecureBucket(this, 'state', {
      bucketName: definition.bucket,
      encryption: this.kmsKey ? { kind: 'sse-kms', kmsKeyArn: this.kmsKey.key.arn } : { kind: 'sse-s3' },
      versioning: true,
      noncurrentVersionExpirationDays: definition.noncurrentVersionExpirationDays,
      preventDestroy: true,
      tlsOnly: true,
    });

    this.lockTable = new DynamodbTable(this, 'lock-table', {
      name: definition.lockTable,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: this.kmsKey ? { enabled: true, kmsKeyArn: this.kmsKey.key.arn } : { enabled: true },
      deletionProtectionEnabled: true,
      lifecycle: { preventDestroy: true },
    });

    // The table lives in this stack's account; its account guard names it first.
    const stateAccountId = definition.allowedAccountIds[0];
    const policies: Record<string, IamPolicy> = {};
    for (const environment of environments) {
      const { state } = environment;
      if (state.kind !== 's3' || state.bucket !== definition.bucket) continue;
      policies[environment.name] = new IamPolicy(this, `state-access-${environment.name}`, {
        name: resourceName(project, environment.name, 'tfstate-access'),
        description: `Use the Terraform state of ${environment.name} (and nothing else); attach to its CI role`,
        policy: stateAccessPolicyJson(state, { project, stack: environment.name, stateAccountId }),
      });
    }
    this.stateAccessPolicies = policies;

    new TerraformOutput(this, 'state_bucket_name', { value: this.stateBucket.bucket.bucket });
    new TerraformOutput(this, 'state_bucket_arn', { value: this.stateBucket.bucket.arn });
    new TerraformOutput(this, 'lock_table_name', { value: this.lockTable.name });
    new TerraformOutput(this, 'lock_table_arn', { value: this.lockTable.arn });
    if (this.kmsKey) new TerraformOutput(this, 'state_kms_key_arn', { value: this.kmsKey.key.arn });
  }
}
