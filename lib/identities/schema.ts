import { z } from 'zod';
import type { StateAccess } from '../definitions/state-access';

/** `arn:<partition>:iam::<12 digits>:role/<path/name>`. */
export const IAM_ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export const iamRoleArn = z.string({ error: 'must be an IAM role ARN such as "arn:aws:iam::123456789012:role/name"' }).regex(IAM_ROLE_ARN_PATTERN, {
  error: (issue) => `"${issue.input}" is not an IAM role ARN: use "arn:aws:iam::<12-digit account>:role/<name>"`,
});

/** `arn:<partition>:iam::<12 digits or aws>:policy/<path/name>`: a managed policy (a permissions boundary). */
export const IAM_POLICY_ARN_PATTERN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,512}$/;

export const iamPolicyArn = z.string({ error: 'must be a managed policy ARN such as "arn:aws:iam::123456789012:policy/boundary"' }).regex(IAM_POLICY_ARN_PATTERN, {
  error: (issue) => `"${issue.input}" is not a managed policy ARN: use "arn:aws:iam::<12-digit account>:policy/<name>" (a permissions boundary is a managed policy)`,
});

/** STS AssumeRole's `ExternalId`: 2 to 1224 characters matching `[\w+=,.@:/-]*` (STS API Reference, AssumeRole). */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]*$/;

export const externalId = z
  .string({ error: 'must be a string of 2 to 1224 characters (letters, digits and _+=,.@:/-), as STS AssumeRole accepts' })
  .min(2, { error: (issue) => `is ${String(issue.input).length} character(s) long: STS accepts an external ID of 2 to 1224 characters; use a longer one` })
  .max(1224, { error: (issue) => `is ${String(issue.input).length} characters long: STS accepts an external ID of 2 to 1224 characters; use a shorter one` })
  .regex(EXTERNAL_ID_PATTERN, {
    error: (issue) => {
      const bad = [...new Set([...String(issue.input)].filter((c) => !/[\w+=,.@:/-]/.test(c)))].map((c) => JSON.stringify(c)).join(', ');
      return `contains ${bad}, which STS does not accept in an external ID: use only letters, digits and _+=,.@:/-`;
    },
  });

const stateRoleTrust = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('environment-account') }),
    z.strictObject({ kind: z.literal('ci-role-only') }),
    z.strictObject({
      kind: z.literal('principals'),
      roleArns: z.array(iamRoleArn, { error: 'must be a list of IAM role ARNs' }).min(1, { error: 'must name at least one role' }).readonly(),
    }),
  ],
  { error: 'kind must be "environment-account" (the default), "ci-role-only" or "principals" (with roleArns)' },
);

/** Runtime schema of `StateAccess` (an environment's `stateAccess`). */
export const stateAccessSchema = z.discriminatedUnion(
  'via',
  [
    z.strictObject({ via: z.literal('role'), trust: stateRoleTrust.optional(), permissionsBoundary: iamPolicyArn.optional(), externalId: externalId.optional() }),
    z.strictObject({ via: z.literal('credentials') }),
  ],
  {
    error:
      'via must be "role" (assume the state role the state-backend stack creates) or "credentials" (single account: use the deploying credentials)',
  },
);

// Compile-time check: every shape the TypeScript union allows is also accepted by the schema.
type SchemaStateAccess = z.infer<typeof stateAccessSchema>;
export const schemaAcceptsEveryStateAccess: (access: StateAccess) => SchemaStateAccess = (access) => access as SchemaStateAccess;
