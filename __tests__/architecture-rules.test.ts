import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../tooling/toolkit/run-command';

/**
 * The rules of .dependency-cruiser.js, run exactly as `npm run lint:architecture` runs them, on two
 * fixture trees laid out like the project: one breaking each rule once, one following all of them.
 * The cruise runs in the fixture directory, which makes it the base the rules' paths are relative to.
 */
const root = join(__dirname, '..');
const fixtures = join(__dirname, 'fixtures', 'architecture');

const json = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
const script = json<{ scripts: Record<string, string> }>(join(root, 'package.json')).scripts['lint:architecture'];
const packageDir = join(root, 'node_modules', 'dependency-cruiser');
const depcruise = join(packageDir, json<{ bin: Record<string, string> }>(join(packageDir, 'package.json')).bin.depcruise);

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: 'error' | 'warn' | 'info' };
  cycle?: { name: string }[];
}
interface Run {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

const CRUISE_BOUND_MS = 300_000;

/** The lint:architecture command (its config file made absolute) run in `directory`, plus `extra` arguments. */
async function lintArchitecture(directory: string, extra: string[] = []): Promise<Run> {
  const [command, ...args] = script.split(/\s+/);
  if (command !== 'depcruise') throw new Error(`lint:architecture no longer runs depcruise: ${script}`);
  const absolute = args.map((arg) => (arg === '.dependency-cruiser.js' ? join(root, arg) : arg));
  // The project's one process runner, with a bound generous for a busy 2-core machine; plain text
  // whatever the terminal or CI: the assertions read the report's words.
  const run = await runCommand(process.execPath, [depcruise, ...absolute, ...extra], {
    cwd: directory,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    timeoutMs: CRUISE_BOUND_MS,
    forwardSignals: false,
  });
  if (run.timedOut) throw new Error(`depcruise in ${directory} did not finish within ${CRUISE_BOUND_MS / 1000} s`);
  return { exitCode: run.code, stdout: run.stdout, stderr: run.stderr };
}

function violationsOf(run: Run): Violation[] {
  if (!run.stdout.trim()) throw new Error(`depcruise printed no result (exit ${run.exitCode}): ${run.stderr}`);
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const edges = (violations: Violation[], rule: string) =>
  violations
    .filter((v) => v.rule.name === rule)
    .map((v) => `${v.from} → ${v.to}`)
    .sort();

describe('architecture rules (.dependency-cruiser.js)', () => {
  // What npm test sees (the default "err" report and its exit code), and the same cruise as JSON to read.
  let brokenReport: Run;
  let cleanReport: Run;
  let broken: Violation[];
  beforeAll(async () => {
    const runs = await Promise.all([
      lintArchitecture(join(fixtures, 'violations')),
      lintArchitecture(join(fixtures, 'clean')),
      lintArchitecture(join(fixtures, 'violations'), ['--output-type', 'json']),
    ]);
    [brokenReport, cleanReport] = runs;
    broken = violationsOf(runs[2]);
    // Three cruises side by side, each within its bound.
  }, CRUISE_BOUND_MS + 60_000);

  it('checks the layers npm test checks', () => {
    expect(script).toBe('depcruise --config .dependency-cruiser.js main.ts lib tooling environments workloads');
  });

  it('no-circular: a cycle of files, even of type-only imports', () => {
    const cycles = broken.filter((v) => v.rule.name === 'no-circular');
    expect(cycles.map((v) => v.cycle?.map((step) => step.name).sort())).toEqual([['lib/cycle/a.ts', 'lib/cycle/b.ts']]);
  });

  it('no-folder-cycle: lib/ folders that lean on each other without a file cycle', () => {
    expect(edges(broken, 'no-folder-cycle')).toEqual(['lib/alpha → lib/beta', 'lib/beta → lib/alpha']);
  });

  it('engine-not-tooling: lib/ importing tooling/', () => {
    expect(edges(broken, 'engine-not-tooling')).toEqual(['lib/uses-tooling.ts → tooling/toolkit/helper.ts']);
  });

  it('engine-not-blueprint: lib/ importing environments/ or workloads/', () => {
    expect(edges(broken, 'engine-not-blueprint')).toEqual([
      'lib/uses-environments.ts → environments/index.ts',
      'lib/uses-workloads.ts → workloads/workload.ts',
    ]);
  });

  it('blueprint-not-tooling: environments/ or workloads/ importing tooling/', () => {
    expect(edges(broken, 'blueprint-not-tooling')).toEqual([
      'environments/uses-tooling.ts → tooling/toolkit/helper.ts',
      'workloads/uses-tooling.ts → tooling/toolkit/helper.ts',
    ]);
  });

  it('tooling-gets-definition: tooling/ importing the blueprint, except the entry points in tooling/bin/', () => {
    expect(edges(broken, 'tooling-gets-definition')).toEqual([
      'tooling/drift/uses-blueprint.ts → environments/index.ts',
      'tooling/drift/uses-blueprint.ts → workloads/workload.ts',
    ]);
  });

  it('definitions-at-bottom: lib/definitions/ importing the rest of lib/', () => {
    expect(edges(broken, 'definitions-at-bottom')).toEqual(['lib/definitions/environment.ts → lib/stacks/stack.ts']);
  });

  it('toolkit-not-sandbox: tooling/toolkit/ importing tooling/sandbox/', () => {
    expect(edges(broken, 'toolkit-not-sandbox')).toEqual(['tooling/toolkit/uses-sandbox.ts → tooling/sandbox/session.ts']);
  });

  it('tests-not-imported: code outside __tests__/ importing a test file', () => {
    expect(edges(broken, 'tests-not-imported')).toEqual(['lib/uses-tests.ts → __tests__/test-helper.ts']);
  });

  it('agpl-evaluator-in-sandbox: the AGPL IAM evaluator imported outside tooling/sandbox/', () => {
    expect(edges(broken, 'agpl-evaluator-in-sandbox')).toEqual(['tooling/drift/uses-evaluator.ts → ../../../../node_modules/@cloud-copilot/iam-simulate/dist/esm/index.js']);
  });

  it('not-to-unresolvable: an import no rule could see because it does not resolve', () => {
    expect(edges(broken, 'not-to-unresolvable')).toEqual(['lib/uses-missing.ts → ./missing']);
  });

  it('no-orphans only warns', () => {
    const orphans = broken.filter((v) => v.rule.name === 'no-orphans');
    expect(orphans.map((v) => [v.from, v.rule.severity])).toEqual([['lib/orphan.ts', 'warn']]);
  });

  it('shows every rule of the config fail, and nothing else, in the broken tree; one exit code per error', () => {
    const configured = (require(join(root, '.dependency-cruiser.js')) as { forbidden: { name: string }[] }).forbidden.map((r) => r.name);
    const rules = [...new Set(broken.map((v) => v.rule.name))].sort();
    expect(rules).toEqual([...configured].sort());
    expect(rules).toEqual([
      'agpl-evaluator-in-sandbox',
      'blueprint-not-tooling',
      'definitions-at-bottom',
      'engine-not-blueprint',
      'engine-not-tooling',
      'no-circular',
      'no-folder-cycle',
      'no-orphans',
      'not-to-unresolvable',
      'tests-not-imported',
      'tooling-gets-definition',
      'toolkit-not-sandbox',
    ]);
    expect(brokenReport.exitCode).toBe(broken.filter((v) => v.rule.severity === 'error').length);
    expect(brokenReport.exitCode).toBe(15);
    for (const rule of configured) expect(brokenReport.stdout).toMatch(new RegExp(`(error|warn) ${rule}: `));
  });

  it('passes a tree that keeps every rule (type-only builtin, package and JSON imports included)', () => {
    expect(cleanReport.stdout).toContain('no dependency violations found');
    expect(cleanReport.exitCode).toBe(0);
  });
});
