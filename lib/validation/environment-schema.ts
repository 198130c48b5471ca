import { z } from 'zod';
import { ALL_RULES } from '../guardrails';
import { iamPolicyArn, stateAccessSchema } from '../identities/schema';
import { AWS_ACCOUNT_ID_PATTERN, s3BucketNameProblems } from './aws-names';
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
  accessLogs: z
    .discriminatedUnion(
      'kind',
      [
        z.strictObject({
          kind: z.literal('on'),
          retentionDays: z
            .number({ error: 'must be a number of days, e.g. 365' })
            .int({ error: 'must be a whole number of days, e.g. 365' })
            .min(1, { error: 'must be at least 1 day: the log bucket expires records after it (use kind "off" for no logs)' })
            .optional(),
          bucket: s3BucketName.optional(),
        }),
        z.strictObject({ kind: z.literal('off') }),
      ],
      { error: 'must be { kind: "on", retentionDays?: <days>, bucket?: "<log bucket>" } or { kind: "off" } (or left out: on, 365 days)' },
    )
    .optional(),
  replica: z
    .strictObject(
      { region: awsRegion, bucket: s3BucketName.optional() },
      { error: 'must be { region: "<second region>", bucket?: "<replica bucket>" } (or left out: no replica)' },
    )
    .optional(),
  state: stateSchema,
}).superRefine((backend, ctx) => {
  // Names derived from the state bucket must still be bucket names, and no two buckets may share one.
  const logs = backend.accessLogs ?? { kind: 'on' };
  const derived: Array<{ path: string[]; name: string; field: string }> = [];
  // A name derived from an invalid state bucket name is already reported as the bucket's problem.
  const derivable = typeof backend.bucket === 'string' && s3BucketNameProblems(backend.bucket).length === 0;
  if (logs.kind === 'on' && (logs.bucket !== undefined || derivable)) derived.push({ path: ['accessLogs', 'bucket'], name: logs.bucket ?? `${backend.bucket}-logs`, field: 'accessLogs.bucket' });
  if (backend.replica && (backend.replica.bucket !== undefined || derivable)) derived.push({ path: ['replica', 'bucket'], name: backend.replica.bucket ?? `${backend.bucket}-replica`, field: 'replica.bucket' });
  const seen = new Set([backend.bucket]);
  for (const { path, name, field } of derived) {
    const broken = s3BucketNameProblems(name);
    if (broken.length > 0) {
      ctx.addIssue({ code: 'custom', path, message: `"${name}" (derived from the state bucket's name) is not a valid S3 bucket name: it ${broken.join('; it ')}. Fix: set ${field} to a valid name` });
    } else if (seen.has(name)) {
      ctx.addIssue({ code: 'custom', path, message: `"${name}" is already the name of another bucket of this stack: set ${field} to a name of its own` });
    }
    seen.add(name);
  }
  if (backend.replica && backend.replica.region === backend.region) {
    ctx.addIssue({
      code: 'custom',
      path: ['replica', 'region'],
      message: `is the state-backend's own region "${backend.region}": a replica survives the loss of a region only in another one, e.g. "${backend.region === 'eu-central-1' ? 'eu-west-1' : 'eu-central-1'}"`,
    });
  }
});
