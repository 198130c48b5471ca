import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// s3rver ships no types; its default export is a Koa application class.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver');

/** The key pair s3rver checks request signatures against. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** Bucket sub-resources s3rver answers with NotImplemented; stored here so the provider and the doctor work. */
const SUBRESOURCES: Record<string, { missingCode: string; status: number; empty?: string }> = {
  versioning: { missingCode: '', status: 200, empty: '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>' },
  encryption: { missingCode: 'ServerSideEncryptionConfigurationNotFoundError', status: 404 },
  publicAccessBlock: { missingCode: 'NoSuchPublicAccessBlockConfiguration', status: 404 },
  ownershipControls: { missingCode: 'OwnershipControlsNotFoundError', status: 404 },
  policy: { missingCode: 'NoSuchBucketPolicy', status: 404 },
  lifecycle: { missingCode: 'NoSuchLifecycleConfiguration', status: 404 },
};

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, unknown>;
  querystring: string;
  req: NodeJS.ReadableStream;
  get(header: string): string;
  status: number;
  type: string;
  body: unknown;
}
type Next = () => Promise<void>;

function s3Error(ctx: KoaContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

async function readBody(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export interface LocalS3 {
  readonly endpoint: string;
  readonly port: number;
  readonly directory: string;
  createBucket(name: string): Promise<void>;
  /** The object's body, or undefined when it does not exist. */
  getObject(bucket: string, key: string): Promise<string | undefined>;
  /** Keys under `prefix`. */
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  /** Stops serving but keeps the data directory (see `restart`). */
  stop(): Promise<void>;
  /** Serves the same data directory on the same port again. */
  restart(): Promise<void>;
  /** Stops and deletes the data directory. */
  dispose(): Promise<void>;
}

/**
 * s3rver on 127.0.0.1 with what Terraform's S3 backend and the AWS provider need on top:
 * - conditional writes: `PUT` with `If-None-Match: *` answers 412 when the object exists, checked
 *   and written under a per-key mutex, so of two concurrent lock attempts exactly one wins
 *   (plain s3rver ignores the header and lets a second `use_lockfile` lock silently succeed);
 * - bucket sub-resources (versioning, encryption, public access block, ownership controls,
 *   policy, lifecycle) stored in memory, which s3rver answers with NotImplemented.
 */
export interface S3ServerOptions {
  readonly port?: number;
  readonly directory?: string;
  /** Honour `If-None-Match: *`. Off only to show what plain s3rver does to native locking. @default true */
  readonly conditionalWrites?: boolean;
}

export async function startS3Server(options: S3ServerOptions = {}): Promise<LocalS3> {
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'e2e-s3-'));
  const subresources = new Map<string, string>();
  const keyLocks = new Map<string, Promise<void>>();
  let server: { close(): Promise<void>; store: { existsObject(b: string, k: string): Promise<boolean> } };
  let port = options.port ?? 0;

  /** Runs `work` after every earlier holder of `key` finished. */
  async function withKeyLock(key: string, work: () => Promise<void>): Promise<void> {
    const previous = keyLocks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const chained = previous.then(() => current);
    keyLocks.set(key, chained);
    await previous;
    try {
      await work();
    } finally {
      release();
      if (keyLocks.get(key) === chained) keyLocks.delete(key);
    }
  }

  async function middleware(ctx: KoaContext, next: Next): Promise<void> {
    const [, bucket, ...keyParts] = ctx.path.split('/');
    const key = keyParts.map(decodeURIComponent).join('/');
    const subresource = Object.keys(SUBRESOURCES).find((name) => name in ctx.query);
    if (bucket && !key && subresource) {
      const id = `${bucket}?${subresource}`;
      const spec = SUBRESOURCES[subresource];
      if (ctx.method === 'PUT') {
        subresources.set(id, await readBody(ctx.req));
        ctx.status = subresource === 'policy' ? 204 : 200;
        ctx.body = '';
      } else if (ctx.method === 'DELETE') {
        subresources.delete(id);
        ctx.status = 204;
        ctx.body = '';
      } else if (subresources.has(id) || spec.empty) {
        ctx.status = 200;
        ctx.type = subresource === 'policy' ? 'application/json' : 'application/xml';
        ctx.body = subresources.get(id) ?? spec.empty;
      } else {
        s3Error(ctx, spec.status, spec.missingCode, `The ${subresource} configuration was not found`);
      }
      return;
    }
    if (options.conditionalWrites !== false && ctx.method === 'PUT' && bucket && key && ctx.get('if-none-match') === '*') {
      await withKeyLock(`${bucket}/${key}`, async () => {
        if (await server.store.existsObject(bucket, key)) {
          s3Error(ctx, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
        } else {
          await next();
        }
      });
      return;
    }
    await next();
  }

  async function listen(): Promise<void> {
    const s3rver = new S3rver({ port, address: '127.0.0.1', silent: true, directory });
    // Koa composes `middleware` when it starts listening: putting ours first makes it run before s3rver's routes.
    s3rver.middleware.unshift(middleware);
    const address = (await s3rver.run()) as { port: number };
    port = address.port;
    server = s3rver;
  }
  await listen();

  const endpoint = () => `http://127.0.0.1:${port}`;
  const local: LocalS3 = {
    get endpoint() {
      return endpoint();
    },
    get port() {
      return port;
    },
    directory,
    async createBucket(name) {
      const response = await fetch(`${endpoint()}/${name}`, { method: 'PUT' });
      if (!response.ok) throw new Error(`creating bucket ${name}: ${response.status} ${await response.text()}`);
    },
    async getObject(bucket, key) {
      const response = await fetch(`${endpoint()}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`);
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`reading s3://${bucket}/${key}: ${response.status}`);
      return response.text();
    },
    async listKeys(bucket, prefix = '') {
      const response = await fetch(`${endpoint()}/${bucket}?list-type=2&prefix=${encodeURIComponent(prefix)}`);
      const xml = await response.text();
      return [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => match[1]);
    },
    async stop() {
      await server.close();
    },
    async restart() {
      await listen();
    },
    async dispose() {
      await server.close().catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    },
  };
  return local;
}
