import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports */
// Neither package ships types.
const S3rver = require('s3rver');
const dynalite = require('dynalite');

/** The key pair s3rver checks signatures against (other keys get InvalidAccessKeyId). */
export const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

export interface LocalAws {
  readonly s3Endpoint: string;
  readonly dynamodbEndpoint: string;
  /** Environment for a process that should talk to these servers. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

type KoaContext = {
  method: string;
  query: Record<string, unknown>;
  path: string;
  req: NodeJS.ReadableStream;
  status: number;
  type: string;
  body: unknown;
};

/**
 * s3rver does not implement the bucket `?versioning` and `?encryption` sub-resources (501); this
 * stores what a PUT sends and returns it on GET, which is all the doctor reads. Stopgap until the
 * shared e2e harness lands.
 */
function bucketSettingsMiddleware() {
  const settings = new Map<string, string>();
  return async (ctx: KoaContext, next: () => Promise<void>) => {
    const kind = ['versioning', 'encryption'].find((name) => name in ctx.query);
    const bucket = ctx.path.split('/').filter(Boolean)[0];
    if (!kind || !bucket || ctx.path.split('/').filter(Boolean).length !== 1) return next();
    const key = `${bucket}?${kind}`;
    if (ctx.method === 'PUT') {
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(Buffer.from(chunk as Buffer));
      settings.set(key, Buffer.concat(chunks).toString('utf8'));
      ctx.status = 200;
      ctx.body = '';
      return undefined;
    }
    if (ctx.method !== 'GET') return next();
    const stored = settings.get(key);
    ctx.type = 'application/xml';
    if (stored) {
      ctx.status = 200;
      ctx.body = stored;
    } else if (kind === 'versioning') {
      ctx.status = 200;
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>';
    } else {
      ctx.status = 404;
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code><Message>The server side encryption configuration was not found</Message></Error>';
    }
    return undefined;
  };
}

/** Local S3 (s3rver) and DynamoDB (dynalite) on free ports of 127.0.0.1. */
export async function startLocalAws(): Promise<LocalAws> {
  const directory = mkdtempSync(join(tmpdir(), 'doctor-s3-'));
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  (s3.middleware as unknown[]).unshift(bucketSettingsMiddleware());
  const s3Address = (await s3.run()) as AddressInfo;
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const dynamoAddress = dynamo.address() as AddressInfo;
  const s3Endpoint = `http://127.0.0.1:${s3Address.port}`;
  const dynamodbEndpoint = `http://127.0.0.1:${dynamoAddress.port}`;
  return {
    s3Endpoint,
    dynamodbEndpoint,
    env: {
      ...LOCAL_CREDENTIALS,
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    async stop() {
      await s3.close();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
