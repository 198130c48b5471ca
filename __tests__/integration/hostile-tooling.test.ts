import { rmSync } from 'node:fs';
import { TOOLING_AREAS, TOOLING_CASES, type ToolingCase } from '../hostile/tooling-cases';
import { caseDir, fingerprint, judgeRun, newMarker, processesWith, projectCopy, projectRootFingerprint, runToolingCommand, TOOLING_ROOT, toolingEnv, type ToolingRun } from '../hostile/run-tooling-case';

/**
 * Hostile input for the tooling (issue #19, docs/hostile-input.md), every case a real process
 * (`node --require ./tooling/toolkit/typescript-hook.cjs tooling/bin/...`, `bash workflows/dev/...`) that needs no running sandbox.
 * Each asserts the exit code, the message (problem and fix, no trace), that nothing changed outside
 * what the case may change (its own directory and the project root's files, fingerprinted before and
 * after) and that no process it started is left running.
 *
 * Every node case starts its command as npm does (`node --require
 * ./tooling/toolkit/typescript-hook.cjs tooling/bin/<script>`); a case with its own cdktf.json or
 * changed files runs in a copy of the project, so the command loads them as it would load the user's.
 */
interface Outcome {
  readonly run: ToolingRun;
  readonly problems: readonly string[];
}

// Generous: a loaded CI machine takes seconds just to start node and load the tooling; a hang is still caught.
const CASE_TIMEOUT_MS = 120_000;
/** HOSTILE_TOOLING_ONLY=id,id: run only these cases (to measure or debug a few). */
const ONLY = process.env.HOSTILE_TOOLING_ONLY?.split(',').filter(Boolean);
const SELECTED = ONLY ? TOOLING_CASES.filter((c) => ONLY.includes(c.id)) : TOOLING_CASES;

async function threeAtATime<T>(items: readonly T[], body: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await body(items[next++]);
  };
  await Promise.all([worker(), worker(), worker()]);
}

/** A case runs in a copy of the project when it has its own cdktf.json or files. */
const inProjectCopy = (testCase: ToolingCase) => testCase.cdktfJson !== undefined || testCase.projectFiles !== undefined;
const scriptOf = (testCase: ToolingCase) => ('node' in testCase.run ? testCase.run.node : undefined);

async function runCase(testCase: ToolingCase): Promise<Outcome> {
  const dir = caseDir(testCase.id);
  try {
    // A case with its own cdktf.json runs in a copy of the project (fingerprinted with the case's directory).
    const cwd = inProjectCopy(testCase) ? projectCopy(dir, testCase.cdktfJson, testCase.projectFiles) : TOOLING_ROOT;
    const extra = testCase.setup?.(dir) ?? {};
    const marker = newMarker();
    const env = toolingEnv(dir, marker, { ...(testCase.env ?? {}), ...extra });
    const before = fingerprint(dir, testCase.mayChange);
    const root = projectRootFingerprint();
    const run = await runToolingCommand(testCase, env, CASE_TIMEOUT_MS, cwd);
    const problems = [...judgeRun(testCase, run)];
    const after = fingerprint(dir, testCase.mayChange);
    for (const path of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (before[path] !== after[path]) problems.push(`changed in the case directory: ${path} (${before[path] ?? 'absent'} -> ${after[path] ?? 'absent'})`);
    }
    const rootAfter = projectRootFingerprint();
    for (const name of new Set([...Object.keys(root), ...Object.keys(rootAfter)])) {
      if (root[name] !== rootAfter[name]) problems.push(`changed in the project root: ${name}`);
    }
    problems.push(...(testCase.after?.(dir) ?? []));
    const left = processesWith(marker);
    if (left.length > 0) {
      problems.push(`left running: ${left.join(', ')}`);
      for (const pid of left) process.kill(pid, 'SIGKILL');
    }
    return { run, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('hostile tooling input as real processes (no sandbox needed)', () => {
  const outcomes = new Map<string, Outcome>();
  beforeAll(async () => {
    await threeAtATime(SELECTED, async (testCase) => {
      outcomes.set(testCase.id, await runCase(testCase));
    });
    if (process.env.HOSTILE_TOOLING_REPORT) {
      const lines = SELECTED.map((c) => `${c.id}\t${outcomes.get(c.id)!.problems.length === 0 ? 'ok' : outcomes.get(c.id)!.problems.join(' | ')}\t${JSON.stringify(outcomes.get(c.id)!.run.output.slice(0, 300))}`);
      require('node:fs').writeFileSync(process.env.HOSTILE_TOOLING_REPORT, `${lines.join('\n')}\n`);
    }
  }, 1_800_000);

  it('starts every node entry point of the tooling', () => {
    expect(new Set(TOOLING_CASES.map(scriptOf).filter(Boolean)).size).toBeGreaterThanOrEqual(7);
  });

  it('tries at least 60 cases, every area, unique ids', () => {
    expect(TOOLING_CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(TOOLING_CASES.map((c) => c.area))).toEqual(new Set(TOOLING_AREAS));
    expect(new Set(TOOLING_CASES.map((c) => c.id)).size).toBe(TOOLING_CASES.length);
  });

  it.each(SELECTED.map((c) => [c.area, c.id, c] as const))('%s: %s is refused clearly, changes nothing, leaves nothing running', (_area, _id, testCase) => {
    const outcome = outcomes.get(testCase.id)!;
    expect({ problems: outcome.problems, output: outcome.problems.length ? outcome.run.output : '' }).toEqual({ problems: [], output: '' });
  });
});
