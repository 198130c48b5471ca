/**
 * The import rules of the three layers (README "Project layout"), checked by dependency-cruiser in
 * `npm test` (`npm run lint:architecture`). Paths are relative to the directory the cruise runs in,
 * so the same rules run on the project and on the fixture trees of __tests__/architecture-rules.test.ts.
 * Rule names are what a failure prints; __tests__/architecture-rules.test.ts shows each one fail once.
 */
const { join } = require('node:path');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle means neither file can be read, tested or moved without the other; type-only imports count too.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      comment: 'Engine folders stack in one direction (definitions at the bottom, app at the top), so no lib/ folder leans on one that leans back.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^lib/' },
      to: { path: '^lib/', circular: true },
    },
    {
      name: 'engine-not-tooling',
      comment: 'The engine defines infrastructure; the tooling operates it, so the engine must work without any of it.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^tooling/' },
    },
    {
      name: 'engine-not-blueprint',
      comment: 'The blueprint is handed to the engine as the app definition; the engine never reaches for it by name.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(environments|workloads)/' },
    },
    {
      name: 'blueprint-not-tooling',
      comment: 'What you edit describes infrastructure, not how it is operated (sandbox, bootstrap, doctor, ...).',
      severity: 'error',
      from: { path: '^(environments|workloads)/' },
      to: { path: '^tooling/' },
    },
    {
      name: 'tooling-gets-definition',
      comment: 'Tooling is handed the app definition by its entry point (tooling/bin/, like main.ts), so it runs on any blueprint.',
      severity: 'error',
      from: { path: '^tooling/', pathNot: '^tooling/bin/' },
      to: { path: '^(environments|workloads)/' },
    },
    {
      name: 'toolkit-not-sandbox',
      comment: 'The toolkit is what every tool shares; the sandbox is one tool built on it, so the toolkit never reaches into the sandbox (the sandbox plugs its sessions in: tooling/sandbox/target.ts).',
      severity: 'error',
      from: { path: '^tooling/toolkit/' },
      to: { path: '^tooling/sandbox/' },
    },
    {
      name: 'definitions-at-bottom',
      comment: 'lib/definitions/ holds the types and errors every other part builds on, so it builds on none of them.',
      severity: 'error',
      from: { path: '^lib/definitions/' },
      to: { path: '^lib/', pathNot: '^lib/definitions/' },
    },
    {
      name: 'tests-not-imported',
      comment: 'Code that ships must not depend on tests or their fixtures.',
      severity: 'error',
      from: { pathNot: '^__tests__/' },
      to: { path: '^__tests__/' },
    },
    {
      name: 'agpl-evaluator-in-sandbox',
      comment:
        'The sandbox\'s IAM evaluator (@cloud-copilot/iam-simulate) is AGPL-3.0-or-later, this project MPL-2.0: only the sandbox loads it, never synth, deploys or other tooling (docs/sandbox.md).',
      severity: 'error',
      from: { pathNot: '^tooling/sandbox/' },
      to: { path: ['(^|/)node_modules/@cloud-copilot/', '^tooling/sandbox/(iam|shim)/'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import the cruiser cannot resolve is an edge no rule above can see.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports and that imports nothing is likely dead; entry points and config files are exempt.',
      severity: 'warn',
      from: { orphan: true, pathNot: ['(^|/)\\.[^/]+\\.(js|cjs|mjs|ts)$', '\\.d\\.ts$', '^main\\.ts$', '^tooling/bin/'] },
      to: {},
    },
  ],
  options: {
    // Only the project's own files are checked: packages and node builtins are leaves, never followed.
    doNotFollow: { path: ['(^|/)node_modules/'] },
    // `import type` and type-only re-exports are dependencies too (they couple the files the same way).
    tsPreCompilationDeps: true,
    // Absolute, so a cruise run from a fixture directory resolves with the project's compiler options.
    tsConfig: { fileName: join(__dirname, 'tsconfig.json') },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
