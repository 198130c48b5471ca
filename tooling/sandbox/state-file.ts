import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What a running sandbox records (git-ignored `.sandbox/run/sandbox.json`). */
export interface SandboxState {
  /** The supervisor process (runs the shim; started moto and stops it). */
  readonly pid: number;
  /** moto itself, behind the shim. */
  readonly motoPid: number;
  /** The endpoint every client uses: HTTPS on 127.0.0.1. */
  readonly endpoint: string;
  /** The same shim over plain HTTP: requests here are `aws:SecureTransport = false`. */
  readonly insecureEndpoint: string;
  /** moto's own port (loopback, plain HTTP); clients never use it. */
  readonly motoEndpoint: string;
  readonly motoVersion: string;
  readonly emulatorSource: string;
  /** The sandbox's own CA: AWS_CA_BUNDLE for Terraform and its AWS provider, NODE_EXTRA_CA_CERTS for Node. */
  readonly caFile: string;
  readonly startedAt: string;
  /**
   * This sandbox's identity, new on every start and every `reset`: credentials files and sessions
   * carry it (SANDBOX_INSTANCE), so keys from before a reset or restart, which act as no one or as
   * another principal now, are refused instead of used. Absent in a state file from an older version.
   */
  readonly instance?: string;
}

export function readState(file: string): SandboxState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const state = JSON.parse(readFileSync(file, 'utf8')) as SandboxState;
    return Number.isInteger(state.pid) && typeof state.endpoint === 'string' ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Atomic: a reader never sees half a file. */
export function writeState(file: string, state: SandboxState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}

export function removeState(file: string): void {
  rmSync(file, { force: true });
}

/** The marker in the supervisor's command line, so a recycled pid is never taken for the sandbox. */
export const SUPERVISOR_MARKER = 'sandbox-supervisor';

/** Whether `pid` is alive and (when /proc exists) its command line contains `marker`. */
export function processMatches(pid: number, marker: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but not ours to signal; it cannot be a sandbox this user started.
    return false;
  }
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return process.platform !== 'linux';
  try {
    return readFileSync(cmdline, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

/**
 * Why the supervisor last stopped, written by the supervisor itself as it stops (`run/last-stop.json`):
 * moto exited (its exit code or signal), a signal asked it to, or it failed. A supervisor killed with
 * SIGKILL writes nothing; `status` then says that no reason was recorded and what that means.
 */
export interface LastStop {
  readonly pid: number;
  readonly at: string;
  readonly cause: string;
}

export function lastStopFile(stateFile: string): string {
  return `${dirname(stateFile)}/last-stop.json`;
}

export function recordLastStop(stateFile: string, stop: LastStop): void {
  try {
    const file = lastStopFile(stateFile);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(stop)}\n`);
    renameSync(tmp, file);
  } catch {
    // A full disk must not keep the supervisor from stopping moto.
  }
}

export function readLastStop(stateFile: string): LastStop | undefined {
  try {
    const stop = JSON.parse(readFileSync(lastStopFile(stateFile), 'utf8')) as LastStop;
    return Number.isInteger(stop.pid) && typeof stop.cause === 'string' && typeof stop.at === 'string' ? stop : undefined;
  } catch {
    return undefined;
  }
}
