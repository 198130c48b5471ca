import { z } from 'zod';
import { iamRoleArn } from '../identities/schema';
import type { StateDefinition } from '../state-definition';
import {
  AWS_REGION_PATTERN,
  AZURE_CONTAINER_PATTERN,
  AZURE_STORAGE_ACCOUNT_PATTERN,
  GCS_BUCKET_PATTERN,
  dynamoDbTableNameProblems,
  s3BucketNameProblems,
} from './aws-names';

/**
 * Runtime schema of `StateDefinition`. TypeScript already rejects illegal shapes in `.ts` files;
 * this catches the same mistakes in plain JavaScript, YAML input and values that came from
 * overrides, with messages that say how to fix them.
 */

/** A required, non-empty string whose messages carry `fix`. */
export function requiredString(fix: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `is required: ${fix}` : `must be a string: ${fix}`) })
    .min(1, { error: `must not be empty: ${fix}` });
}

/** A string checked by a function returning the rules it breaks. */
function ruleChecked(fix: string, what: string, problems: (value: string) => string[]) {
  return requiredString(fix).superRefine((value, ctx) => {
    const broken = problems(value);
    if (broken.length > 0) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid ${what}: it ${broken.join('; it ')}. Fix: ${fix}` });
    }
  });
}

export const s3BucketName = ruleChecked(
  'use 3-63 lowercase letters, digits and hyphens, starting and ending with a letter or digit, e.g. "acme-platform-tfstate" (override with TF_STATE_BUCKET)',
  'S3 bucket name',
  s3BucketNameProblems,
);

export const dynamoDbTableName = ruleChecked(
  'name the DynamoDB lock table (3-255 letters, digits, "_", "-", "."), e.g. "acme-platform-tflock" (override with TF_STATE_LOCK_TABLE)',
  'DynamoDB table name',
  dynamoDbTableNameProblems,
);

export const awsRegion = requiredString('use an AWS region code such as "eu-west-1"').regex(AWS_REGION_PATTERN, {
  error: (issue) => `"${issue.input}" is not an AWS region code: use the form "eu-west-1", "us-east-2" or "us-gov-west-1"`,
});

/** A relative object key or prefix; `example` shows what the naming rule would produce. */
function relativeKey(field: string, example: string) {
  return z
    .string({ error: `must be a string such as "${example}"` })
    .superRefine((value, ctx) => {
      const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
      if (value.trim() === '') fail(`must not be empty: omit "${field}" to use the naming rule ("${example}"), or set a path`);
      else if (value.startsWith('/')) fail(`"${value}" must be relative, without a leading "/": use e.g. "${example}"`);
      else if (value.includes('//')) fail(`"${value}" must not contain "//" (an empty path segment): use e.g. "${example}"`);
      else if (value.endsWith('/')) fail(`"${value}" must not end with "/": it names an object, e.g. "${example}"`);
    })
    .optional();
}

const localState = z.strictObject({
  kind: z.literal('local'),
  path: relativeKey('path', 'terraform.dev.tfstate'),
});

const s3State = z
  .strictObject({
    kind: z.literal('s3'),
    bucket: s3BucketName,
    region: awsRegion,
    key: relativeKey('key', '<project>/<stack>/terraform.tfstate'),
    kmsKeyId: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:/, { error: 'must be a KMS key or alias ARN ("arn:aws:kms:<region>:<account>:key/..." or ":alias/...")' })
      .optional(),
    locking: z.enum(['lockfile', 'dynamodb', 'both'], {
      error: 'must be "lockfile" (S3-native locking, Terraform/OpenTofu >= 1.10), "dynamodb" (lock table) or "both" (migration between them)',
    }),
    dynamodbTable: dynamoDbTableName.optional(),
    assumeRole: z.strictObject({ roleArn: iamRoleArn }, { error: 'must be { roleArn: "arn:aws:iam::<account>:role/<name>" }' }).optional(),
  })
  .superRefine((state, ctx) => {
    if (state.locking !== 'lockfile' && state.dynamodbTable === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['dynamodbTable'],
        message: `is required when locking is "${state.locking}": name the lock table (hash key "LockID" of type S), or use locking "lockfile"`,
      });
    }
    if (state.locking === 'lockfile' && state.dynamodbTable !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['dynamodbTable'],
        message: 'must not be set when locking is "lockfile": remove it, or use locking "both" to keep DynamoDB locking during a migration',
      });
    }
  });

const gcsState = z.strictObject({
  kind: z.literal('gcs'),
  bucket: requiredString('name the existing GCS bucket for state, e.g. "acme-platform-tfstate"').regex(GCS_BUCKET_PATTERN, {
    error: (issue) => `"${issue.input}" is not a valid GCS bucket name: use 3-63 lowercase letters, digits, "-" and "_", starting and ending with a letter or digit`,
  }),
  prefix: relativeKey('prefix', '<project>/<stack>'),
  kmsEncryptionKey: z.string().min(1).optional(),
});

const azurermState = z.strictObject({
  kind: z.literal('azurerm'),
  resourceGroupName: requiredString('name the resource group of the storage account'),
  storageAccountName: requiredString('name the storage account holding state').regex(AZURE_STORAGE_ACCOUNT_PATTERN, {
    error: (issue) => `"${issue.input}" is not a valid storage account name: use 3-24 lowercase letters and digits`,
  }),
  containerName: requiredString('name the blob container for state, e.g. "tfstate"').regex(AZURE_CONTAINER_PATTERN, {
    error: (issue) => `"${issue.input}" is not a valid container name: use 3-63 lowercase letters, digits and single hyphens`,
  }),
  key: relativeKey('key', '<project>/<stack>/terraform.tfstate'),
  useAzureadAuth: z.boolean().optional(),
});

const cloudWorkspaces = z.union(
  [
    z.strictObject({ name: requiredString('name the HCP Terraform workspace, e.g. "acme-platform-production"') }),
    z.strictObject({
      tags: z
        .array(z.string().min(1), { error: 'must be a list of workspace tags' })
        .min(1, { error: 'must list at least one tag' })
        .readonly(),
    }),
  ],
  { error: 'must be either { name: "<workspace>" } or { tags: ["<tag>", ...] }, not both' },
);

const cloudState = z.strictObject({
  kind: z.literal('cloud'),
  organization: requiredString('name the HCP Terraform / Terraform Enterprise organization'),
  workspaces: cloudWorkspaces,
  project: z.string().min(1).optional(),
  hostname: z.string().min(1).optional(),
});

export const stateSchema = z.discriminatedUnion('kind', [localState, s3State, gcsState, azurermState, cloudState], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `must be one of "local", "s3", "gcs", "azurerm", "cloud" (got ${JSON.stringify((issue.input as { kind?: unknown })?.kind)})`
      : undefined,
});

// Compile-time check: every shape the TypeScript union allows is also accepted by the schema.
type SchemaState = z.infer<typeof stateSchema>;
export const schemaAcceptsEveryDefinition: (state: StateDefinition) => SchemaState = (state) => state;
