import type { IncomingMessage } from 'node:http';

/** What the shim reads from a request's SigV4 signature: the signed service and the access key. */

/** The AWS service a request is signed for (SigV4 credential scope), e.g. `s3`, `sts`. */
export function signedService(request: IncomingMessage, query: URLSearchParams): string | undefined {
  const scope = /Credential=[^/,]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(request.headers.authorization ?? '');
  if (scope) return scope[1];
  const presigned = /^[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/.exec(query.get('X-Amz-Credential') ?? '');
  return presigned?.[1];
}

/** The access key ID a request is signed with (SigV4 header or presigned query). */
export function accessKeyOf(request: IncomingMessage, query: URLSearchParams): string | undefined {
  return /Credential=([^/,]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? /^([^/]+)\//.exec(query.get('X-Amz-Credential') ?? '')?.[1];
}
