/**
 * Runs a table of independent cases against one sandbox, `parallel` at a time, each bounded by its own
 * timeout whose message names the case; a case that throws or times out is recorded as its Error, so
 * one failing case reports itself instead of stopping the others (the IAM conformance and guardrail suites).
 */
export async function runCases<C extends { readonly id: string }, O>(
  cases: readonly C[],
  options: { readonly parallel: number; readonly caseTimeoutMs: number },
  run: (testCase: C, index: number) => Promise<O>,
): Promise<Map<string, O | Error>> {
  const outcomes = new Map<string, O | Error>();
  const queue = cases.map((testCase, index) => ({ testCase, index }));
  await Promise.all(
    Array.from({ length: options.parallel }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { testCase, index } = next;
        try {
          outcomes.set(testCase.id, await bounded(`case ${testCase.id}`, run(testCase, index), options.caseTimeoutMs));
        } catch (error) {
          outcomes.set(testCase.id, error as Error);
        }
      }
    }),
  );
  return outcomes;
}

function bounded<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
