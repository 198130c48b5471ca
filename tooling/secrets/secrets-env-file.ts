import { readRegularFile } from '../../lib/io/read-regular-file';

/**
 * The staging secrets file (`workflows/staging/secrets.env`): `TF_VAR_<name>=value` lines, comments
 * and blank lines, in the dotenv subset below. It is parsed, never sourced, and only `TF_VAR_*` keys
 * are taken: any other key (NODE_OPTIONS, LD_PRELOAD, BASH_ENV, PATH, ...) could run code in every
 * process the workflow starts. Problems name the line and the fix, never a value: a malformed line
 * may well be a pasted token.
 */

export const SECRETS_FILE_LIMIT = 64 * 1024;

const ASSIGNMENT = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/s;
const TERRAFORM_VARIABLE = /^TF_VAR_[A-Za-z_][A-Za-z0-9_-]*$/;
/** Keys shaped like conventional variable names (NODE_OPTIONS) can be named; anything else might be a secret. */
const NAMEABLE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;

export interface SecretsFile {
  /** Values by key, in file order. */
  readonly values: ReadonlyMap<string, string>;
  /** `<file> line <n>: <what is wrong and how to fix it>`, every one. */
  readonly problems: readonly string[];
}

function unquote(raw: string, line: number, problems: string[], at: (line: number) => string): string {
  const value = raw.trim();
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const end = value.indexOf(quote, 1);
    const rest = end < 0 ? '' : value.slice(end + 1).trim();
    if (end < 0) problems.push(`${at(line)}: the quoted value is never closed: end it with ${quote} on the same line`);
    else if (rest !== '' && !rest.startsWith('#')) problems.push(`${at(line)}: has text after the closing ${quote}: put a comment after " #" or quote the whole value`);
    const inner = end < 0 ? '' : value.slice(1, end);
    return quote === '"' ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"') : inner;
  }
  // Unquoted: a " #" starts a comment (dotenv); a value with spaces or # needs quotes.
  return value.replace(/\s+#.*$/, '');
}

export function parseSecretsEnv(file: string, text: string): SecretsFile {
  const problems: string[] = [];
  const values = new Map<string, string>();
  const at = (line: number) => `${file} line ${line}`;
  // A byte order mark (Windows editors) is not part of the first key.
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((content, index) => {
    const line = index + 1;
    const trimmed = content.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = ASSIGNMENT.exec(trimmed);
    if (!match) {
      problems.push(`${at(line)}: is not a KEY=value line (its content is not shown: it may be a secret): write TF_VAR_<name>=<value>, or start it with # to make it a comment`);
      return;
    }
    const key = match[1];
    if (!TERRAFORM_VARIABLE.test(key)) {
      const name = NAMEABLE.test(key) && key.length <= 40 ? `"${key}"` : 'its key';
      problems.push(`${at(line)}: ${name} is not a Terraform variable: only TF_VAR_<name> keys are read from this file (others could change how the tools run); remove the line`);
      return;
    }
    const value = unquote(match[2], line, problems, at);
    if (values.has(key)) problems.push(`${at(line)}: ${key} is set again: keep one line for it`);
    values.set(key, value);
  });
  return { values, problems };
}

/** Reads and parses a secrets file: its values, or the message to print (exit code 1). */
export function loadSecretsEnv(path: string, label = path): { values: ReadonlyMap<string, string> } | { message: string } {
  const read = readRegularFile(path, SECRETS_FILE_LIMIT);
  if ('problem' in read) return { message: `with-secrets: FAILED: ${label} ${read.problem}` };
  const { values, problems } = parseSecretsEnv(label, read.text);
  if (problems.length > 0) {
    return { message: `with-secrets: FAILED: ${label} has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was run:\n${problems.map((p) => `  - ${p}`).join('\n')}` };
  }
  return { values };
}
