import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalDynamoDb } from './dynamodb-server';
import type { LocalS3 } from './s3-server';
import { expectedLocks, heldLocks, type S3BackendBlock } from './state-inspection';
import { runTerraform, startTerraform, type RunOptions } from './terraform';
import { waitFor } from './wait';

let runCounter = 0;
const nextRun = () => `run-${++runCounter}`;

export interface ContentionOutcome {
  /** Locks seen while the first run held them. */
  readonly heldWhileRunning: { lockfile: boolean; dynamodb: boolean };
  readonly contenderExit: number | null;
  readonly contenderOutput: string;
  readonly holderExit: number | null;
  readonly locksAfterwards: { lockfile: boolean; dynamodb: boolean };
  readonly nextRunExit: number | null;
}

/**
 * One run holds the state lock (its provisioner waits for a release file) while a second
 * `apply -lock-timeout=0s` tries; then the holder is released and a third run goes through.
 * Returns what happened; the caller asserts.
 */
export async function lockContention(
  dir: string,
  backend: S3BackendBlock,
  servers: { s3: LocalS3; dynamo: LocalDynamoDb },
  options: Omit<RunOptions, 'cwd'>,
): Promise<ContentionOutcome> {
  const release = join(dir, `release-${runCounter + 1}`);
  const run = { ...options, cwd: dir };
  const holder = startTerraform(['apply', '-auto-approve', '-var', `run=${nextRun()}`, '-var', `hold=${release}`], run);
  const wanted = expectedLocks(backend);
  let heldWhileRunning: { lockfile: boolean; dynamodb: boolean };
  try {
    heldWhileRunning = await waitFor('the first run to hold its lock', async () => {
      const held = await heldLocks(servers.s3, servers.dynamo, backend);
      return held.lockfile === wanted.lockfile && held.dynamodb === wanted.dynamodb ? held : undefined;
    });
  } catch (error) {
    writeFileSync(release, '');
    await holder.done.catch(() => undefined);
    throw error;
  }
  const contender = await runTerraform(['apply', '-auto-approve', '-lock-timeout=0s', '-var', `run=${nextRun()}`], {
    ...run,
    label: `${options.label} (contender)`,
  });
  writeFileSync(release, '');
  const held = await holder.done;
  const locksAfterwards = await heldLocks(servers.s3, servers.dynamo, backend);
  const next = await runTerraform(['apply', '-auto-approve', '-var', `run=${nextRun()}`], run);
  return {
    heldWhileRunning,
    contenderExit: contender.code,
    contenderOutput: contender.output,
    holderExit: held.code,
    locksAfterwards,
    nextRunExit: next.code,
  };
}

/** The assertions every locking mode must satisfy. */
export function expectLockRefused(outcome: ContentionOutcome, backend: S3BackendBlock): void {
  expect(outcome.heldWhileRunning).toEqual(expectedLocks(backend));
  expect(outcome.contenderExit).not.toBe(0);
  expect(outcome.contenderOutput).toContain('Error acquiring the state lock');
  expect(outcome.holderExit).toBe(0);
  expect(outcome.locksAfterwards).toEqual({ lockfile: false, dynamodb: false });
  expect(outcome.nextRunExit).toBe(0);
}
