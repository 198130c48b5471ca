import type { IncomingMessage, ServerResponse } from 'node:http';
import { payloadOf } from './chunked-body';
import { clientHeaders, send, xmlError, type Forward } from './proxy';
import type { S3Request } from './s3-request';

/**
 * Gap 2 (docs/sandbox.md): moto applies bucket policies ignoring their Conditions, so the state
 * bucket's TLS-only `Deny` would deny every request. The shim keeps bucket policies itself (byte-exact,
 * for GetBucketPolicy) and never gives them to moto; the sandbox's IAM enforcement (../iam/) evaluates
 * them with every request's real context.
 */
export interface BucketPolicyKeeper {
  /** `answered`: the shim answered a Put/Get/DeleteBucketPolicy itself; `to-moto`: moto's to answer. */
  handle(request: IncomingMessage, response: ServerResponse, s3: S3Request, body: Buffer, path: string): Promise<'answered' | 'to-moto'>;
  /** The policy of `bucket` exactly as put. */
  policyOf(bucket: string): string | undefined;
  /** The bucket is gone: so is its policy. */
  forget(bucket: string): void;
  clear(): void;
}

export function bucketPolicyKeeper(forward: Forward): BucketPolicyKeeper {
  const policies = new Map<string, string>();
  /** moto's answer to GetBucketLocation: whether the bucket exists, in S3's own error shape when not. */
  const location = (request: IncomingMessage, path: string) => forward(path.replace(/([?&])policy(=[^&]*)?/, '$1location'), 'GET', undefined, clientHeaders(request));

  return {
    async handle(request, response, s3, body, path) {
      if (s3.subresource !== 'policy' || s3.key !== undefined) return 'to-moto';
      if (s3.method === 'PUT') {
        const text = payloadOf(request, body).toString('utf8');
        try {
          JSON.parse(text);
        } catch {
          xmlError(response, 400, 'MalformedPolicy', 'Policies must be valid JSON and the first byte must be \'{\'');
          return 'answered';
        }
        const upstream = await location(request, path);
        if (upstream.status >= 300) {
          send(response, upstream);
        } else {
          policies.set(s3.bucket, text);
          send(response, { status: 204, headers: {}, body: Buffer.alloc(0) });
        }
        return 'answered';
      }
      if (s3.method === 'GET') {
        const stored = policies.get(s3.bucket);
        if (!stored) return 'to-moto';
        // Still ask moto, so a missing bucket answers NoSuchBucket as S3 would.
        const upstream = await location(request, path);
        if (upstream.status >= 300) {
          send(response, upstream);
        } else {
          const text = Buffer.from(stored);
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
          response.end(text);
        }
        return 'answered';
      }
      if (s3.method === 'DELETE') policies.delete(s3.bucket);
      return 'to-moto';
    },
    policyOf(bucket) {
      return policies.get(bucket);
    },
    forget(bucket) {
      policies.delete(bucket);
    },
    clear() {
      policies.clear();
    },
  };
}
