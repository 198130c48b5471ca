import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { UserError } from '../../lib/definitions/errors';
import { ensureEmulator } from './emulator';
import { PROJECT_DIR, sandboxPaths, type SandboxPaths } from './paths';
import type { IamStatus } from './iam/enforcement';
import { MODELLED_SERVICES } from './iam/modelled-services';
import { typescriptNodeArgs } from '../toolkit/typescript-entry';

/** For the CLI (which may not import the IAM modules themselves): the services enforcement judges. */
export { MODELLED_SERVICES };
import { forgetSandboxDeployments } from './sandbox-project';
import { processMatches, readLastStop, readState, removeState, SUPERVISOR_MARKER, writeState, type SandboxState } from './state-file';
import { claimRunDir, notOursError, OWNER_VARIABLE, ownedProcesses, processOwnedBy, removeOwnedRunDir, runDirOwner } from './ownership';
import { waitForLock } from '../toolkit/process-lock';
import { describeUsers, sandboxUsers } from './sandbox-users';
import { integerFromEnv } from '../toolkit/cli-args';
import { terminate } from '../toolkit/terminate';

/** A problem with the sandbox the user can fix; the CLI prints the message without a stack trace. */
export class SandboxError extends UserError {}

export type SandboxStatus =
  | { readonly running: true; readonly state: SandboxState }
  | {
      readonly running: false;
      /** A state file was left by a sandbox that is gone; it was removed. */
      readonly staleRemoved: boolean;
      /** Processes of this sandbox found by their marker (the state file was damaged or stale) and stopped. */
      readonly orphansStopped?: number;
      /** Why this home's run directory is not the sandbox's (an unrelated folder, or a copy): nothing was touched. */
      readonly notOurs?: string;
      /** Why the last sandbox of this home stopped, as its supervisor recorded it (or that it recorded nothing: SIGKILL). */
      readonly lastStop?: string;
    };

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

/** The recorded supervisor is alive and (when the sandbox has an identity) is this sandbox's. */
function supervisorAlive(state: SandboxState, ownerId: string): boolean {
  return processMatches(state.pid, SUPERVISOR_MARKER) && (ownerId === '' || processOwnedBy(state.pid, ownerId));
}

/** Stops whatever a (possibly half-dead) sandbox left running, by the pids it recorded. */
async function stopProcesses(state: SandboxState, ownerId: string, say: Say): Promise<void> {
  await terminate([state.pid], {
    graceMs: 10_000,
    killBoundMs: KILL_BOUND_MS,
    alive: () => supervisorAlive(state, ownerId),
    onKill: () => say(`sandbox: supervisor ${state.pid} ignored SIGTERM; killing it`),
  });
  // The supervisor stops moto itself; this covers a supervisor that was killed without that chance.
  await terminate([state.motoPid], { graceMs: 5000, killBoundMs: KILL_BOUND_MS, alive: () => motoAlive(state) && (ownerId === '' || processOwnedBy(state.motoPid, ownerId)) });
}

/** How long a SIGKILLed process may take to be gone (a busy machine) before "stopped" is said anyway. */
const KILL_BOUND_MS = 10_000;

/** How long `up` waits for a starting sandbox (the supervisor's own bound on moto is the same). */
const STARTUP_BOUND_MS = 300_000;

/** Stops every process carrying this sandbox's identity: what a damaged state file no longer names. */
async function stopOwnedProcesses(ownerId: string): Promise<number> {
  const pids = ownedProcesses(ownerId);
  await terminate(pids, { graceMs: 10_000, killBoundMs: KILL_BOUND_MS, alive: (pid) => processOwnedBy(pid, ownerId) });
  return pids.length;
}

