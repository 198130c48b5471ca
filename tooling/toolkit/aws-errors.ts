import { STATUS_CODES } from 'node:http';

/**
 * A short, human description of an AWS SDK (or network) error: its code, HTTP status and message.
 * A HEAD answer carries no body, so the SDK has no code for it and names it "Unknown"/"UnknownError"
 * (a 403 to HeadBucket or HeadObject): the status and its reason phrase are then what S3 said, and
 * are shown as such, never as an unknown error.
 */
export function describeAwsError(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name && e.name !== 'Error' ? e.name : e.code;
  if (status && (!name || name === 'Unknown' || name === 'UnknownError') && (!e.message || e.message === 'UnknownError' || e.message === name)) {
    return `HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trimEnd() + ' (no error code: the answer had no body, as a HEAD answer never has)';
  }
  return [name, status ? `HTTP ${status}` : undefined, e.message && e.message !== name ? e.message : undefined].filter(Boolean).join(': ');
}

/**
 * The service said the thing does not exist, by its error code. A bare HTTP 404 is not enough: an
 * endpoint that is not S3 or DynamoDB at all (a web server, a wrong path) answers 404 to everything.
 */
export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string };
  return ['NoSuchBucket', 'NoSuchKey', 'ResourceNotFoundException'].includes(e.name ?? '');
}

/** HEAD requests carry no body, so a missing bucket is only "NotFound" + 404: confirm with a GET. */
export function isBareNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.$metadata?.httpStatusCode === 404 && !isNotFound(error);
}

/** What to say about a 404 without the service's error code. */
export function notTheService(service: 'S3' | 'DynamoDB', variable: string): string {
  return `the endpoint answered HTTP 404 without a ${service} error code, so it is probably not ${service}: check ${variable} and the region`;
}

export function isAccessDenied(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return ['AccessDenied', 'AccessDeniedException', 'Forbidden'].includes(e.name ?? '') || e.$metadata?.httpStatusCode === 403;
}
