import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable, report, selection, speedGauge, TARGETS, testParts, verdict, type PartResult } from '../tooling/bin/bench-suite';
import { CENSUS_ENV, classify, machineCpuSeconds, markTestFile, parsePidStat, ProcessCensus, tally, tallyByTestFile, TEST_FILE_ENV, type CensusRecord } from '../tooling/bench/process-census';
import { environValue } from '../tooling/toolkit/marked-processes';

// npm run bench:suite times the parts npm test chains: it reads them from package.json, never a copy.
describe('bench:suite parts', () => {
  const parts = testParts(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

  it('are the scripts npm test runs, in its order', () => {
    expect(parts).toEqual(['typecheck', 'lint:architecture', 'test:unit', 'test:integration', 'test:e2e']);
  });

  it('refuses a test script of another shape instead of timing something else', () => {
    expect(() => testParts(JSON.stringify({ scripts: { test: 'npm run typecheck && jest --ci' } }))).toThrow('bench:suite reads "npm test" as "npm run <script> && ...", but found "jest --ci"');
  });

  it('--only and --files pick parts in npm test order and jest patterns', () => {
    expect(selection(parts, undefined, undefined)).toEqual({ parts, patterns: [] });
    expect(selection(parts, 'test:e2e,typecheck', undefined)).toEqual({ parts: ['typecheck', 'test:e2e'], patterns: [] });
    expect(selection(parts, 'test:e2e', ' doctor-identity  provider-regions ')).toEqual({ parts: ['test:e2e'], patterns: ['doctor-identity', 'provider-regions'] });
  });

  it('refuses a part npm test does not run, and --files for a part that is not jest', () => {
    expect(() => selection(parts, 'test:e2e,e2e', undefined)).toThrow('--only: "e2e" is not a part of npm test (typecheck, lint:architecture, test:unit, test:integration, test:e2e)');
    expect(() => selection(parts, undefined, 'doctor')).toThrow('--files applies to jest parts only (test:unit, test:integration, test:e2e), but typecheck, lint:architecture would run too: add --only');
    expect(() => selection(parts, 'test:e2e', '  ')).toThrow('--files needs at least one pattern');
    expect(() => selection(parts, 'e2e', 'doctor')).toThrow(/^--only: "e2e" is not a part of npm test .*; nothing was done/);
  });
});

describe('bench:suite targets (issue #27)', () => {
  it('are CPU seconds for the e2e suite, CPU and wall seconds for npm test', () => {
    expect(TARGETS).toEqual({ 'test:e2e': { cpu: 700 }, 'npm test': { cpu: 900, wall: 300 } });
  });

  it('say met or OVER for each figure the target has', () => {
    expect(verdict(TARGETS['test:e2e'], 2000, 700)).toBe('CPU 700 s: met');
    expect(verdict(TARGETS['test:e2e'], 10, 700.5)).toBe('CPU 700 s: OVER');
    expect(verdict(TARGETS['npm test'], 301, 899)).toBe('CPU 900 s: met, wall 300 s: OVER');
    expect(verdict(undefined, 1, 1)).toBe('');
  });
});

describe('machine CPU from /proc/stat', () => {
  it('is user + nice + system + irq + softirq + steal of the cpu line, in seconds (USER_HZ 100)', () => {
    const stat = 'cpu  256273 7 54164 40049 348 11 524 2968 0 0\ncpu0 127201 0 26664 21627 115 0 106 1431 0 0\nintr 1 2 3\n';
    expect(machineCpuSeconds(stat)).toBeCloseTo((256273 + 7 + 54164 + 11 + 524 + 2968) / 100, 6);
  });

  it('refuses a file without the cpu line or with too few counters', () => {
    expect(() => machineCpuSeconds('cpu0 1 2 3 4 5 6 7 8\n')).toThrow('/proc/stat has no "cpu " line');
    expect(() => machineCpuSeconds('cpu  1 2 3 4\n')).toThrow("/proc/stat's cpu line is not 8 or more counters");
  });
});

/** A /proc/<pid>/stat line: utime and stime in ticks, start time in ticks since boot (field 22). */
const statLine = (pid: number, comm: string, ppid: number, utime: number, stime: number, start: number) =>
  `${pid} (${comm}) S ${ppid} ${ppid} 5667 0 -1 4194304 99 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 ${start} 3133440 389 18446744073709551615 0 0\n`;

describe('a process, from /proc/<pid>/stat', () => {
  it('gives its parent, CPU seconds (utime + stime) and start time', () => {
    expect(parsePidStat(statLine(22059, 'cat', 22055, 150, 25, 177513))).toEqual({ ppid: 22055, cpu: 1.75, start: 177513 });
  });

  it('reads past a command name holding spaces and parentheses', () => {
    expect(parsePidStat(statLine(7, 'a) (b c)', 3, 1, 2, 99))).toEqual({ ppid: 3, cpu: 0.03, start: 99 });
  });

  it('refuses a line that is not one', () => {
    expect(() => parsePidStat('7 (x) S 1 2')).toThrow('not a /proc/<pid>/stat line');
  });
});

describe('a process, from its environment', () => {
  it('reads one variable of a NUL-separated environ', () => {
    const environ = `PATH=/usr/bin\0${CENSUS_ENV}=run-1\0${TEST_FILE_ENV}=/p/a=b.test.ts\0`;
    expect(environValue(environ, CENSUS_ENV)).toBe('run-1');
    expect(environValue(environ, TEST_FILE_ENV)).toBe('/p/a=b.test.ts');
    expect(environValue(environ, 'PAT')).toBeUndefined();
    expect(environValue('', CENSUS_ENV)).toBeUndefined();
  });
});

describe('a process, by its command line', () => {
  // Command lines as /proc showed them during an e2e run.
  it.each([
    ['.terraform/providers/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/terraform-provider-aws_v5.100.0_x5', 'provider'],
    ['/usr/local/bin/terraform apply -auto-approve -input=false', 'terraform'],
    ['terraform init -backend-config=use_path_style=true', 'terraform'],
    ['node /tmp/readme-try-it-9ESkdX/clone/node_modules/.bin/cdktf synth --output /tmp/x/cdktf.out', 'cdktf-cli'],
    ['/usr/bin/node /work/main/node_modules/cdktf-cli/bundle/bin/cdktf deploy staging', 'cdktf-cli'],
    ['node --require ./tooling/toolkit/typescript-hook.cjs main.ts', 'ts'],
    ['/usr/bin/node --require /work/ci-A/tooling/toolkit/typescript-hook.cjs /work/ci-A/tooling/sandbox/supervisor.ts sandbox-supervisor 8ef8cb11', 'ts'],
    ['node --require tsx/cjs main.ts', 'ts'],
    ['node /work/main/node_modules/tsx/dist/cli.mjs tooling/bin/doctor.ts', 'ts'],
    ['/root/.pyenv/versions/3.11.7/bin/python /root/.pyenv/versions/3.11.7/bin/moto_server -H 127.0.0.1 -p 40167', 'moto'],
    ['/root/.pyenv/versions/3.11.7/bin/python /work/main/tooling/sandbox/moto-launcher.py -H 127.0.0.1 -p 40167', 'moto'],
    ['/usr/bin/python3 -s -m moto.server -H 127.0.0.1 -p 40167', 'moto'],
  ])('%s is %s', (line, kind) => {
    expect(classify(line.split(' '))).toBe(kind);
  });

  it.each([
    '/bin/sh -c node --require ./tooling/toolkit/typescript-hook.cjs main.ts',
    'node /work/main/tooling/bin/not-typescript.js',
    'bash -c terraform plan',
    'sh -c cdktf synth',
    '/usr/bin/node /work/ci-A/node_modules/jest-worker/build/workers/processChild.js',
    '/work/ci-A/node_modules/@esbuild/linux-x64/bin/esbuild --service=0.28.2 --ping',
    'npm run test:e2e',
    'grep terraform-provider-aws',
    'make --no-print-directory -C workflows/production plan',
  ])('%s is not counted', (line) => {
    expect(classify(line.split(' '))).toBeUndefined();
  });

  it('an empty command line (a zombie) is not counted', () => {
    expect(classify([])).toBeUndefined();
  });
});

const record = (kind: CensusRecord['kind'], cpu: number, testFile?: string, pid = 1): CensusRecord => ({ pid, start: pid, kind, cpu, testFile });

describe('tallies', () => {
  it('count starts and sampled CPU by kind; CPU of uncounted processes only in the total', () => {
    const t = tally([record('provider', 2.5), record('provider', 2), record('terraform', 1), record(undefined, 0.5)]);
    expect(t.starts).toEqual({ provider: 2, terraform: 1, 'cdktf-cli': 0, ts: 0, moto: 0 });
    expect(t.cpuByKind).toEqual({ provider: 4.5, terraform: 1, 'cdktf-cli': 0, ts: 0, moto: 0 });
    expect(t.cpu).toBe(6);
    expect(t.processes).toBe(4);
  });

  it('group by test file, processes of none under undefined', () => {
    const byFile = tallyByTestFile([record('provider', 1, '/a.test.ts'), record('cdktf-cli', 4, '/b.test.ts'), record('ts', 2, '/a.test.ts'), record(undefined, 3)]);
    expect([...byFile.keys()]).toEqual(['/a.test.ts', '/b.test.ts', undefined]);
    expect(byFile.get('/a.test.ts')!.starts).toEqual({ provider: 1, terraform: 0, 'cdktf-cli': 0, ts: 1, moto: 0 });
    expect(byFile.get('/a.test.ts')!.cpu).toBe(3);
    expect(byFile.get(undefined)!.processes).toBe(1);
  });
});

describe('the census, on a /proc of its own', () => {
  let proc: string;
  beforeEach(() => {
    proc = mkdtempSync(join(tmpdir(), 'bench-census-'));
  });
  afterEach(() => rmSync(proc, { recursive: true, force: true }));

  /** Writes (or rewrites) one process; environ undefined: unreadable. */
  const put = (pid: number, p: { ppid?: number; start: number; ticks?: number; argv: string[]; env?: Record<string, string> }) => {
    const dir = join(proc, String(pid));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'stat'), statLine(pid, 'x', p.ppid ?? 1, p.ticks ?? 0, 0, p.start));
    writeFileSync(join(dir, 'cmdline'), `${p.argv.join('\0')}\0`);
    if (p.env) writeFileSync(join(dir, 'environ'), `${Object.entries(p.env).map(([k, v]) => `${k}=${v}`).join('\0')}\0`);
  };
  const gone = (pid: number) => rmSync(join(proc, String(pid)), { recursive: true, force: true });
  const ours = { [CENSUS_ENV]: 'run-1' };

  it("counts this run's processes (marked, or children of counted ones) once each, by kind, with their test file or their parent's", () => {
    const census = new ProcessCensus('run-1', proc);
    put(10, { start: 100, argv: ['node', 'jest-worker/processChild.js'], env: ours });
    put(11, { ppid: 10, start: 101, ticks: 250, argv: ['terraform', 'plan'], env: { ...ours, [TEST_FILE_ENV]: '/p/a.test.ts' } });
    put(12, { ppid: 11, start: 102, ticks: 120, argv: ['.terraform/providers/terraform-provider-aws_v5'], env: ours });
    put(13, { start: 103, argv: ['terraform', 'plan'], env: { [CENSUS_ENV]: 'another-run' } });
    put(14, { start: 104, argv: ['terraform', 'plan'], env: {} });
    put(15, { start: 105, argv: ['terraform', 'plan'] }); // environ unreadable
    put(16, { start: 106, argv: ['bash', '-c', 'terraform init'], env: { ...ours, [TEST_FILE_ENV]: '/p/b.test.ts' } });
    census.sample();
    put(17, { ppid: 11, start: 107, argv: ['terraform', 'version'], env: { TF_IN_AUTOMATION: '1' } }); // an environment of its own
    put(18, { ppid: 13, start: 108, argv: ['terraform', 'version'], env: {} }); // a child of another run's
    put(12, { ppid: 11, start: 102, ticks: 310, argv: ['.terraform/providers/terraform-provider-aws_v5'], env: ours }); // more CPU
    put(16, { start: 106, ticks: 50, argv: ['terraform', 'init'], env: { ...ours, [TEST_FILE_ENV]: '/p/b.test.ts' } }); // bash exec'd terraform
    census.sample();
    gone(11);
    gone(12);
    census.sample();
    const records = census.stop();
    expect(records.map(({ pid, kind, cpu, testFile }) => ({ pid, kind, cpu, testFile }))).toEqual([
      { pid: 10, kind: undefined, cpu: 0, testFile: undefined },
      { pid: 11, kind: 'terraform', cpu: 2.5, testFile: '/p/a.test.ts' },
      { pid: 12, kind: 'provider', cpu: 3.1, testFile: '/p/a.test.ts' },
      { pid: 16, kind: 'terraform', cpu: 0.5, testFile: '/p/b.test.ts' },
      { pid: 17, kind: 'terraform', cpu: 0, testFile: '/p/a.test.ts' },
    ]);
    expect(census.samples).toBe(4);
  });

  it("takes neither the kind nor the missing test file of the parent a child shows before it execs", () => {
    const census = new ProcessCensus('run-1', proc);
    const worker = ['node', 'node_modules/jest-worker/build/workers/processChild.js'];
    put(30, { start: 300, argv: worker, env: ours });
    census.sample();
    put(31, { ppid: 30, start: 301, argv: worker, env: ours }); // forked, not yet exec'd: the worker's own
    census.sample();
    census.sample();
    put(31, { ppid: 30, start: 301, argv: ['terraform', 'validate'], env: { ...ours, [TEST_FILE_ENV]: '/p/a.test.ts' } });
    census.sample();
    put(32, { ppid: 31, start: 302, argv: ['terraform', 'validate'], env: { ...ours, [TEST_FILE_ENV]: '/p/a.test.ts' } }); // terraform forking its provider
    census.sample();
    gone(32);
    const records = census.stop();
    expect(records.map(({ pid, kind, testFile }) => ({ pid, kind, testFile }))).toEqual([
      { pid: 30, kind: undefined, testFile: undefined },
      { pid: 31, kind: 'terraform', testFile: '/p/a.test.ts' },
      { pid: 32, kind: undefined, testFile: '/p/a.test.ts' },
    ]);
  });

  it('counts a reused pid as a new process, and reads a command line again until it is settled', () => {
    const census = new ProcessCensus('run-1', proc);
    // Seen between fork and exec: still the parent's command line, then the command's own.
    put(20, { start: 200, argv: ['node', '--require', './tooling/toolkit/typescript-hook.cjs', 'main.ts'], env: ours });
    census.sample();
    put(20, { start: 200, argv: ['terraform', 'version'], env: ours });
    census.sample();
    census.sample();
    gone(20);
    census.sample();
    put(20, { start: 900, argv: ['terraform', 'apply'], env: ours });
    census.sample();
    expect(tally(census.stop()).starts).toEqual({ provider: 0, terraform: 2, 'cdktf-cli': 0, ts: 0, moto: 0 });
  });
});