async function waitUntil(condition: () => boolean, timeoutMs: number, stillWaiting?: () => void): Promise<boolean> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  let nextReport = started + 15_000;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    if (stillWaiting && Date.now() > nextReport) {
      stillWaiting();
      nextReport += 15_000;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Whether the recorded sandbox is running; a stale state file (and any orphaned moto) is cleaned up. */
export async function sandboxStatus(paths: SandboxPaths = sandboxPaths()): Promise<SandboxStatus> {
  const owner = runDirOwner(paths);
  if (owner.kind === 'none') return { running: false, staleRemoved: false };
  if (owner.kind !== 'ours') return { running: false, staleRemoved: false, notOurs: notOursError(paths, owner, 'the sandbox').message };
  const state = readState(paths.stateFile);
  if (state && supervisorAlive(state, owner.id)) return { running: true, state };
  const leftover = existsSync(paths.stateFile);
  if (state) await stopProcesses(state, owner.id, () => undefined);
  // A damaged (or stale) state file names nothing: find this sandbox's processes by their marker.
  const orphansStopped = await stopOwnedProcesses(owner.id);
  if (leftover) removeState(paths.stateFile);
  const recorded = readLastStop(paths.stateFile);
  const lastStop =
    recorded && (!state || recorded.pid === state.pid)
      ? `the last sandbox of this home stopped at ${recorded.at}: ${recorded.cause}`
      : state
        ? `the last sandbox's supervisor (pid ${state.pid}) is gone and recorded no reason: it was killed with SIGKILL (or the machine restarted); start it again with \`npm run sandbox -- up\``
        : undefined;
  return { running: false, staleRemoved: leftover, orphansStopped, lastStop };
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
async function withStartLock<T>(paths: SandboxPaths, say: Say, action: () => Promise<T>, timeoutMs = STARTUP_BOUND_MS + 60_000): Promise<T> {
  // Longer than a start may take, so a second `up` waits for the first instead of giving up on a slow machine.
  const lock = join(paths.home, 'up.lock');
  // The holder is recorded with its start time: a pid recycled by an unrelated process is stale.
  const release = await waitForLock(lock, {
    timeoutMs,
    say: (line) => say(`sandbox: ${line}`),
    onTimeout: (holder) => new SandboxError(`another \`sandbox up\` (pid ${holder.pid}) has held ${lock} for ${Math.round(timeoutMs / 1000)} s; stop that process (kill ${holder.pid}) or, if it is not a sandbox up, remove the file`),
  });
  try {
    return await action();
  } finally {
    release();
  }
}

/**
 * Starts the sandbox (installing moto first when missing) and returns its state; when one is already
 * running, returns that one. `SANDBOX_PORT` picks the HTTPS port (default: a free one).
 */
export async function sandboxUp(env: NodeJS.ProcessEnv = process.env, say: Say = () => undefined): Promise<SandboxState> {
  const paths = sandboxPaths(env);
  return withStartLock(paths, say, () => startSandbox(paths, env, say));
}

async function startSandbox(paths: SandboxPaths, env: NodeJS.ProcessEnv, say: Say): Promise<SandboxState> {
  const status = await sandboxStatus(paths);
  if (status.running) {
    say(`sandbox: already running (pid ${status.state.pid})`);
    return status.state;
  }
  if (status.notOurs) throw new SandboxError(status.notOurs);
  if (status.staleRemoved) say('sandbox: removed a stale state file (its processes were gone)');
  if (status.orphansStopped) say(`sandbox: stopped ${status.orphansStopped} leftover process(es) of the previous sandbox, found by their marker`);
  const requested = integerFromEnv(env, 'SANDBOX_PORT', { min: 1, max: 65535 }, 'unset it to let the sandbox choose a free port');
  if (!requested.ok) throw new SandboxError(requested.problem);
  if (requested.value !== undefined && !(await portFree(requested.value))) {
    throw new SandboxError(`SANDBOX_PORT=${requested.value}: port ${requested.value} on 127.0.0.1 is in use; pick another or unset SANDBOX_PORT to let the sandbox choose a free one`);
  }
  const port = await stablePort(paths, env, say);
  const emulator = ensureEmulator(paths, env);
  // A fresh run directory: the sandbox's data is discarded with it (only ever a run directory it marked).
  removeOwnedRunDir(paths, '`sandbox up`');
  const ownerId = claimRunDir(paths);
  const logFd = openSync(paths.logFile, 'a');
  const started = Date.now();
  const supervisor = spawn(process.execPath, typescriptNodeArgs(join(PROJECT_DIR, 'tooling', 'sandbox', 'supervisor.ts'), SUPERVISOR_MARKER, ownerId), {
    cwd: PROJECT_DIR,
    // The identity travels in the environment, so moto (started by the supervisor) carries it too.
    // The port asked for (SANDBOX_PORT), else the one used last when free, else '' (a free one).
    env: { ...env, SANDBOX_HOME: paths.home, SANDBOX_PORT: String(requested.value ?? port ?? ''), [OWNER_VARIABLE]: ownerId },
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  let exited: string | undefined;
  supervisor.on('exit', (code, signal) => (exited = signal ?? `exit ${code}`));
  supervisor.unref();
  // No short wall clock: on a loaded machine moto alone can take a minute to import. Wait while the
  // supervisor lives (it gives up on moto itself), up to a generous bound, saying that it still waits.
  const ready = await waitUntil(() => exited !== undefined || readState(paths.stateFile)?.pid === supervisor.pid, STARTUP_BOUND_MS, () =>
    say(`sandbox: still starting (${((Date.now() - started) / 1000).toFixed(0)} s; log: ${paths.logFile})`),
  );
  const state = readState(paths.stateFile);
  if (!ready || exited !== undefined || !state) {
    if (exited === undefined && supervisor.pid) {
      try {
        process.kill(supervisor.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    throw new SandboxError(`the sandbox did not start (${exited ?? `no answer within ${STARTUP_BOUND_MS / 1000} s`}); its log (${paths.logFile}):\n${tail(paths.logFile)}`);
  }
  const probe = await callSandbox(state, 'GET', '/moto-api/', 30_000).catch((error: Error) => ({ status: 0, body: error.message }));
  if (probe.status !== 200) {
    await stopProcesses(state, ownerId, say);
    throw new SandboxError(`the sandbox started but ${state.endpoint} does not answer (${probe.status || probe.body}); log: ${paths.logFile}`);
  }
  say(`sandbox: moto ${emulator.version} (${emulator.source}) up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  writeFileSync(lastPortFile(paths), `${new URL(state.endpoint).port}\n`);
  return state;
}

/** Survives `down`: the port this sandbox home served on last. */
const lastPortFile = (paths: SandboxPaths) => join(paths.home, 'last-port');

/**
 * The port to ask for when SANDBOX_PORT is unset: the one this home used last, when it is free. The
 * endpoint is written into every synthesized backend block, so a new port after `down`/`up` would
 * make a plain `SANDBOX=1 npx cdktf deploy` in an existing output directory fail with "Backend
 * configuration changed"; the same port keeps those directories valid.
 */
async function stablePort(paths: SandboxPaths, env: NodeJS.ProcessEnv, say: Say): Promise<number | undefined> {
  if (env.SANDBOX_PORT !== undefined && env.SANDBOX_PORT !== '') return undefined;
  const file = lastPortFile(paths);
  if (!existsSync(file)) return undefined;
  const port = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  if (await portFree(port)) return port;
  say(`sandbox: port ${port} (used last time) is taken now; choosing a free one (an existing cdktf.out will need \`cdktf deploy\` to re-initialise: docs/sandbox.md)`);
  return undefined;
}

/** Stops the sandbox by its recorded pids and discards its data. Returns false when none was running. */
export async function sandboxDown(env: NodeJS.ProcessEnv = process.env, say: Say = () => undefined, { force = false }: { readonly force?: boolean } = {}): Promise<boolean> {
  const paths = sandboxPaths(env);
  const owner = runDirOwner(paths);
  if (owner.kind === 'none') return false;
  if (owner.kind !== 'ours') throw notOursError(paths, owner, '`sandbox down`');
  refuseWhileUsed(paths, 'down', force, say);
  const state = readState(paths.stateFile);
  const wasRunning = state !== undefined && supervisorAlive(state, owner.id);
  if (state) await stopProcesses(state, owner.id, say);
  else if (existsSync(paths.stateFile)) say(`sandbox: ${paths.stateFile} is damaged; looking for this sandbox's processes by their marker`);
  const orphans = await stopOwnedProcesses(owner.id);
  if (orphans > 0) say(`sandbox: stopped ${orphans} process(es) of this sandbox found by their marker (${OWNER_VARIABLE})`);
  removeState(paths.stateFile);
  keepRecoveryFiles(paths, say);
  removeOwnedRunDir(paths, '`sandbox down`');
  if (!wasRunning && state) say('sandbox: was not running (removed a stale state file)');
  return wasRunning || orphans > 0;
}

/** Deletes every resource in every account (moto's reset), the local state files and the bootstrap record; the sandbox keeps running. */
export async function sandboxReset(env: NodeJS.ProcessEnv = process.env, say: Say = () => undefined, { force = false }: { readonly force?: boolean } = {}): Promise<SandboxState> {
  const paths = sandboxPaths(env);
  const status = await sandboxStatus(paths);
  if (!status.running) throw new SandboxError('the sandbox is not running: start it with `npm run sandbox -- up`');
  refuseWhileUsed(paths, 'reset', force, say);
  const reply = await callSandbox(status.state, 'POST', '/moto-api/reset');
  if (reply.status !== 200) throw new SandboxError(`reset failed: ${reply.status} ${reply.body}`);
  forgetSandboxDeployments(paths);
  // A new instance: credentials taken before the reset name accounts and roles that are gone.
  const state = { ...status.state, instance: randomUUID() };
  writeState(paths.stateFile, state);
  return state;
}

/** How long a health probe waits for moto or the shim: both are local and answer in milliseconds. */
export const HEALTH_TIMEOUT_MS = 3000;

/** What /proc says about a process that does not answer (Linux; elsewhere nothing is said). */
function processCondition(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The state letter follows the command name in parentheses (which may itself contain spaces).
  const letter = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return { T: 'stopped (SIGSTOP, or ctrl-Z in its terminal)', t: 'stopped by a debugger', Z: 'a zombie (it exited)', D: 'blocked in the kernel (waiting on a disk)' }[letter];
}

function motoAnswers(state: SandboxState, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const request = httpRequest(`${state.motoEndpoint}/moto-api/`, { method: 'GET', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200 ? undefined : `answered HTTP ${response.statusCode}`);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    request.on('error', (error) => resolve(error.message));
    request.end();
  });
}

export interface SandboxHealth {
  readonly ok: boolean;
  /** One line per process that does not answer: which, where, what /proc says, and the fix. */
  readonly problems: readonly string[];
}

/**
 * Whether moto and the shim answer, not only whether their pids exist: moto on its own port (its
 * `/moto-api/`), the shim on the endpoint (its own `/sandbox-api/iam`, which it answers without moto).
 * Each probe is bounded by `timeoutMs`; both run at once.
 */
export async function sandboxHealth(state: SandboxState, timeoutMs = HEALTH_TIMEOUT_MS): Promise<SandboxHealth> {
  const [moto, shim] = await Promise.all([
    motoAnswers(state, timeoutMs),
    callSandbox(state, 'GET', '/sandbox-api/iam', timeoutMs).then(
      (reply) => (reply.status === 200 ? undefined : `answered HTTP ${reply.status}`),
      (error: Error) => error.message,
    ),
  ]);
  const problems: string[] = [];
  const describe = (what: string, pid: number, where: string, failure: string) => {
    const condition = processCondition(pid);
    return condition
      ? `${what} (pid ${pid}, ${where}) does not answer (${failure}): the process is ${condition}; resume it with \`kill -CONT ${pid}\`, or restart the sandbox (discarding its data): npm run sandbox -- down && npm run sandbox -- up`
      : `${what} (pid ${pid}, ${where}) does not answer (${failure}); see the sandbox log, or restart the sandbox (discarding its data): npm run sandbox -- down && npm run sandbox -- up`;
  };
  if (moto) problems.push(describe('moto', state.motoPid, state.motoEndpoint, moto));
  if (shim) problems.push(describe('the shim (the sandbox supervisor)', state.pid, state.endpoint, shim));
  return { ok: problems.length === 0, problems };
}

/** Throws naming what does not answer, so a command fails in seconds instead of waiting on SDK timeouts. */
export async function requireHealthySandbox(state: SandboxState): Promise<void> {
  const health = await sandboxHealth(state);
  if (!health.ok) throw new SandboxError(`the sandbox at ${state.endpoint} does not answer: ${health.problems.join('; ')}`);
}

/**
 * `down` and `reset` while a command uses the sandbox (a deploy mid-apply) would pull its accounts,
 * state and lock from under it: refused, naming it, unless `--force` (then said out loud).
 */
function refuseWhileUsed(paths: SandboxPaths, command: 'down' | 'reset', force: boolean, say: Say): void {
  const users = sandboxUsers(paths);
  if (users.length === 0) return;
  const what = command === 'down' ? 'stops the sandbox and discards everything in it' : 'empties every account';
  if (force) {
    say(`sandbox: --force: ${describeUsers(users)} is using the sandbox; ${command} ${what} anyway, and that command will fail`);
    return;
  }
  throw new SandboxError(
    `${describeUsers(users)} is using the sandbox: let it finish, or stop it first (kill -INT ${users[0].pid}: Terraform then writes its state and releases its lock), and run \`npm run sandbox -- ${command}\` again; ` +
      `\`npm run sandbox -- ${command} --force\` ${what} anyway; nothing was done`,
  );
}

/**
 * Files a command's output told the user to use (Terraform's errored.tfstate, a withheld state) are
 * moved out of the run directory before it is discarded, into `<home>/kept/`, and named.
 */
function keepRecoveryFiles(paths: SandboxPaths, say: Say): void {
  const stacksDir = join(paths.runDir, 'cdktf.out', 'stacks');
  let stacks: string[];
  try {
    stacks = readdirSync(stacksDir);
  } catch {
    return;
  }
  const keptDir = join(paths.home, 'kept', new Date().toISOString().replace(/[:.]/g, '-'));
  for (const stack of stacks) {
    let names: string[];
    try {
      names = readdirSync(join(stacksDir, stack));
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n === 'errored.tfstate' || /^withheld-.+\.tfstate$/.test(n))) {
      mkdirSync(join(keptDir, stack), { recursive: true });
      renameSync(join(stacksDir, stack, name), join(keptDir, stack, name));
      say(`sandbox: kept ${join(keptDir, stack, name)} (a state Terraform could not write, which a command's output pointed at); it holds secret values: delete it once you no longer need it`);
    }
  }
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
  const count = (outcome: 'refused' | 'allowed') => status.unmapped.filter((entry) => (entry.outcome ?? 'allowed') === outcome).reduce((sum, entry) => sum + entry.count, 0);
  const lines = [
    `sandbox: IAM enforcement on: ${status.allowed} requests allowed, ${status.denied} denied (${count('refused')} of them unmapped), ${count('allowed')} allowed unjudged`,
    `sandbox: judged: ${MODELLED_SERVICES.join(', ')} (an unmapped request to them is refused unless SANDBOX_IAM_UNMAPPED=allow); other services are not modelled: allowed unjudged`,
  ];
  for (const entry of status.unmapped) lines.push(`sandbox:   unmapped ${entry.request} x${entry.count} (${(entry.outcome ?? 'allowed') === 'refused' ? 'refused' : 'allowed unjudged'}): ${entry.reason}`);
  return lines;
}
