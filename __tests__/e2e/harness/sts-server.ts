import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3RVER_CREDENTIALS } from './s3-server';

/**
 * s3rver and dynalite have no STS, but every S3 backend of the app assumes its state role
 * (`assume_role`). This shim answers `AssumeRole` the way STS does, handing out the one key pair
 * s3rver accepts, and records every role asked for, so tests can assert which role the backend (or
 * the doctor) assumed. It proves the call and the ARN, not IAM: account isolation and trust are
 * proven against the moto sandbox (cross-account e2e).
 */
export interface LocalSts {
  readonly endpoint: string;
  /** `RoleArn` of every AssumeRole call, in order. */
  readonly assumedRoles: readonly string[];
  stop(): Promise<void>;
}

function assumeRoleResponse(roleArn: string, session: string): string {
  const [, account = '000000000000', name = 'role'] = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn) ?? [];
  const expiration = new Date(Date.now() + 3600_000).toISOString();
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${name}/${session}</Arn><AssumedRoleId>AROALOCALSTSSHIM:${session}</AssumedRoleId></AssumedRoleUser>
    <Credentials><AccessKeyId>${S3RVER_CREDENTIALS.accessKeyId}</AccessKeyId><SecretAccessKey>${S3RVER_CREDENTIALS.secretAccessKey}</SecretAccessKey><SessionToken>local-sts-shim</SessionToken><Expiration>${expiration}</Expiration></Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>local-sts-shim</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
}

export async function startStsServer(): Promise<LocalSts> {
  const assumedRoles: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const params = new URLSearchParams(body || (req.url ?? '').split('?')[1] || '');
      if (params.get('Action') !== 'AssumeRole' || !params.get('RoleArn')) {
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>the local STS shim answers AssumeRole only</Message></Error></ErrorResponse>`);
        return;
      }
      const roleArn = params.get('RoleArn')!;
      assumedRoles.push(roleArn);
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(assumeRoleResponse(roleArn, params.get('RoleSessionName') ?? 'session'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    assumedRoles,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