describe('the e2e setup file (jest.e2e.config.js setupFilesAfterEnv)', () => {
  const setupFile = '<rootDir>/__tests__/e2e/harness/bench-census-setup.ts';
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
    delete process.env[CENSUS_ENV];
    delete process.env[TEST_FILE_ENV];
  });
  afterEach(() => {
    process.env = saved;
  });
  const runSetupFile = () => jest.isolateModules(() => require('./e2e/harness/bench-census-setup'));

  it('is the e2e suite setup file', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require('../jest.e2e.config.js').setupFilesAfterEnv).toEqual(['<rootDir>/__tests__/support/plain-object-stacks.ts', setupFile]);
  });

  it('does nothing without BENCH_CENSUS', () => {
    const before = { ...process.env };
    runSetupFile();
    expect(process.env).toEqual(before);
    expect(process.env[TEST_FILE_ENV]).toBeUndefined();
  });

  it('names the running test file under the bench', () => {
    process.env[CENSUS_ENV] = 'run-1';
    runSetupFile();
    expect(process.env[TEST_FILE_ENV]).toBe(__filename);
  });

  it('markTestFile sets nothing without BENCH_CENSUS or a test path', () => {
    const env: NodeJS.ProcessEnv = { [CENSUS_ENV]: '' };
    markTestFile(env, '/p/a.test.ts');
    markTestFile({ [CENSUS_ENV]: 'x' }, undefined);
    expect(env).toEqual({ [CENSUS_ENV]: '' });
  });
});

