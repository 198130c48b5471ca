import { CDKTF_BIN } from '../../../tooling/toolkit/run-command';
import { PROJECT_DIR } from '../../../tooling/sandbox/paths';
import { STEP_TIMEOUT_MS } from './step';
import { startProcess, type RunOptions, type RunResult } from './terraform';

export { CDKTF_BIN };

/** Runs the real `cdktf` CLI in the project directory; timeout kills its whole process group. */
export function runCdktf(args: readonly string[], options: Omit<RunOptions, 'cwd'> & { cwd?: string }): Promise<RunResult> {
  return startProcess(CDKTF_BIN, args, `cdktf ${args.join(' ')}`, { cwd: PROJECT_DIR, ...options, timeoutMs: options.timeoutMs ?? STEP_TIMEOUT_MS.deploy }).done;
}

/** Same, failing the test with cdktf's own output when it does not succeed. */
export async function runCdktfOk(args: readonly string[], options: Omit<RunOptions, 'cwd'> & { cwd?: string }): Promise<RunResult> {
  const result = await runCdktf(args, options);
  if (result.code !== 0) throw new Error(`cdktf ${args.join(' ')} failed (exit ${result.code}):\n${result.output}`);
  return result;
}
