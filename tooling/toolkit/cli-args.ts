import { accessSync, constants, lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { UserError } from '../../lib/definitions/errors';
import { parseBoolean } from '../../lib/settings/blueprint';

/**
 * The ONE argument and environment parser of every tooling command (tooling/bin/*). It is as strict
 * as the definitions are: an unknown option, an extra argument, a number that is not plain decimal,
 * a boolean the settings table does not know, a path that is an option or not a directory: every
 * problem is collected and the command stops before doing anything, listing them all with its usage.
 */

/** Wrong arguments or environment: the entry point prints the list and the usage, exit 2. */
export class UsageError extends UserError {
  readonly exitCode = 2;
  constructor(readonly problems: readonly string[], usage: string) {
    super(
      problems.length === 1
        ? `${problems[0]}; nothing was done\n${usage}`
        : `${problems.length} problems with the command line; nothing was done:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n${usage}`,
    );
  }
}

/** An option: a flag, one that takes a directory (checked before use), or one that takes a plain value (`example` shows it in messages). */
export type OptionSpec = { readonly kind: 'flag' } | { readonly kind: 'directory' } | { readonly kind: 'value'; readonly example: string };

export interface CommandSpec {
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments: how many, and (when given) the values allowed. */
  readonly positionals: { readonly name: string; readonly min: number; readonly max: number; readonly allowed?: readonly string[] };
}

export interface ParsedArgs {
  readonly flags: ReadonlySet<string>;
  readonly directories: Readonly<Record<string, string>>;
  /** Values of the `value` options given. */
  readonly values: Readonly<Record<string, string>>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/** A directory argument usable as an output directory: not an option, not empty, a directory when it exists. */
export function directoryProblem(option: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return `${option} needs a directory, e.g. ${option} cdktf.out`;
  if (value.startsWith('-')) return `${option} needs a directory, but "${value}" looks like an option: write ${option} ./${value} if you really mean a directory of that name`;
  if (/[\u0000-\u001f]/.test(value)) return `${option}: ${JSON.stringify(value)} contains control characters: pick a plain directory name`;
  return writableDirectoryProblem(option, value);
}

/**
 * Parses `args` against `spec`, with the environment values the command reads (`envValues`): every
 * problem of both at once as a UsageError. `--help`/`-h` is help.
 */
export function parseArgs(spec: CommandSpec, args: readonly string[], envValues: readonly EnvValue<unknown>[] = []): ParsedArgs {
  const problems: string[] = envValues.flatMap((value) => (value.ok ? [] : [value.problem]));
  const flags = new Set<string>();
  const directories: Record<string, string> = {};
  const values: Record<string, string> = {};
  const positionals: string[] = [];
  let help = false;
  const rest = args.filter((arg) => arg !== '--');
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const option = spec.options[name];
    if (option) {
      if (option.kind === 'flag') {
        if (inline !== undefined) problems.push(`${name} takes no value (got "${arg}"): write ${name} alone`);
        else if (flags.has(name)) problems.push(`${name} is given twice`);
        flags.add(name);
      } else if (option.kind === 'value') {
        const value = inline ?? rest[++i];
        if (value === undefined || value === '' || (inline === undefined && value.startsWith('-')) || /[\u0000-\u001f]/.test(value)) problems.push(`${name} needs a value, e.g. ${name} ${option.example}`);
        else if (values[name] !== undefined) problems.push(`${name} is given twice`);
        else values[name] = value;
      } else {
        const value = inline ?? rest[++i];
        const problem = directoryProblem(name, value);
        if (problem) problems.push(problem);
        else if (directories[name] !== undefined) problems.push(`${name} is given twice`);
        else directories[name] = value;
      }
    } else if (arg.startsWith('-')) {
      problems.push(`unknown argument "${arg}": the options are ${Object.keys(spec.options).join(', ') || 'none'}`);
    } else {
      positionals.push(arg);
    }
  }
  const { name, min, max, allowed } = spec.positionals;
  if (!help) {
    if (positionals.length < min) problems.push(`missing ${name}${allowed ? ` (one of ${allowed.join(', ')})` : ''}`);
    if (positionals.length > max) problems.push(`unexpected argument${positionals.length - max > 1 ? 's' : ''} ${positionals.slice(max).map((p) => JSON.stringify(p)).join(' ')}: ${max === 0 ? 'this command takes none' : `at most ${max} ${name}`}`);
    if (allowed) for (const value of positionals.slice(0, max)) if (!allowed.includes(value)) problems.push(`unknown ${name} ${JSON.stringify(value)}: choose from ${allowed.join(', ')}`);
  }
  if (problems.length > 0) throw new UsageError(problems, spec.usage);
  return { flags, directories, values, positionals, help };
}

/** A problem with one environment variable, or its value. */
export type EnvValue<T> = { readonly ok: true; readonly value: T | undefined } | { readonly ok: false; readonly problem: string };

/** A whole decimal number in [min, max]: `0x1F9A`, `8090.0`, `1e4`, ` 8090` and `+8090` are refused. */
export function integerFromEnv(env: NodeJS.ProcessEnv, name: string, range: { min: number; max: number }, fix: string): EnvValue<number> {
  const raw = env[name];
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  const value = /^(0|[1-9][0-9]{0,9})$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < range.min || value > range.max) return { ok: false, problem: `${name}=${JSON.stringify(raw)} is not a whole number from ${range.min} to ${range.max} (plain decimal digits): ${fix}` };
  return { ok: true, value };
}

