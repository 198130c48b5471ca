/**
 * The sandbox's long-running process (started detached by `npm run sandbox -- up`): starts moto on a
 * free loopback port, serves the shim in front of it over HTTPS (the endpoint) and plain HTTP, writes
 * the state file once both answer, and on SIGTERM/SIGINT stops moto by its pid and removes the state
 * file. When moto dies, so does the sandbox. Its command line carries SUPERVISOR_MARKER so that a
 * recycled pid is never mistaken for it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, get as httpGet, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { installedEmulator } from './emulator';
import { sandboxPaths } from './paths';
import { MODELLED_SERVICES } from './iam/modelled-services';
import { createShim } from './shim/server';
import { readState, recordLastStop, removeState, writeState } from './state-file';
import { ensureSandboxTls } from './tls';

const log = (message: string) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);

/** A port nothing listens on right now (moto binds it a moment later; it is only ever loopback). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createHttpServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpGet(url, { timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function main(): Promise<void> {
  const paths = sandboxPaths();
  const emulator = installedEmulator(paths);
  if (!emulator) throw new Error('no emulator installed (run tooling/sandbox/install-emulator.sh)');
  const tls = ensureSandboxTls(paths.tlsDir);

  const motoPort = await freePort();
  const motoEndpoint = `http://127.0.0.1:${motoPort}`;
  log(`starting moto ${emulator.version} (${emulator.source}${emulator.launcher ? ', through tooling/sandbox/moto-launcher.py' : ''}) on ${motoEndpoint}`);
  const moto: ChildProcess = spawn(emulator.command, [...emulator.args, '-H', '127.0.0.1', '-p', `${motoPort}`], {
    env: { ...process.env, ...emulator.env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let stopping = false;
  const servers: Server[] = [];
  const stop = (code: number, cause: string) => {
    if (!stopping) recordLastStop(paths.stateFile, { pid: process.pid, at: new Date().toISOString(), cause });
    stopping = true;
    for (const server of servers) server.close();
    // Only remove the state file if it is still ours (a new sandbox may have replaced it).
    if (readState(paths.stateFile)?.pid === process.pid) removeState(paths.stateFile);
    if (moto.exitCode === null && moto.signalCode === null) {
      moto.kill('SIGTERM');
      const force = setTimeout(() => moto.kill('SIGKILL'), 3000);
      moto.once('exit', () => {
        clearTimeout(force);
        process.exit(code);
      });
    } else {
      process.exit(code);
    }
  };
  stopSandbox = stop;
  process.on('SIGTERM', () => stop(0, 'asked to stop (SIGTERM: `sandbox down`, or another process)'));
  process.on('SIGINT', () => stop(0, 'asked to stop (SIGINT)'));
  moto.on('exit', (code, signal) => {
    if (stopping) return;
    log(`moto exited (${signal ?? `exit ${code}`}); stopping the sandbox`);
    stop(1, `moto (pid ${moto.pid}) exited on its own (${signal ? `killed by ${signal}` : `exit code ${code}`}); the sandbox log ${paths.logFile} has moto's last words`);
  });

  // Generous: a loaded machine can take a minute to start moto; `up` waits as long (lifecycle.ts).
  const deadline = Date.now() + 300_000;
  while (!(await answers(`${motoEndpoint}/moto-api/`))) {
    if (stopping) return;
    if (Date.now() > deadline) throw new Error('moto did not answer within 300 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  // SANDBOX_IAM=off exists for `npm run bench:sandbox` only (it measures enforcement's cost).
  const enforceIam = process.env.SANDBOX_IAM !== 'off';
  // SANDBOX_IAM_UNMAPPED=allow lets a modelled service's requests that enforcement cannot map through unjudged.
  const allowUnmapped = process.env.SANDBOX_IAM_UNMAPPED === 'allow';
  log(`IAM enforcement ${enforceIam ? 'on' : 'OFF (SANDBOX_IAM=off: bench only)'}${enforceIam ? `: judges ${MODELLED_SERVICES.join(', ')}; unmapped requests to them ${allowUnmapped ? 'ALLOWED unjudged (SANDBOX_IAM_UNMAPPED=allow)' : 'refused'}; other services allowed unjudged` : ''}`);
  const shim = createShim(motoEndpoint, { enforceIam, log, allowUnmapped });
  const secure = createHttpsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, (request, response) => shim.handle(request, response, true));
  const insecure = createHttpServer((request, response) => shim.handle(request, response, false));
  servers.push(secure, insecure);
  // Terraform's Go SDK keeps idle connections for 90 s and the sandbox allows one attempt per call
  // (max_retries = 1): the server must never be the side that closes an idle connection first.
  for (const server of servers) {
    server.keepAliveTimeout = 125_000;
    server.headersTimeout = 130_000;
  }
  // `sandbox up` checked SANDBOX_PORT strictly and passes it on as plain digits (or empty).
  const requested = process.env.SANDBOX_PORT ? Number(process.env.SANDBOX_PORT) : 0;
  let port: number;
  try {
    port = await listen(secure, requested);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${requested} on 127.0.0.1 is in use` : (error as Error).message;
    throw new Error(`${reason}: set SANDBOX_PORT to a free port, or unset it to let the sandbox choose one`);
  }
  const insecurePort = await listen(insecure, 0);

  writeState(paths.stateFile, {
    pid: process.pid,
    motoPid: moto.pid!,
    endpoint: `https://127.0.0.1:${port}`,
    insecureEndpoint: `http://127.0.0.1:${insecurePort}`,
    motoEndpoint,
    motoVersion: emulator.version,
    emulatorSource: emulator.source,
    caFile: tls.caFile,
    startedAt: new Date().toISOString(),
    instance: randomUUID(),
  });
  log(`sandbox ready on https://127.0.0.1:${port} (plain HTTP: ${insecurePort})`);

}

/** Set once moto is started: stops it by its pid before this process exits. */
let stopSandbox: ((code: number, cause: string) => void) | undefined;

function fail(error: Error): void {
  log(`failed: ${error.stack ?? error.message}`);
  if (stopSandbox) stopSandbox(1, `the supervisor failed: ${error.message.split('\n')[0]}`);
  else process.exit(1);
}

// Errors at any point must not leave moto running without its supervisor.
process.on('uncaughtException', fail);
main().catch(fail);
