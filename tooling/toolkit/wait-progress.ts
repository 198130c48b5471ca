import { BootstrapError } from './errors';

export interface WaitOptions {
  /** What is awaited, for the messages: "STS GetCallerIdentity for staging's account". */
  readonly what: string;
  /** Where it was sent: the endpoint a user can look at. */
  readonly endpoint: string;
  /** The bound: past it the wait fails, naming the endpoint. */
  readonly timeoutMs: number;
  /** How often to say it is still waiting. @default 5000 */
  readonly everyMs?: number;
  readonly say: (line: string) => void;
  /** What to do when the endpoint does not answer, appended to the failure. */
  readonly fix?: string;
}

/**
 * Waits for `body` at most `timeoutMs`, saying every few seconds what it waits for and where, then
 * fails naming the endpoint: never a silent wait on an endpoint that accepts connections and answers
 * nothing (a SIGSTOPped emulator, a proxy that swallows requests). `body` gets a signal aborted at the bound.
 */
export async function waitWithProgress<T>(options: WaitOptions, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { what, endpoint, timeoutMs, say } = options;
  const everyMs = options.everyMs ?? 5000;
  const started = Date.now();
  const controller = new AbortController();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  const ticker = setInterval(() => say(`still waiting for ${what} at ${endpoint}: no answer after ${seconds()} s (gives up after ${Math.round(timeoutMs / 1000)} s)`), everyMs);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new BootstrapError(
          `${what} at ${endpoint} did not answer within ${Math.round(timeoutMs / 1000)} s: the endpoint accepts connections but sends nothing back (a stopped or overloaded emulator, a proxy that swallows requests)` +
            (options.fix ? `. ${options.fix}` : ''),
        ),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([body(controller.signal), bound]);
  } finally {
    clearInterval(ticker);
    clearTimeout(timer);
  }
}

/**
 * Says every `everyMs` that `what` is still running while `running` is pending: for a long command
 * (terraform init/plan) whose own bound is minutes, so a wait is never silent.
 */
export async function withHeartbeat<T>(running: Promise<T>, what: () => string, say: (line: string) => void, everyMs = 10_000): Promise<T> {
  const started = Date.now();
  const ticker = setInterval(() => say(`${what()}: still running after ${Math.round((Date.now() - started) / 1000)} s`), everyMs);
  try {
    return await running;
  } finally {
    clearInterval(ticker);
  }
}
