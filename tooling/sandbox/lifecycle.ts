import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { UserError } from '../../lib/definitions/errors';
import { ensureEmulator } from './emulator';
import { PROJECT_DIR, sandboxPaths, type SandboxPaths } from './paths';
import type { IamStatus } from './iam/enforcement';
import { processMatches, readState, removeState, SUPERVISOR_MARKER, type SandboxState } from './state-file';

/** A problem with the sandbox the user can fix; the CLI prints the message without a stack trace. */
export class SandboxError extends UserError {}

export type SandboxStatus =
  | { readonly running: true; readonly state: SandboxState }
  | { readonly running: false; /** A state file was left by a sandbox that is gone; it was removed. */ readonly staleRemoved: boolean };

type Say = (line: string) => void;

/** Calls the sandbox endpoint over HTTPS, trusting the sandbox CA. */
export function callSandbox(state: SandboxState, method: string, path: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(`${state.endpoint}${path}`, { method, ca: readFileSync(state.caFile), timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${state.endpoint} within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end();
  });
}

/** moto's command line names its port; a recycled pid running something else is never signalled. */
function motoAlive(state: SandboxState): boolean {
  const port = typeof state.motoEndpoint === 'string' ? new URL(state.motoEndpoint).port : '';
  return processMatches(state.motoPid, port ? `${port}` : 'moto') && processMatches(state.motoPid, 'moto');
}

