'use strict';
/**
 * How node runs this project's TypeScript: `node --require ./tooling/toolkit/typescript-hook.cjs
 * main.ts` (cdktf.json's app, the package.json scripts, tooling/toolkit/typescript-entry.ts).
 *
 * Each `.ts` file a command loads is compiled by esbuild (TypeScript's syntax removed, nothing
 * type-checked: `npm run typecheck` does that) and the result kept in node_modules/.cache/, one file
 * per source path in the project (a copy of the project that links its node_modules shares them), used
 * again while the source, tsconfig.json, esbuild, node's major version and this hook are unchanged.
 *
 * Why not tsx, which did this before: tsx hooks every module node loads, and turns on source maps
 * for all of them, so the ~1,800 modules of cdktf, the AWS provider bindings and the AWS SDK each
 * pay for its resolver and for decoding their inline source maps: 0.6-0.9 CPU s of every start
 * (`main.ts` 1.65 -> 1.07, `doctor.ts --help` 1.65 -> 0.71; docs/performance.md, issue #27's fifth
 * round). This hook compiles `.ts` files; node_modules' CommonJS files keep node's own loading and
 * only their compile goes through V8's code cache (below). Stack traces still point at the TypeScript
 * lines: source maps are on for this project's files and off while node_modules' files load (node
 * maps only files loaded while they are on).
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
const { basename, dirname, isAbsolute, join, relative, sep } = require('node:path');
const { cachedDataVersionTag } = require('node:v8');
const vm = require('node:vm');

const PROJECT_DIR = join(__dirname, '..', '..');
const CACHE_DIR = join(PROJECT_DIR, 'node_modules', '.cache', 'typescript-hook');
// V8's compiled code of node_modules' files, per V8 version, flags and CPU features (the tag): a
// cache made under other flags would be rejected at every load.
const CODE_CACHE_DIR = join(PROJECT_DIR, 'node_modules', '.cache', 'typescript-hook-code', String(cachedDataVersionTag()));
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
  const options = { loader: 'ts', format: 'cjs', target: `node${NODE_MAJOR}`, sourcemap: 'inline', tsconfigRaw: identity.tsconfig };
  try {
    // The file's own name: its source map resolves it next to the compiled file, wherever that is, so
    // the same source compiles to the same code in a copy of the project.
    return esbuild.transformSync(source, { ...options, sourcefile: basename(filename) }).code;
  } catch {
    // esbuild names the file in its errors as it was given: compiled again under the full path, which
    // throws the same error naming it.
    return esbuild.transformSync(source, { ...options, sourcefile: filename }).code;
  }
}

/**
 * What a source's cache file is named by: its path inside the project, or its absolute path outside
 * it. A copy of the project that shares node_modules (and so this cache) through a link, as the tests
 * make dozens of, uses the project's entries instead of adding one file per copy and source; a copy
 * with a changed file replaces that entry, and the project's next start compiles it again.
 */
function cacheName(filename) {
  const inside = relative(PROJECT_DIR, filename);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? filename : inside;
}

function compiled(source, filename) {
  // The header: what the file was compiled from, and the length of what follows it (a file cut short
  // by a crash mid-write is compiled again, not run).
  const digest = createHash('sha256').update(identity.digest).update(basename(filename)).update('\0').update(source).digest('hex');
  const prefix = `//typescript-hook ${digest} `;
  const cacheFile = join(CACHE_DIR, `${createHash('sha256').update(cacheName(filename)).digest('hex').slice(0, 32)}.js`);
  try {
    const cached = readFileSync(cacheFile, 'utf8');
    const end = cached.indexOf('\n');
    if (cached.startsWith(prefix) && end > 0 && Number(cached.slice(prefix.length, end)) === cached.length - end - 1) return cached.slice(end + 1);
  } catch {
    // Not compiled yet.
  }
  const code = compile(source, filename);
  // Written whole: a process reading it meanwhile sees the old file or the new one, never half of one.
  writeWhole(cacheFile, `${prefix}${code.length}\n${code}`);
  return code;
}

/** Writes `data` to `file` whole (a temporary name, then renamed), or not at all. */
function writeWhole(file, data) {
  const temporary = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, data);
    renameSync(temporary, file);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Never written (no directory to write it in).
    }
  }
}

