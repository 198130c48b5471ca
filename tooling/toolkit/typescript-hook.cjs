'use strict';
/**
 * How node runs this project's TypeScript: `node --require ./tooling/toolkit/typescript-hook.cjs
 * main.ts` (cdktf.json's app, the package.json scripts, tooling/toolkit/typescript-entry.ts).
 *
 * Each `.ts` file a command loads is compiled by esbuild (TypeScript's syntax removed, nothing
 * type-checked: `npm run typecheck` does that) and the result kept in node_modules/.cache/, one file
 * per source file, used again while the source, tsconfig.json, esbuild, node's major version and this
 * hook are unchanged.
 *
 * Why not tsx, which did this before: tsx hooks every module node loads, and turns on source maps
 * for all of them, so the ~1,800 modules of cdktf, the AWS provider bindings and the AWS SDK each
 * pay for its resolver and for decoding their inline source maps: 0.6-0.9 CPU s of every start
 * (`main.ts` 1.65 -> 1.07, `doctor.ts --help` 1.65 -> 0.71; docs/performance.md, issue #27's fifth
 * round). This hook touches only `.ts` files. Stack traces still point at the TypeScript lines:
 * source maps are on for this project's files and off while node_modules' files load (node maps only
 * files loaded while they are on).
 *
 * A file that does not compile throws esbuild's "Transform failed with N error(s)" error, which
 * lib/app/load-errors.ts reports with its file and line. Where the cache cannot be written (a
 * read-only checkout), each file is compiled again at every start; nothing else changes.
 *
 * CommonJS only, as before: `require` and static imports of `.ts` files work; a dynamic `import()`
 * of one does not (node's ESM loader does not know `.ts`; tooling/bin/doctor.ts and sandbox.ts load
 * lazily with require). `.mts`, `.cts` and `.tsx` files are not handled; the project has none.
 * esbuild reads tsconfig.json's own compilerOptions and does not follow its `extends` (the project's
 * has none); a tsconfig.json that does not parse fails every compile with esbuild's error naming it.
 */
const Module = require('node:module');
const { createHash, randomBytes } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join, sep } = require('node:path');

const PROJECT_DIR = join(__dirname, '..', '..');
const CACHE_DIR = join(PROJECT_DIR, 'node_modules', '.cache', 'typescript-hook');
/** The compile target; part of every compiled file's identity. */
const NODE_MAJOR = process.versions.node.split('.')[0];

/**
 * What every compiled file depends on besides its own source: this hook (its compile options),
 * node's major version (the target), esbuild's version and tsconfig.json.
 */
function compilerIdentity() {
  const esbuildVersion = JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;
  // esbuild reads tsconfig.json's text itself (comments and trailing commas, as tsc does). Without
  // one, modules stay strict, as tsc compiles them.
  let tsconfig = '{ "compilerOptions": { "alwaysStrict": true } }';
  try {
    tsconfig = readFileSync(join(PROJECT_DIR, 'tsconfig.json'), 'utf8');
  } catch {
    // No tsconfig.json.
  }
  const digest = createHash('sha256').update(readFileSync(__filename)).update('\0').update(NODE_MAJOR).update('\0').update(esbuildVersion).update('\0').update(tsconfig).digest();
  return { digest, tsconfig };
}

const identity = compilerIdentity();
let esbuild;

function compile(source, filename) {
  esbuild ??= require('esbuild');
  return esbuild.transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: `node${NODE_MAJOR}`,
    sourcemap: 'inline',
    sourcefile: filename,
    tsconfigRaw: identity.tsconfig,
  }).code;
}

function compiled(source, filename) {
  // The header: what the file was compiled from, and the length of what follows it (a file cut short
  // by a crash mid-write is compiled again, not run).
  const digest = createHash('sha256').update(identity.digest).update(source).digest('hex');
  const prefix = `//typescript-hook ${digest} `;
  const cacheFile = join(CACHE_DIR, `${createHash('sha256').update(filename).digest('hex').slice(0, 32)}.js`);
  try {
    const cached = readFileSync(cacheFile, 'utf8');
    const end = cached.indexOf('\n');
    if (cached.startsWith(prefix) && end > 0 && Number(cached.slice(prefix.length, end)) === cached.length - end - 1) return cached.slice(end + 1);
  } catch {
    // Not compiled yet.
  }
  const code = compile(source, filename);
  // Written whole under a name of its own, then renamed: a process reading it meanwhile sees the old
  // file or the new one, never half of one.
  const temporary = `${cacheFile}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(temporary, `${prefix}${code.length}\n${code}`);
    renameSync(temporary, cacheFile);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Never written (no directory to write it in).
    }
  }
  return code;
}

const NODE_MODULES = `${sep}node_modules${sep}`;
const loadJavaScript = Module._extensions['.js'];

/** Runs `load` with node's source maps on or off (node maps only files compiled while they are on), then as they were. */
function withSourceMaps(enabled, load) {
  const wasEnabled = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(enabled);
  try {
    return load();
  } finally {
    process.setSourceMapsEnabled(wasEnabled);
  }
}

Module._extensions['.js'] = function loadWithoutSourceMaps(module, filename) {
  if (!filename.includes(NODE_MODULES)) return loadJavaScript(module, filename);
  return withSourceMaps(false, () => loadJavaScript(module, filename));
};

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  // On even while a node_modules file loads this one (a plugin, say), so its stack traces map too.
  withSourceMaps(true, () => module._compile(compiled(readFileSync(filename, 'utf8'), filename), filename));
};

process.setSourceMapsEnabled(true);
