import { mapJson } from './json-mapping';
import { mapQuery } from './query-mapping';
import { mapS3 } from './s3-mapping';
import type { MappedRequest } from './types';

/** One request as the shim received it (body decoded when it came aws-chunked). */
export interface AwsRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** The SigV4 credential scope: who signed, for which region and service. */
export interface SignatureScope {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

export function signatureScope(request: Pick<AwsRequest, 'headers' | 'url'>): SignatureScope | undefined {
  const credential =
    /Credential=([^,\s]+)/.exec(`${request.headers.authorization ?? ''}`)?.[1] ?? request.url.searchParams.get('X-Amz-Credential') ?? undefined;
  const match = credential ? /^([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request$/.exec(credential) : null;
  return match ? { accessKeyId: match[1], region: match[2], service: match[3] } : undefined;
}

/** Query-protocol parameters: the query string plus a form-encoded body. */
function queryParameters(request: AwsRequest): URLSearchParams {
  const params = new URLSearchParams(request.url.searchParams);
  if (/x-www-form-urlencoded/.test(`${request.headers['content-type'] ?? ''}`)) {
    for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) params.set(name, value);
  }
  return params;
}

/**
 * What a request asks of IAM. `account` is the caller's account (DynamoDB tables, KMS keys named by
 * id, SSM parameters and IAM entities are resolved in it, as AWS does).
 */
export function mapRequest(request: AwsRequest, scope: SignatureScope | undefined, account: string): MappedRequest {
  if (/^\/(moto-api|sandbox-api)(\/|$)/.test(request.url.pathname)) return { kind: 'sandbox-control' };
  const target = request.headers['x-amz-target'];
  let service = scope?.service;
  if (!service) {
    // Unsigned: STS AssumeRoleWithWebIdentity (the one unsigned call the project makes), or an
    // anonymous S3 request (a plain GET of an object URL), which AWS authorizes as the anonymous principal.
    const params = queryParameters(request);
    if (params.get('Action') === 'AssumeRoleWithWebIdentity') return mapQuery('sts', params, 'us-east-1', account);
    if (target === undefined && !params.has('Action')) return mapS3(request.method, request.url, request.headers, request.body, 'us-east-1');
    return { kind: 'unmapped', protocol: target ? 'json' : 'query', service: 'unknown', operation: `${request.method} ${request.url.pathname}`, reason: 'unsigned request' };
  }
  const region = scope!.region;
  if (service === 's3') return mapS3(request.method, request.url, request.headers, request.body, region);
  if (typeof target === 'string') return mapJson(target, request.body.toString('utf8'), region, account);
  if (service === 'sts' || service === 'iam') return mapQuery(service, queryParameters(request), region, account);
  return { kind: 'unmapped', protocol: 'query', service, operation: `${request.method} ${request.url.pathname}`, reason: 'service not mapped' };
}
