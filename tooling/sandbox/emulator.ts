import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../lib/definitions/errors';
import { existsExecutable } from '../toolkit/terraform-binary';
import { INSTALL_SCRIPT, MOTO_LAUNCHER, type SandboxPaths } from './paths';

/** How moto was installed (written by tooling/sandbox/install-emulator.sh). */
export type EmulatorSource = 'path' | 'debian';

export interface Emulator {
  readonly source: EmulatorSource;
  readonly version: string;
  /** Whether moto starts through tooling/sandbox/moto-launcher.py (its Python interpreter is known). */
  readonly launcher: boolean;
  /** Executable and arguments before `-H <host> -p <port>`. */
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the process environment. */
  readonly env: Readonly<Record<string, string>>;
}

interface Descriptor {
  readonly source: EmulatorSource;
  readonly command: string;
  readonly version: string;
  /** Path route: the Python interpreter `command` runs on, when its script names one ("" when it does not). */
  readonly python?: string;
}

function readDescriptor(paths: SandboxPaths): Descriptor | undefined {
  if (!existsSync(paths.emulatorDescriptor)) return undefined;
  try {
    return JSON.parse(readFileSync(paths.emulatorDescriptor, 'utf8')) as Descriptor;
  } catch {
    return undefined;
  }
}

/** The installed emulator, or undefined when nothing (usable) is installed. */
export function installedEmulator(paths: SandboxPaths): Emulator | undefined {
  return emulatorOf(paths, readDescriptor(paths));
}

/** What `descriptor` (read from `paths`) records, when it is still usable. */
function emulatorOf(paths: SandboxPaths, descriptor: Descriptor | undefined): Emulator | undefined {
  if (!descriptor) return undefined;
  if (descriptor.source === 'path') {
    // Programs the supervisor spawns: one it cannot execute would fail there, with a stack trace.
    if (!existsExecutable(descriptor.command)) return undefined;
    // Through the launcher when the install found moto_server's interpreter; else moto_server itself.
    if (descriptor.python && existsExecutable(descriptor.python)) return { source: 'path', version: descriptor.version, launcher: true, command: descriptor.python, args: [MOTO_LAUNCHER], env: {} };
    return { source: 'path', version: descriptor.version, launcher: false, command: descriptor.command, args: [], env: {} };
  }
  if (descriptor.source === 'debian') {
    const sitePackages = join(paths.emulatorDir, 'debian', 'usr', 'lib', 'python3', 'dist-packages');
    if (!existsSync(join(sitePackages, 'moto', '__init__.py')) || !existsExecutable(descriptor.command)) return undefined;
    // -s: no user site-packages, so only Debian's modules and the unpacked moto are imported.
    return { source: 'debian', version: descriptor.version, launcher: true, command: descriptor.command, args: ['-s', MOTO_LAUNCHER], env: { PYTHONPATH: sitePackages } };
  }
  return undefined;
}

/** moto could not be installed; the message carries the installer's FAILED lines. */
export class EmulatorInstallError extends UserError {}

/**
 * The installed emulator, installing it first when missing (the install script prints its own
 * progress on stderr; this passes it through).
 */
export function ensureEmulator(paths: SandboxPaths, env: NodeJS.ProcessEnv = process.env): Emulator {
  const descriptor = readDescriptor(paths);
  const installed = emulatorOf(paths, descriptor);
  const wanted = env.SANDBOX_EMULATOR || 'auto';
  // A path install recorded before moto-launcher.py has no "python": the script's fast path looks for
  // it once, in place (moto_server's first line; milliseconds, a pyenv shim followed).
  const recordedBeforeLauncher = installed?.source === 'path' && descriptor?.python === undefined;
  if (installed && (wanted === 'auto' || wanted === installed.source) && !recordedBeforeLauncher) return installed;
  const result = spawnSync('bash', [INSTALL_SCRIPT], { env: { ...env, SANDBOX_HOME: paths.home }, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  process.stderr.write(result.stderr ?? '');
  const emulator = installedEmulator(paths);
  // Looking for the interpreter never costs a working install: it runs as before, without the launcher.
  if ((result.status !== 0 || !emulator) && recordedBeforeLauncher && installed) return installed;
  if (result.status !== 0 || !emulator) {
    const reason = (result.stderr ?? '').split('\n').filter((line) => line.includes('FAILED')).join('\n') || `exit ${result.status}`;
    throw new EmulatorInstallError(`the sandbox emulator (moto) could not be installed:\n${reason}`);
  }
  return emulator;
}
