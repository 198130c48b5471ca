import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testParts } from '../tooling/bin/bench-suite';

// npm run bench:suite times the parts npm test chains: it reads them from package.json, never a copy.
describe('bench:suite parts', () => {
  it('are the scripts npm test runs, in its order', () => {
    expect(testParts(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'))).toEqual(['typecheck', 'lint:architecture', 'test:unit', 'test:integration', 'test:e2e']);
  });

  it('refuses a test script of another shape instead of timing something else', () => {
    expect(() => testParts(JSON.stringify({ scripts: { test: 'npm run typecheck && jest --ci' } }))).toThrow('bench:suite reads "npm test" as "npm run <script> && ...", but found "jest --ci"');
  });
});
