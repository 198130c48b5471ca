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
 * pay for its resolver and for decoding their inline source maps. That was about 0.9 of the 1.8 CPU
 * seconds of `node --require tsx/cjs main.ts` (docs/performance.md, issue #27's fifth round); this
 * hook touches only `.ts` files. Stack traces still point at the TypeScript lines: source maps are
 * on for this project's files and off while node_modules' files load (node maps only files loaded
 * while they are on).
 *
 * A file that does not compile throws esbuild's "Transform failed with N error(s)" error, which
 * lib/app/load-errors.ts reports with its file and line. Where the cache cannot be written (a
 * read-only checkout), each file is compiled again at every start; nothing else changes.
 */
const Module = require('node:module');
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join, sep } = require('node:path');

const PROJECT_DIR = join(__dirname, '..', '..');
const CACHE_DIR = join(PROJECT_DIR, 'node_modules', '.cache', 'typescript-hook');

/**
 * What every compiled file depends on besides its own source: this hook (its compile options),
 * node's major version (the target), esbuild's version and tsconfig.json.
 */
function compilerIdentity() {
  const esbuildVersion = JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;
  let tsconfig = '';
  try {
    tsconfig = readFileSync(join(PROJECT_DIR, 'tsconfig.json'), 'utf8');
  } catch {
    // No tsconfig.json: esbuild's defaults for the target below.
  }
  const digest = createHash('sha256').update(readFileSync(__filename)).update('\0').update(process.versions.node.split('.')[0]).update('\0').update(esbuildVersion).update('\0').update(tsconfig).digest();
  return { digest, tsconfig };
}

const identity = compilerIdentity();
let esbuild;
let tsconfigRaw;

function compile(source, filename) {
  esbuild ??= require('esbuild');
  if (tsconfigRaw === undefined) {
    try {
      tsconfigRaw = JSON.parse(identity.tsconfig || '{}');
    } catch {
      // A tsconfig.json with comments: esbuild reads none of it (`npm run typecheck` still does).
      tsconfigRaw = {};
    }
  }
  return esbuild.transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: 'inline',
    sourcefile: filename,
    tsconfigRaw,
  }).code;
}

function compiled(source, filename) {
  const digest = createHash('sha256').update(identity.digest).update(source).digest('hex');
  const header = `//typescript-hook ${digest}\n`;
  const cacheFile = join(CACHE_DIR, `${createHash('sha256').update(filename).digest('hex').slice(0, 32)}.js`);
  try {
    const cached = readFileSync(cacheFile, 'utf8');
    if (cached.startsWith(header)) return cached.slice(header.length);
  } catch {
    // Not compiled yet.
  }
  const code = compile(source, filename);
  // Written whole under a temporary name, then renamed: a process reading it meanwhile sees the old
  // file or the new one, never half of one.
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(temporary, header + code);
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

Module._extensions['.js'] = function loadWithoutSourceMaps(module, filename) {
  if (!filename.includes(NODE_MODULES)) return loadJavaScript(module, filename);
  const wasEnabled = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    return loadJavaScript(module, filename);
  } finally {
    process.setSourceMapsEnabled(wasEnabled);
  }
};

Module._extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(compiled(readFileSync(filename, 'utf8'), filename), filename);
};

process.setSourceMapsEnabled(true);
