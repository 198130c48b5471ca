import { relative, resolve } from 'node:path';

/** The project root: file names in messages are shown relative to it. */
const PROJECT_DIR = resolve(__dirname, '..', '..');

/**
 * esbuild's TransformError (tooling/toolkit/typescript-hook.cjs compiles each TypeScript file as it
 * is loaded, e.g. an environment file): "Transform failed with 1 error:\n<file>:<line>:<col>: ERROR:
 * <message>". Returned as `<file>:<line>:<col>: <message>` lines under what to do, without the
 * bundler's frames; undefined for any other error.
 */
export function compileProblem(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name !== 'TransformError' && !/^Transform failed with \d+ errors?:/.test(error.message)) return undefined;
  const lines = error.message
    .split('\n')
    .slice(1)
    .map((line) => line.replace(/^(.+?):(\d+):(\d+): (?:ERROR|error): /, (_all, file: string, at: string, column: string) => `${relative(PROJECT_DIR, file) || file}:${at}:${column}: `))
    .filter((line) => line.trim() !== '');
  return `a TypeScript file the command loads does not compile:\n${lines.map((line) => `  ${line}`).join('\n')}\nfix it (npm run typecheck shows every problem) and run the command again; nothing was done`;
}

/**
 * Imported first by an entry point (main.ts; tooling/toolkit/run-cli.ts): a file that does not
 * compile, met while the entry point's other imports load, is reported as `<label>: <problem>`
 * (exit 1) instead of Node's trace through the bundler. Anything else keeps Node's own report.
 */
export function reportLoadErrors(label: () => string): void {
  process.on('uncaughtException', (error) => {
    const problem = compileProblem(error);
    if (problem === undefined) {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    }
    process.stderr.write(`${label()}: ${problem}\n`);
    process.exit(1);
  });
}
