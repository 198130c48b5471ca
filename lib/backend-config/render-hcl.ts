/** HCL for flat backend settings and the one nested block (`workspaces`) the `cloud` block has. */

function hclValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(hclValue).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Nested values that are blocks in Terraform's grammar (the `cloud` block's `workspaces`). Every other
 * object is an object attribute written with `=`: the S3 backend rejects `assume_role { ... }` with
 * "Blocks of type "assume_role" are not expected here".
 */
const BLOCKS = new Set(['workspaces']);

/** `key = value` lines, aligned like `terraform fmt`; object values become nested blocks or `key = { ... }`. */
export function hclBody(attributes: Readonly<Record<string, unknown>>, indent = ''): string[] {
  const entries = Object.entries(attributes).filter(([, value]) => value !== undefined);
  const scalars = entries.filter(([, value]) => typeof value !== 'object' || Array.isArray(value));
  const blocks = entries.filter(([, value]) => typeof value === 'object' && !Array.isArray(value));
  const width = Math.max(0, ...scalars.map(([key]) => key.length));
  return [
    ...scalars.map(([key, value]) => `${indent}${key.padEnd(width)} = ${hclValue(value)}`),
    ...blocks.flatMap(([key, value]) => [
      '',
      `${indent}${key}${BLOCKS.has(key) ? '' : ' ='} {`,
      ...hclBody(value as Record<string, unknown>, `${indent}  `),
      `${indent}}`,
    ]),
  ];
}

/** Lines prefixed with `# ` (blank lines stay `#`). */
export function hclComment(lines: readonly string[]): string[] {
  return lines.map((line) => (line === '' ? '#' : `# ${line}`));
}
