import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A root ("barrel") import of a prebuilt provider package (the package name with no `/lib/...` path):
 * it loads all ~2,100 resource modules (and, when type-checked, their declarations) instead of the
 * few the app uses. Submodule imports (`@cdktf/provider-aws/lib/s3-bucket`) do not match.
 */
const ROOT_IMPORT = /(?:\bfrom\s*|\bimport\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)(['"`])(@cdktf\/provider-[a-z0-9-]+)\1/g;

export interface RootImport {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
}

/** Every root provider import in `source`, with its 1-based line number. */
export function findRootImports(source: string, file: string): RootImport[] {
  const found: RootImport[] = [];
  for (const match of source.matchAll(ROOT_IMPORT)) {
    const line = source.slice(0, match.index).split('\n').length;
    found.push({ file, line, specifier: match[2] });
  }
  return found;
}

const SOURCE_FILE = /\.(?:[cm]?ts|tsx|[cm]?js)$/;
/** Installed, generated or built output: not the project's source. */
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'cdktf.out', 'dist', 'coverage', '.gen']);

/** Project source files under `root` (relative paths), skipping generated output and dot-directories. */
export function projectSourceFiles(root: string, directory = root): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name) && !entry.name.startsWith('.')) files.push(...projectSourceFiles(root, path));
    } else if (SOURCE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      files.push(relative(root, path));
    }
  }
  return files;
}

/** Root provider imports anywhere in the project under `root`. */
export function rootImportsIn(root: string): RootImport[] {
  return projectSourceFiles(root).flatMap((file) => findRootImports(readFileSync(join(root, file), 'utf8'), file));
}
