import { z } from 'zod';
import { ALL_RULES } from '../guardrails';
import { iamPolicyArn, stateAccessSchema } from '../identities/schema';
import { AWS_ACCOUNT_ID_PATTERN } from './aws-names';
import { awsRegion, dynamoDbTableName, requiredString, s3BucketName, stateSchema } from './state-schema';

const RULE_IDS = ALL_RULES.map((rule) => rule.id);

/** Stack names become directory names, tags and name segments: keep them plain. */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

const environmentName = requiredString('use 2-32 lowercase letters, digits and hyphens, e.g. "staging"').regex(
  ENVIRONMENT_NAME_PATTERN,
  { error: (issue) => `"${issue.input}" is not a valid environment name: use 2-32 lowercase letters, digits and hyphens, starting with a letter, e.g. "qa"` },
);

const accountIds = z
  .array(
    z.string({ error: (issue) => `${JSON.stringify(issue.input)} is not a 12-digit account ID string: quote it, e.g. "222222222222"` }).regex(AWS_ACCOUNT_ID_PATTERN, {
      error: (issue) => `"${issue.input}" is not an AWS account ID: use the 12-digit ID (override with AWS_ACCOUNT_ID_<ENV>)`,
    }),
    { error: 'must be a list of 12-digit AWS account IDs' },
  )
  .min(1, { error: 'must list at least one AWS account ID: the provider refuses to run anywhere else (set AWS_ACCOUNT_ID_<ENV>)' })
  .readonly();

/** AWS tag rules (Tagging AWS resources, "Tag naming limits and requirements"). */
const MAX_TAGS = 50;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const tags = z
  .record(z.string(), z.unknown(), { error: 'must be an object of tag names to string values' })
  .superRefine((record, ctx) => {
    const entries = Object.entries(record);
    if (entries.length > MAX_TAGS) {
      ctx.addIssue({ code: 'custom', message: `has ${entries.length} tags; AWS allows at most ${MAX_TAGS} per resource: remove ${entries.length - MAX_TAGS}` });
    }
    for (const [key, value] of entries) {
      const fail = (message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
      if (key.length === 0 || key.length > 128) fail(`tag key must be 1-128 characters (is ${key.length}): shorten it`);
      if (/^aws:/i.test(key)) fail('tag keys starting with "aws:" are reserved for AWS: rename the tag');
      if (!TAG_CHARACTERS.test(key)) fail('tag key may contain only letters, digits, spaces and _ . : / = + - @: rename the tag');
      if (typeof value !== 'string') {
        fail(`tag value must be a string (got ${value === null ? 'null' : typeof value}): quote it`);
        continue;
      }
      if (value.length > 256) fail(`tag value must be at most 256 characters (is ${value.length}): shorten it`);
      if (!TAG_CHARACTERS.test(value)) fail('tag value may contain only letters, digits, spaces and _ . : / = + - @: change it');
    }
  })
  .transform((record) => record as Record<string, string>)
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
  role: z.enum(['personal', 'shared', 'production'], { error: 'must be "personal", "shared" or "production" (or left out)' }).optional(),
  suppressions: z
    .array(
      z.strictObject({
        id: z.enum(RULE_IDS as [string, ...string[]], { error: `must name a guardrail: ${RULE_IDS.join(', ')}` }),
        reason: z
          .string({ error: 'is required: say why the exception is safe' })
          .refine((reason) => reason.trim().length >= 10, { error: 'must say in at least 10 characters why the exception is safe' }),
      }),
      { error: 'must be a list of { id, reason }' },
    )
    .readonly()
    .optional(),
  stateAccess: stateAccessSchema.optional(),
  ciDeployRole: z.strictObject({ permissionsBoundary: iamPolicyArn.optional() }, { error: 'must be { permissionsBoundary?: "<managed policy ARN>" }' }).optional(),
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
