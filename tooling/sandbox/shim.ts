import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { BucketPolicyStore, deniedBy, needsPrincipalAccount, parsePolicy, policyForMoto, type S3Request } from './bucket-policies';

/**
 * The small proxy in front of moto that closes two measured gaps (docs/sandbox.md) and adds no waits:
 *
 * 1. Lifecycle configuration: moto 5.1 omits `x-amz-transition-default-minimum-object-size` on
 *    Put/GetBucketLifecycleConfiguration (moto issue 9708), and moto 5.2 answers GET with the default
 *    whatever was put. The shim answers with the value the client put (S3's default
 *    `all_storage_classes_128K` when none), as S3 does.
 * 2. Bucket policies: moto ignores Conditions, so the state bucket's TLS-only `Deny` would deny every
 *    request. The shim keeps policies itself and evaluates the conditional statements with the real
 *    transport of each request (the sandbox serves HTTPS, and plain HTTP on a second port).
 *
 * Everything else is forwarded byte for byte.
 */
export interface Shim {
  handle(request: IncomingMessage, response: ServerResponse, secure: boolean): void;
  /** Forgets the shim's own state (with moto's `/moto-api/reset`). */
  reset(): void;
}

/** S3's default when a PutBucketLifecycleConfiguration names none. */
export const DEFAULT_TRANSITION_MINIMUM_SIZE = 'all_storage_classes_128K';
const TRANSITION_HEADER = 'x-amz-transition-default-minimum-object-size';

/** Bucket sub-resources named in a query string, as far as the shim needs to tell them apart. */
const SUBRESOURCES = [
  'policy', 'lifecycle', 'versioning', 'encryption', 'publicAccessBlock', 'ownershipControls', 'acl', 'tagging', 'cors',
  'logging', 'website', 'notification', 'replication', 'object-lock', 'accelerate', 'requestPayment', 'location', 'uploads', 'versions',
];

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

/** moto's account for credentials it did not issue through STS (its default account). */
const MOTO_DEFAULT_ACCOUNT = process.env.MOTO_ACCOUNT_ID || '123456789012';

/** Path-style S3 addressing (the sandbox configuration sets it): `/bucket[/key]`. */
export function s3RequestOf(method: string, url: URL, secure: boolean): S3Request | undefined {
  const [, bucket, ...rest] = url.pathname.split('/');
  if (!bucket) return undefined;
  const key = rest.length > 0 && rest.join('/') !== '' ? decodeURIComponent(rest.join('/')) : undefined;
  const subresource = key === undefined ? SUBRESOURCES.find((name) => url.searchParams.has(name)) : undefined;
  return { method, bucket: decodeURIComponent(bucket), key, subresource, secure };
}

