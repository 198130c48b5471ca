import { build, type Plugin } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The tooling's entry points (tooling/bin/<script>) compiled once into one file each, for tests that
 * start a command many times to see how it refuses its input (__tests__/integration/hostile-tooling.test.ts).
 *
 * Why: `node --require tsx/cjs tooling/bin/sandbox.ts up` costs about 1.9 s of CPU even when it only
 * refuses its command line, and the compiling is not what it pays for: tsx's cache already holds the
 * project's compiled files. It is tsx's hook on every one of the ~1,800 modules a command loads (each
 * node_modules file read and scanned for ESM syntax, source maps on). The same entry point bundled
 * (the project's own files in one file, packages left to Node's require) costs about 0.75 s.
 *
 * What stays the same as the real command: the code (every project file the entry point imports,
 * compiled by the same esbuild tsx uses), process.argv's script name (the bundle is named like the
 * entry point), the working directory, the environment, the exit code and the output. `__dirname` and
 * `__filename` are each file's own (replaced at bundle time with the source file's path), so the project
 * directory and the files the tooling finds from it are the real ones, and a command that starts
 * itself again under tsx (the doctor) starts the real file. What differs: tsx is not loaded, so a
 * TypeScript file that does not compile is met at bundle time, not while the command loads. The cases
 * about that run in a copy of the project and keep the real command (run-tooling-case.ts projectCopy).
 *
 * The bundles live under the project's node_modules/.cache (git-ignored, where Node's require finds
 * the packages from), in a directory of their own that `cleanup` removes.
 */
export interface ToolingBundles {
  /** The bundle of `tooling/bin/<script>` (or of the entry `name.ts`). */
  readonly path: (script: string) => string;
  readonly cleanup: () => void;
}

const IDENTIFIER = (name: string) => new RegExp(`(?<![\\w$.])${name}(?![\\w$])`, 'g');

/** `__dirname` and `__filename` of each project file, as tsx (CommonJS) gives them. */
const ownPaths = (root: string): Plugin => ({
  name: 'own-dirname',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith(`${root}/`) || args.path.includes('/node_modules/')) return undefined;
      const source = readFileSync(args.path, 'utf8')
        .replace(IDENTIFIER('__dirname'), JSON.stringify(dirname(args.path)))
        .replace(IDENTIFIER('__filename'), JSON.stringify(args.path));
      return { contents: source, loader: 'ts' };
    });
  },
});

export async function buildToolingBundles(root: string, scripts: readonly string[]): Promise<ToolingBundles> {
  return buildBundles(root, Object.fromEntries(scripts.map((script) => [script, join(root, 'tooling', 'bin', script)])));
}

/** The same for any entry files (`name.ts` -> its path), e.g. the hostile synth fixture __tests__/hostile/hostile-main.ts. */
export async function buildBundles(root: string, entries: Readonly<Record<string, string>>): Promise<ToolingBundles> {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'tooling-bundle-'));
  try {
    await build({
      entryPoints: Object.fromEntries(Object.entries(entries).map(([name, path]) => [name.replace(/\.ts$/, ''), path])),
      outdir: dir,
      // Named like the entry point: run-cli.ts labels load errors with process.argv[1]'s name. Node
      // loads a CommonJS file of an unknown extension as JavaScript.
      outExtension: { '.js': '.ts' },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      keepNames: true,
      logLevel: 'silent',
      absWorkingDir: root,
      plugins: [ownPaths(root)],
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { path: (script) => join(dir, script), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