describe('the report', () => {
  const part = (name: string, records: CensusRecord[], extra: Partial<PartResult> = {}): PartResult => ({
    part: name,
    code: 0,
    wall: 10,
    machineCpu: 20,
    gnuTimeCpu: 15,
    records,
    censusCpu: 0.2,
    loadBefore: '0.1 0.1 0.1',
    loadAfter: '1.0 0.5 0.2',
    log: '/tmp/x.log',
    ...extra,
  });
  const project = join(__dirname, '..');

  it('has a row per part with its starts, the total judged against the targets, and the e2e files', () => {
    const results = [
      part('typecheck', [record(undefined, 7)]),
      part('test:e2e', [record('provider', 3, join(project, '__tests__/e2e/a.test.ts')), record('terraform', 1, join(project, '__tests__/e2e/a.test.ts')), record(undefined, 4)], { code: 1, wall: 400, machineCpu: 800 }),
    ];
    const lines = report(results, { allParts: true, allFiles: true, cores: 2 }).split('\n');
    const row = (label: string) => lines.find((line) => line.startsWith(`${label} `))!.trim().split(/\s{2,}/);
    expect(row('typecheck')).toEqual(['typecheck', '0', '10', '20', '7', '15', '0', '0', '0', '0', '0', '0.2', '0.1 0.1 0.1 -> 1.0 0.5 0.2']);
    expect(row('test:e2e')).toEqual(['test:e2e', '1', '400', '800', '8', '15', '1', '1', '0', '0', '0', '0.2', '0.1 0.1 0.1 -> 1.0 0.5 0.2', 'CPU 700 s: OVER']);
    expect(row('npm test')).toEqual(['npm test', '1 failed', '410', '820', '15', '30', '1', '1', '0', '0', '0', '0.4', 'CPU 900 s: met, wall 300 s: OVER']);
    expect(row('__tests__/e2e/a.test.ts')).toEqual(['__tests__/e2e/a.test.ts', '4', '1', '1', '0', '0', '0', '2']);
    expect(row('(no test file: npm, jest and its workers)')).toEqual(['(no test file: npm, jest and its workers)', '4', '0', '0', '0', '0', '0', '1']);
    expect(lines).toContain("machine speed gauge: the AWS provider's CPU per start 3.000 s (1 starts, 3.0 CPU s); the same work in every run of the same suite, so runs whose gauges differ ran on machines of different speed");
  });

  it('gauges the machine by the provider CPU per start over all parts, and says nothing without a provider start', () => {
    const e2e = part('test:e2e', [record('provider', 0.5, undefined, 1), record('provider', 1.3, undefined, 2), record('terraform', 9, undefined, 3)]);
    const integration = part('test:integration', [record('provider', 0.9, undefined, 4), record('ts', 7, undefined, 5)]);
    expect(speedGauge(tally([...e2e.records, ...integration.records]))).toMatch(/CPU per start 0\.900 s \(3 starts, 2\.7 CPU s\)/);
    expect(report([e2e, integration], { allParts: false, allFiles: true, cores: 2 })).toMatch(/^machine speed gauge: .* 0\.900 s \(3 starts/m);
    const quiet = part('typecheck', [record('terraform', 2), record(undefined, 1, undefined, 2)]);
    expect(speedGauge(tally(quiet.records))).toBeUndefined();
    expect(report([quiet], { allParts: false, allFiles: true, cores: 2 })).not.toMatch(/gauge/);
  });

  it('judges nothing of a run of some test files, and a part run whole with --only', () => {
    const e2e = part('test:e2e', [], { machineCpu: 600 });
    expect(report([e2e], { allParts: false, allFiles: false, cores: 2 })).not.toMatch(/met|OVER/);
    expect(report([e2e], { allParts: false, allFiles: false, cores: 2 })).toMatch(/^selected parts .*some test files: not judged$/m);
    expect(report([e2e], { allParts: false, allFiles: true, cores: 2 })).toMatch(/^test:e2e .*CPU 700 s: met$/m);
    expect(report([e2e], { allParts: false, allFiles: true, cores: 2 })).toMatch(/^selected parts .*not all parts: not judged$/m);
  });

  it('pads columns to the widest cell', () => {
    expect(formatTable([['part', 'n', 'note'], ['typecheck', '120', 'x']], [2])).toBe('part         n  note\ntypecheck  120  x');
  });
});
