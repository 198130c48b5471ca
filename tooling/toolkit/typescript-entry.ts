import { join } from 'node:path';
import { PROJECT_DIR } from './project-dir';

/**
 * The file node preloads to run this project's TypeScript (`node --require <it> main.ts`), as
 * cdktf.json's app and the package.json scripts do: tooling/toolkit/typescript-hook.cjs.
 */
export const TYPESCRIPT_HOOK = typescriptHookOf(PROJECT_DIR);

/** The hook of the project at `projectDir`: a copy of the project runs its own, as npm's scripts would there. */
export function typescriptHookOf(projectDir: string): string {
  return join(projectDir, 'tooling', 'toolkit', 'typescript-hook.cjs');
}

/** node's arguments that run a TypeScript entry point with `args`, as npm runs the scripts. */
export function typescriptNodeArgs(script: string, ...args: string[]): string[] {
  return ['--require', TYPESCRIPT_HOOK, script, ...args];
}
