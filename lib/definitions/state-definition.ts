/**
 * The typed description of where and how an environment keeps its Terraform state.
 *
 * A discriminated union on `kind`: each backend only accepts its own fields, and for S3 the
 * locking mode decides whether a DynamoDB table is required, so e.g. "DynamoDB locking without a
 * table" or "a GCS bucket with a lock table" do not compile.
 */
export type StateDefinition = LocalState | S3State | GcsState | AzurermState | CloudState;

export type StateKind = StateDefinition['kind'];

/** State in a file on the machine running Terraform: the dev loop. No locking between people. */
export interface LocalState {
  readonly kind: 'local';
  /**
   * Path of the state file, relative to the synthesized stack directory (`cdktf.out/stacks/<stack>`).
   * @default - `terraform.<stack>.tfstate` in the project root (survives `cdktf synth` wiping `cdktf.out`)
   */
  readonly path?: string;
}

/**
 * How the S3 backend locks state.
 * - `lockfile`: S3-native locking (`use_lockfile`), a `<key>.tflock` object written with a conditional
 *   PUT. Terraform >= 1.10 (experimental in 1.10, GA in 1.11), OpenTofu >= 1.10.
 * - `dynamodb`: a lock item in a DynamoDB table (`dynamodb_table`). Deprecated in Terraform 1.11 (still
 *   works, prints a warning); fully supported in OpenTofu.
 * - `both`: migration mode; Terraform takes both locks and both must succeed.
 */
export type S3Locking = 'lockfile' | 'dynamodb' | 'both';

interface S3StateCommon {
  readonly kind: 's3';
  /** Name of the existing state bucket (created by the state-backend stack). */
  readonly bucket: string;
  /** Region of the bucket (and of the lock table, when there is one). */
  readonly region: string;
  /**
   * Object key of the state.
   * @default - derived from the naming rule: `<project>/<stack>/terraform.tfstate`
   */
  readonly key?: string;
  /**
   * ARN of a KMS key (or alias ARN) for SSE-KMS of the state object.
   * @default - the bucket's default encryption (`encrypt = true` is always set)
   */
  readonly kmsKeyId?: string;
  /**
   * The role the backend assumes to reach the state: the S3 backend's `assume_role` block (Terraform
   * >= 1.6, OpenTofu >= 1.6; Terraform 1.10 removed the old top-level `role_arn`). Environments whose
   * state lives in the state bucket get their state role here from `stateAccess` (lib/identities/);
   * name a role yourself only with `stateAccess: { via: 'credentials' }` or for another bucket.
   * @default - the deploying credentials reach the state as they are
   */
  readonly assumeRole?: S3AssumeRole;
}

export interface S3AssumeRole {
  /** ARN of the IAM role to assume, in the account that owns the bucket (and lock table). */
  readonly roleArn: string;
  /** The external ID the role's trust requires (`assume_role { external_id }`). @default - none */
  readonly externalId?: string;
}

/** S3 with native lockfile locking: no DynamoDB table may be named. */
export interface S3LockfileState extends S3StateCommon {
  readonly locking: 'lockfile';
  readonly dynamodbTable?: never;
}

/** S3 with DynamoDB locking, alone or together with the lockfile (migration mode). */
export interface S3DynamoDbState extends S3StateCommon {
  readonly locking: 'dynamodb' | 'both';
  /** Name of the lock table; its hash key must be `LockID` of type string. */
  readonly dynamodbTable: string;
}

export type S3State = S3LockfileState | S3DynamoDbState;

export interface GcsState {
  readonly kind: 'gcs';
  readonly bucket: string;
  /**
   * Prefix inside the bucket; GCS state lives at `<prefix>/<workspace>.tfstate`.
   * @default - derived from the naming rule: `<project>/<stack>`
   */
  readonly prefix?: string;
  /** Cloud KMS key for customer-managed encryption of the state. @default - Google-managed encryption */
  readonly kmsEncryptionKey?: string;
}

export interface AzurermState {
  readonly kind: 'azurerm';
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  readonly containerName: string;
  /** @default - derived from the naming rule: `<project>/<stack>/terraform.tfstate` */
  readonly key?: string;
  /** Authenticate to the storage account with Entra ID instead of access keys. @default true */
  readonly useAzureadAuth?: boolean;
}

/** HCP Terraform / Terraform Enterprise (`cloud` block): state, locking and runs live there. */
export interface CloudState {
  readonly kind: 'cloud';
  readonly organization: string;
  /** Exactly one workspace by name, or every workspace carrying these tags. */
  readonly workspaces: { readonly name: string; readonly tags?: never } | { readonly tags: readonly string[]; readonly name?: never };
  /** HCP Terraform project the workspace belongs to. @default - the organization's default project */
  readonly project?: string;
  /** @default app.terraform.io */
  readonly hostname?: string;
}

/** True for every definition whose state is shared through a remote service (and locked there). */
export function isRemoteState(state: StateDefinition): boolean {
  return state.kind !== 'local';
}

/** Lock mechanisms in force for a state definition, for outputs, docs and policies. */
export function lockMechanisms(state: StateDefinition): readonly string[] {
  switch (state.kind) {
    case 'local':
      return ['local file lock (this machine only)'];
    case 's3':
      return {
        lockfile: ['s3-lockfile'],
        dynamodb: ['dynamodb'],
        both: ['s3-lockfile', 'dynamodb'],
      }[state.locking];
    case 'gcs':
      return ['gcs-lockfile'];
    case 'azurerm':
      return ['azure-blob-lease'];
    case 'cloud':
      return ['hcp-terraform'];
  }
}
