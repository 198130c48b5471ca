import { z } from 'zod';
import { stateAccessSchema } from '../identities/schema';
import { AWS_ACCOUNT_ID_PATTERN } from './aws-names';
import { awsRegion, dynamoDbTableName, requiredString, s3BucketName, stateSchema } from './state-schema';

/** Stack names become directory names, tags and name segments: keep them plain. */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

const environmentName = requiredString('use 2-32 lowercase letters, digits and hyphens, e.g. "staging"').regex(
  ENVIRONMENT_NAME_PATTERN,
  { error: (issue) => `"${issue.input}" is not a valid environment name: use 2-32 lowercase letters, digits and hyphens, starting with a letter, e.g. "qa"` },
);

const accountIds = z
  .array(
    z.string().regex(AWS_ACCOUNT_ID_PATTERN, {
      error: (issue) => `"${issue.input}" is not an AWS account ID: use the 12-digit ID (override with AWS_ACCOUNT_ID_<ENV>)`,
    }),
    { error: 'must be a list of 12-digit AWS account IDs' },
  )
  .min(1, { error: 'must list at least one AWS account ID: the provider refuses to run anywhere else (set AWS_ACCOUNT_ID_<ENV>)' })
  .readonly();

const tags = z
  .record(
    z.string().min(1).max(128),
    z.string({ error: 'tag values must be strings' }).max(256, { error: 'tag values may be at most 256 characters' }),
    { error: 'must be an object of tag names to string values' },
  )
  .readonly();

export const environmentSchema = z.strictObject({
  name: environmentName,
  region: awsRegion,
  allowedAccountIds: accountIds,
  tags,
  state: stateSchema,
  protection: z.enum(['ephemeral', 'standard', 'hardened'], {
    error: 'must be "ephemeral" (throw-away dev), "standard" (shared, recoverable) or "hardened" (production)',
  }),
  stateAccess: stateAccessSchema.optional(),
});

export const stateBackendSchema = z.strictObject({
  name: environmentName,
  region: awsRegion,
  allowedAccountIds: accountIds,
  bucket: s3BucketName,
  lockTable: dynamoDbTableName,
  encryption: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('sse-kms'), kmsAlias: z.string().regex(/^alias\/[A-Za-z0-9/_-]+$/, { error: 'must look like "alias/<name>"' }) }),
    z.strictObject({ kind: z.literal('sse-s3') }),
  ], { error: 'kind must be "sse-kms" or "sse-s3"' }),
  noncurrentVersionExpirationDays: z
    .number({ error: 'must be a number of days' })
    .int({ error: 'must be a whole number of days' })
    .min(1, { error: 'must be at least 1 day: noncurrent state versions are how you recover a bad apply' }),
  tags,
  state: stateSchema,
});
