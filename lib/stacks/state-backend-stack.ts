import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { applyStateBackend } from '../backends/backend-factory';
import { AccessLogBucket } from '../constructs/access-log-bucket';
import { RotatingKmsKey } from '../constructs/rotating-kms-key';
import { SecureBucket } from '../constructs/secure-bucket';
import { replicationRole, StateReplica } from '../constructs/state-replica';
import type { EnvironmentDefinition } from '../definitions/environment';
import { accessLogTarget, declareGuardrailScope, noPlaintextSecrets, productionBucketHardening } from '../guardrails';
import { stateAccessPolicyJson } from '../iam/state-access-policy';
import { replicaKeyPolicy, stateKeyPolicy } from '../identities/key-policy';
import { ciStackState, environmentIdentity, usesStateKey, type EnvironmentIdentity } from '../identities/resolve';
import { ciStackName } from '../identities/names';
import { ciStateRoleTrustPolicy } from '../identities/trust-policies';
import { StateRole } from '../identities/state-role';
import { partitionOf } from '../iam/arn';
import { resourceName } from '../naming/naming-rule';
import { accessLogSettings, replicaSettings, type StateBackendDefinition } from '../definitions/state-backend-definition';
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
  /** Per environment with a state role, the role through which its `ci-<env>` stack reaches its own state. */
  readonly ciStateRoles: Readonly<Record<string, StateRole>>;

  /** The log bucket receiving the state bucket's server access logs (unless `accessLogs` is off). */
  readonly accessLogs?: AccessLogBucket;
  /** The replica in a second region (with `replica`). */
  readonly replica?: StateReplica;

  readonly definition: StateBackendDefinition;

  constructor(scope: Construct, id: string, props: StateBackendStackProps) {
    super(scope, id);
    const { definition, project, environments = [] } = props;
    this.definition = definition;
    applyStateBackend(this, definition.state, { project, stack: id });
    // Held to production's standard for what it creates. The state rules do not apply: during
    // bootstrap phase 1 its own state is local on purpose (its bucket does not exist yet).
    declareGuardrailScope(this, { environment: id, protection: 'hardened' }, [productionBucketHardening, noPlaintextSecrets, accessLogTarget]);
    addAwsProvider(this, definition);
    const replica = replicaSettings(definition);
    const replicaProvider = replica ? addAwsProvider(this, { ...definition, region: replica.region, alias: 'replica' }) : undefined;

    // The table, the key and the roles live in this stack's account; its account guard names it first.
    const stateAccountId = definition.allowedAccountIds[0];
    const roles: Record<string, StateRole> = {};
    const policies: Record<string, IamPolicy> = {};
    const keyUsers: string[] = [];
    const ciRoles: Record<string, StateRole> = {};
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
        ...(identity.access.externalId ? { externalId: identity.access.externalId } : {}),
      });
      roles[environment.name] = role;
      if (usesStateKey(environment, definition)) keyUsers.push(role.role.arn);
      if (replica) {
        // The same least privilege on the replica, so the role serves the environment after a region loss (docs/recovery.md).
        const { state } = environment;
        const replicaPolicy = new IamPolicy(this, `state-access-${environment.name}-replica`, {
          name: resourceName(project, environment.name, 'tfstate-replica-access'),
          description: `Use the replica of the Terraform state of ${environment.name} (${replica.region}); attached to its state role`,
          policy: stateAccessPolicyJson(
            {
              ...state,
              bucket: replica.bucket,
              region: replica.region,
              kmsKeyId: usesStateKey(environment, definition) ? `arn:${partitionOf(replica.region)}:kms:${replica.region}:${stateAccountId}:${replica.kmsAlias}` : undefined,
            },
            { project, stack: environment.name, stateAccountId, lockTable: definition.lockTable },
          ),
        });
        new IamRolePolicyAttachment(this, `state-access-${environment.name}-replica-attachment`, { role: role.role.name, policyArn: replicaPolicy.arn });
      }
      const ciRole = this.ciStateRole(project, identity, stateAccountId);
      ciRoles[environment.name] = ciRole;
      if (usesStateKey(environment, definition)) keyUsers.push(ciRole.role.arn);
    }
    this.ciStateRoles = ciRoles;
    this.stateRoles = roles;
    this.stateAccessPolicies = policies;

    const role = replica
      ? replicationRole(this, 'replication-role', {
          name: resourceName(project, id, 'replication'),
          account: stateAccountId,
          description: `S3 replication of ${definition.bucket} into ${replica.bucket} (${replica.region})`,
        })
      : undefined;

    const { encryption } = definition;
    this.kmsKey =
      encryption.kind === 'sse-kms'
        ? new RotatingKmsKey(this, 'state-key', {
            alias: encryption.kmsAlias,
            description: `Encrypts the Terraform state of ${project}`,
            preventDestroy: true,
            policy: JSON.stringify(stateKeyPolicy({ region: definition.region, stateAccount: stateAccountId, keyUserRoleArns: keyUsers, replicationRoleArn: role?.arn })),
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

    const logs = accessLogSettings(definition);
    if (logs) {
      this.accessLogs = new AccessLogBucket(this, 'access-logs', {
        bucketName: logs.bucket,
        source: this.stateBucket.bucket,
        sourceBucketName: definition.bucket,
        sourceAccount: stateAccountId,
        retentionDays: logs.retentionDays,
      });
    }
    if (replica && role && replicaProvider) {
      this.replica = new StateReplica(this, 'replica', {
        source: this.stateBucket.bucket,
        sourceRegion: definition.region,
        sourceKeyArn: this.kmsKey?.key.arn,
        sourceVersioning: this.stateBucket.versioning!,
        replicaBucketName: replica.bucket,
        replicaRegion: replica.region,
        kmsAlias: replica.kmsAlias,
        provider: replicaProvider,
        account: stateAccountId,
        role,
        noncurrentVersionExpirationDays: definition.noncurrentVersionExpirationDays,
        keyPolicy: JSON.stringify(replicaKeyPolicy({ replicaRegion: replica.region, stateAccount: stateAccountId, keyUserRoleArns: keyUsers, replicationRoleArn: role.arn })),
      });
    }

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
    for (const [name, stateRole] of Object.entries(roles)) {
      new TerraformOutput(this, `state_role_arn_${name.replace(/-/g, '_')}`, { value: stateRole.role.arn, description: `State role of ${name}` });
    }
    if (this.accessLogs) new TerraformOutput(this, 'access_log_bucket_name', { value: this.accessLogs.logBucket.bucket.bucket });
    if (this.replica) {
      new TerraformOutput(this, 'replica_bucket_name', { value: this.replica.replica.bucket.bucket });
      new TerraformOutput(this, 'replica_kms_key_arn', { value: this.replica.key.key.arn });
      new TerraformOutput(this, 'replication_role_arn', { value: this.replica.role.arn });
    }
    for (const [name, role] of Object.entries(this.ciStateRoles)) {
      new TerraformOutput(this, `ci_state_role_arn_${name.replace(/-/g, '_')}`, { value: role.role.arn, description: `State role of ${ciStackName(name)}` });
    }
    new BootstrapVersionStamp(this, 'bootstrap-version', { project });
  }

  /**
   * The state role of `ci-<env>` (docs/cross-account.md): the CI stack's own state policy (its key,
   * locked and encrypted as the environment's state), trusted by the environment account's
   * administrators only, never by the CI deploy role the stack creates. New construct ids: no
   * existing address changes.
   */
  private ciStateRole(project: string, identity: EnvironmentIdentity, stateAccountId: string): StateRole {
    const { environment } = identity;
    const stack = ciStackName(environment.name);
    const state = ciStackState(identity, project, this.definition)!;
    const policy = new IamPolicy(this, `ci-state-access-${environment.name}`, {
      name: resourceName(project, stack, 'tfstate-access'),
      description: `Use the Terraform state of ${stack} (and nothing else); attached to its state role`,
      policy: stateAccessPolicyJson(state, { project, stack, stateAccountId, lockTable: this.definition.lockTable }),
    });
    const context = { region: this.definition.region, environmentAccount: identity.account, ciRoleArn: identity.ciRoleArn };
    return new StateRole(this, `ci-state-role-${environment.name}`, {
      project,
      environment: stack,
      policy,
      region: this.definition.region,
      stateAccount: stateAccountId,
      environmentAccount: identity.account,
      ciRoleArn: identity.ciRoleArn,
      trust: { kind: 'environment-account' },
      trustPolicy: ciStateRoleTrustPolicy(context),
    });
  }
}
