/**
 * `npm run bench:suite`: how long `npm test` takes here, part by part, against the suite's targets
 * (issue #18: on an idle 2-core machine, the e2e suite within 180 s and the whole `npm test` within
 * 5 minutes; the brief's hard limit is 10). It runs each script `npm test` chains, in its order, as
 * `npm test` runs it, and prints one row per part: wall seconds, CPU seconds of the processes it
 * waited for (GNU time; the sandbox's detached emulator is not among them), and the load average
 * before and after, so a figure from a busy machine says so. Timed here, never in a test.
 *
 * Every part runs even when one before it fails (its exit code is in its row); the bench's exit code
 * is 1 when a part failed, else 0, whatever the targets say. Each part's output goes to a log file
 * whose path is printed, not to the terminal.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../toolkit/cli-args';
import { runCli } from '../toolkit/run-cli';
import { PROJECT_DIR } from '../sandbox/paths';

const USAGE = `usage: npm run bench:suite
Runs each part of \`npm test\` in turn and prints its wall and CPU seconds against the suite's targets.`;

/** The targets, in seconds (docs/performance.md). */
const TARGETS: Readonly<Record<string, number>> = { 'test:e2e': 180, 'npm test': 300 };
const GNU_TIME = '/usr/bin/time';
const say = (line: string) => process.stderr.write(`${line}\n`);
const load = () => loadavg().map((value) => value.toFixed(1)).join(' ');

/** The scripts `npm test` chains with `&&`, in order (package.json is the one place that says so). */
export function testParts(packageJson: string): string[] {
  const test = (JSON.parse(packageJson) as { scripts: Record<string, string> }).scripts.test;
  return test.split('&&').map((part) => {
    const match = /^\s*npm run ([\w:-]+)\s*$/.exec(part);
    if (!match) throw new Error(`bench:suite reads "npm test" as "npm run <script> && ...", but found "${part.trim()}"`);
    return match[1];
  });
}

interface PartResult {
  readonly part: string;
  readonly code: number | null;
  readonly wall: number;
  readonly cpu: number | undefined;
  readonly loadBefore: string;
  readonly loadAfter: string;
  readonly log: string;
}

function runPart(part: string, logDir: string): PartResult {
  const log = join(logDir, `${part.replace(/:/g, '-')}.log`);
  const timeFile = join(logDir, `${part.replace(/:/g, '-')}.time`);
  const loadBefore = load();
  const started = Date.now();
  say(`bench:suite: npm run ${part} (log: ${log}) ...`);
  const npm = ['npm', 'run', '-s', part];
  const [command, args] = existsSync(GNU_TIME) ? [GNU_TIME, ['-f', '%U %S', '-o', timeFile, ...npm]] : [npm[0], npm.slice(1)];
  const output = openSync(log, 'w');
  const result = spawnSync(command, args, { cwd: PROJECT_DIR, stdio: ['ignore', output, output], env: { ...process.env, FORCE_COLOR: '0' } });
  closeSync(output);
  const wall = (Date.now() - started) / 1000;
  const cpu = existsSync(timeFile)
    ? readFileSync(timeFile, 'utf8')
        .trim()
        .split('\n')
        .pop()!
        .split(' ')
        .map(Number)
        .reduce((sum, value) => sum + value, 0)
    : undefined;
  const code = result.status;
  say(`bench:suite: npm run ${part}: exit ${code}, ${wall.toFixed(0)} s`);
  return { part, code, wall, cpu, loadBefore, loadAfter: load(), log };
}

function row(label: string, wall: number, cpu: number | undefined, extra: string): string {
  const target = TARGETS[label];
  const verdict = target === undefined ? '' : wall <= target ? `within its ${target} s target` : `OVER its ${target} s target`;
  return `${label.padEnd(20)} ${wall.toFixed(0).padStart(6)} s wall ${cpu === undefined ? '     - ' : cpu.toFixed(0).padStart(6)} s CPU  ${extra.padEnd(30)} ${verdict}`;
}

async function main(args: string[]): Promise<number> {
  const parsed = parseArgs({ usage: USAGE, options: {}, positionals: { name: 'argument', min: 0, max: 0 } }, args);
  if (parsed.help) {
    say(USAGE);
    return 0;
  }
  const parts = testParts(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8'));
  const logDir = mkdtempSync(join(tmpdir(), 'bench-suite-'));
  say(`bench:suite: ${cpus().length} cores, load average ${load()}; parts: ${parts.join(', ')}`);
  const results = parts.map((part) => runPart(part, logDir));
  const wall = results.reduce((sum, result) => sum + result.wall, 0);
  const cpu = results.every((result) => result.cpu !== undefined) ? results.reduce((sum, result) => sum + result.cpu!, 0) : undefined;
  process.stdout.write(`\nnpm test, part by part (${cpus().length} cores; load average before -> after)\n`);
  for (const result of results) process.stdout.write(`${row(result.part, result.wall, result.cpu, `exit ${result.code}, load ${result.loadBefore} -> ${result.loadAfter}`)}\n`);
  process.stdout.write(`${row('npm test', wall, cpu, `${results.filter((result) => result.code !== 0).length} part(s) failed`)}\n`);
  if (!existsSync(GNU_TIME)) process.stdout.write('CPU seconds need GNU time at /usr/bin/time (Debian/Ubuntu: apt-get install time).\n');
  process.stdout.write(`logs: ${logDir}\n`);
  return results.every((result) => result.code === 0) ? 0 : 1;
}

if (require.main === module) runCli('bench:suite', main);
