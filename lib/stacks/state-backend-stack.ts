import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { applyStateBackend } from '../backends/backend-factory';
import { RotatingKmsKey } from '../constructs/rotating-kms-key';
import { SecureBucket } from '../constructs/secure-bucket';
import type { EnvironmentDefinition } from '../definitions/environment';
import { declareGuardrailScope, noPlaintextSecrets, productionBucketHardening } from '../guardrails';
import { stateAccessPolicyJson } from '../iam/state-access-policy';
import { stateKeyPolicy } from '../identities/key-policy';
import { environmentIdentity, usesStateKey } from '../identities/resolve';
import { StateRole } from '../identities/state-role';
import { resourceName } from '../naming/naming-rule';
import type { StateBackendDefinition } from '../definitions/state-backend-definition';
import { addAwsProvider } from './aws-provider';
import { BootstrapVersionStamp } from './bootstrap-version-stamp';

export interface StateBackendStackProps {
  /** The validated state-backend definition; the stack id is its `name`. */
  readonly definition: StateBackendDefinition;
  /** Prefix of state keys and resource names. */
  readonly project: string;
  /** Environments whose state roles (and state access policies) this stack creates. @default - none */
  readonly environments?: readonly EnvironmentDefinition[];
}

/**
 * Creates what remote state needs: a versioned, encrypted, private, TLS-only bucket and a DynamoDB
 * lock table, both protected from `terraform destroy`, and one state role per environment that
 * reaches its state through one (docs/cross-account.md).
 */
export class StateBackendStack extends TerraformStack {
  readonly stateBucket: SecureBucket;
  readonly lockTable: DynamodbTable;
  readonly kmsKey?: RotatingKmsKey;
  /** One least-privilege state access policy per environment with a state role, attached to that role. */
  readonly stateAccessPolicies: Readonly<Record<string, IamPolicy>>;
  /** The state role of every environment whose state access is `via: 'role'`. */
  readonly stateRoles: Readonly<Record<string, StateRole>>;

  readonly definition: StateBackendDefinition;

  constructor(scope: Construct, id: string, props: StateBackendStackProps) {
    super(scope, id);
    const { definition, project, environments = [] } = props;
    this.definition = definition;
    applyStateBackend(this, definition.state, { project, stack: id });
    // Held to production's standard for what it creates. The state rules do not apply: during
    // bootstrap phase 1 its own state is local on purpose (its bucket does not exist yet).
    declareGuardrailScope(this, { environment: id, protection: 'hardened' }, [productionBucketHardening, noPlaintextSecrets]);
    addAwsProvider(this, definition);

    // The table, the key and the roles live in this stack's account; its account guard names it first.
    const stateAccountId = definition.allowedAccountIds[0];
    const roles: Record<string, StateRole> = {};
    const policies: Record<string, IamPolicy> = {};
    const keyUsers: string[] = [];
    for (const environment of environments) {
      const identity = environmentIdentity(project, environment, definition);
      if (identity.access.via !== 'role' || environment.state.kind !== 's3') continue;
      // Same construct id as before state roles existed: upgrading keeps the policy, adds the role.
      const policy = new IamPolicy(this, `state-access-${environment.name}`, {
        name: resourceName(project, environment.name, 'tfstate-access'),
        description: `Use the Terraform state of ${environment.name} (and nothing else); attached to its state role`,
        policy: stateAccessPolicyJson(environment.state, { project, stack: environment.name, stateAccountId, lockTable: definition.lockTable }),
      });
      policies[environment.name] = policy;
      const role = new StateRole(this, `state-role-${environment.name}`, {
        project,
        environment: environment.name,
        policy,
        region: definition.region,
        stateAccount: stateAccountId,
        environmentAccount: identity.account,
        ciRoleArn: identity.ciRoleArn,
        trust: identity.access.trust,
        ...(identity.access.permissionsBoundary ? { permissionsBoundary: identity.access.permissionsBoundary } : {}),
      });
      roles[environment.name] = role;
      if (usesStateKey(environment, definition)) keyUsers.push(role.role.arn);
    }
    this.stateRoles = roles;
    this.stateAccessPolicies = policies;

    const { encryption } = definition;
    this.kmsKey =
      encryption.kind === 'sse-kms'
        ? new RotatingKmsKey(this, 'state-key', {
            alias: encryption.kmsAlias,
            description: `Encrypts the Terraform state of ${project}`,
            preventDestroy: true,
            policy: JSON.stringify(stateKeyPolicy({ region: definition.region, stateAccount: stateAccountId, keyUserRoleArns: keyUsers })),
          })
        : undefined;

    this.stateBucket = new SecureBucket(this, 'state', {
      bucketName: definition.bucket,
      encryption: this.kmsKey ? { kind: 'sse-kms', kmsKeyArn: this.kmsKey.key.arn } : { kind: 'sse-s3' },
      versioning: true,
      noncurrentVersionExpirationDays: definition.noncurrentVersionExpirationDays,
      preventDestroy: true,
      tlsOnly: true,
      // State roles and administrators all live in the state account; nobody else gets in.
      onlyAccount: stateAccountId,
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

    new TerraformOutput(this, 'state_bucket_name', { value: this.stateBucket.bucket.bucket });
    new TerraformOutput(this, 'state_bucket_arn', { value: this.stateBucket.bucket.arn });
    new TerraformOutput(this, 'lock_table_name', { value: this.lockTable.name });
    new TerraformOutput(this, 'lock_table_arn', { value: this.lockTable.arn });
    if (this.kmsKey) new TerraformOutput(this, 'state_kms_key_arn', { value: this.kmsKey.key.arn });
    for (const [name, role] of Object.entries(roles)) {
      new TerraformOutput(this, `state_role_arn_${name.replace(/-/g, '_')}`, { value: role.role.arn, description: `State role of ${name}` });
    }
    new BootstrapVersionStamp(this, 'bootstrap-version', { project });
  }
}
