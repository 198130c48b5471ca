import { closeSync, mkdtempSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Keeps Terraform's emergency state dump out of logs. When Terraform can write neither the state nor
 * errored.tfstate (a full disk), it prints the whole state as JSON ("As a fallback, the raw state data
 * is printed above as a JSON object"), secret values included; cdktf passes it on to stdout, where CI
 * logs keep it. This filter recognises that block in a stream of output (a line `{`, optionally after
 * cdktf's `<stack>  ` prefix, followed by `"version": N,` and closed by `}` with the same prefix),
 * hands its text to `onState` instead of passing it on, and puts one line saying so in its place.
 * Every other line passes unchanged; a partial line passes at once unless it could open a state.
 */
export class StateDumpFilter {
  /** The current line so far (no newline yet), and how much of it was already passed on. */
  private partial = '';
  private passed = 0;
  private opener: { readonly line: string; readonly prefix: string } | undefined;
  private held: { readonly prefix: string; readonly lines: string[] } | undefined;

  /** `onState(json)` saves a withheld state and returns the line to show in its place. */
  constructor(private readonly onState: (json: string) => string) {}

  /** Text to pass on for `chunk`. */
  write(chunk: string): string {
    let out = '';
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) {
      if (this.passed > 0) {
        // Its start went out already (it could not open a state, e.g. a prompt): the rest follows.
        out += `${line.slice(this.passed)}\n`;
        this.passed = 0;
      } else {
        out += this.line(line);
      }
    }
    if (this.partial !== '' && !this.held && !this.opener && !couldOpen(this.partial)) {
      out += this.partial.slice(this.passed);
      this.passed = this.partial.length;
    }
    return out;
  }

  /** What is left at the end of the stream: a partial line, an opener; a state cut short stays withheld. */
  end(): string {
    let out = '';
    if (this.opener) out += `${this.opener.line}\n`;
    this.opener = undefined;
    if (this.held) out += this.finish();
    out += this.partial.slice(this.passed);
    this.partial = '';
    this.passed = 0;
    return out;
  }

  private line(line: string): string {
    const plain = stripControl(line);
    if (this.held) {
      this.held.lines.push(plain.startsWith(this.held.prefix) ? plain.slice(this.held.prefix.length) : plain);
      return plain === `${this.held.prefix}}` ? this.finish() : '';
    }
    if (this.opener) {
      const { prefix } = this.opener;
      const rest = plain.startsWith(prefix) ? plain.slice(prefix.length) : undefined;
      if (rest !== undefined && /^\s+"version":\s*\d+,\s*$/.test(rest)) {
        this.held = { prefix, lines: ['{', rest] };
        this.opener = undefined;
        return '';
      }
      const opener = this.opener.line;
      this.opener = undefined;
      return `${opener}\n${this.line(line)}`;
    }
    const match = /^(.{0,80}?)\{\s*$/.exec(plain);
    if (match && !/["{}:=]/.test(match[1])) {
      this.opener = { line, prefix: match[1] };
      return '';
    }
    return `${line}\n`;
  }

  private finish(): string {
    const held = this.held!;
    this.held = undefined;
    return `${held.prefix}${this.onState(held.lines.join('\n'))}\n`;
  }
}

// eslint-disable-next-line no-control-regex
const stripControl = (line: string) => line.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r$/, '');

/** A partial line that might still become `{` (alone, after a short prefix): held until its newline. */
function couldOpen(partial: string): boolean {
  const plain = stripControl(partial);
  return plain.length <= 80 && !/["}:=]/.test(plain) && (plain.trimEnd().endsWith('{') || !plain.includes('{'));
}

/**
 * The usual `onState`: the state goes to a new file with mode 0600 in the first of `dirs` that takes
 * it (the stack directory, where errored.tfstate would have been; a full disk refuses it there too,
 * so a caller may add a fallback, in which a private 0700 directory is made first), and the line in
 * its place says where, or that it could not be saved and why. The state itself is never printed.
 */
export function saveWithheldState(dirs: string | readonly string[], now: () => Date = () => new Date()): (json: string) => string {
  const candidates = typeof dirs === 'string' ? [dirs] : dirs;
  return (json) => {
    const name = `withheld-${now().toISOString().replace(/[:.]/g, '-')}.tfstate`;
    const withheld = 'Terraform printed the whole state here (it could not write it); it holds secret values, so it was withheld from this output';
    const failures: string[] = [];
    for (const [index, dir] of candidates.entries()) {
      let fd: number | undefined;
      let file = join(dir, name);
      try {
        if (index > 0) file = join(mkdtempSync(join(dir, 'withheld-state.')), name);
        fd = openSync(file, 'wx', 0o600);
        writeSync(fd, `${json}\n`);
        return `[${withheld} and saved to ${file} (mode 0600). Once the backend accepts writes again, run \`terraform state push ${file}\` in the stack's directory, then delete the file.]`;
      } catch (error) {
        failures.push(`${(error as NodeJS.ErrnoException).code ?? (error as Error).message} writing ${file}`);
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    }
    return `[${withheld}. It could not be saved either (${failures.join('; ')}): the resources exist but no state records them; free space and import them (terraform import), or destroy them by hand.]`;
  };
}
