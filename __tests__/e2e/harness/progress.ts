/** One line per step on stderr, outside jest's buffered console, so a slow or hung step is visible. */
export function progress(message: string): void {
  process.stderr.write(`[e2e] ${message}\n`);
}
