import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { environValue } from '../toolkit/marked-processes';

/**
 * What `npm run bench:suite` counts while a part of `npm test` runs: the machine's CPU seconds (from
 * /proc/stat, so the sandbox's detached emulator and shim count, which GNU time misses), and the
 * processes the part started, by kind (AWS provider, terraform, cdktf CLI, a TypeScript entry point
 * under node (`ts`: the app or a tool), moto). The
 * census samples /proc every 100 ms and counts each distinct process (pid + start time) whose
 * environment carries the part's mark (`BENCH_CENSUS=<mark>`), or whose parent it counted, so other
 * work on the machine is not counted. Processes living less than one interval can be missed (a
 * `terraform version` of a few milliseconds; an unmarked child of one); a provider start lasts
 * seconds. An e2e test file's processes carry `E2E_TEST_FILE` (set by
 * `__tests__/e2e/harness/bench-census-setup.ts` when `BENCH_CENSUS` is set), or inherit it from the
 * parent the census saw.
 */

/** The environment variable that turns the census on and marks the processes of one run. */
export const CENSUS_ENV = 'BENCH_CENSUS';
/** The environment variable naming the e2e test file a process was started for. */
export const TEST_FILE_ENV = 'E2E_TEST_FILE';
/** Clock ticks per second of /proc/stat and /proc/<pid>/stat (USER_HZ: 100 on every Linux architecture node runs on). */
export const USER_HZ = 100;

/** The kinds counted, in the order bench:suite prints them. */
export const KINDS = ['provider', 'terraform', 'cdktf-cli', 'ts', 'moto'] as const;
export type ProcessKind = (typeof KINDS)[number];

/**
 * Under the bench (`BENCH_CENSUS` set), names the test file in `env` so that every process the
 * test starts with it carries the name; without `BENCH_CENSUS`, does nothing.
 */
export function markTestFile(env: NodeJS.ProcessEnv, testPath: string | undefined): void {
  if (env[CENSUS_ENV] && testPath) env[TEST_FILE_ENV] = testPath;
}

/**
 * The machine's busy CPU seconds since boot from /proc/stat's `cpu` line: user + nice + system + irq
 * + softirq + steal (guest time is already inside user; idle and iowait are not work).
 */
export function machineCpuSeconds(procStat: string): number {
  const line = procStat.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no "cpu " line');
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  if (fields.length < 8 || fields.some((field) => !Number.isSafeInteger(field))) throw new Error(`/proc/stat's cpu line is not 8 or more counters: "${line}"`);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + steal) / USER_HZ;
}

/** What the census reads from /proc/<pid>/stat: parent, CPU seconds so far (utime + stime), start time in ticks since boot (field 22). */
export interface PidStat {
  readonly ppid: number;
  readonly cpu: number;
  readonly start: number;
}

/** Parses /proc/<pid>/stat. The command name (field 2) is in parentheses and may hold spaces and ')'. */
export function parsePidStat(text: string): PidStat {
  const close = text.lastIndexOf(')');
  // Fields from 3 (state) on: field N is at index N - 3.
  const fields = close < 0 ? [] : text.slice(close + 1).trim().split(/\s+/);
  if (fields.length < 20) throw new Error(`not a /proc/<pid>/stat line: "${text.slice(0, 80)}"`);
  return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / USER_HZ, start: Number(fields[19]) };
}


const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh']);
/** What node preloads or runs to start TypeScript: the project's hook, or tsx. */
const TYPESCRIPT_RUNNER = /(^|\/)(typescript-hook\.cjs$|tsx(\/|$))/;

/**
 * The kind of a process by its argument vector (/proc/<pid>/cmdline split at NULs); undefined for
 * what is not counted. A shell is never a start of what it runs (`sh -c "node --require
 * ./tooling/toolkit/typescript-hook.cjs main.ts"` forks the node it names, which is counted), nor is
 * a `grep terraform`. `ts` is node with the project's TypeScript hook, or with tsx (what the project
 * used before issue #27's fifth round).
 */
export function classify(argv: readonly string[]): ProcessKind | undefined {
  if (argv.length === 0) return undefined;
  const program = basename(argv[0]);
  if (SHELLS.has(program)) return undefined;
  if (program.startsWith('terraform-provider-aws')) return 'provider';
  if (program === 'terraform' || program === 'tofu') return 'terraform';
  const line = argv.join(' ');
  if (line.includes('moto_server') || line.includes('moto-launcher.py') || /(^| )moto\.server( |$)/.test(line)) return 'moto';
  if (program === 'node' || program === 'nodejs') {
    const script = argv.slice(1).find((arg) => !arg.startsWith('-') && !TYPESCRIPT_RUNNER.test(arg));
    if (script && (/\/\.bin\/cdktf$/.test(script) || script.includes('/cdktf-cli/') || script.includes('node_modules/cdktf/'))) return 'cdktf-cli';
    if (argv.some((arg) => TYPESCRIPT_RUNNER.test(arg))) return 'ts';
    return undefined;
  }
  if (program === 'tsx') return 'ts';
  return undefined;
}

/** One process the census counted. */
export interface CensusRecord {
  readonly pid: number;
  /** Start time, ticks since boot: with the pid, the process's identity. */
  readonly start: number;
  /**
   * Its kind, from its command line until the same line was read twice in a row (a process seen
   * between fork and exec still shows its parent's, and is not counted as its parent's kind; a shell
   * can exec what it runs under its pid).
   */
  kind: ProcessKind | undefined;
  /** CPU seconds (utime + stime) when last seen. */
  cpu: number;
  /** E2E_TEST_FILE from its environment, or its parent's when the census saw the parent. */
  testFile: string | undefined;
  /** Its command line when last read (arguments joined by spaces), for the record the bench writes. */
  command?: string;
}

