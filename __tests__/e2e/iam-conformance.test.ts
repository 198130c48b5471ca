import { CASES } from './iam-conformance/cases';
import { ConformanceWorld, DENIAL, runCase, type Outcome } from './iam-conformance/runner';
import { sandboxLogDigest, startTestSandbox, type TestSandbox } from './harness/sandbox';
import { STEP_TIMEOUT_MS } from './harness/step';
import { progress } from './harness/progress';
import { runCases } from './harness/case-runner';

/**
 * IAM conformance (docs/sandbox.md, "IAM conformance"): every case of the table (iam-conformance/
 * cases.ts) run against one real sandbox (moto behind the shim) through the AWS SDK as the principal
 * it names, and its answer compared with the verdict AWS's documentation gives, HTTP status and
 * error code included. Cases are independent (their own names), so they run a few at a time.
 */

/** One case: its setup and request (a dozen SDK calls at most). */
const CASE_TIMEOUT_MS = 60_000;
const PARALLEL = 4;

let sandbox: TestSandbox;
let world: ConformanceWorld;
const outcomes = new Map<string, Outcome | Error>();

beforeAll(async () => {
  sandbox = await startTestSandbox('iam-conformance');
  world = new ConformanceWorld(sandbox.state);
  const started = Date.now();
  for (const [id, outcome] of await runCases(CASES, { parallel: PARALLEL, caseTimeoutMs: CASE_TIMEOUT_MS }, (conformance) => runCase(world, conformance))) outcomes.set(id, outcome);
  progress(`iam-conformance: ${CASES.length} cases in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, STEP_TIMEOUT_MS.sandbox + CASES.length * CASE_TIMEOUT_MS);

afterAll(async () => {
  world?.destroy();
  await sandbox?.stop();
});

describe('the sandbox gives the verdict AWS documents', () => {
  it.each(CASES.map((conformance) => [`${conformance.id}: ${conformance.description} -> ${conformance.expect.verdict}`, conformance] as const))('%s', (_, conformance) => {
    const outcome = outcomes.get(conformance.id);
    if (outcome === undefined) throw new Error(`case ${conformance.id} never ran`);
    if (outcome instanceof Error) throw new Error(`case ${conformance.id}: setup or request failed: ${outcome.message}\nsandbox log:\n${sandboxLogDigest(sandbox.env)}`);
    const denial = DENIAL[conformance.request.service];
    const expected =
      conformance.expect.verdict === 'allow'
        ? { status: conformance.expect.status ?? 200, code: undefined }
        : { status: conformance.expect.status ?? denial.status, code: conformance.expect.code ?? denial.code };
    const got = { status: outcome.status, code: outcome.code };
    const matches = got.status === expected.status && got.code === expected.code;
    if (conformance.divergence !== undefined) {
      if (matches) throw new Error(`case ${conformance.id} now gives AWS's answer: remove its divergence ("${conformance.divergence}") from cases.ts`);
      return;
    }
    if (!matches) {
      throw new Error(
        `case ${conformance.id} (${conformance.source.url}, "${conformance.source.section}"): AWS answers ${JSON.stringify(expected)}, the sandbox answered ${JSON.stringify(got)}` +
          `${outcome.message ? `: ${outcome.message}` : ''}`,
      );
    }
  });
});
