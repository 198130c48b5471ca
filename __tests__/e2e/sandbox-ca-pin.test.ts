import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { appDefinition } from '../../environments';
import { sandboxExtension } from '../../tooling/sandbox/sandbox-extension';
import { ensureSandboxTls } from '../../tooling/sandbox/tls';
import { recordSandbox } from '../support/sandbox-record';
import { sources, synthApp, type StackJson } from '../support/synth';
import { withoutCallerIdentity } from '../../tooling/toolkit/account-session';
import { runTerraform, runTerraformOk, terraformEnv } from './harness/terraform';
import { makeWorkdir, removeWorkdirs } from './harness/workdir';

/**
 * A stack synthesized for the sandbox names no provider endpoints (an `endpoints` block costs every
 * AWS provider process about 2.5 s of CPU: docs/performance.md). The session's AWS_ENDPOINT_URL
 * names the sandbox, and the provider trusts the sandbox's CA alone (`custom_ca_bundle`). This
 * proves that pin is the guard the block was: without the session's endpoint, against a server
 * that every other client on the machine trusts, the provider fails TLS verification and sends no
 * request. The control run, the same configuration without `custom_ca_bundle`, does reach the
 * server: the server is trusted, so the first run's refusal is the pin's.
 */
const root = makeWorkdir('sandbox-ca-pin', {});
/** A sandbox home whose record names the sandbox's endpoint and CA, as a running sandbox's does. */
const home = join(root, 'sandbox-home');
const ENDPOINT = 'https://127.0.0.1:9';
const sandboxCa = ensureSandboxTls(join(home, 'run', 'tls'));
recordSandbox(home, { endpoint: ENDPOINT, caFile: sandboxCa.caFile });
/** Stands for AWS's own endpoints: another CA, which the machine trusts (SSL_CERT_FILE). */
const elsewhere = ensureSandboxTls(join(root, 'elsewhere'));

let server: Server;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer({ cert: readFileSync(elsewhere.certFile), key: readFileSync(elsewhere.keyFile) }, (request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    response.writeHead(403, { 'content-type': 'text/xml' });
    response.end('<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>not the sandbox</Message></Error><RequestId>0</RequestId></ErrorResponse>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
beforeEach(() => {
  requests.length = 0;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  removeWorkdirs();
});

/** dev as `SANDBOX=1` synthesizes it for the sandbox of `home` (a session's SANDBOX_HOME and SANDBOX_ENDPOINT). */
function sandboxDev(): StackJson {
  const { stacks } = synthApp(appDefinition, sources({ SANDBOX: '1', SANDBOX_HOME: home, SANDBOX_ENDPOINT: ENDPOINT }), [sandboxExtension]);
  const dev = stacks.dev;
  // The state file beside the configuration: this test never writes state, and must not read the sandbox's.
  dev.terraform.backend = { local: { path: 'terraform.tfstate' } };
  return dev;
}

async function plan(stack: StackJson, label: string) {
  const dir = makeWorkdir(label, stack);
  const { port } = server.address() as AddressInfo;
  // A shell without the sandbox's session (no endpoint, CA or identity of the caller's, as the tooling's
  // sessions clear them): its endpoint is elsewhere, and the machine trusts elsewhere's CA alone.
  const env: NodeJS.ProcessEnv = {
    ...withoutCallerIdentity(terraformEnv()),
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY000000',
    AWS_SECRET_ACCESS_KEY: 'not-a-secret',
    AWS_ENDPOINT_URL: `https://127.0.0.1:${port}`,
    SSL_CERT_FILE: elsewhere.caFile,
    TF_VAR_app_api_token: 'unused',
  };
  delete env.SSL_CERT_DIR;
  await runTerraformOk(['init', '-input=false'], { cwd: dir, env, label });
  return runTerraform(['plan', '-input=false', '-refresh=false'], { cwd: dir, env, label });
}

it('sends no request to an endpoint that is not the sandbox: TLS verification fails first', async () => {
  const dev = sandboxDev();
  expect(dev.provider!.aws[0]).toMatchObject({ custom_ca_bundle: sandboxCa.caFile });
  expect(dev.provider!.aws[0].endpoints).toBeUndefined();
  const pinned = await plan(dev, 'pinned');
  expect(pinned.code).toBe(1);
  expect(pinned.output).toContain('x509: certificate signed by unknown authority');
  expect(requests).toEqual([]);
});

it('control: without the pin, the same configuration reaches that endpoint', async () => {
  const dev = sandboxDev();
  delete dev.provider!.aws[0].custom_ca_bundle;
  const unpinned = await plan(dev, 'unpinned');
  expect(unpinned.code).toBe(1);
  expect(unpinned.output).toContain('InvalidClientTokenId');
  expect(requests.length).toBeGreaterThan(0);
});