/** A boolean through the settings table's one parser (true/false, 1/0, yes/no). */
export function booleanFromEnv(env: NodeJS.ProcessEnv, name: string, fix: string): EnvValue<boolean> {
  const raw = env[name];
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  const value = parseBoolean(raw);
  if (value === undefined || raw.trim() !== raw) return { ok: false, problem: `${name}: ${JSON.stringify(raw)} is not a boolean: ${fix}` };
  return { ok: true, value };
}

/** Throws every environment problem at once (a UsageError), or returns the values. */
export function requireEnv<T extends readonly EnvValue<unknown>[]>(usage: string, ...values: T): { [K in keyof T]: T[K] extends EnvValue<infer V> ? V | undefined : never } {
  const problems = values.flatMap((value) => (value.ok ? [] : [value.problem]));
  if (problems.length > 0) throw new UsageError(problems, usage);
  return values.map((value) => (value.ok ? value.value : undefined)) as never;
}

/** Kernel file systems: never a place for the tooling's files (reading /proc/... can spin forever). */
const KERNEL_DIRS = ['/proc', '/sys', '/dev'];

/**
 * A directory the tooling will create files in (SANDBOX_HOME, an output directory): a directory or
 * missing, never under a file, never a dangling symlink, never in a kernel file system, writable.
 */
export function writableDirectoryProblem(label: string, value: string): string | undefined {
  const path = resolve(value);
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    /* missing: checked below */
  }
  if (KERNEL_DIRS.some((dir) => real === dir || real.startsWith(`${dir}${sep}`) || path === dir || path.startsWith(`${dir}${sep}`))) return `${label}: ${value} is in a kernel file system (${KERNEL_DIRS.join(', ')}): pick a directory on disk`;
  let link;
  try {
    link = lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return `${label}: ${value} is under a file, not a directory: pick a directory`;
    if (code !== 'ENOENT') return `${label}: ${value} cannot be used (${code}): pick a directory you can write`;
  }
  if (link) {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return `${label}: ${value} is a symbolic link to nothing: remove it or point it at a directory`;
    }
    if (!stat.isDirectory()) return `${label}: ${value} exists and is not a directory: pick a directory (it is created when missing)`;
  }
  // The nearest existing ancestor (or the directory itself) must be a writable directory.
  let existing = path;
  for (;;) {
    try {
      const stat = statSync(existing);
      if (!stat.isDirectory()) return `${label}: ${value} is under a file (${existing}), not a directory: pick a directory`;
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') {
        existing = dirname(existing);
        continue;
      }
      if (dirname(existing) === existing) break;
      existing = dirname(existing);
    }
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    const where = existing === path ? value : `${existing} (where ${value} would be created)`;
    // A read-only checkout (or mount) is no permission problem: say which it is.
    if ((error as NodeJS.ErrnoException).code === 'EROFS') return `${label}: ${where} is on a read-only file system: pick a directory on a writable disk`;
    return `${label}: ${where} is not writable by you: pick a directory you can write`;
  }
  return undefined;
}

/** An environment variable naming a directory the tooling writes to (see writableDirectoryProblem). */
export function directoryFromEnv(env: NodeJS.ProcessEnv, name: string): EnvValue<string> {
  const raw = env[name];
  if (raw === undefined || raw === '') return { ok: true, value: undefined };
  if (/[\u0000-\u001f]/.test(raw)) return { ok: false, problem: `${name}: ${JSON.stringify(raw)} contains control characters: pick a plain directory name` };
  const problem = writableDirectoryProblem(name, raw);
  return problem ? { ok: false, problem } : { ok: true, value: raw };
}
