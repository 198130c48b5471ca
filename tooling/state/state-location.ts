import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BootstrapError } from '../toolkit/errors';
import { readSynthesizedStack, type SynthesizedStack } from '../toolkit/synthesized-stacks';

/**
 * Where one stack's state lives, read from the backend block `cdktf synth` wrote into its
 * `cdk.tf.json`, never rebuilt from the definitions: every S3-backed stack the app has (the
 * environments, the state-backend after bootstrap, the `ci-*` stacks once their state is in the
 * bucket) is found the same way.
 */
export interface StateLocation {
  readonly stack: SynthesizedStack;
  readonly bucket: string;
  readonly key: string;
  /** The backend's region (the bucket's), which may differ from the stack's provider region. */
  readonly region: string;
  /** `assume_role.role_arn`: the state role the backend acts as, when it assumes one. */
  readonly roleArn?: string;
  /** `assume_role.external_id`: the external ID the state role's trust requires, when it requires one. */
  readonly externalId?: string;
  /** DynamoDB locking (and its digest item) when set. */
  readonly dynamodbTable?: string;
  /** S3-native locking (`<key>.tflock`). */
  readonly useLockfile: boolean;
  /** SSE-KMS key (ARN or alias ARN) the backend encrypts with, for messages. */
  readonly kmsKeyId?: string;
}

interface S3BackendBlock {
  readonly bucket?: unknown;
  readonly key?: unknown;
  readonly region?: unknown;
  readonly assume_role?: { readonly role_arn?: unknown; readonly external_id?: unknown };
  readonly role_arn?: unknown;
  readonly dynamodb_table?: unknown;
  readonly use_lockfile?: unknown;
  readonly kms_key_id?: unknown;
  readonly workspace_key_prefix?: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The stack's S3 state, or a problem naming what the stack uses instead. */
export function stateLocation(name: string, directory: string): StateLocation {
  const file = join(directory, 'cdk.tf.json');
  if (!existsSync(file)) throw new BootstrapError(`${directory} has no cdk.tf.json; synthesize first (drop --skip-synth)`);
  const stack = readSynthesizedStack(name, directory);
  const json = JSON.parse(readFileSync(file, 'utf8')) as { terraform?: { backend?: { s3?: S3BackendBlock } } };
  const s3 = json.terraform?.backend?.s3;
  if (stack.backend !== 's3' || !s3) {
    const where = stack.localStateFile ? ` (${stack.localStateFile})` : '';
    throw new BootstrapError(
      `${name} keeps its state in a "${stack.backend}" backend${where}, not in the versioned state bucket: history and restore read S3 object versions. ` +
        'A local state file has no versions; Terraform keeps its previous copy as terraform.tfstate.backup next to it.',
    );
  }
  const bucket = text(s3.bucket);
  const key = text(s3.key);
  const region = text(s3.region) ?? stack.region;
  if (!bucket || !key) throw new BootstrapError(`${file}: its s3 backend names no bucket or key (partial configuration?): give them in the stack's backend, then synthesize again`);
  return {
    stack,
    bucket,
    key,
    region,
    roleArn: text(s3.assume_role?.role_arn) ?? text(s3.role_arn),
    externalId: text(s3.assume_role?.external_id),
    dynamodbTable: text(s3.dynamodb_table),
    useLockfile: s3.use_lockfile === true,
    kmsKeyId: text(s3.kms_key_id),
  };
}

/** `s3://bucket/key` for messages. */
export function stateUri(location: Pick<StateLocation, 'bucket' | 'key'>): string {
  return `s3://${location.bucket}/${location.key}`;
}
