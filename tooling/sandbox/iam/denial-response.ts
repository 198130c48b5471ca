import type { ServerResponse } from 'node:http';
import type { Protocol } from './types';

/**
 * A refusal in each service's real error shape, so that Terraform and the SDKs print what AWS would:
 * S3's XML `AccessDenied` (403), the JSON protocols' `AccessDeniedException` (400), the Query
 * protocols' `AccessDenied` (403, STS and IAM).
 */

export interface Denial {
  readonly protocol: Protocol;
  readonly service: string;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly reason: string;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** IAM's wording: "User: <arn> is not authorized to perform: <action> on resource: <arn> <reason>". */
export function denialMessage(denial: Omit<Denial, 'protocol' | 'service'>): string {
  const resource = denial.resource.startsWith('arn:aws:s3:') ? `"${denial.resource}"` : denial.resource;
  return `User: ${denial.principal} is not authorized to perform: ${denial.action} on resource: ${resource} ${denial.reason}`;
}

const JSON_ERROR_TYPES: Record<string, string> = {
  dynamodb: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException',
};

const QUERY_NAMESPACES: Record<string, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
};

export function sendDenial(response: ServerResponse, denial: Denial): void {
  sendRefusal(response, { protocol: denial.protocol, service: denial.service, message: denialMessage(denial) });
}

/** An AccessDenied in the service's shape, with the sandbox's own message (an unmapped request's refusal). */
export function sendRefusal(response: ServerResponse, denial: Pick<Denial, 'protocol' | 'service'> & { readonly message: string }): void {
  const { message } = denial;
  let status: number;
  let contentType: string;
  let body: string;
  const headers: Record<string, string> = {};
  if (denial.protocol === 's3-rest') {
    status = 403;
    contentType = 'application/xml';
    body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${escapeXml(message)}</Message><RequestId>sandbox-iam</RequestId><HostId>sandbox</HostId></Error>`;
  } else if (denial.protocol === 'json') {
    status = 400;
    contentType = denial.service === 'dynamodb' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
    const type = JSON_ERROR_TYPES[denial.service] ?? 'AccessDeniedException';
    headers['x-amzn-errortype'] = 'AccessDeniedException';
    body = JSON.stringify({ __type: type, message, Message: message });
  } else {
    status = 403;
    contentType = 'text/xml';
    const namespace = QUERY_NAMESPACES[denial.service] ?? QUERY_NAMESPACES.iam;
    body = `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${escapeXml(message)}</Message></Error><RequestId>sandbox-iam</RequestId></ErrorResponse>`;
  }
  response.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': 'sandbox-iam' });
  response.end(body);
}
