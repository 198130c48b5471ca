import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Scenario } from './e2e/harness/scenario';
import { STEP_TIMEOUT_MS, testBudget } from './e2e/harness/step';

// The e2e harness's failure bookkeeping, without terraform: one failure must read as one failure.
describe('Scenario (e2e harness)', () => {
  it('lets dependent tests run once their step completed, and returns its value', async () => {
    const scenario = new Scenario();
    await expect(scenario.step('bootstrap', async () => 42)).resolves.toBe(42);
    expect(() => scenario.requires('bootstrap')).not.toThrow();
  });

  it('reports "not run because <step> failed: <its error>" after a failed step, which still rejects with its own error', async () => {
    const scenario = new Scenario();
    await expect(scenario.step('bootstrap', () => Promise.reject(new Error('phase 1: terraform apply exited 1')))).rejects.toThrow('phase 1: terraform apply exited 1');
    expect(() => scenario.requires('bootstrap')).toThrow('not run because bootstrap failed: phase 1: terraform apply exited 1');
  });

  it('names the first required step that is missing, also one that never ran', async () => {
    const scenario = new Scenario();
    await scenario.step('bootstrap', async () => undefined);
    expect(() => scenario.requires('bootstrap', 'staging deploy')).toThrow('not run because staging deploy did not complete');
  });
});

describe('Scenario.start (chains of steps side by side)', () => {
  const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs a step once, after the steps it follows, while independent chains run side by side', async () => {
    const scenario = new Scenario();
    const order: string[] = [];
    const step = (name: string, ms: number) => async () => {
      order.push(`${name} start`);
      await later(ms);
      order.push(`${name} end`);
      return name;
    };
    await scenario.step('backend', async () => undefined);
    const staging = scenario.start('staging', ['backend'], step('staging', 30));
    const stagingCi = scenario.start('staging ci', ['staging'], step('staging ci', 1));
    const production = scenario.start('production', ['backend'], step('production', 10));
    // Asking again returns the same run, never a second one.
    expect(scenario.start('staging', ['backend'], step('staging again', 1))).toBe(staging);
    await expect(Promise.all([staging, stagingCi, production])).resolves.toEqual(['staging', 'staging ci', 'production']);
    expect(order).toEqual(['staging start', 'production start', 'production end', 'staging end', 'staging ci start', 'staging ci end']);
  });

  it('a failed step stops its chain with "not run because", and leaves other chains alone', async () => {
    const scenario = new Scenario();
    await scenario.step('backend', async () => undefined);
    const ran: string[] = [];
    const staging = scenario.start('staging', ['backend'], () => Promise.reject(new Error('terraform apply exited 1')));
    const stagingCi = scenario.start('staging ci', ['staging'], async () => void ran.push('staging ci'));
    const production = scenario.start('production', ['backend'], async () => void ran.push('production'));
    await expect(staging).rejects.toThrow('terraform apply exited 1');
    await expect(stagingCi).rejects.toThrow('not run because staging failed: terraform apply exited 1');
    await expect(production).resolves.toBeUndefined();
    expect(ran).toEqual(['production']);
  });

  it('a step after one never started fails naming it', async () => {
    const scenario = new Scenario();
    await expect(scenario.start('staging', ['state-backend'], async () => 'ran')).rejects.toThrow('not run because state-backend did not complete');
  });
});

describe('step bounds (e2e harness)', () => {
  it('puts jest\'s limit above the sum of the steps it covers', () => {
    expect(testBudget('synth', 'deploy')).toBeGreaterThan(STEP_TIMEOUT_MS.synth + STEP_TIMEOUT_MS.deploy);
  });
});

describe('e2e order (harness/longest-first-sequencer.js)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Sequencer = require('./e2e/harness/longest-first-sequencer.js') as { new (): { sort(tests: Array<{ path: string }>): Promise<Array<{ path: string }>> }; LONGEST_FIRST: string[] };

  it('names only files that exist', () => {
    expect(Sequencer.LONGEST_FIRST.filter((name) => !existsSync(join(__dirname, 'e2e', `${name}.test.ts`)))).toEqual([]);
  });

  it('starts the listed files first, in their order, and keeps every file', async () => {
    const tests = ['local-servers', 'cross-account', 'doctor', 'full-lifecycle'].map((name) => ({ path: join(__dirname, 'e2e', `${name}.test.ts`), context: { config: { cacheDirectory: join(__dirname, 'e2e', 'no-such-cache'), name: 'e2e' }, hasteFS: { getSize: () => 1 } } }));
    const sorted = (await new Sequencer().sort(tests)).map((test) => test.path.split('/').pop());
    expect(sorted.slice(0, 2)).toEqual(['full-lifecycle.test.ts', 'cross-account.test.ts']);
    expect([...sorted].sort()).toEqual(['cross-account.test.ts', 'doctor.test.ts', 'full-lifecycle.test.ts', 'local-servers.test.ts']);
  });
});