/** Stops whatever a (possibly half-dead) sandbox left running, by the pids it recorded. */
async function stopProcesses(state: SandboxState, say: Say): Promise<void> {
  if (processMatches(state.pid, SUPERVISOR_MARKER)) {
    process.kill(state.pid, 'SIGTERM');
    if (!(await waitUntil(() => !processMatches(state.pid, SUPERVISOR_MARKER), 10_000))) {
      say(`sandbox: supervisor ${state.pid} ignored SIGTERM; killing it`);
      process.kill(state.pid, 'SIGKILL');
    }
  }
  // The supervisor stops moto itself; this covers a supervisor that was killed without that chance.
  if (motoAlive(state)) {
    process.kill(state.motoPid, 'SIGTERM');
    if (!(await waitUntil(() => !motoAlive(state), 5000))) process.kill(state.motoPid, 'SIGKILL');
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Whether the recorded sandbox is running; a stale state file (and any orphaned moto) is cleaned up. */
export async function sandboxStatus(paths: SandboxPaths = sandboxPaths()): Promise<SandboxStatus> {
  const state = readState(paths.stateFile);
  if (!state) {
    const leftover = existsSync(paths.stateFile);
    if (leftover) removeState(paths.stateFile);
    return { running: false, staleRemoved: leftover };
  }
  if (processMatches(state.pid, SUPERVISOR_MARKER)) return { running: true, state };
  await stopProcesses(state, () => undefined);
  removeState(paths.stateFile);
  return { running: false, staleRemoved: true };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Runs `action` holding the sandbox home's start lock, so two `up`s at once (two terminals, parallel
 * test files) start one sandbox, not two that overwrite each other's state file. A lock whose holder
 * is gone is taken over.
 */
async function withStartLock<T>(paths: SandboxPaths, action: () => Promise<T>): Promise<T> {
  const lock = join(paths.home, 'up.lock');
  mkdirSync(paths.home, { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lock, 'utf8').trim());
      // Alive is enough: the lock lives for seconds, far too short for its pid to be recycled.
      if (!Number.isInteger(holder) || !processMatches(holder, '')) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new SandboxError(`another \`sandbox up\` (pid ${holder}) has held ${lock} for 2 minutes; stop it or remove the file`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await action();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * Starts the sandbox (installing moto first when missing) and returns its state; when one is already
 * running, returns that one. `SANDBOX_PORT` picks the HTTPS port (default: a free one).
 */
export async function sandboxUp(env: NodeJS.ProcessEnv = process.env, say: Say = () => undefined): Promise<SandboxState> {
  const paths = sandboxPaths(env);
  return withStartLock(paths, () => startSandbox(paths, env, say));
}

async function startSandbox(paths: SandboxPaths, env: NodeJS.ProcessEnv, say: Say): Promise<SandboxState> {
  const status = await sandboxStatus(paths);
  if (status.running) {
    say(`sandbox: already running (pid ${status.state.pid})`);
    return status.state;
  }
  if (status.staleRemoved) say('sandbox: removed a stale state file (its processes were gone)');
  if (env.SANDBOX_PORT !== undefined && env.SANDBOX_PORT !== '') {
    const port = Number(env.SANDBOX_PORT);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SandboxError(`SANDBOX_PORT=${env.SANDBOX_PORT} is not a port number (1-65535); unset it to let the sandbox choose a free port`);
    if (!(await portFree(port))) throw new SandboxError(`SANDBOX_PORT=${port}: port ${port} on 127.0.0.1 is in use; pick another or unset SANDBOX_PORT to let the sandbox choose a free one`);
  }
  const emulator = ensureEmulator(paths, env);
  // A fresh run directory: the sandbox's data is discarded with it.
  rmSync(paths.runDir, { recursive: true, force: true });
  mkdirSync(paths.runDir, { recursive: true });
  const logFd = openSync(paths.logFile, 'a');
  const started = Date.now();
  const supervisor = spawn(process.execPath, ['--require', 'tsx/cjs', join(PROJECT_DIR, 'tooling', 'sandbox', 'supervisor.ts'), SUPERVISOR_MARKER], {
    cwd: PROJECT_DIR,
    env: { ...env, SANDBOX_HOME: paths.home },
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  let exited: string | undefined;
  supervisor.on('exit', (code, signal) => (exited = signal ?? `exit ${code}`));
  supervisor.unref();
  const ready = await waitUntil(() => exited !== undefined || readState(paths.stateFile)?.pid === supervisor.pid, 60_000);
  const state = readState(paths.stateFile);
  if (!ready || exited !== undefined || !state) {
    if (exited === undefined && supervisor.pid) {
      try {
        process.kill(supervisor.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    throw new SandboxError(`the sandbox did not start (${exited ?? 'no answer within 60 s'}); its log (${paths.logFile}):\n${tail(paths.logFile)}`);
  }
  const probe = await callSandbox(state, 'GET', '/moto-api/').catch((error: Error) => ({ status: 0, body: error.message }));
  if (probe.status !== 200) {
    await stopProcesses(state, say);
    throw new SandboxError(`the sandbox started but ${state.endpoint} does not answer (${probe.status || probe.body}); log: ${paths.logFile}`);
  }
  say(`sandbox: moto ${emulator.version} (${emulator.source}) up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return state;
}

/** Stops the sandbox by its recorded pids and discards its data. Returns false when none was running. */
export async function sandboxDown(env: NodeJS.ProcessEnv = process.env, say: Say = () => undefined): Promise<boolean> {
  const paths = sandboxPaths(env);
  const state = readState(paths.stateFile);
  const wasRunning = state !== undefined && processMatches(state.pid, SUPERVISOR_MARKER);
  if (state) await stopProcesses(state, say);
  removeState(paths.stateFile);
  rmSync(paths.runDir, { recursive: true, force: true });
  if (!wasRunning && state) say('sandbox: was not running (removed a stale state file)');
  return wasRunning;
}

/** Deletes every resource in every account (moto's reset) and dev's sandbox state; the sandbox keeps running. */
export async function sandboxReset(env: NodeJS.ProcessEnv = process.env): Promise<SandboxState> {
  const paths = sandboxPaths(env);
  const status = await sandboxStatus(paths);
  if (!status.running) throw new SandboxError('the sandbox is not running: start it with `npm run sandbox -- up`');
  const reply = await callSandbox(status.state, 'POST', '/moto-api/reset');
  if (reply.status !== 200) throw new SandboxError(`reset failed: ${reply.status} ${reply.body}`);
  rmSync(join(paths.runDir, 'dev'), { recursive: true, force: true });
  return status.state;
}

/** IAM enforcement's counts from the running shim: decisions, and the requests it could not map. */
export async function sandboxIamStatus(state: SandboxState): Promise<IamStatus> {
  const reply = await callSandbox(state, 'GET', '/sandbox-api/iam');
  if (reply.status !== 200) throw new SandboxError(`the sandbox did not report its IAM status: ${reply.status} ${reply.body}`);
  return JSON.parse(reply.body) as IamStatus;
}

/** `npm run sandbox -- status` lines for IAM enforcement; unmapped requests by name, as the shim's log names them. */
export function iamStatusLines(status: IamStatus): string[] {
  if (status.enforcement === 'off') return ['sandbox: IAM enforcement OFF (SANDBOX_IAM=off, meant for npm run bench:sandbox only)'];
  const lines = [`sandbox: IAM enforcement on: ${status.allowed} requests allowed, ${status.denied} denied, ${status.unmapped.reduce((sum, entry) => sum + entry.count, 0)} unmapped (allowed without evaluation)`];
  for (const entry of status.unmapped) lines.push(`sandbox:   unmapped ${entry.request} x${entry.count}: ${entry.reason}`);
  return lines;
}