export interface Tally {
  readonly starts: Readonly<Record<ProcessKind, number>>;
  /** Sampled CPU seconds of the counted kinds. */
  readonly cpuByKind: Readonly<Record<ProcessKind, number>>;
  /** Sampled CPU seconds of all the records, counted kinds or not (npm, jest, shells, the shim). */
  readonly cpu: number;
  readonly processes: number;
}

const zero = (): Record<ProcessKind, number> => Object.fromEntries(KINDS.map((kind) => [kind, 0])) as Record<ProcessKind, number>;

/** Starts and sampled CPU by kind. */
export function tally(records: Iterable<CensusRecord>): Tally {
  const starts = zero();
  const cpuByKind = zero();
  let cpu = 0;
  let processes = 0;
  for (const record of records) {
    processes += 1;
    cpu += record.cpu;
    if (record.kind) {
      starts[record.kind] += 1;
      cpuByKind[record.kind] += record.cpu;
    }
  }
  return { starts, cpuByKind, cpu, processes };
}

/** One tally per test file (key undefined: processes no test file was named for, e.g. jest and its workers). */
export function tallyByTestFile(records: Iterable<CensusRecord>): Map<string | undefined, Tally> {
  const groups = new Map<string | undefined, CensusRecord[]>();
  for (const record of records) {
    const group = groups.get(record.testFile) ?? [];
    group.push(record);
    groups.set(record.testFile, group);
  }
  return new Map([...groups].map(([file, group]) => [file, tally(group)]));
}

interface Live {
  readonly start: number;
  /** undefined: not of this run, never read again while the pid lives. */
  readonly record: CensusRecord | undefined;
  /** The parent, when the census counted it. */
  readonly parent?: CensusRecord;
  /** The command line last read. */
  cmdline?: string;
  /** Read twice the same, and not the parent's: the process has exec'd what it runs (or never will). */
  settled?: boolean;
}

/**
 * Counts the processes carrying `BENCH_CENSUS=<mark>`, and their children that do not (started with
 * an environment of their own): `sample()` reads /proc once; `start()` does
 * so every `intervalMs` until `stop()`. A process not of this run costs one read of its stat and
 * environ when first seen, then nothing; one of this run a read of its stat per sample (and of its
 * command line and environment until it has exec'd). `selfCpu` is the census's own CPU seconds.
 */
export class ProcessCensus {
  readonly records: CensusRecord[] = [];
  private readonly live = new Map<string, Live>();
  private timer: NodeJS.Timeout | undefined;
  private selfMicros = 0;
  samples = 0;

  constructor(
    private readonly mark: string,
    private readonly procDir = '/proc',
  ) {}

  get selfCpu(): number {
    return this.selfMicros / 1e6;
  }

  start(intervalMs = 100): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** A last sample, then no more. */
  stop(): CensusRecord[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return this.records;
  }

  sample(): void {
    const before = process.cpuUsage();
    this.samples += 1;
    let names: string[];
    try {
      names = readdirSync(this.procDir);
    } catch {
      return;
    }
    const present = new Set<string>();
    for (const name of names) {
      if (!/^[0-9]+$/.test(name)) continue;
      present.add(name);
      const live = this.live.get(name);
      if (live && !live.record) continue;
      const stat = this.read(name, 'stat');
      if (stat === undefined) continue;
      let parsed: PidStat;
      try {
        parsed = parsePidStat(stat);
      } catch {
        continue;
      }
      let entry = live && live.start === parsed.start ? live : undefined;
      if (!entry) {
        // Of this run: marked, or started by a process of this run with an environment of its own
        // (doctor.test.ts runs terraform with three variables). Else, or unreadable, never read again.
        const environ = this.read(name, 'environ');
        const parent = this.live.get(String(parsed.ppid))?.record;
        if (environ === undefined || (environValue(environ, CENSUS_ENV) !== this.mark && !parent)) {
          this.live.set(name, { start: parsed.start, record: undefined });
          continue;
        }
        const record: CensusRecord = { pid: Number(name), start: parsed.start, kind: undefined, cpu: 0, testFile: environValue(environ, TEST_FILE_ENV) || parent?.testFile };
        this.records.push(record);
        entry = { start: parsed.start, record, parent };
        this.live.set(name, entry);
      }
      const record = entry.record!;
      record.cpu = parsed.cpu;
      if (!entry.settled) {
        // Until the process has exec'd, /proc shows its parent's command line and environment (a
        // jest worker's, without the test file; under load for longer than one interval): neither
        // the parent's kind nor its missing test file is this process's.
        const cmdline = this.read(name, 'cmdline');
        if (cmdline) {
          const argv = cmdline.replace(/\0$/, '').split('\0');
          const command = argv.join(' ');
          const forked = command === entry.parent?.command;
          record.kind = forked ? undefined : classify(argv);
          record.command = command;
          entry.settled = cmdline === entry.cmdline && !forked;
          entry.cmdline = cmdline;
          if (!forked) {
            const environ = this.read(name, 'environ');
            const testFile = environ && environValue(environ, TEST_FILE_ENV);
            if (testFile) record.testFile = testFile;
          }
        }
      }
    }
    for (const name of this.live.keys()) if (!present.has(name)) this.live.delete(name);
    const used = process.cpuUsage(before);
    this.selfMicros += used.user + used.system;
  }

  private read(pid: string, file: string): string | undefined {
    try {
      return readFileSync(join(this.procDir, pid, file), 'latin1');
    } catch {
      return undefined; // gone, or not ours to read
    }
  }
}

/** The machine's busy CPU seconds since boot (see machineCpuSeconds). */
export function readMachineCpuSeconds(procDir = '/proc'): number {
  return machineCpuSeconds(readFileSync(join(procDir, 'stat'), 'latin1'));
}
