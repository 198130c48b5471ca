/**
 * `npm run bench`: synth time and peak memory of this project against the stock cdktf TypeScript
 * template setup (root "barrel" provider imports, `npx ts-node main.ts`), measured side by side in
 * one run. See docs/performance.md for what each row means and the numbers on the reference machine.
 *
 * BENCH_RUNS (default 5) sets the timed repetitions per row; each row first gets one untimed, checked
 * warm-up run, unless BENCH_WARMUP=0: then the first round's runs are the checked ones and its times
 * include cold caches. BENCH_SCALE (default 50) sets the environments of the scale row;
 * `BENCH_RUNS=1 BENCH_WARMUP=0 BENCH_SCALE=4` is the short mode the integration suite runs
 * (__tests__/integration/bench.test.ts), whose rows are checked, not timed.
 * Peak memory needs GNU time at /usr/bin/time (Debian/Ubuntu: `apt-get install time`).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { appDefinition } from '../../environments';
import { buildApp } from '../../lib/app/build-app';
import { loadSettingSources } from '../../lib/settings/setting-sources';
import { rewriteToRootImports } from '../bench/baseline-imports';
import { scaledDefinition } from '../bench/scaled-definition';
import { booleanFromEnv, integerFromEnv, parseArgs, requireEnv } from '../toolkit/cli-args';
import { runCli } from '../toolkit/run-cli';
import { manifestStacks } from '../toolkit/synthesized-stacks';

const PROJECT = join(__dirname, '..', '..');
const USAGE = `usage: [BENCH_RUNS=5] [BENCH_WARMUP=1] [BENCH_SCALE=50] npm run bench
Times \`cdktf synth\` of this project against the stock template's setup, row by row (docs/performance.md).
  BENCH_RUNS    timed rounds, each row once per round (default 5)
  BENCH_WARMUP  1: one untimed, checked warm-up run per row first (default); 0: none, the first round is checked
  BENCH_SCALE   environments of the large scale row (default 50)`;

/** What the environment asks of this run. */
interface BenchOptions {
  readonly runs: number;
  readonly warmUp: boolean;
  readonly scale: number;
}

/** The options from the environment and the command line (none but --help: undefined): every problem at once, as a UsageError. */
function benchOptions(args: readonly string[], env: NodeJS.ProcessEnv): BenchOptions | undefined {
  const values = [
    integerFromEnv(env, 'BENCH_RUNS', { min: 1, max: 1000 }, 'unset it for 5 rounds'),
    booleanFromEnv(env, 'BENCH_WARMUP', 'set it to 0 for no warm-up (the first round is checked), or unset it for one'),
    integerFromEnv(env, 'BENCH_SCALE', { min: 1, max: 10000 }, 'unset it for 50 environments'),
  ] as const;
  if (parseArgs({ usage: USAGE, options: {}, positionals: { name: 'argument', min: 0, max: 0 } }, args, values).help) return undefined;
  const [runs, warmUp, scale] = requireEnv(USAGE, ...values);
  return { runs: runs ?? 5, warmUp: warmUp ?? true, scale: scale ?? 50 };
}
const GNU_TIME = '/usr/bin/time';
const HAS_GNU_TIME = existsSync(GNU_TIME);
const CDKTF = join(PROJECT, 'node_modules', '.bin', 'cdktf');
/** Project sources the app needs; tests and scripts stay out of the baseline copy. */
const APP_SOURCES = ['main.ts', 'lib', 'environments', 'workloads', 'tooling', 'tsconfig.json', 'package.json', 'cdktf.json'];

interface Sample {
  readonly seconds: number;
  readonly maxRssKb: number | undefined;
}

interface Row {
  readonly label: string;
  readonly samples: readonly Sample[];
}

const scratch = mkdtempSync(join(tmpdir(), 'cdktf-bench-'));
/** cdktf synth runs `terraform version`; give it an empty CLI config of its own, not the user's. */
const TERRAFORM_CONFIG = join(scratch, 'terraformrc');
writeFileSync(TERRAFORM_CONFIG, '');

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function projectAppCommand(): string {
  return (JSON.parse(readFileSync(join(PROJECT, 'cdktf.json'), 'utf8')) as { app: string }).app;
}

