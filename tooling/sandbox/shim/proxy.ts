import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';

/** Forwarding to moto and answering the client: everything the gap fixes do not change goes through here. */

/** moto's whole answer, buffered so a gap fix can look at it before the client does. */
export interface Upstream {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

export type Forward = (path: string, method: string, body: Buffer | undefined, headers: OutgoingHttpHeaders) => Promise<Upstream>;

/** Hop-by-hop headers are the proxy's own business, not the client's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

/**
 * How long the shim waits for moto to answer one request (idle socket). moto answers a local request
 * in milliseconds; a moto that is stopped (SIGSTOP) or hung would otherwise keep every client, and
 * Terraform with it, waiting without end: after this the client gets a 502 naming moto, and
 * Terraform (max_retries = 1) fails within two of these bounds instead of never.
 */
export const UPSTREAM_TIMEOUT_MS = 60_000;

/** Sends one request to moto at `motoEndpoint` and buffers its answer, bounded by `timeoutMs`. */
export function forwarderTo(motoEndpoint: string, timeoutMs = UPSTREAM_TIMEOUT_MS): Forward {
  const moto = new URL(motoEndpoint);
  return (path, method, body, headers) =>
    new Promise((resolve, reject) => {
      const upstream = httpRequest(
        // Always an explicit length (0 included): an empty PUT must not turn into a chunked upload.
        { hostname: moto.hostname, port: moto.port, method, path, headers: { ...headers, 'content-length': body?.length ?? 0 }, timeout: timeoutMs },
        (reply) => {
          const chunks: Buffer[] = [];
          reply.on('data', (chunk: Buffer) => chunks.push(chunk));
          reply.on('end', () => resolve({ status: reply.statusCode ?? 502, headers: reply.headers, body: Buffer.concat(chunks) }));
          reply.on('error', reject);
        },
      );
      upstream.on('timeout', () => upstream.destroy(new Error(`no answer from ${motoEndpoint} within ${timeoutMs / 1000} s`)));
      upstream.on('error', reject);
      upstream.end(body);
    });
}

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The client's headers, fit to forward (the length is set from the body actually sent). */
export function clientHeaders(request: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) if (!HOP_BY_HOP.has(name) && name !== 'content-length') headers[name] = value;
  return headers;
}

/** Answers the client with moto's answer, plus `extraHeaders`. */
export function send(response: ServerResponse, upstream: Upstream, extraHeaders: Record<string, string> = {}): void {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
  Object.assign(headers, extraHeaders);
  // HEAD answers carry the object's length without a body; keep moto's header there.
  if (upstream.body.length > 0 || headers['content-length'] === undefined || upstream.status === 204) headers['content-length'] = upstream.body.length;
  response.writeHead(upstream.status, headers);
  response.end(upstream.body);
}

/** Answers the client with an S3-style XML error the shim decided on itself. */
export function xmlError(response: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/[<>&]/g, ' ')}</Message><RequestId>sandbox-shim</RequestId></Error>`;
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