function xmlError(response: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/[<>&]/g, ' ')}</Message><RequestId>sandbox-shim</RequestId></Error>`;
  response.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  response.end(body);
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

function isAwsChunked(request: IncomingMessage): boolean {
  return /aws-chunked/.test(`${request.headers['content-encoding'] ?? ''}`) || /^STREAMING-/.test(`${request.headers['x-amz-content-sha256'] ?? ''}`);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Upstream {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** Hop-by-hop headers are the proxy's own business, not the client's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

export function createShim(motoEndpoint: string): Shim {
  const moto = new URL(motoEndpoint);
  const policies = new BucketPolicyStore();
  /** The transition minimum size each bucket's lifecycle configuration was put with. */
  const transitionSizes = new Map<string, string>();
  /** Account of each access key moto issued through STS (AssumeRole, AssumeRoleWithWebIdentity). */
  const accounts = new Map<string, string>();

  /**
   * `aws:PrincipalAccount` of a request, as moto decides it: the account of the STS session the
   * access key belongs to (moto's /moto-api/data.json lists them), else moto's default account.
   */
  async function principalAccountOf(accessKey: string | undefined): Promise<string | undefined> {
    if (accessKey === undefined) return undefined;
    if (!accounts.has(accessKey)) {
      const data = await forward('/moto-api/data.json', 'GET', undefined, {});
      const sessions = (JSON.parse(data.body.toString('utf8')) as { sts?: { AssumedRole?: Array<{ access_key_id: string; account_id: string }> } }).sts?.AssumedRole ?? [];
      for (const session of sessions) accounts.set(session.access_key_id, session.account_id);
    }
    return accounts.get(accessKey) ?? MOTO_DEFAULT_ACCOUNT;
  }

  function forward(path: string, method: string, body: Buffer | undefined, headers: OutgoingHttpHeaders): Promise<Upstream> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        // Always an explicit length (0 included): an empty PUT must not turn into a chunked upload.
        { hostname: moto.hostname, port: moto.port, method, path, headers: { ...headers, 'content-length': body?.length ?? 0 } },
        (reply) => {
          const chunks: Buffer[] = [];
          reply.on('data', (chunk: Buffer) => chunks.push(chunk));
          reply.on('end', () => resolve({ status: reply.statusCode ?? 502, headers: reply.headers, body: Buffer.concat(chunks) }));
          reply.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  function send(response: ServerResponse, upstream: Upstream, extraHeaders: Record<string, string> = {}): void {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(upstream.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    Object.assign(headers, extraHeaders);
    // HEAD answers carry the object's length without a body; keep moto's header there.
    if (upstream.body.length > 0 || headers['content-length'] === undefined || upstream.status === 204) headers['content-length'] = upstream.body.length;
    response.writeHead(upstream.status, headers);
    response.end(upstream.body);
  }

  function clientHeaders(request: IncomingMessage): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(request.headers)) if (!HOP_BY_HOP.has(name) && name !== 'content-length') headers[name] = value;
    return headers;
  }

  async function handleS3(request: IncomingMessage, response: ServerResponse, s3: S3Request, body: Buffer, path: string): Promise<void> {
    const headers = clientHeaders(request);
    const method = request.method ?? 'GET';

    // First, as in S3: a denied request changes nothing (the policy itself included).
    const policy = policies.get(s3.bucket);
    if (policy) {
      const principalAccount = needsPrincipalAccount(policy) ? await principalAccountOf(accessKeyOf(request, new URL(path, 'http://sandbox').searchParams)) : undefined;
      const statement = deniedBy(policy, { ...s3, principalAccount });
      if (statement) return xmlError(response, 403, 'AccessDenied', `Access Denied (sandbox: bucket policy statement ${statement})`);
    }

    if (s3.subresource === 'policy' && s3.key === undefined) {
      if (method === 'PUT') {
        const parsed = parsePolicy((isAwsChunked(request) ? decodeAwsChunked(body) : body).toString('utf8'));
        if ('problem' in parsed) return xmlError(response, 501, 'NotImplemented', `sandbox: ${parsed.problem}`);
        const forMoto = policyForMoto(parsed);
        // The body moto gets is not the one the client signed or checksummed.
        for (const name of Object.keys(headers)) {
          if (name === 'content-md5' || name === 'content-encoding' || name.startsWith('x-amz-checksum-') || name === 'x-amz-sdk-checksum-algorithm' || name === 'x-amz-trailer' || name === 'x-amz-decoded-content-length') delete headers[name];
        }
        const upstream = forMoto
          ? await forward(path, 'PUT', Buffer.from(forMoto), { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })
          : await forward(path, 'DELETE', undefined, headers);
        if (upstream.status < 300) {
          policies.set(s3.bucket, parsed);
          // PutBucketPolicy answers 204 whichever call moto got.
          return send(response, { ...upstream, status: 204, body: Buffer.alloc(0) });
        }
        return send(response, upstream);
      }
      if (method === 'GET') {
        const stored = policies.get(s3.bucket);
        if (stored) {
          // Still ask moto, so a missing bucket answers NoSuchBucket as S3 would.
          const upstream = await forward(path.replace(/([?&])policy(=[^&]*)?/, '$1location'), 'GET', undefined, headers);
          if (upstream.status >= 300) return send(response, upstream);
          const text = Buffer.from(stored.text);
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
          return void response.end(text);
        }
      }
      if (method === 'DELETE') policies.delete(s3.bucket);
    }

    const upstream = await forward(path, method, body.length > 0 ? body : undefined, headers);

    if (s3.subresource === 'lifecycle' && s3.key === undefined && upstream.status === 200 && (method === 'PUT' || method === 'GET')) {
      if (method === 'PUT') transitionSizes.set(s3.bucket, `${request.headers[TRANSITION_HEADER] ?? DEFAULT_TRANSITION_MINIMUM_SIZE}`);
      // moto 5.1 omits the header; moto 5.2 answers GET with the default whatever was put. The
      // value put is the truth, as in S3.
      const size = transitionSizes.get(s3.bucket) ?? `${upstream.headers[TRANSITION_HEADER] ?? DEFAULT_TRANSITION_MINIMUM_SIZE}`;
      return send(response, upstream, { [TRANSITION_HEADER]: size });
    }
    if (s3.subresource === 'lifecycle' && method === 'DELETE' && upstream.status < 300) transitionSizes.delete(s3.bucket);
    if (s3.key === undefined && s3.subresource === undefined && method === 'DELETE' && upstream.status < 300) {
      policies.delete(s3.bucket);
      transitionSizes.delete(s3.bucket);
    }
    send(response, upstream);
  }

  async function handle(request: IncomingMessage, response: ServerResponse, secure: boolean): Promise<void> {
    const path = request.url ?? '/';
    const url = new URL(path, 'http://sandbox');
    const body = await readBody(request);
    if (url.pathname === '/moto-api/reset' && request.method === 'POST') reset();
    const s3 = signedService(request, url.searchParams) === 's3' ? s3RequestOf(request.method ?? 'GET', url, secure) : undefined;
    if (s3) return handleS3(request, response, s3, body, path);
    send(response, await forward(path, request.method ?? 'GET', body.length > 0 ? body : undefined, clientHeaders(request)));
  }

  function reset(): void {
    policies.clear();
    transitionSizes.clear();
    accounts.clear();
  }

  return {
    handle(request, response, secure) {
      handle(request, response, secure).catch((error: Error) => {
        if (!response.headersSent) xmlError(response, 502, 'SandboxUpstreamError', `sandbox: moto did not answer (${error.message})`);
        else response.destroy(error);
      });
    },
    reset,
  };
}
