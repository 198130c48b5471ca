import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { processesWith, projectRootFingerprint } from '../hostile/run-tooling-case';
import { runCommand } from '../../tooling/toolkit/run-command';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * The doctor against an STS that does not know the access key (what AWS answers for a deleted or
 * mistyped key): a real `node tooling/bin/doctor.ts` process, which must fail naming the cause
 * (unknown access key), change nothing and leave nothing running. The sandbox cannot show this one:
 * moto takes any key it never issued as its default account's root (__tests__/e2e/doctor-identity.test.ts
 * shows that as a wrong account).
 */
const PROJECT_DIR = join(__dirname, '..', '..');
const STS_ERROR =
  '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>' +
  '<Message>The security token included in the request is invalid.</Message></Error><RequestId>doctor-identity</RequestId></ErrorResponse>';
let server: Server;
let endpoint: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      requests.push(`${request.method} ${request.url} ${new URLSearchParams(body).get('Action') ?? ''}`);
      response.writeHead(403, { 'content-type': 'text/xml' });
      response.end(request.method === 'HEAD' ? undefined : STS_ERROR);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The doctor as a real process, through the project's one process runner (killed with its group after `timeoutMs`). */
function doctor(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return runCommand(process.execPath, typescriptNodeArgs(join('tooling', 'bin', 'doctor.ts'), 'staging'), { cwd: PROJECT_DIR, env, timeoutMs, forwardSignals: false });
}

it('an access key STS does not know: exit 1, "unknown access key" named as the cause with the fix, nothing changed, nothing left running', async () => {
  const marker = `doctor-identity-${process.pid}-${Date.now()}`;
  const root = projectRootFingerprint();
  const result = await doctor({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'AKIADELETEDKEY000000',
    AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: endpoint,
    DOCTOR_IDENTITY_MARKER: marker,
  });
  expect(result.timedOut).toBe(false);
  expect(result.code).toBe(1);
  expect(result.output).toContain('FAIL  caller identity: STS does not know the access key (InvalidClientTokenId: HTTP 403: The security token included in the request is invalid.) [cause: unknown-key]');
  expect(result.output).toContain('fix: the key was deleted, mistyped, or belongs to another partition or endpoint');
  expect(result.output).toContain('WARN  caller account: not verified');
  expect(result.output).not.toMatch(/\n\s+at .+:\d+:\d+\)?|crashed:/);
  expect(requests.some((line) => line.endsWith('GetCallerIdentity'))).toBe(true);
  expect(projectRootFingerprint()).toEqual(root);
  expect(processesWith(marker)).toEqual([]);
}, 90_000);
