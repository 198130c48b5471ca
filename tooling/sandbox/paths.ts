import { join, resolve } from 'node:path';
import { PROJECT_DIR } from '../toolkit/project-dir';

/** The project root: the toolkit's, named here too for the sandbox's callers. */
export { PROJECT_DIR };

/**
 * Where the sandbox keeps everything, all git-ignored under `.sandbox/` (or `SANDBOX_HOME`):
 * `emulator/` survives `down` (the installed moto), `run/` is the running sandbox and is discarded
 * with it (state file, logs, TLS material, the synthesized app and local state: sandbox-project.ts).
 */
export interface SandboxPaths {
  readonly home: string;
  readonly emulatorDir: string;
  readonly emulatorDescriptor: string;
  readonly runDir: string;
  readonly stateFile: string;
  readonly logFile: string;
  readonly tlsDir: string;
}

export function sandboxPaths(env: Readonly<Record<string, string | undefined>> = process.env): SandboxPaths {
  const home = resolve(env.SANDBOX_HOME || join(PROJECT_DIR, '.sandbox'));
  const emulatorDir = join(home, 'emulator');
  const runDir = join(home, 'run');
  return {
    home,
    emulatorDir,
    emulatorDescriptor: join(emulatorDir, 'emulator.json'),
    runDir,
    stateFile: join(runDir, 'sandbox.json'),
    logFile: join(runDir, 'sandbox.log'),
    tlsDir: join(runDir, 'tls'),
  };
}

/** The installer (bash: it drives apt), also run by `.ci/run` and documented for users. */
export const INSTALL_SCRIPT = join(PROJECT_DIR, 'tooling', 'sandbox', 'install-emulator.sh');
/** Starts moto's server with its per-request package listing taken once (moto-launcher.py's header). */
export const MOTO_LAUNCHER = join(PROJECT_DIR, 'tooling', 'sandbox', 'moto-launcher.py');
