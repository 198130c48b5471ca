import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TYPESCRIPT_HOOK } from '../../tooling/toolkit/typescript-entry';

/**
 * tooling/toolkit/typescript-hook.cjs, the way node runs every TypeScript entry point of the project
 * (cdktf.json's app, the package.json scripts), run as node runs it: `node --require <hook> file.ts`.
 * Each test works in a project of its own (the hook copied to tooling/toolkit/, esbuild linked into
 * node_modules/), so its cache is that project's node_modules/.cache/typescript-hook and the
 * project's own cache is never touched.
 */
const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

const ESBUILD_DIR = dirname(require.resolve('esbuild/package.json'));

function project(files: Record<string, string>): { root: string; cache: string } {
  const root = mkdtempSync(join(tmpdir(), 'typescript-hook-'));
  roots.push(root);
  mkdirSync(join(root, 'tooling', 'toolkit'), { recursive: true });
  copyFileSync(TYPESCRIPT_HOOK, join(root, 'tooling', 'toolkit', 'typescript-hook.cjs'));
  mkdirSync(join(root, 'node_modules'));
  symlinkSync(ESBUILD_DIR, join(root, 'node_modules', 'esbuild'));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', esModuleInterop: true } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, cache: join(root, 'node_modules', '.cache', 'typescript-hook') };
}

/** node's arguments that run `file` with the project's copy of the hook. */
const hookArgs = (root: string, file: string, ...args: string[]) => ['--require', join(root, 'tooling', 'toolkit', 'typescript-hook.cjs'), file, ...args];

