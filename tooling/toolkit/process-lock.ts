import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A lock file holding `<pid> <start time>` of its holder: a holder that is gone, or a pid recycled by
 * another process (another start time), is stale and taken over. Used where two runs of one command
 * must not overlap (`sandbox up`, bootstrap); waits are bounded and report progress.
 */
export interface LockHolder {
  readonly pid: number;
  readonly startTime: string;
}

/** The process's start time in clock ticks since boot (Linux), or '' where /proc does not exist. */
export function processStartTime(pid: number): string | undefined {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  const stat = `/proc/${pid}/stat`;
  if (!existsSync('/proc/self/stat')) return '';
  try {
    // Field 22, counted after the command name's closing parenthesis (the name may hold spaces).
    const text = readFileSync(stat, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19] ?? undefined;
  } catch {
    return undefined;
  }
}

export function readHolder(file: string): LockHolder | 'malformed' | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^(\d+) (\d*)\n?$/.exec(text);
  return match ? { pid: Number(match[1]), startTime: match[2] } : 'malformed';
}

/** Whether the holder recorded in the lock is this very process, still running. */
export function holderAlive(holder: LockHolder): boolean {
  const now = processStartTime(holder.pid);
  return now !== undefined && now === holder.startTime;
}

export type Acquired = { readonly kind: 'acquired'; readonly release: () => void } | { readonly kind: 'held'; readonly holder: LockHolder };

/**
 * One attempt: takes the lock, or reports its live holder. A stale or malformed lock is removed
 * (`onStale` says so) and taken.
 */
export function tryLock(file: string, onStale: (why: string) => void = () => undefined): Acquired {
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(file, `${process.pid} ${processStartTime(process.pid) ?? ''}\n`, { flag: 'wx' });
      return { kind: 'acquired', release: () => (readHolder(file) as LockHolder | undefined)?.pid === process.pid && rmSync(file, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    if (holder === undefined) continue;
    if (holder !== 'malformed' && holderAlive(holder)) return { kind: 'held', holder };
    onStale(holder === 'malformed' ? `${file} did not name a holder (pid and start time); removed it` : `${file} was left by pid ${holder.pid}, which is gone; removed it`);
    rmSync(file, { force: true });
  }
  throw new Error(`could not take ${file}: it keeps reappearing`);
}

/**
 * Waits up to `timeoutMs` for the lock, saying every `progressMs` who holds it; on timeout, `onTimeout`
 * builds the error.
 */
export async function waitForLock(file: string, options: { timeoutMs: number; progressMs?: number; say: (line: string) => void; onTimeout: (holder: LockHolder) => Error }): Promise<() => void> {
  const started = Date.now();
  let reported = started;
  for (;;) {
    const result = tryLock(file, options.say);
    if (result.kind === 'acquired') return result.release;
    const now = Date.now();
    if (now - started > options.timeoutMs) throw options.onTimeout(result.holder);
    if (now - reported >= (options.progressMs ?? 5000)) {
      reported = now;
      options.say(`waiting for pid ${result.holder.pid}, which holds ${file} (${Math.round((now - started) / 1000)} s of at most ${Math.round(options.timeoutMs / 1000)} s)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
