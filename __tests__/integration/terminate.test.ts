import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { terminate } from '../../tooling/toolkit/terminate';

/**
 * The toolkit's one way to stop processes (tooling/toolkit/terminate.ts), used by the sandbox's
 * lifecycle and bootstrap's leftovers: SIGTERM, grace, SIGKILL, wait until gone; a pid the caller
 * says is no longer the one meant is never signalled.
 */

const started: ChildProcess[] = [];

/** A node process that says "ready" once its SIGTERM handler (if any) is in place. */
async function child(onTerm: 'exit' | 'ignore'): Promise<ChildProcess> {
  const handler = onTerm === 'exit' ? "process.on('SIGTERM', () => process.exit(0));" : "process.on('SIGTERM', () => {});";
  const proc = spawn(process.execPath, ['-e', `${handler} console.log('ready'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(proc);
  await once(proc.stdout!, 'data');
  return proc;
}

const exited = (proc: ChildProcess) => (proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : once(proc, 'exit').then(() => undefined));

afterAll(() => {
  for (const proc of started) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
});

describe('terminate(pids, { graceMs })', () => {
  it('stops a process that honours SIGTERM within the grace, without SIGKILL', async () => {
    const proc = await child('exit');
    const done = exited(proc);
    const result = await terminate([proc.pid!], { graceMs: 20_000, alive: () => proc.exitCode === null && proc.signalCode === null });
    await done;
    expect(result).toEqual({ killed: [], left: [] });
    expect(proc.exitCode).toBe(0);
  }, 30_000);

  it('SIGKILLs a process that ignores SIGTERM once the grace has passed, reporting progress and the kill', async () => {
    const proc = await child('ignore');
    const done = exited(proc);
    const waiting: number[] = [];
    const killedReport: number[][] = [];
    const startedAt = Date.now();
    const result = await terminate([proc.pid!], {
      graceMs: 1500,
      progressEveryMs: 500,
      alive: () => proc.exitCode === null && proc.signalCode === null,
      onWaiting: (left) => waiting.push(left.length),
      onKill: (left) => killedReport.push([...left]),
    });
    await done;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1500);
    expect(proc.signalCode).toBe('SIGKILL');
    expect(result).toEqual({ killed: [proc.pid], left: [] });
    expect(killedReport).toEqual([[proc.pid]]);
    expect(waiting.length).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('never signals a pid the caller no longer recognises (a recycled pid)', async () => {
    const proc = await child('exit');
    const result = await terminate([proc.pid!], { graceMs: 100, alive: () => false });
    expect(result).toEqual({ killed: [], left: [] });
    expect(proc.exitCode).toBeNull();
    expect(proc.signalCode).toBeNull();
    proc.kill('SIGKILL');
    await exited(proc);
  }, 30_000);
});