function run(root: string, file: string, ...args: string[]) {
  const result = spawnSync(process.execPath, hookArgs(root, file, ...args), { cwd: root, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw new Error(`node ${file}: ${result.error.message}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const cacheFiles = (cache: string) => readdirSync(cache).sort();

describe('the TypeScript hook (node --require tooling/toolkit/typescript-hook.cjs)', () => {
  test('runs a .ts file that imports another without an extension, and keeps one compiled file per source', () => {
    const { root, cache } = project({
      'main.ts': "import { greet } from './lib/greet';\nconst name: string = 'state';\nconsole.log(greet(name));\n",
      'lib/greet.ts': 'export function greet(who: string): string {\n  return `hello ${who}`;\n}\n',
    });
    expect(run(root, 'main.ts')).toEqual({ code: 0, stdout: 'hello state\n', stderr: '' });
    expect(cacheFiles(cache)).toHaveLength(2);
    expect(run(root, 'main.ts').stdout).toBe('hello state\n');
    expect(cacheFiles(cache)).toHaveLength(2);
  });

  test('uses the compiled file while source, tsconfig.json and esbuild are unchanged, and compiles again when one changes', () => {
    const { root, cache } = project({ 'main.ts': "console.log('from source' as string);\n" });
    expect(run(root, 'main.ts').stdout).toBe('from source\n');
    const [entry] = cacheFiles(cache);
    // Proof that the second start runs the cached file: edit its code (same length) under the same header.
    const cached = readFileSync(join(cache, entry), 'utf8');
    writeFileSync(join(cache, entry), cached.replace('from source', 'from cached'));
    expect(run(root, 'main.ts').stdout).toBe('from cached\n');
    // A changed source is compiled again.
    writeFileSync(join(root, 'main.ts'), "console.log('edited' as string);\n");
    expect(run(root, 'main.ts').stdout).toBe('edited\n');
    // So is an unchanged source under a changed tsconfig.json.
    writeFileSync(join(cache, entry), readFileSync(join(cache, entry), 'utf8').replace('edited', 'cached'));
    expect(run(root, 'main.ts').stdout).toBe('cached\n');
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', strict: true } }));
    expect(run(root, 'main.ts').stdout).toBe('edited\n');
    expect(cacheFiles(cache)).toEqual([entry]);
  });

  test("a copy of the project that shares its node_modules uses the project's compiled files, and its stack traces name the copy's own files", () => {
    const main = ['interface Settings {', '  readonly name: string;', '}', "const settings: Settings = { name: 'copy' };", 'throw new Error(`from ${settings.name}`);', ''].join('\n');
    const { root, cache } = project({ 'main.ts': main, 'lib/other.ts': 'export const other: number = 1;\n' });
    expect(run(root, 'main.ts').stderr).toContain(`${join(root, 'main.ts')}:5:`);
    const entries = cacheFiles(cache);
    // The copy: the same sources and hook, node_modules (and so the cache) through a link, as the tests' project copies.
    const copy = mkdtempSync(join(tmpdir(), 'typescript-hook-copy-'));
    roots.push(copy);
    mkdirSync(join(copy, 'tooling', 'toolkit'), { recursive: true });
    copyFileSync(join(root, 'tooling', 'toolkit', 'typescript-hook.cjs'), join(copy, 'tooling', 'toolkit', 'typescript-hook.cjs'));
    copyFileSync(join(root, 'tsconfig.json'), join(copy, 'tsconfig.json'));
    writeFileSync(join(copy, 'main.ts'), main);
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
    const fromCopy = run(copy, 'main.ts');
    expect(fromCopy.stderr).toContain(`${join(copy, 'main.ts')}:5:`);
    expect(fromCopy.stderr).not.toContain(join(root, 'main.ts'));
    expect(cacheFiles(cache)).toEqual(entries);
    // A copy whose file differs replaces that entry (one file per path in the project, not one per copy).
    writeFileSync(join(copy, 'main.ts'), main.replace("'copy'", "'changed copy'"));
    expect(run(copy, 'main.ts').stderr).toContain('Error: from changed copy');
    expect(cacheFiles(cache)).toEqual(entries);
    expect(run(root, 'main.ts').stderr).toContain('Error: from copy');
  });

  test('a cache file without its header, or cut short after it, is compiled again', () => {
    const { root, cache } = project({ 'main.ts': "console.log('whole' as string);\n" });
    run(root, 'main.ts');
    const [entry] = cacheFiles(cache);
    const whole = readFileSync(join(cache, entry), 'utf8');
    writeFileSync(join(cache, entry), "console.log('half");
    expect(run(root, 'main.ts')).toEqual({ code: 0, stdout: 'whole\n', stderr: '' });
    // A crash mid-write: the header whole, the code after it not.
    writeFileSync(join(cache, entry), whole.slice(0, whole.indexOf('"whole"') + 3));
    expect(run(root, 'main.ts')).toEqual({ code: 0, stdout: 'whole\n', stderr: '' });
    expect(readFileSync(join(cache, entry), 'utf8')).toBe(whole);
  });

  test('a tsconfig.json with comments and trailing commas is read as tsc reads it (strict mode stays on)', () => {
    const probe = "function mode(this: unknown): string {\n  return this === undefined ? 'strict' : 'sloppy';\n}\nconsole.log(mode());\n";
    const { root } = project({ 'main.ts': probe });
    writeFileSync(join(root, 'tsconfig.json'), '{\n  // as tsc allows\n  "compilerOptions": { "strict": true, "module": "commonjs", },\n}\n');
    expect(run(root, 'main.ts').stdout).toBe('strict\n');
    const bare = project({ 'main.ts': probe });
    rmSync(join(bare.root, 'tsconfig.json'));
    expect(run(bare.root, 'main.ts').stdout).toBe('strict\n');
  });

  test("a stack trace points at the TypeScript file's own line; node_modules' files keep their own names", () => {
    const { root } = project({
      // The interface and the comments are gone from the compiled file, so its lines differ.
      'main.ts': [
        "import { fail } from 'mapped-package';",
        'interface Settings {',
        '  readonly name: string;',
        '  readonly region: string;',
        '}',
        '// a comment',
        'function check(settings: Settings): void {',
        "  if (settings.region === '') throw new Error(`no region for ${settings.name}`);",
        '}',
        "if (process.argv[2] === 'package') fail();",
        "check({ name: 'staging', region: '' });",
        '',
      ].join('\n'),
      // A package file whose inline source map claims another source: node must not read it.
      'node_modules/mapped-package/index.js': `exports.fail = () => {\n  throw new Error('from the package');\n};\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(
        JSON.stringify({ version: 3, sources: ['claimed-source.ts'], names: [], mappings: 'AAAA;AACA;AACA' }),
      ).toString('base64')}\n`,
    });
    const own = run(root, 'main.ts');
    expect(own.code).toBe(1);
    expect(own.stderr).toContain('Error: no region for staging');
    expect(own.stderr).toMatch(new RegExp(`at check \\(${join(root, 'main.ts').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:8:\\d+\\)`));
    const result = run(root, 'main.ts', 'package');
    expect(result.stderr).toContain('Error: from the package');
    expect(result.stderr).toContain(join(root, 'node_modules', 'mapped-package', 'index.js:2:'));
    expect(result.stderr).not.toContain('claimed-source.ts');
  });

  test('a .ts file that a node_modules file loads still has its own lines in a stack trace', () => {
    const { root } = project({
      'main.ts': "require('plugin-loader').plugin.run();\n",
      'node_modules/plugin-loader/index.js': "exports.plugin = require(process.cwd() + '/plugin.ts');\n",
      'plugin.ts': "interface Options {\n  readonly name: string;\n}\n// a comment\nexport function run(options?: Options): never {\n  throw new Error(`plugin failed ${options?.name ?? ''}`);\n}\n",
    });
    const result = run(root, 'main.ts');
    expect(result.stderr).toContain('Error: plugin failed');
    expect(result.stderr).toMatch(new RegExp(`at Object\\.run \\(${join(root, 'plugin.ts').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:6:\\d+\\)`));
  });

  test("a file that does not compile throws esbuild's error with its file, line and column", () => {
    const { root, cache } = project({ 'main.ts': "import './broken';\n", 'broken.ts': 'export const x = (;\n' });
    const result = run(root, 'main.ts');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Transform failed with 1 error:');
    expect(result.stderr).toContain(`${join(root, 'broken.ts')}:1:18: ERROR: Unexpected ";"`);
    // Nothing is kept for the broken file: the next start meets the same error.
    expect(cacheFiles(cache)).toHaveLength(1);
  });

  test('where the caches cannot be written, each start compiles again and nothing is left behind', () => {
    const { root } = project({ 'main.ts': "console.log('no cache' as string);\n", 'node_modules/plain/index.js': "exports.word = 'cache';\n" });
    writeFileSync(join(root, 'main.ts'), "console.log('no', require('plain').word as string);\n");
    // A file where the cache directories would go (a read-only checkout has the same effect; root ignores chmod).
    writeFileSync(join(root, 'node_modules', '.cache'), 'not a directory');
    expect(run(root, 'main.ts')).toEqual({ code: 0, stdout: 'no cache\n', stderr: '' });
    expect(run(root, 'main.ts')).toEqual({ code: 0, stdout: 'no cache\n', stderr: '' });
    expect(readdirSync(join(root, 'node_modules')).sort()).toEqual(['.cache', 'esbuild', 'plain']);
    expect(readFileSync(join(root, 'node_modules', '.cache'), 'utf8')).toBe('not a directory');
  });

  test('starts at once with an empty cache all run, and leave one whole compiled file per source', async () => {
    const { root, cache } = project({
      'main.ts': "import { value } from './value';\nconsole.log(value);\n",
      'value.ts': `export const value: number = ${'1 + '.repeat(2000)}1;\n`,
    });
    const starts = Array.from(
      { length: 6 },
      () =>
        new Promise<{ code: number | null; stdout: string }>((resolve) => {
          const child = spawn(process.execPath, hookArgs(root, 'main.ts'), { cwd: root });
          let stdout = '';
          child.stdout.on('data', (chunk) => (stdout += chunk));
          child.on('close', (code) => resolve({ code, stdout }));
        }),
    );
    expect(await Promise.all(starts)).toEqual(Array.from({ length: 6 }, () => ({ code: 0, stdout: '2001\n' })));
    expect(cacheFiles(cache).filter((name) => name.endsWith('.js'))).toHaveLength(2);
    expect(cacheFiles(cache).filter((name) => !name.endsWith('.js'))).toEqual([]);
    expect(run(root, 'main.ts').stdout).toBe('2001\n');
  }, 120_000);
  test("node_modules' CommonJS files run as node runs them, and from V8's code cache on the next start", async () => {
    const { root } = project({
      'main.ts': [
        "const lib = require('cjs-lib');",
        "lib.load().then((esm: { kind: string }) => console.log(JSON.stringify({ ...lib.describe(), required: require('esm-lib').kind, imported: esm.kind })));",
        '',
      ].join('\n'),
      'node_modules/cjs-lib/package.json': JSON.stringify({ name: 'cjs-lib', main: 'index.js' }),
      'node_modules/cjs-lib/index.js': [
        '#!/usr/bin/env node',
        "'use strict';",
        "const path = require('path');",
        'const self = this;',
        'exports.describe = () => ({',
        '  filename: path.basename(__filename),',
        '  dirname: path.basename(__dirname),',
        "  resolved: path.relative(__dirname, require.resolve('./helper')),",
        "  paths: require.resolve.paths('x').includes(path.join(__dirname, 'node_modules')),",
        '  main: require.main === process.mainModule && require.main !== undefined,',
        "  helper: require('./helper').value,",
        "  cached: Object.keys(require.cache).some((key) => key.endsWith('helper.js')),",
        '  thisIsExports: self === module.exports,',
        '});',
        "exports.load = require('./loader').load;",
        '',
      ].join('\n'),
      'node_modules/cjs-lib/helper.js': "exports.value = 'helper';\n",
      // A dynamic import() is node's to compile (vm's loader for it warns on node 20): not cached.
      'node_modules/cjs-lib/loader.js': "exports.load = () => import('esm-lib');\n",
      'node_modules/esm-lib/package.json': JSON.stringify({ name: 'esm-lib', type: 'module', exports: './index.js' }),
      'node_modules/esm-lib/index.js': "export const kind = 'esm';\n",
    });
    const expected = { code: 0, stdout: `${JSON.stringify({ filename: 'index.js', dirname: 'cjs-lib', resolved: 'helper.js', paths: true, main: true, helper: 'helper', cached: true, thisIsExports: true, required: 'esm', imported: 'esm' })}\n`, stderr: '' };
    expect(run(root, 'main.ts')).toEqual(expected);
    const codeCache = join(root, 'node_modules', '.cache', 'typescript-hook-code');
    const [tag] = readdirSync(codeCache);
    const entries = () => readdirSync(join(codeCache, tag)).map((name) => ({ name, inode: statSync(join(codeCache, tag, name)).ino }));
    const first = entries();
    // Each cached file is named for its path and text.
    const key = (file: string) => createHash('sha1').update(join(root, 'node_modules', 'cjs-lib', file)).update('\0').update(readFileSync(join(root, 'node_modules', 'cjs-lib', file))).digest('hex');
    const names = first.map(({ name }) => name);
    expect({ index: names.includes(key('index.js')), helper: names.includes(key('helper.js')), loader: names.includes(key('loader.js')) }).toEqual({ index: true, helper: true, loader: false });
    expect(first.every(({ name }) => /^[0-9a-f]{40}$/.test(name))).toBe(true);
    // The next start takes every file from the cache: a missing or rejected one would be written again (a new file).
    expect(run(root, 'main.ts')).toEqual(expected);
    expect(entries()).toEqual(first);
    // A cache V8 rejects (here: garbage) is compiled as usual and written again.
    const ours = [key('index.js'), key('helper.js')];
    for (const name of ours) writeFileSync(join(codeCache, tag, name), 'not a code cache');
    expect(run(root, 'main.ts')).toEqual(expected);
    expect(entries().map(({ name }) => name).sort()).toEqual(names.sort());
    for (const name of ours) expect({ name, text: readFileSync(join(codeCache, tag, name), 'latin1').slice(0, 16) }).not.toEqual({ name, text: 'not a code cache' });
    // A damaged one (V8 does not check a code cache's bytes; given one, it can crash): its digest no
    // longer matches, so it is compiled as usual and written again.
    const damaged = ours.map((name) => {
      const bytes = Buffer.from(readFileSync(join(codeCache, tag, name)));
      for (let at = 20 + 64; at < bytes.length; at += 7) bytes[at] ^= 0x5a;
      writeFileSync(join(codeCache, tag, name), bytes);
      return bytes;
    });
    expect(run(root, 'main.ts')).toEqual(expected);
    const digestHolds = (bytes: Buffer) => createHash('sha1').update(bytes.subarray(20)).digest().equals(bytes.subarray(0, 20));
    ours.forEach((name, index) => {
      const now = readFileSync(join(codeCache, tag, name));
      expect({ name, rewritten: !now.equals(damaged[index]), digestHolds: digestHolds(now) }).toEqual({ name, rewritten: true, digestHolds: true });
    });
  });

  test("another hook's compile of a node_modules file (pirates, @babel/register, nyc) is left to run", () => {
    const { root } = project({
      'main.ts': "console.log(require('plain').word);\n",
      'node_modules/plain/index.js': "exports.word = 'original';\n",
      // Registered after the project's hook, the way pirates does: its own _compile on the module.
      'other-hook.js': [
        "const Module = require('module');",
        "const previous = Module._extensions['.js'];",
        "Module._extensions['.js'] = function (module, filename) {",
        '  const compile = module._compile;',
        "  module._compile = function (code, file) { return compile.call(this, code.replace('original', 'transformed'), file); };",
        '  try { return previous(module, filename); } finally { delete module._compile; }',
        '};',
        '',
      ].join('\n'),
    });
    const result = spawnSync(process.execPath, [...hookArgs(root, '--require'), join(root, 'other-hook.js'), 'main.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect({ code: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 0, stdout: 'transformed\n', stderr: '' });
  });

  test("a node_modules file that does not parse fails with node's own SyntaxError, naming the file", () => {
    const { root } = project({
      'main.ts': "require('broken-lib');\n",
      'node_modules/broken-lib/index.js': 'exports.x = (;\n',
    });
    const result = run(root, 'main.ts');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${join(root, 'node_modules', 'broken-lib', 'index.js')}:1`);
    expect(result.stderr).toContain('SyntaxError: Unexpected token');
  });
});
