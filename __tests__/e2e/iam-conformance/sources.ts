/**
 * The AWS documentation pages the conformance cases cite (cases.ts): each case names one of these and
 * the section of it that gives the verdict.
 */
const IAM = 'https://docs.aws.amazon.com/IAM/latest/UserGuide';

export const PAGES = {
  evaluation: `${IAM}/reference_policies_evaluation-logic.html`,
  evaluationDetails: `${IAM}/reference_policies_evaluation-logic_policy-eval-denyallow.html`,
  crossAccount: `${IAM}/reference_policies_evaluation-logic-cross-account.html`,
  operators: `${IAM}/reference_policies_elements_condition_operators.html`,
  multivalued: `${IAM}/reference_policies_condition-single-vs-multi-valued-context-keys.html`,
  globalKeys: `${IAM}/reference_policies_condition-keys.html`,
  notAction: `${IAM}/reference_policies_elements_notaction.html`,
  notPrincipal: `${IAM}/reference_policies_elements_notprincipal.html`,
  notResource: `${IAM}/reference_policies_elements_notresource.html`,
  principal: `${IAM}/reference_policies_elements_principal.html`,
  variables: `${IAM}/reference_policies_variables.html`,
  externalId: `${IAM}/id_roles_common-scenarios_third-party.html`,
  sessionTags: `${IAM}/id_session-tags.html`,
  groups: `${IAM}/id_groups.html`,
  users: `${IAM}/id_users.html`,
  rolesTerms: `${IAM}/id_roles_terms-and-concepts.html`,
  kmsKeyPolicies: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html',
  kmsDefaultPolicy: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html',
  kmsCrossAccount: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html',
  kmsConditions: 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html',
  kmsGrants: 'https://docs.aws.amazon.com/kms/latest/developerguide/grants.html',
  kmsDecrypt: 'https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html',
  s3Keys: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html',
  s3Actions: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html',
  s3Bpa: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
  s3Ownership: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html',
  s3BucketPolicyExamples: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html',
  s3CrossAccount: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html',
  dynamodbConditions: 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html',
  ssmAccess: 'https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html',
  stsCallerIdentity: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html',
  stsAssumeRole: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html',
  stsKeys: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html',
  iamActions: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html',
} as const;
