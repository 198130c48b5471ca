import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CASES, SECRETS_CASES, SYNTH_CASES, type Area } from './hostile/cases';
import { goodSynth, outputProblems, runSecretsCase, runSynthCase, type CaseRun } from './hostile/run-case';

/**
 * Every hostile-input case of definitions, settings, YAML and secrets files, in-process through the
 * functions main.ts and with-secrets.sh run (the integration suite runs the cases marked `process`
 * as real processes, and the workflow and doctor cases). Each must be refused with exit code 1, a
 * message naming the field and the fix, no trace, no secret, and the existing cdktf.out unchanged.
 */
type Verdict = 'refused clearly' | 'accepted silently' | 'crash' | 'loss' | 'unclear message';
const verdicts = new Map<string, Verdict>();

function judge(id: string, run: () => CaseRun & { outdirChanged?: boolean }, field: string, fix: RegExp): string[] {
  let result: CaseRun & { outdirChanged?: boolean };
  try {
    result = run();
  } catch (error) {
    verdicts.set(id, 'crash');
    return [`threw ${(error as Error).stack}`];
  }
  const problems = result.code === 1 ? outputProblems(result, field, fix) : [`exit code ${result.code}, expected 1`];
  if (result.outdirChanged) problems.push('changed the existing cdktf.out');
  const verdict: Verdict =
    result.outdirChanged || problems.includes('contains a secret value') ? 'loss'
    : result.code === 0 ? 'accepted silently'
    : problems.includes('contains a stack trace') ? 'crash'
    : problems.length > 0 ? 'unclear message'
    : 'refused clearly';
  verdicts.set(id, verdict);
  return problems.length > 0 ? [...problems, `output was:\n${result.output}`] : [];
}

describe('hostile input, in-process', () => {
  let good: string;
  beforeAll(() => {
    good = goodSynth();
  });
  afterAll(() => rmSync(good, { recursive: true, force: true }));

  it('has distinct case ids, and at least 60 cases', () => {
    expect(new Set(ALL_CASES.map((c) => c.id)).size).toBe(ALL_CASES.length);
    expect(ALL_CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(SYNTH_CASES.filter((c) => !c.integrationOnly).map((c) => [c.id, c] as const))('%s', (id, testCase) => {
    expect(judge(id, () => runSynthCase(testCase, good), testCase.field, testCase.fix)).toEqual([]);
  });

  it.each(SECRETS_CASES.filter((c) => !c.integrationOnly).map((c) => [c.id, c] as const))('%s', (id, testCase) => {
    expect(judge(id, () => runSecretsCase(testCase), testCase.field, testCase.fix)).toEqual([]);
  });

  it('the table in docs/hostile-input.md matches this suite', () => {
    const areas: Area[] = ['definition', 'setting', 'yaml', 'secrets', 'workflow', 'doctor'];
    const count = (area: Area | undefined, verdict?: Verdict) =>
      ALL_CASES.filter((c) => (area === undefined || c.area === area) && (verdict === undefined || (verdicts.get(c.id) ?? 'refused clearly') === verdict)).length;
    // Workflow, doctor and integration-only cases are judged by the integration suite; they count as refused because it passes.
    const row = (label: string, area?: Area) =>
      `| ${label} | ${count(area)} | ${count(area, 'refused clearly')} | ${count(area, 'accepted silently')} | ${count(area, 'crash')} | ${count(area, 'loss')} |`;
    const expected = [...areas.map((area) => row(area, area)), row('**all**')];
    const doc = readFileSync(join(__dirname, '..', 'docs', 'hostile-input.md'), 'utf8');
    const lines = doc.split('\n').filter((line) => /^\| (definition|setting|yaml|secrets|workflow|doctor|\*\*all\*\*) \|/.test(line));
    expect(lines).toEqual(expected);
  });
});
