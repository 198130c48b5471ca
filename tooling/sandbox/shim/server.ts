import type { IncomingMessage, ServerResponse } from 'node:http';
import { iamEnforcement, type IamEnforcement, type IamStatus } from '../iam/enforcement';
import { bucketPolicyKeeper } from './bucket-policy-keeper';
import { bucketServices } from './bucket-services';
import { expectedOwnerMismatch } from './expected-bucket-owner';
import { payloadOf } from './chunked-body';
import { lifecycleHeader } from './lifecycle-header';
import { clientHeaders, forwarderTo, readBody, send, xmlError } from './proxy';
import { deletesBucket, s3RequestOf } from './s3-request';
import { signedService } from './sigv4';

/**
 * The small proxy in front of moto: IAM enforcement (`../iam/`, on unless SANDBOX_IAM=off, which only
 * the bench uses), and the two measured gaps (docs/sandbox.md): the lifecycle header
 * (`lifecycle-header.ts`) and bucket policies kept away from moto (`bucket-policy-keeper.ts`).
 * Everything else is forwarded byte for byte (`proxy.ts`).
 */
export interface Shim {
  handle(request: IncomingMessage, response: ServerResponse, secure: boolean): void;
  /** Forgets the shim's own state (with moto's `/moto-api/reset`). */
  reset(): void;
}

export interface ShimOptions {
  /** Authorize every request as AWS IAM would. @default true */
  readonly enforceIam?: boolean;
  /** Let unmapped requests to the modelled services through unjudged (SANDBOX_IAM_UNMAPPED=allow). @default false */
  readonly allowUnmapped?: boolean;
  readonly log?: (line: string) => void;
}

/** The shim's own status endpoint: IAM enforcement's counts (`npm run sandbox -- status`). */
export const IAM_STATUS_PATH = '/sandbox-api/iam';

export function createShim(motoEndpoint: string, options: ShimOptions = {}): Shim {
  const forward = forwarderTo(motoEndpoint);
  const bucketPolicies = bucketPolicyKeeper(forward);
  const lifecycle = lifecycleHeader();
  const log = options.log ?? ((line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`));
  const iam: IamEnforcement | undefined = options.enforceIam === false ? undefined : iamEnforcement({ forward, bucketPolicy: (bucket) => bucketPolicies.policyOf(bucket), log, allowUnmapped: options.allowUnmapped === true });
  // What S3 does after a request and moto never does: access log delivery and replication.
  const services = bucketServices(forward, iam, log);

  function status(): IamStatus {
    return iam?.status() ?? { enforcement: 'off', allowed: 0, denied: 0, unmapped: [], authorizingMs: 0 };
  }

  async function handle(request: IncomingMessage, response: ServerResponse, secure: boolean): Promise<void> {
    const path = request.url ?? '/';
    const url = new URL(path, 'http://sandbox');
    const body = await readBody(request);
    const method = request.method ?? 'GET';
    if (url.pathname === IAM_STATUS_PATH && method === 'GET') {
      const text = Buffer.from(JSON.stringify(status()));
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
      return void response.end(text);
    }
    if (url.pathname === '/moto-api/reset' && method === 'POST') reset();
    const ticket = iam ? await iam.before({ method, url, headers: request.headers, body: payloadOf(request, body) }, response, secure) : undefined;
    if (ticket === 'answered') return;
    const s3 = signedService(request, url.searchParams) === 's3' ? s3RequestOf(method, url, secure) : undefined;
    // S3's answer to a wrong x-amz-expected-bucket-owner (moto ignores the header): 403, no body for HEAD.
    if (s3 && iam && expectedOwnerMismatch(request, s3, (bucket) => iam.bucketOwner(bucket))) {
      log(`s3: ${method} ${s3.bucket} refused: x-amz-expected-bucket-owner ${String(request.headers['x-amz-expected-bucket-owner'])} is not the owner`);
      return xmlError(response, 403, 'AccessDenied', 'Access Denied');
    }
    if (s3 && (await bucketPolicies.handle(request, response, s3, body, path)) === 'answered') return;
    if (s3 && (await services.handleLogging(request, response, s3, body)) === 'answered') return;

    let upstream: Awaited<ReturnType<typeof forward>>;
    try {
      const headers = clientHeaders(request);
      // moto keeps resources per account and looks a key up in the caller's: a key of another account,
      // named by its ARN and allowed by both sides, is served from its owner's account (as AWS does).
      if (ticket && ticket.mapped.kind === 'mapped' && ticket.mapped.ownerAccount) headers['x-moto-account-id'] = ticket.mapped.ownerAccount;
      // An anonymous request the bucket policy allowed: moto, which knows nothing of bucket policies
      // here (bucket-policy-keeper.ts), would refuse it as unsigned; it is passed on as the sandbox's.
      if (ticket && ticket.principal.kind === 'anonymous' && ticket.mapped.kind === 'mapped' && ticket.mapped.service === 's3' && headers.authorization === undefined) {
        headers.authorization = `AWS4-HMAC-SHA256 Credential=sandbox-anonymous/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0`;
      }
      upstream = await forward(path, method, body.length > 0 ? body : undefined, headers);
    } catch (error) {
      // moto may have applied a write it never answered: enforcement forgets what it may have changed.
      if (iam && ticket) iam.abandoned(ticket);
      throw error;
    }
    if (iam && ticket && (await iam.after(ticket, upstream, response)) === 'answered') return;
    if (!s3) return send(response, upstream);
    upstream = services.answer(request, s3, upstream, body);
    const extraHeaders = lifecycle.headersFor(request, s3, upstream);
    if (deletesBucket(s3, upstream.status)) {
      bucketPolicies.forget(s3.bucket);
      lifecycle.forget(s3.bucket);
      services.forget(s3.bucket);
    } else {
      await services.after(request, s3, upstream, ticket?.principal, path);
    }
    send(response, upstream, extraHeaders);
  }

  function reset(): void {
    bucketPolicies.clear();
    lifecycle.clear();
    services.clear();
    iam?.reset();
  }

  return {
    handle(request, response, secure) {
      handle(request, response, secure).catch((error: Error) => {
        log(`sandbox: ${request.method ?? 'GET'} ${(request.url ?? '/').split('?')[0]} answered 502: moto did not answer (${error.message})`);
        if (!response.headersSent) xmlError(response, 502, 'SandboxUpstreamError', `sandbox: moto did not answer (${error.message}); \`npm run sandbox -- status\` names the cause`);
        else response.destroy(error);
      });
    },
    reset,
  };
}
