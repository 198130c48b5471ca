import { z } from 'zod';
import { externalId, iamRoleArn } from '../identities/schema';
import type { StateDefinition } from '../definitions/state-definition';
import {
  AWS_REGION_PATTERN,
  AZURE_CONTAINER_PATTERN,
  AZURE_STORAGE_ACCOUNT_PATTERN,
  GCS_BUCKET_PATTERN,
  dynamoDbTableNameProblems,
  s3BucketNameProblems,
} from './aws-names';
import { PROVIDER_AWS_REGIONS } from './provider-regions';
import { PROVIDER_AWS_VERSION } from './provider-regions-source';
import { keyProblems } from './state-locations';

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

/** A region the pinned AWS provider knows (lib/validation/provider-regions.ts, read from the provider). */
export const awsRegion = requiredString('use an AWS region code such as "eu-west-1"').superRefine((value, ctx) => {
  if (PROVIDER_AWS_REGIONS.includes(value)) return;
  const form = AWS_REGION_PATTERN.test(value)
    ? `is not a region hashicorp/aws ${PROVIDER_AWS_VERSION} knows`
    : 'is not an AWS region code';
  const near = PROVIDER_AWS_REGIONS.filter((region) => region.replace(/-/g, '') === value.toLowerCase().replace(/[^a-z0-9]/g, ''));
  ctx.addIssue({
    code: 'custom',
    message: `${JSON.stringify(value)} ${form}: use ${near.length > 0 ? `"${near[0]}"` : `a region hashicorp/aws ${PROVIDER_AWS_VERSION} knows, e.g. "eu-west-1", "us-east-2" or "us-gov-west-1"`} (the list: lib/validation/provider-regions.ts)`,
  });
});

/**
 * A relative object key, prefix or local path in canonical form (see `keyProblems`): one way to
 * write each location, so that comparing locations compares what they mean.
 */
function relativeKey(field: string, example: string, kind: 'key' | 'prefix' | 'path') {
  return z
    .string({ error: `must be a string such as "${example}"` })
    .superRefine((value, ctx) => {
      if (value.trim() === '') {
        ctx.addIssue({ code: 'custom', message: `must not be empty: omit "${field}" to use the naming rule ("${example}"), or set a ${kind}` });
        return;
      }
      const broken = keyProblems(value, kind);
      if (broken.length > 0) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a canonical ${kind}: it ${broken.join('; it ')}. Fix: omit "${field}" to use the naming rule, or write it like "${example}"` });
      }
    })
    .optional();
}

const localState = z.strictObject({
  kind: z.literal('local'),
  path: relativeKey('path', '../../../terraform.dev.tfstate', 'path'),
});

const s3State = z
  .strictObject({
    kind: z.literal('s3'),
    bucket: s3BucketName,
    region: awsRegion,
    key: relativeKey('key', '<project>/<stack>/terraform.tfstate', 'key'),
    kmsKeyId: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:/, { error: 'must be a KMS key or alias ARN ("arn:aws:kms:<region>:<account>:key/..." or ":alias/...")' })
      .optional(),
    locking: z.enum(['lockfile', 'dynamodb', 'both'], {
      error: 'must be "lockfile" (S3-native locking, Terraform/OpenTofu >= 1.10), "dynamodb" (lock table) or "both" (migration between them)',
    }),
    dynamodbTable: dynamoDbTableName.optional(),
    assumeRole: z
      .strictObject({ roleArn: iamRoleArn, externalId: externalId.optional() }, { error: 'must be { roleArn: "arn:aws:iam::<account>:role/<name>", externalId?: "<external ID>" }' })
      .optional(),
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
  prefix: relativeKey('prefix', '<project>/<stack>', 'prefix'),
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
  key: relativeKey('key', '<project>/<stack>/terraform.tfstate', 'key'),
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
      : issue.code === 'invalid_type'
        ? `must be a state definition object (got ${issue.input === null ? 'null' : typeof issue.input}), e.g. { kind: "local" } or { kind: "s3", bucket, region, locking: "lockfile" }`
        : undefined,
});

// Compile-time check: every shape the TypeScript union allows is also accepted by the schema.
type SchemaState = z.infer<typeof stateSchema>;
export const schemaAcceptsEveryDefinition: (state: StateDefinition) => SchemaState = (state) => state;
