/**
 * Name rules of the cloud services state lives in, as lists of broken rules (empty = valid), so one
 * error can name every rule a value breaks.
 */

const IP_ADDRESS = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** S3 general purpose bucket naming rules, plus "no dots" (see below). */
export function s3BucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) problems.push(`must be 3-63 characters long (is ${name.length})`);
  if (/[^a-z0-9.-]/.test(name)) problems.push('may contain only lowercase letters, digits, hyphens');
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) problems.push('must begin and end with a lowercase letter or digit');
  if (IP_ADDRESS.test(name)) problems.push('must not be formatted as an IP address');
  else if (name.includes('.')) {
    // Legal in S3, but a dotted name does not match the *.s3.amazonaws.com certificate for
    // virtual-hosted-style HTTPS, which is how Terraform's S3 backend reaches the bucket.
    problems.push('must not contain dots (they break TLS for virtual-hosted-style requests)');
  }
  for (const prefix of RESERVED_BUCKET_PREFIXES) {
    if (name.startsWith(prefix)) problems.push(`must not start with the reserved prefix "${prefix}"`);
  }
  for (const suffix of RESERVED_BUCKET_SUFFIXES) {
    if (name.endsWith(suffix)) problems.push(`must not end with the reserved suffix "${suffix}"`);
  }
  return problems;
}

/** DynamoDB table names: 3-255 characters of a-z, A-Z, 0-9, `_`, `-`, `.`. */
export function dynamoDbTableNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 255) problems.push(`must be 3-255 characters long (is ${name.length})`);
  if (/[^A-Za-z0-9_.-]/.test(name)) problems.push('may contain only letters, digits, "_", "-" and "."');
  return problems;
}

/** AWS region codes such as `eu-west-1`, `us-gov-west-1`, `ap-southeast-5`. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export const AWS_ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** Azure storage account: 3-24 lowercase letters and digits. */
export const AZURE_STORAGE_ACCOUNT_PATTERN = /^[a-z0-9]{3,24}$/;

/** Azure blob container: 3-63 lowercase letters, digits, single hyphens; starts and ends alphanumeric. */
export const AZURE_CONTAINER_PATTERN = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

/** GCS bucket names (without dots): 3-63 lowercase letters, digits, `-`, `_`; alphanumeric ends. */
export const GCS_BUCKET_PATTERN = /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/;
