import type { IncomingMessage, ServerResponse } from 'node:http';
import { bucketPolicyEnforcement } from './bucket-policy-enforcement';
import { lifecycleHeader } from './lifecycle-header';
import { clientHeaders, forwarderTo, readBody, send, xmlError } from './proxy';
import { deletesBucket, s3RequestOf } from './s3-request';
import { signedService } from './sigv4';

/**
 * The small proxy in front of moto that closes two measured gaps (docs/sandbox.md) and adds no
 * waits: the lifecycle header (`lifecycle-header.ts`) and bucket-policy conditions
 * (`bucket-policy-enforcement.ts`). Everything else is forwarded byte for byte (`proxy.ts`).
 */
export interface Shim {
  handle(request: IncomingMessage, response: ServerResponse, secure: boolean): void;
  /** Forgets the shim's own state (with moto's `/moto-api/reset`). */
  reset(): void;
}

export function createShim(motoEndpoint: string): Shim {
  const forward = forwarderTo(motoEndpoint);
  const bucketPolicies = bucketPolicyEnforcement(forward);
  const lifecycle = lifecycleHeader();

  async function handle(request: IncomingMessage, response: ServerResponse, secure: boolean): Promise<void> {
    const path = request.url ?? '/';
    const url = new URL(path, 'http://sandbox');
    const body = await readBody(request);
    const method = request.method ?? 'GET';
    if (url.pathname === '/moto-api/reset' && request.method === 'POST') reset();
    const s3 = signedService(request, url.searchParams) === 's3' ? s3RequestOf(method, url, secure) : undefined;
    if (s3 && (await bucketPolicies.handle(request, response, s3, body, path)) === 'answered') return;

    const upstream = await forward(path, method, body.length > 0 ? body : undefined, clientHeaders(request));
    if (!s3) return send(response, upstream);
    const extraHeaders = lifecycle.headersFor(request, s3, upstream);
    if (deletesBucket(s3, upstream.status)) {
      bucketPolicies.forget(s3.bucket);
      lifecycle.forget(s3.bucket);
    }
    send(response, upstream, extraHeaders);
  }

  function reset(): void {
    bucketPolicies.clear();
    lifecycle.clear();
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
