/** A short, human description of an AWS SDK (or network) error. */
export function describeAwsError(error: unknown): string {
  const e = error as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name && e.name !== 'Error' ? e.name : e.code;
  return [name, status ? `HTTP ${status}` : undefined, e.message].filter(Boolean).join(': ');
}

export function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return ['NotFound', 'NoSuchBucket', 'NoSuchKey', 'ResourceNotFoundException'].includes(e.name ?? '') || e.$metadata?.httpStatusCode === 404;
}

export function isAccessDenied(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return ['AccessDenied', 'AccessDeniedException', 'Forbidden'].includes(e.name ?? '') || e.$metadata?.httpStatusCode === 403;
}
