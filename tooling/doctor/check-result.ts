/** One preflight check: what was checked, whether it passed, what was found, and how to fix it. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** What to do about a failure (always set when `ok` is false) or a warning. */
  readonly fix?: string;
  /** Passed, but with something to look at (printed as WARN; does not fail the run). */
  readonly warning?: boolean;
}

export const pass = (name: string, detail: string): CheckResult => ({ name, ok: true, detail });
export const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, ok: true, warning: true, detail, fix });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, ok: false, detail, fix });

export { withTimeout } from '../toolkit/with-timeout';