/**
 * Runs `command` through a shell once, in `cwd`, with a fresh CDKTF_OUTDIR / `--output`
 * (`{out}` in the command). Peak RSS is GNU time's "Maximum resident set size": the largest single
 * process of the run (for `cdktf synth`, the CLI or the app it spawns, whichever is bigger).
 */
function runOnce(command: string, cwd: string, env: Record<string, string> = {}): Sample & { outdir: string } {
  const outdir = mkdtempSync(join(scratch, 'out-'));
  const rssFile = join(scratch, 'rss');
  const shellCommand = command.replaceAll('{out}', outdir);
  const [file, args] = HAS_GNU_TIME
    ? [GNU_TIME, ['-f', '%M', '-o', rssFile, 'sh', '-c', shellCommand]]
    : ['sh', ['-c', shellCommand]];
  const started = process.hrtime.bigint();
  const result = spawnSync(file, args, {
    cwd,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', TF_CLI_CONFIG_FILE: TERRAFORM_CONFIG, CDKTF_OUTDIR: outdir, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`"${shellCommand}" in ${cwd} failed (exit ${result.status}):\n${result.stderr}\n${result.stdout}`);
  }
  const maxRssKb = HAS_GNU_TIME ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined;
  return { seconds, maxRssKb, outdir };
}

interface RowSpec {
  readonly label: string;
  readonly command: string;
  readonly cwd: string;
  readonly env?: Record<string, string>;
  /** Checks the warm-up run's output (the rows must synthesize what they claim to). */
  readonly check?: (outdir: string) => void;
}

function runAndDiscard(spec: RowSpec, onOutput?: (outdir: string) => void): Sample {
  const { seconds, maxRssKb, outdir } = runOnce(spec.command, spec.cwd, spec.env);
  try {
    onOutput?.(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  return { seconds, maxRssKb };
}

/** A run of `spec` whose output is checked (the warm-up, or the first round without one), saying so. */
function runAndCheck(spec: RowSpec): Sample {
  const sample = runAndDiscard(spec, spec.check);
  if (spec.check) log(`  output checked: ${spec.label}`);
  return sample;
}

/**
 * One untimed, checked warm-up run per row (fills OS and transpiler caches; none with BENCH_WARMUP=0,
 * when the first round's runs are checked instead), then `runs` rounds that run every row once, one
 * process at a time. Interleaving the rows spreads any background load over all of them instead of
 * skewing one, so their ratios stay fair.
 */
function measureInterleaved(specs: readonly RowSpec[], { runs, warmUp }: BenchOptions): Row[] {
  if (warmUp) {
    log('[2/3] warm-up and output check of each row');
    for (const spec of specs) log(`  warm-up ${spec.label}: ${runAndCheck(spec).seconds.toFixed(2)} s`);
  } else {
    log('[2/3] no warm-up (BENCH_WARMUP off): the first round checks each row\'s output');
  }
  const samples: Sample[][] = specs.map(() => []);
  log(`[3/3] ${runs} rounds, each row once per round, times in row order`);
  for (let round = 1; round <= runs; round++) {
    const times = specs.map((spec, index) => {
      const sample = !warmUp && round === 1 ? runAndCheck(spec) : runAndDiscard(spec);
      samples[index].push(sample);
      return sample.seconds.toFixed(2);
    });
    log(`  round ${round}/${runs}: ${times.join(' / ')} s`);
  }
  return specs.map((spec, index) => ({ label: spec.label, samples: samples[index] }));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const medianSeconds = (row: Row) => median(row.samples.map((s) => s.seconds));
const minSeconds = (row: Row) => Math.min(...row.samples.map((s) => s.seconds));
function peakMb(row: Row): string {
  const values = row.samples.map((s) => s.maxRssKb).filter((kb): kb is number => kb !== undefined);
  return values.length ? `${(Math.max(...values) / 1024).toFixed(0)} MB` : 'n/a';
}

/** Stack name -> synthesized JSON text, for comparing two outputs. */
function stacksOf(outdir: string): Record<string, string> {
  const stacks = join(outdir, 'stacks');
  return Object.fromEntries(readdirSync(stacks).sort().map((name) => [name, readFileSync(join(stacks, name, 'cdk.tf.json'), 'utf8')]));
}

/** Copy of the app as the stock template would have it: root provider imports, `npx ts-node main.ts`. */
function buildBaseline(): string {
  const dir = join(scratch, 'baseline');
  for (const source of APP_SOURCES) cpSync(join(PROJECT, source), join(dir, source), { recursive: true });
  symlinkSync(join(PROJECT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const rewrite = (directory: string): number =>
    readdirSync(directory, { withFileTypes: true }).reduce((count, entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? count : count + rewrite(path);
      if (!entry.name.endsWith('.ts')) return count;
      const before = readFileSync(path, 'utf8');
      const after = rewriteToRootImports(before);
      writeFileSync(path, after);
      return count + (before === after ? 0 : 1);
    }, 0);
  const rewritten = rewrite(dir);
  const cdktfJson = JSON.parse(readFileSync(join(dir, 'cdktf.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ ...cdktfJson, app: 'npx ts-node main.ts' }, null, 2));
  log(`  baseline in ${dir}: ${rewritten} files rewritten to root imports, app "npx ts-node main.ts"`);
  return dir;
}

/** A cdktf project whose app only copies finished output: what `cdktf synth` costs on its own. */
function buildCliOverheadProject(finishedOutput: string): string {
  const dir = join(scratch, 'cli-overhead');
  cpSync(join(PROJECT, 'cdktf.json'), join(dir, 'cdktf.json'));
  const cdktfJson = JSON.parse(readFileSync(join(dir, 'cdktf.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'cdktf.json'), JSON.stringify({ ...cdktfJson, app: `cp -R '${finishedOutput}/.' "$CDKTF_OUTDIR"` }, null, 2));
  return dir;
}

function table(rows: readonly Row[]): string {
  const header = ['', 'median', 'min', 'peak RSS'];
  const lines = rows.map((row) => [row.label, `${medianSeconds(row).toFixed(2)} s`, `${minSeconds(row).toFixed(2)} s`, peakMb(row)]);
  const widths = header.map((_, column) => Math.max(...[header, ...lines].map((line) => line[column].length)));
  const format = (line: string[]) => `| ${line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
  return [format(header), `|${widths.map((width, column) => (column === 0 ? '-'.repeat(width + 2) : `${'-'.repeat(width + 1)}:`)).join('|')}|`, ...lines.map(format)].join('\n');
}

/** A ratio of medians against its target; the same ratio of minimums is shown as a noise check. */
function ratio(name: string, byMedian: number, byMin: number, target: string, pass: boolean): string {
  return `${name.padEnd(46)} ${byMedian.toFixed(2).padStart(5)}  (of minimums ${byMin.toFixed(2)})  target ${target.padEnd(6)} ${pass ? 'PASS' : 'MISS'}`;
}

/** How many stacks the app builds for `count` environments (in memory, nothing synthesized). */
function stacksBuiltFor(count: number): number {
  const built = buildApp(new App({ outdir: join(scratch, 'count') }), scaledDefinition(appDefinition, count), loadSettingSources(PROJECT, process.env));
  return built.environmentStacks.length + 1 + built.ciStacks.length;
}

function main(options: BenchOptions): void {
  const { runs, warmUp, scale } = options;
  const app = projectAppCommand();
  if (!app.includes('main.ts')) throw new Error(`cdktf.json app "${app}" does not run main.ts; the bench derives its runner from it`);
  const benchApp = app.replace('main.ts', join('tooling', 'bin', 'bench-app.ts'));
  log(`cdktf synth benchmark: ${runs} timed runs per row (${warmUp ? 'after one warm-up' : 'no warm-up: the first round is checked'}), one process at a time, rows interleaved${HAS_GNU_TIME ? '' : '; no /usr/bin/time, so no peak memory'}`);
  log(`  ours: cdktf.json app "${app}"`);

  const synth = `'${CDKTF}' synth --output '{out}'`;
  let reference: Record<string, string> = {};
  const keepReference = (outdir: string) => {
    reference = stacksOf(outdir);
    cpSync(outdir, join(scratch, 'finished-output'), { recursive: true });
  };
  const sameAsOurs = (what: string) => (outdir: string) => {
    if (JSON.stringify(stacksOf(outdir)) !== JSON.stringify(reference)) throw new Error(`${what} synthesized different stacks than ours`);
  };
  // Every stack kind counts (environments, state-backend, ci-*): the synthesized manifest's list
  // against what the app builds for that many environments, each with its cdk.tf.json.
  const stackCount = (expected: number) => (outdir: string) => {
    const stacks = manifestStacks(outdir);
    const missing = stacks.filter((stack) => !existsSync(join(stack.directory, 'cdk.tf.json')));
    if (stacks.length !== expected || missing.length > 0) {
      throw new Error(`expected ${expected} stacks in ${outdir}/manifest.json, got ${stacks.length}${missing.length ? ` (no cdk.tf.json: ${missing.map((s) => s.name).join(', ')})` : ''}`);
    }
  };

  log('[1/3] first synth of ours (reference output), baseline copy in a temporary directory');
  const ours: RowSpec = { label: 'ours: cdktf synth', command: synth, cwd: PROJECT };
  runAndDiscard(ours, keepReference);
  const environments = appDefinition.environments.length;
  const scaleStacks = stacksBuiltFor(scale);
  const specs: RowSpec[] = [
    ours,
    { label: 'baseline: cdktf synth (barrel + npx ts-node)', command: synth, cwd: buildBaseline(), check: sameAsOurs('the baseline') },
    { label: `app alone: ${app}`, command: app, cwd: PROJECT, check: sameAsOurs('the app alone') },
    {
      label: 'CLI overhead: cdktf synth, app = copy output',
      command: synth,
      cwd: buildCliOverheadProject(join(scratch, 'finished-output')),
      check: sameAsOurs('the CLI-overhead run'),
    },
    {
      label: `scale: app alone, ${environments} environments`,
      command: benchApp,
      cwd: PROJECT,
      env: { BENCH_ENVIRONMENTS: String(environments) },
      check: sameAsOurs(`the ${environments}-environment bench app`),
    },
    {
      label: `scale: app alone, ${scale} environments (${scaleStacks} stacks)`,
      command: benchApp,
      cwd: PROJECT,
      env: { BENCH_ENVIRONMENTS: String(scale) },
      check: stackCount(scaleStacks),
    },
  ];
  const loadBefore = loadavg()[0];
  const [oursRow, baseline, appAlone, cliOverhead, small, large] = measureInterleaved(specs, options);

  const ratios = (stat: (row: Row) => number) => ({
    speedup: stat(baseline) / stat(oursRow),
    overhead: stat(oursRow) / (stat(cliOverhead) + stat(appAlone)),
    scale: stat(large) / stat(small),
  });
  const med = ratios(medianSeconds);
  const min = ratios(minSeconds);
  const lines = [
    '',
    `cdktf synth benchmark, ${new Date().toISOString()}, ${runs} runs per row${warmUp ? '' : ' (no warm-up)'}, node ${process.version}, ${cpus().length} CPUs,`,
    `1-minute load average ${loadBefore.toFixed(2)} before the timed runs, ${loadavg()[0].toFixed(2)} after (the bench keeps one core busy; more means other work adding noise)`,
    '',
    table([oursRow, baseline, appAlone, cliOverhead, small, large]),
    '',
    ratio('baseline / ours', med.speedup, min.speedup, '>= 4', med.speedup >= 4),
    ratio('ours / (CLI overhead + app alone)', med.overhead, min.overhead, '<= 1.2', med.overhead <= 1.2),
    ratio(`${scale} environments / ${environments} (app alone)`, med.scale, min.scale, '<= 2', med.scale <= 2),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

runCli('bench', async (args) => {
  try {
    const options = benchOptions(args, process.env);
    if (options === undefined) log(USAGE);
    else main(options);
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
