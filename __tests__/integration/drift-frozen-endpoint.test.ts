import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESSION_BOUND_MS } from '../../tooling/drift/run-drift';
import { processesWith, projectRootFingerprint } from '../hostile/run-tooling-case';
import { runCommand } from '../../tooling/toolkit/run-command';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * `npm run drift` against an endpoint that accepts connections and never answers (what a SIGSTOPped
 * moto looks like to a client): a real process that must say every few seconds what it waits for and
 * where, then fail naming the endpoint within its bound, never wait in silence (issue #19). The
 * frozen endpoint is a TCP server here that reads requests and sends nothing.
 */
const PROJECT_DIR = join(__dirname, '..', '..');
let frozen: Server;
let endpoint: string;
const sockets: Socket[] = [];
let work: string;

beforeAll(async () => {
  frozen = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => frozen.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(frozen.address() as AddressInfo).port}`;
  work = mkdtempSync(join(tmpdir(), 'drift-frozen-'));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => frozen.close(() => resolve()));
  rmSync(work, { recursive: true, force: true });
});

interface Line {
  readonly at: number;
  readonly text: string;
}

/** drift as a real process through the project's one process runner, each output line stamped with when it came. */
async function drift(env: Record<string, string>, boundMs: number): Promise<{ code: number | null; lines: Line[]; output: string; timedOut: boolean; ms: number }> {
  const started = Date.now();
  const lines: Line[] = [];
  const result = await runCommand(process.execPath, typescriptNodeArgs(join('tooling', 'bin', 'drift.ts'), 'staging', '--output', join(work, 'out')), {
    cwd: PROJECT_DIR,
    env,
    timeoutMs: boundMs,
    forwardSignals: false,
    onOutput: (text) => {
      for (const line of text.split('\n').filter(Boolean)) lines.push({ at: Date.now() - started, text: line });
    },
  });
  return { code: result.code, lines, output: result.output, timedOut: result.timedOut, ms: Date.now() - started };
}

it('says every few seconds what it waits for and where, then fails naming the endpoint within its bound; nothing changed, nothing left running', async () => {
  const marker = `drift-frozen-${process.pid}-${Date.now()}`;
  const root = projectRootFingerprint();
  // Synth (a few seconds to a minute on a loaded machine) plus the session's bound, plus a margin.
  const result = await drift(
    {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: work,
      CHECKPOINT_DISABLE: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY000000',
      AWS_SECRET_ACCESS_KEY: 'not-a-secret',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: endpoint,
      DRIFT_FROZEN_MARKER: marker,
    },
    SESSION_BOUND_MS + 240_000,
  );
  expect(result.timedOut).toBe(false);
  expect(result.code).toBe(1);
  const waiting = result.lines.filter((line) => line.text.includes(`drift: staging: still waiting for staging's credentials (account 222222222222) at ${endpoint}`));
  // One every 5 s over the 30 s bound: at least four, none more than ~10 s apart (a loaded machine delays timers a little).
  expect(waiting.length).toBeGreaterThanOrEqual(4);
  for (let i = 1; i < waiting.length; i += 1) expect(waiting[i].at - waiting[i - 1].at).toBeLessThan(10_000);
  expect(result.output).toContain(`drift: staging: could not check: staging's credentials (account 222222222222) at ${endpoint} did not answer within ${SESSION_BOUND_MS / 1000} s`);
  expect(result.output).toContain('Check network access and AWS_ENDPOINT_URL');
  expect(result.output).not.toMatch(/\n\s+at .+:\d+:\d+\)?|crashed:/);
  // From the first "still waiting" to the failure: the bound, not minutes.
  const failedAt = result.lines.find((line) => line.text.includes('did not answer within'))!.at;
  expect(failedAt - waiting[0].at).toBeLessThan(SESSION_BOUND_MS + 5_000);
  expect(projectRootFingerprint()).toEqual(root);
  expect(processesWith(marker)).toEqual([]);
}, SESSION_BOUND_MS + 300_000);
