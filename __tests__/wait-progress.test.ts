import { waitWithProgress, withHeartbeat } from '../tooling/toolkit/wait-progress';

/** Bounded waits that say what they wait for (issue #19): the helper drift uses around every request. */
describe('waitWithProgress', () => {
  it('says what it waits for and where while waiting, then fails naming the endpoint and the fix; the body is aborted', async () => {
    const lines: string[] = [];
    let aborted = false;
    const never = (signal: AbortSignal) => new Promise<never>(() => signal.addEventListener('abort', () => (aborted = true)));
    // Fake timers: the heartbeats are counted on the helper's own clock, so a slow machine cannot skip one.
    jest.useFakeTimers();
    const waiting = waitWithProgress({ what: "staging's credentials", endpoint: 'https://127.0.0.1:9', timeoutMs: 360, everyMs: 100, say: (line) => lines.push(line), fix: 'Check the sandbox' }, never);
    const settled = expect(waiting).rejects.toThrow("staging's credentials at https://127.0.0.1:9 did not answer within 0 s: the endpoint accepts connections but sends nothing back (a stopped or overloaded emulator, a proxy that swallows requests). Check the sandbox");
    await jest.advanceTimersByTimeAsync(360);
    await settled;
    jest.useRealTimers();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/^still waiting for staging's credentials at https:\/\/127\.0\.0\.1:9: no answer after \d+ s \(gives up after 0 s\)$/);
    expect(aborted).toBe(true);
  });

  it('an answer in time is returned, with nothing said and no timer left behind', async () => {
    const lines: string[] = [];
    await expect(waitWithProgress({ what: 'x', endpoint: 'e', timeoutMs: 5000, everyMs: 1000, say: (line) => lines.push(line) }, async () => 42)).resolves.toBe(42);
    expect(lines).toEqual([]);
  });

  it('a failure of the body is passed on as it is', async () => {
    await expect(waitWithProgress({ what: 'x', endpoint: 'e', timeoutMs: 5000, say: () => undefined }, async () => Promise.reject(new Error('AccessDenied')))).rejects.toThrow('AccessDenied');
  });
});

afterEach(() => jest.useRealTimers());

describe('withHeartbeat', () => {
  it('says the command still runs until it ends', async () => {
    const lines: string[] = [];
    // Fake timers, as above: two heartbeats are due before the command ends, however busy the machine.
    jest.useFakeTimers();
    const slow = new Promise((resolve) => setTimeout(() => resolve('done'), 260));
    const running = withHeartbeat(slow, () => 'drift: staging: terraform plan', (line) => lines.push(line), 100);
    await jest.advanceTimersByTimeAsync(260);
    await expect(running).resolves.toBe('done');
    jest.useRealTimers();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/^drift: staging: terraform plan: still running after \d+ s$/);
  });
});
