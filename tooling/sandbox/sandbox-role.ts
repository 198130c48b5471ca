/**
 * The role name assumed in each sandbox account (moto accepts any; the name says where it came from).
 * A module of its own so that the supervisor's IAM enforcement, which needs only the name, does not
 * load the AWS SDK clients that credentials.ts uses (0.15-0.2 CPU s at every sandbox start).
 */
export const SANDBOX_ROLE = 'sandbox-admin';
