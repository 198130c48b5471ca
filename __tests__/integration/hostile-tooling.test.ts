import { rmSync } from 'node:fs';
import { buildToolingBundles, type ToolingBundles } from '../hostile/tooling-bundle';
import { TOOLING_AREAS, TOOLING_CASES, type ToolingCase } from '../hostile/tooling-cases';
import { caseDir, fingerprint, judgeRun, newMarker, processesWith, projectCopy, projectRootFingerprint, runToolingCommand, TOOLING_ROOT, toolingEnv, type ToolingRun } from '../hostile/run-tooling-case';

/**
 * Hostile input for the tooling (issue #19, docs/hostile-input.md), every case a real process
 * (`node --require tsx/cjs tooling/bin/...`, `bash workflows/dev/...`) that needs no running sandbox.
 * Each asserts the exit code, the message (problem and fix, no trace), that nothing changed outside
 * what the case may change (its own directory and the project root's files, fingerprinted before and
 * after) and that no process it started is left running.
 *
 * Which node cases start the command as npm does (`node --require tsx/cjs tooling/bin/<script>`): the
 * first case of each script in tooling-cases.ts (so every entry point is started that way here at
 * least once: sandbox.ts, bootstrap.ts, drift.ts, sandbox-stack.ts, doctor.ts, generate-examples.ts,
 * withhold-state.ts) and every case that runs in a copy of the project (its changed files must be
 * loaded as the command loads them: the compile-error cases). The others start the same entry point
 * compiled once for this file into one file (../hostile/tooling-bundle.ts, `node <bundle> args`):
 * still a process of its own with the case's arguments, environment and directory, about 0.75 s of CPU
 * instead of 1.9 s (what tsx's hook costs on every module a command loads). These cases are about
 * what the tooling does with its input, not about tsx.
 */
interface Outcome {
  readonly run: ToolingRun;
  readonly problems: readonly string[];
}

// Generous: a loaded CI machine takes seconds just to start node with tsx; a hang is still caught.
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
/** The first case of each node script: it starts the command as npm does (see the header). */
const FIRST_OF_SCRIPT = new Set(
  [...new Set(TOOLING_CASES.map(scriptOf).filter((script): script is string => script !== undefined))].map((script) => TOOLING_CASES.find((c) => scriptOf(c) === script)!.id),
);
const runsRealCommand = (testCase: ToolingCase) => inProjectCopy(testCase) || FIRST_OF_SCRIPT.has(testCase.id);

async function runCase(testCase: ToolingCase, bundles: ToolingBundles): Promise<Outcome> {
  const dir = caseDir(testCase.id);
  try {
    // A case with its own cdktf.json runs in a copy of the project (fingerprinted with the case's directory).
    const cwd = inProjectCopy(testCase) ? projectCopy(dir, testCase.cdktfJson, testCase.projectFiles) : TOOLING_ROOT;
    const script = scriptOf(testCase);
    const bundle = script !== undefined && !runsRealCommand(testCase) ? bundles.path(script) : undefined;
    const extra = testCase.setup?.(dir) ?? {};
    const marker = newMarker();
    const env = toolingEnv(dir, marker, { ...(testCase.env ?? {}), ...extra });
    const before = fingerprint(dir, testCase.mayChange);
    const root = projectRootFingerprint();
    const run = await runToolingCommand(testCase, env, CASE_TIMEOUT_MS, cwd, bundle);
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
  let bundles: ToolingBundles | undefined;
  afterAll(() => bundles?.cleanup());
  beforeAll(async () => {
    const scripts = [...new Set(SELECTED.map(scriptOf).filter((script): script is string => script !== undefined))];
    bundles = await buildToolingBundles(TOOLING_ROOT, scripts);
    await threeAtATime(SELECTED, async (testCase) => {
      outcomes.set(testCase.id, await runCase(testCase, bundles!));
    });
    if (process.env.HOSTILE_TOOLING_REPORT) {
      const lines = SELECTED.map((c) => `${c.id}\t${outcomes.get(c.id)!.problems.length === 0 ? 'ok' : outcomes.get(c.id)!.problems.join(' | ')}\t${JSON.stringify(outcomes.get(c.id)!.run.output.slice(0, 300))}`);
      require('node:fs').writeFileSync(process.env.HOSTILE_TOOLING_REPORT, `${lines.join('\n')}\n`);
    }
  }, 1_800_000);

  it('starts every node entry point of the cases as npm does at least once', () => {
    const scripts = new Set(TOOLING_CASES.map(scriptOf).filter(Boolean));
    expect(new Set(TOOLING_CASES.filter(runsRealCommand).map(scriptOf).filter(Boolean))).toEqual(scripts);
    expect(scripts.size).toBeGreaterThanOrEqual(7);
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
