import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { BucketPolicyStore, deniedBy, needsPrincipalAccount, parsePolicy, policyForMoto, type S3Request } from './bucket-policies';
import { payloadOf } from './chunked-body';
import { principalAccounts } from './principal-accounts';
import { clientHeaders, send, xmlError, type Forward } from './proxy';
import { accessKeyOf } from './sigv4';

/**
 * Gap 2 (docs/sandbox.md): moto ignores bucket-policy Conditions, so the state bucket's TLS-only
 * `Deny` would deny every request. The shim keeps policies itself and evaluates the conditional
 * statements with the real transport of each request (the sandbox serves HTTPS, and plain HTTP on a
 * second port); moto gets only the statements it evaluates faithfully.
 */
export interface BucketPolicyEnforcement {
  /** `answered`: the shim answered the client itself; `to-moto`: the request is moto's to answer. */
  handle(request: IncomingMessage, response: ServerResponse, s3: S3Request, body: Buffer, path: string): Promise<'answered' | 'to-moto'>;
  /** The bucket is gone: so is its policy. */
  forget(bucket: string): void;
  clear(): void;
}

/** Headers describing the body the client signed; the body moto gets is a different one. */
function isBodyHeader(name: string): boolean {
  return name === 'content-md5' || name === 'content-encoding' || name.startsWith('x-amz-checksum-') || name === 'x-amz-sdk-checksum-algorithm' || name === 'x-amz-trailer' || name === 'x-amz-decoded-content-length';
}

export function bucketPolicyEnforcement(forward: Forward): BucketPolicyEnforcement {
  const policies = new BucketPolicyStore();
  const accounts = principalAccounts(forward);

  return {
    async handle(request, response, s3, body, path) {
      const method = s3.method;

      // First, as in S3: a denied request changes nothing (the policy itself included).
      const policy = policies.get(s3.bucket);
      if (policy) {
        const principalAccount = needsPrincipalAccount(policy) ? await accounts.of(accessKeyOf(request, new URL(path, 'http://sandbox').searchParams)) : undefined;
        const statement = deniedBy(policy, { ...s3, principalAccount });
        if (statement) {
          xmlError(response, 403, 'AccessDenied', `Access Denied (sandbox: bucket policy statement ${statement})`);
          return 'answered';
        }
      }
      if (s3.subresource !== 'policy' || s3.key !== undefined) return 'to-moto';

      if (method === 'PUT') {
        const parsed = parsePolicy(payloadOf(request, body).toString('utf8'));
        if ('problem' in parsed) {
          xmlError(response, 501, 'NotImplemented', `sandbox: ${parsed.problem}`);
          return 'answered';
        }
        const forMoto = policyForMoto(parsed);
        const headers: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(clientHeaders(request))) if (!isBodyHeader(name)) headers[name] = value;
        const upstream = forMoto
          ? await forward(path, 'PUT', Buffer.from(forMoto), { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' })
          : await forward(path, 'DELETE', undefined, headers);
        if (upstream.status < 300) {
          policies.set(s3.bucket, parsed);
          // PutBucketPolicy answers 204 whichever call moto got.
          send(response, { ...upstream, status: 204, body: Buffer.alloc(0) });
        } else {
          send(response, upstream);
        }
        return 'answered';
      }
      if (method === 'GET') {
        const stored = policies.get(s3.bucket);
        if (stored) {
          // Still ask moto, so a missing bucket answers NoSuchBucket as S3 would.
          const upstream = await forward(path.replace(/([?&])policy(=[^&]*)?/, '$1location'), 'GET', undefined, clientHeaders(request));
          if (upstream.status >= 300) {
            send(response, upstream);
          } else {
            const text = Buffer.from(stored.text);
            response.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
            response.end(text);
          }
          return 'answered';
        }
      }
      if (method === 'DELETE') policies.delete(s3.bucket);
      return 'to-moto';
    },
    forget(bucket) {
      policies.delete(bucket);
    },
    clear() {
      policies.clear();
      accounts.clear();
    },
  };
}
