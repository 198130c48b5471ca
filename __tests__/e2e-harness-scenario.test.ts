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

describe('step bounds (e2e harness)', () => {
  it('puts jest\'s limit above the sum of the steps it covers', () => {
    expect(testBudget('synth', 'deploy')).toBeGreaterThan(STEP_TIMEOUT_MS.synth + STEP_TIMEOUT_MS.deploy);
  });
});
