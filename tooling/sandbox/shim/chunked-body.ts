import type { IncomingMessage } from 'node:http';

/** Whether the client sent its body `aws-chunked` (SigV4 streaming). */
export function isAwsChunked(request: IncomingMessage): boolean {
  return /aws-chunked/.test(`${request.headers['content-encoding'] ?? ''}`) || /^STREAMING-/.test(`${request.headers['x-amz-content-sha256'] ?? ''}`);
}

/**
 * The payload of an `aws-chunked` body (SigV4 streaming: `<hex size>;chunk-signature=...\r\n<data>\r\n`
 * ... `0\r\n<trailers>`), which SDKs may use even for small bodies.
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** The body as the client meant it: decoded when it came `aws-chunked`. */
export function payloadOf(request: IncomingMessage, body: Buffer): Buffer {
  return isAwsChunked(request) ? decodeAwsChunked(body) : body;
}
