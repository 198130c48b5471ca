import { readFileSync, writeFileSync } from 'node:fs';

/**
 * A docs table generated from an e2e case table (the IAM conformance and guardrail cases): the lines
 * between `start` and `end` in `file` must be exactly `render()`. UPDATE_CONFORMANCE_TABLE=1 rewrites them.
 */
export function expectGeneratedTable(file: string, start: string, end: string, render: () => string): void {
  const doc = readFileSync(file, 'utf8');
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  expect(from).toBeGreaterThan(-1);
  expect(to).toBeGreaterThan(from);
  const current = doc.slice(from, to + end.length);
  if (process.env.UPDATE_CONFORMANCE_TABLE === '1') writeFileSync(file, doc.replace(current, render()));
  else expect(current).toBe(render());
}

/** Every case has a unique id and cites AWS's documentation, page and section. */
export function expectDocumentedCases(cases: ReadonlyArray<{ readonly id: string; readonly source: { readonly url: string; readonly section: string } }>): void {
  const ids = cases.map((entry) => entry.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const entry of cases) {
    expect(entry.source.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
    expect(entry.source.section.length).toBeGreaterThan(3);
  }
}
