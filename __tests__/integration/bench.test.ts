import { join } from 'node:path';
import { runCommand } from '../../tooling/toolkit/run-command';

/**
 * `npm run bench` in its short mode (one run per row, and no separate warm-up: that one run is the
 * checked one; a 4-environment scale row): it must keep working as the app grows stack kinds (it once
 * counted stacks as environments + 1 and broke when the ci-* stacks came). Its rows are checked, not
 * its times: a busy machine makes any time pass.
 */
const PROJECT_DIR = join(__dirname, '..', '..');
// The baseline row runs ts-node; on a 2-core machine under load the whole short run took 13.5 min.
const BENCH_TIMEOUT_MS = 25 * 60_000;

test(
  'npm run bench (BENCH_RUNS=1 BENCH_WARMUP=0 BENCH_SCALE=4) checks and prints every row and the three ratios',
  async () => {
    const result = await runCommand('npm', ['run', '-s', 'bench'], {
      cwd: PROJECT_DIR,
      env: { ...process.env, BENCH_RUNS: '1', BENCH_WARMUP: '0', BENCH_SCALE: '4', CHECKPOINT_DISABLE: '1', FORCE_COLOR: '0' },
      timeoutMs: BENCH_TIMEOUT_MS - 30_000,
    });
    if (result.code !== 0) throw new Error(`npm run bench exited ${result.code}${result.timedOut ? ' (timed out)' : ''}:\n${result.output.slice(-4000)}`);
    const rows = [
      /\| ours: cdktf synth +\| +[\d.]+ s \|/,
      /\| baseline: cdktf synth \(barrel \+ npx ts-node\) +\| +[\d.]+ s \|/,
      /\| app alone: node --require \.\/tooling\/toolkit\/typescript-hook\.cjs main\.ts +\| +[\d.]+ s \|/,
      /\| CLI overhead: cdktf synth, app = copy output +\| +[\d.]+ s \|/,
      /\| scale: app alone, 3 environments +\| +[\d.]+ s \|/,
      // Every stack kind counted from the synthesized manifest: 4 environments, the state-backend, and a ci-* stack per environment in the state bucket.
      /\| scale: app alone, 4 environments \(\d+ stacks\) +\| +[\d.]+ s \|/,
    ];
    for (const row of rows) expect(result.stdout).toMatch(row);
    expect(result.stdout).toMatch(/1 runs per row \(no warm-up\)/);
    // Without a warm-up, the one round checks what each row synthesized (the baseline and the app
    // alone against ours, the scale rows' stack counts): every row except ours, whose first synth is the reference.
    const checked = [...result.output.matchAll(/^ {2}output checked: (.+)$/gm)].map((match) => match[1]);
    expect(checked).toEqual([
      'baseline: cdktf synth (barrel + npx ts-node)',
      expect.stringMatching(/^app alone: /),
      'CLI overhead: cdktf synth, app = copy output',
      expect.stringMatching(/^scale: app alone, \d+ environments$/),
      expect.stringMatching(/^scale: app alone, 4 environments \(\d+ stacks\)$/),
    ]);
    expect(result.stdout).toMatch(/^baseline \/ ours .* (PASS|MISS)$/m);
    expect(result.stdout).toMatch(/^ours \/ \(CLI overhead \+ app alone\) .* (PASS|MISS)$/m);
    expect(result.stdout).toMatch(/^4 environments \/ 3 \(app alone\) .* (PASS|MISS)$/m);
  },
  BENCH_TIMEOUT_MS,
);