/**
 * node_modules' CommonJS files compiled with V8's code cache: node 20 has no compile cache of its own
 * (node 22's module.enableCompileCache), and compiling cdktf, the provider bindings and the AWS SDK
 * again is about a fifth of each start (docs/performance.md, issue #27's sixth round). Each file's
 * cache is keyed on its path and text, read before it is compiled and written when the process
 * exits, with the functions it compiled while running, behind a digest of its bytes. What node's own
 * loader decides stays node's: ES modules (require(esm)), files with a dynamic import() and a file V8
 * does not parse as a script go to node's own compile. Differences from node's compile, none of them
 * met by the project's dependencies: columns on a file's first line are 62 more in stack traces (the
 * CommonJS wrapper is on that line), and a CommonJS -> ES module -> same CommonJS cycle returns the
 * partial exports where node throws ERR_REQUIRE_CYCLE_MODULE.
 */
const scriptsToSave = [];
process.once('exit', () => {
  for (const { script, file } of scriptsToSave) {
    try {
      const data = script.createCachedData();
      writeWhole(file, Buffer.concat([createHash('sha1').update(data).digest(), data]));
    } catch {
      // A script V8 cannot cache (asm.js): compiled again next time.
    }
  }
});

/**
 * A cache file's data, when its digest (the first 20 bytes) matches: V8 checks a code cache's
 * version, flags and source length but not its bytes, and a damaged one crashes the process
 * (measured: SIGSEGV) before it could be written again.
 */
function readCodeCache(file) {
  let stored;
  try {
    stored = readFileSync(file);
  } catch {
    return undefined; // Not cached yet.
  }
  const data = stored.subarray(20);
  return stored.length > 20 && createHash('sha1').update(data).digest().equals(stored.subarray(0, 20)) ? data : undefined;
}

/** The `require` node gives a CommonJS module (lib/internal/modules/helpers.js makeRequireFunction). */
function requireFor(module) {
  const require = function require(id) {
    return module.require(id);
  };
  const resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** Node's own compile; a tool that replaces it later (coverage, say) turns the code cache off. */
const nodeCompile = Module.prototype._compile;

/**
 * A dynamic `import()` in a script compiled here would go through vm's main-context loader, which
 * node 20 marks experimental with a warning on stderr: such files (and files that only mention it,
 * in a string or comment) are node's to compile, without the cache.
 */
const DYNAMIC_IMPORT = /\bimport\s*\(/;

function compileWithCodeCache(content, filename, format) {
  if (format === 'module' || DYNAMIC_IMPORT.test(content)) return nodeCompile.call(this, content, filename, format);
  const file = join(CODE_CACHE_DIR, createHash('sha1').update(filename).update('\0').update(content).digest('hex'));
  const cachedData = readCodeCache(file);
  let script;
  try {
    // A hashbang is a comment only at a script's start: '//' keeps the columns.
    const body = content.startsWith('#!') ? `//${content.slice(2)}` : content;
    script = new vm.Script(Module.wrap(body), { filename, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  } catch (error) {
    // Node decides: an ES module's syntax is loaded as one, a real syntax error is reported its way.
    if (error instanceof SyntaxError) return nodeCompile.call(this, content, filename, format);
    throw error;
  }
  if (cachedData === undefined || script.cachedDataRejected) scriptsToSave.push({ script, file });
  const wrapper = script.runInThisContext({ displayErrors: true });
  return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, dirname(filename));
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
  // Node's own loader reads the file and decides its format; only the compile is replaced, for this
  // module, and only where no other hook has replaced it (pirates, @babel/register, nyc set their own
  // on the module, or on Module.prototype).
  const cached = Module.prototype._compile === nodeCompile && !Object.prototype.hasOwnProperty.call(module, '_compile');
  if (cached) module._compile = compileWithCodeCache;
  try {
    return withSourceMaps(false, () => loadJavaScript(module, filename));
  } finally {
    if (cached) delete module._compile;
  }
};

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  // On even while a node_modules file loads this one (a plugin, say), so its stack traces map too.
  withSourceMaps(true, () => module._compile(compiled(readFileSync(filename, 'utf8'), filename), filename));
};

process.setSourceMapsEnabled(true);
