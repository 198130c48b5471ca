/**
 * `value` as one POSIX shell word, safe to paste: unchanged when it holds only characters no shell
 * gives a meaning (letters, digits, `_@%+=:,./-`), else single-quoted (a `'` inside as `'\''`). A
 * project under `/home/me/$(touch x)/` printed bare would run `touch x` when its line is pasted.
 */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
