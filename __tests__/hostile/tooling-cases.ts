import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Hostile input for the tooling's commands (issue #19), run as real processes by
 * __tests__/integration/hostile-tooling.test.ts (no sandbox needed) and
 * __tests__/e2e/hostile-tooling.test.ts (the few that need one). Each case names the exit code, what
 * the message must say, and what it was before this pass (`before`): the kind of failure a case
 * showed on commit ce854d1, or 'clear' when it was already refused clearly.
 */
export type ToolingArea = 'sandbox CLI' | 'bootstrap' | 'drift' | 'sandbox:deploy/state' | 'doctor CLI' | 'workflows/dev --sandbox';
export const TOOLING_AREAS: readonly ToolingArea[] = ['sandbox CLI', 'bootstrap', 'drift', 'sandbox:deploy/state', 'doctor CLI', 'workflows/dev --sandbox'];

/** How a case went before the fix: refused clearly, or the class of failure. */
export type Before = 'clear' | 'silent' | 'crash' | 'hang' | 'loss' | 'unclear' | 'injection';

export interface ToolingCase {
  readonly id: string;
  readonly area: ToolingArea;
  /** `node --require tsx/cjs tooling/bin/<script>` or `bash workflows/dev/<script>`. */
  readonly run: { readonly node: string; readonly args: readonly string[] } | { readonly bash: string; readonly args: readonly string[] };
  /** Prepares the case's own directory (`dir`, SANDBOX_HOME is `dir/home` unless the env says otherwise); returns env additions. */
  readonly setup?: (dir: string) => Record<string, string> | void;
  readonly env?: Record<string, string>;
  /** Run in a copy of the project whose cdktf.json is this text (run-tooling-case.ts projectCopy). */
  readonly cdktfJson?: string;
  readonly code: number;
  /** Text (or pattern) the output must contain: the problem and the fix. */
  readonly says: readonly (string | RegExp)[];
  /** Paths under `dir` the command may change (everything else under `dir` and the project root must not). */
  readonly mayChange?: readonly string[];
  /** Extra checks after the run, on `dir`; returns problems. */
  readonly after?: (dir: string) => string[];
  readonly before: Before;
}

const sandbox = (...args: string[]) => ({ node: 'sandbox.ts', args });
const bootstrap = (...args: string[]) => ({ node: 'bootstrap.ts', args });
const drift = (...args: string[]) => ({ node: 'drift.ts', args });
const stack = (...args: string[]) => ({ node: 'sandbox-stack.ts', args });
const doctor = (...args: string[]) => ({ node: 'doctor.ts', args });
const dev = (script: string, ...args: string[]) => ({ bash: `workflows/dev/${script}`, args });

const NOTHING_DONE = 'nothing was done';
const UNRELATED_RUN = (dir: string) => {
  mkdirSync(join(dir, 'home', 'run', 'photos'), { recursive: true });
  writeFileSync(join(dir, 'home', 'run', 'photos', 'keep.txt'), 'mine\n');
};
const keptUnrelated = (dir: string) => {
  try {
    require('node:fs').readFileSync(join(dir, 'home', 'run', 'photos', 'keep.txt'));
    return [];
  } catch {
    return ['the unrelated run/photos/keep.txt was deleted'];
  }
};
const portCase = (id: string, value: string, before: Before): ToolingCase => ({
  id,
  area: 'sandbox CLI',
  run: sandbox('up'),
  env: { SANDBOX_PORT: value },
  code: 2,
  says: [`SANDBOX_PORT=${JSON.stringify(value)} is not a whole number from 1 to 65535`, 'unset it to let the sandbox choose a free port', NOTHING_DONE],
  before,
});
const homeCase = (id: string, command: string, home: (dir: string) => string, says: string, before: Before): ToolingCase => ({
  id,
  area: 'sandbox CLI',
  run: sandbox(command),
  setup: (dir) => ({ SANDBOX_HOME: home(dir) }),
  code: 2,
  says: [`SANDBOX_HOME: `, says, NOTHING_DONE],
  before,
});

export const TOOLING_CASES: readonly ToolingCase[] = [
  // --- sandbox CLI: commands and arguments
  { id: 'sandbox-unknown-command', area: 'sandbox CLI', run: sandbox('upp'), code: 2, says: ['unknown command "upp": choose from up, down, status', 'usage: npm run sandbox'], before: 'unclear' },
  { id: 'sandbox-up-extra', area: 'sandbox CLI', run: sandbox('up', 'now'), code: 2, says: ['unexpected argument "now": this command takes none', NOTHING_DONE], before: 'silent' },
  { id: 'sandbox-down-force', area: 'sandbox CLI', run: sandbox('down', '--force'), code: 2, says: ['unknown argument "--force"', NOTHING_DONE], before: 'silent' },
  { id: 'sandbox-status-extra', area: 'sandbox CLI', run: sandbox('status', 'staging'), code: 2, says: ['unexpected argument "staging"'], before: 'silent' },
  { id: 'sandbox-reset-extra', area: 'sandbox CLI', run: sandbox('reset', '--all'), code: 2, says: ['unknown argument "--all"'], before: 'unclear' },
  { id: 'sandbox-install-extra', area: 'sandbox CLI', run: sandbox('install', 'moto'), code: 2, says: ['unexpected argument "moto"'], before: 'silent' },
  { id: 'sandbox-credentials-missing', area: 'sandbox CLI', run: sandbox('credentials'), code: 2, says: ['missing environment name or account ID'], before: 'clear' },
  { id: 'sandbox-credentials-two', area: 'sandbox CLI', run: sandbox('credentials', 'staging', 'production'), code: 2, says: ['unexpected argument "production"'], before: 'clear' },
  { id: 'sandbox-credentials-injection', area: 'sandbox CLI', run: sandbox('credentials', 'x; touch pwned'), code: 1, says: ['unknown environment "x; touch pwned": choose from dev, staging'], before: 'clear' },
  { id: 'sandbox-credentials-subshell', area: 'sandbox CLI', run: sandbox('credentials', '$(touch pwned)'), code: 1, says: ['unknown environment "$(touch pwned)"'], before: 'clear' },
  { id: 'sandbox-credentials-11-digits', area: 'sandbox CLI', run: sandbox('credentials', '22222222222'), code: 1, says: ['or give a 12-digit account ID'], before: 'clear' },
  { id: 'sandbox-credentials-option', area: 'sandbox CLI', run: sandbox('credentials', '--env=staging'), code: 2, says: ['unknown argument "--env=staging"'], before: 'unclear' },
  { id: 'sandbox-credentials-not-running', area: 'sandbox CLI', run: sandbox('credentials', 'staging'), code: 1, says: ['the sandbox is not running: start it with `npm run sandbox -- up`'], before: 'clear' },
  { id: 'sandbox-help', area: 'sandbox CLI', run: sandbox('help'), code: 0, says: ['usage: npm run sandbox', 'npm run sandbox -- credentials staging && . .sandbox/run/credentials/staging.sh'], before: 'clear' },
  // --- sandbox CLI: SANDBOX_PORT, strictly
  portCase('sandbox-port-hex', '0x1F9A', 'silent'),
  portCase('sandbox-port-decimal-point', '8090.0', 'crash'),
  portCase('sandbox-port-exponent', '9e3', 'silent'),
  portCase('sandbox-port-space', ' 8090', 'silent'),
  portCase('sandbox-port-plus', '+8090', 'silent'),
  portCase('sandbox-port-zero', '0', 'clear'),
  portCase('sandbox-port-too-big', '65536', 'clear'),
  portCase('sandbox-port-negative', '-1', 'clear'),
  portCase('sandbox-port-octal', '017', 'silent'),
  {
    id: 'sandbox-every-problem-at-once',
    area: 'sandbox CLI',
    run: sandbox('up', 'now'),
    setup: (dir) => {
      writeFileSync(join(dir, 'file'), '');
      return { SANDBOX_HOME: join(dir, 'file'), SANDBOX_PORT: 'abc' };
    },
    code: 2,
    says: ['3 problems with the command line', 'SANDBOX_HOME: ', 'SANDBOX_PORT="abc"', 'unexpected argument "now"'],
    before: 'crash',
  },
  // --- sandbox CLI: SANDBOX_HOME, checked before use
  homeCase('sandbox-home-file', 'up', (dir) => (writeFileSync(join(dir, 'file'), ''), join(dir, 'file')), 'exists and is not a directory', 'crash'),
  homeCase('sandbox-home-under-file', 'up', (dir) => (writeFileSync(join(dir, 'file'), ''), join(dir, 'file', 'home')), 'is under a file', 'crash'),
  homeCase('sandbox-home-dangling-link', 'up', (dir) => (symlinkSync(join(dir, 'nowhere'), join(dir, 'link')), join(dir, 'link')), 'is a symbolic link to nothing', 'crash'),
  homeCase('sandbox-home-proc', 'up', () => '/proc/self', 'is in a kernel file system', 'crash'),
  homeCase('sandbox-home-dev-null', 'status', () => '/dev/null', 'is in a kernel file system', 'unclear'),
  homeCase('sandbox-home-file-down', 'down', (dir) => (writeFileSync(join(dir, 'file'), ''), join(dir, 'file')), 'exists and is not a directory', 'crash'),
  homeCase('sandbox-home-control-chars', 'status', (dir) => join(dir, 'a\nb'), 'contains control characters', 'silent'),
  // --- sandbox CLI: ownership of run/ and processes
  {
    id: 'sandbox-down-unrelated-run',
    area: 'sandbox CLI',
    run: sandbox('down'),
    setup: UNRELATED_RUN,
    code: 1,
    says: ['exists but was not created by the sandbox (no .sandbox-owner in it)', 'move it away, or set SANDBOX_HOME to another directory'],
    after: keptUnrelated,
    before: 'loss',
  },
  {
    id: 'sandbox-up-unrelated-run',
    area: 'sandbox CLI',
    run: sandbox('up'),
    setup: UNRELATED_RUN,
    code: 1,
    says: ['exists but was not created by the sandbox', 'move it away'],
    after: keptUnrelated,
    before: 'loss',
  },
  { id: 'sandbox-status-unrelated-run', area: 'sandbox CLI', run: sandbox('status'), setup: UNRELATED_RUN, code: 1, says: ['was not created by the sandbox', 'sandbox: not running'], after: keptUnrelated, before: 'clear' },
  {
    id: 'sandbox-down-copied-home',
    area: 'sandbox CLI',
    run: sandbox('down'),
    setup: (dir) => {
      mkdirSync(join(dir, 'home', 'run'), { recursive: true });
      writeFileSync(join(dir, 'home', 'run', '.sandbox-owner'), JSON.stringify({ id: '0f4c6a3e-8f0e-4a53-9a55-1f5b0f2d9c11', home: '/somewhere/else/.sandbox' }));
      writeFileSync(join(dir, 'home', 'run', 'sandbox.json'), JSON.stringify({ pid: process.pid, motoPid: process.pid, endpoint: 'https://127.0.0.1:1' }));
    },
    code: 1,
    says: ['is a copy of the sandbox run directory of /somewhere/else/.sandbox', 'SANDBOX_HOME=/somewhere/else/.sandbox'],
    before: 'loss',
  },
  {
    id: 'sandbox-up-lock-unrelated-pid',
    area: 'sandbox CLI',
    run: sandbox('up'),
    setup: (dir) => {
      UNRELATED_RUN(dir);
      // pid 1 is alive and never a sandbox up: the recorded start time does not match it.
      writeFileSync(join(dir, 'home', 'up.lock'), '1 123\n');
    },
    code: 1,
    says: ['up.lock was left by pid 1, which is gone; removed it', 'was not created by the sandbox'],
    mayChange: ['home/up.lock'],
    after: keptUnrelated,
    before: 'loss',
  },
  {
    id: 'sandbox-up-lock-malformed',
    area: 'sandbox CLI',
    run: sandbox('up'),
    setup: (dir) => {
      UNRELATED_RUN(dir);
      writeFileSync(join(dir, 'home', 'up.lock'), '1\n');
    },
    code: 1,
    says: ['did not name a holder (pid and start time); removed it', 'was not created by the sandbox'],
    mayChange: ['home/up.lock'],
    after: keptUnrelated,
    before: 'hang',
  },
  { id: 'sandbox-down-nothing', area: 'sandbox CLI', run: sandbox('down'), code: 0, says: ['sandbox: not running'], before: 'clear' },

  // --- bootstrap
  { id: 'bootstrap-typo', area: 'bootstrap', run: bootstrap('--sandbx'), code: 2, says: ['bootstrap: unknown argument "--sandbx"', 'usage: npm run bootstrap'], before: 'clear' },
  { id: 'bootstrap-output-is-option', area: 'bootstrap', run: bootstrap('--sandbox', '--output', '--sandbox'), code: 2, says: ['--output needs a directory, but "--sandbox" looks like an option'], before: 'unclear' },
  { id: 'bootstrap-output-missing', area: 'bootstrap', run: bootstrap('--output'), code: 2, says: ['--output needs a directory'], before: 'unclear' },
  { id: 'bootstrap-output-file', area: 'bootstrap', run: bootstrap('--output', 'package.json'), code: 2, says: ['--output: package.json exists and is not a directory'], before: 'unclear' },
  { id: 'bootstrap-output-under-file', area: 'bootstrap', run: bootstrap('--output', 'package.json/out'), code: 2, says: ['is under a file'], before: 'unclear' },
  { id: 'bootstrap-output-proc', area: 'bootstrap', run: bootstrap('--output=/proc/self/out'), code: 2, says: ['is in a kernel file system'], before: 'unclear' },
  { id: 'bootstrap-sandbox-twice', area: 'bootstrap', run: bootstrap('--sandbox', '--sandbox'), code: 2, says: ['--sandbox is given twice'], before: 'unclear' },
  { id: 'bootstrap-sandbox-value', area: 'bootstrap', run: bootstrap('--sandbox=0'), code: 2, says: ['--sandbox takes no value (got "--sandbox=0")'], before: 'unclear' },
  { id: 'bootstrap-positional', area: 'bootstrap', run: bootstrap('staging'), code: 2, says: ['unexpected argument "staging": this command takes none'], before: 'unclear' },
  { id: 'bootstrap-sandbox-not-boolean', area: 'bootstrap', run: bootstrap(), env: { SANDBOX: 'ture' }, code: 1, says: ['SANDBOX: "ture" is not a boolean'], before: 'clear' },
  { id: 'bootstrap-sandbox-not-running', area: 'bootstrap', run: bootstrap('--sandbox'), code: 1, says: ['the sandbox is not running: start it with `npm run sandbox -- up`'], before: 'clear' },
  {
    id: 'bootstrap-migrated-maybe',
    area: 'bootstrap',
    run: bootstrap('--sandbox'),
    cdktfJson: JSON.stringify({ language: 'typescript', app: 'node --require tsx/cjs main.ts', context: { stateBackendMigrated: 'maybe' } }),
    code: 1,
    says: ['cdktf.json context "stateBackendMigrated": "maybe" is not a boolean: use true or false', 'nothing was done'],
    before: 'unclear',
  },
  {
    id: 'bootstrap-migrated-maybe-shadowed',
    area: 'bootstrap',
    run: bootstrap('--sandbox'),
    cdktfJson: JSON.stringify({ language: 'typescript', app: 'node --require tsx/cjs main.ts', context: { stateBackendMigrated: 'maybe' } }),
    env: { STATE_BACKEND_MIGRATED: 'false' },
    code: 1,
    says: ['cdktf.json context "stateBackendMigrated": "maybe" is not a boolean: use true or false', 'nothing was done'],
    before: 'unclear',
  },
  {
    id: 'bootstrap-migrated-number',
    area: 'bootstrap',
    run: bootstrap('--sandbox'),
    cdktfJson: JSON.stringify({ language: 'typescript', app: 'node --require tsx/cjs main.ts', context: { stateBackendMigrated: 2 } }),
    code: 1,
    says: ['cdktf.json context "stateBackendMigrated": 2 is not a boolean: use true or false', 'nothing was done'],
    before: 'unclear',
  },
  { id: 'bootstrap-two-problems', area: 'bootstrap', run: bootstrap('--sandbx', '--output'), code: 2, says: ['2 problems with the command line', 'unknown argument "--sandbx"', '--output needs a directory'], before: 'unclear' },

  // --- drift
  { id: 'drift-unknown-option', area: 'drift', run: drift('--bogus'), code: 2, says: ['unknown argument "--bogus"', 'usage: npm run drift'], before: 'clear' },
  { id: 'drift-output-is-option', area: 'drift', run: drift('--output', '--sandbox'), code: 2, says: ['--output needs a directory, but "--sandbox" looks like an option'], before: 'silent' },
  { id: 'drift-output-missing', area: 'drift', run: drift('--output'), code: 2, says: ['--output needs a directory'], before: 'unclear' },
  { id: 'drift-output-file', area: 'drift', run: drift('--output', 'package.json'), code: 2, says: ['exists and is not a directory'], before: 'unclear' },
  { id: 'drift-stack-twice', area: 'drift', run: drift('staging', 'staging'), code: 2, says: ['stack "staging" is named twice'], before: 'silent' },
  { id: 'drift-skip-synth-value', area: 'drift', run: drift('--skip-synth=1'), code: 2, says: ['--skip-synth takes no value'], before: 'unclear' },
  { id: 'drift-sandbox-not-boolean', area: 'drift', run: drift(), env: { SANDBOX: 'maybe' }, code: 1, says: ['SANDBOX: "maybe" is not a boolean'], before: 'clear' },
  { id: 'drift-sandbox-not-running', area: 'drift', run: drift('--sandbox'), code: 1, says: ['the sandbox is not running'], before: 'clear' },

  // --- sandbox:deploy / sandbox:state
  { id: 'stack-state-extra', area: 'sandbox:deploy/state', run: stack('state', 'staging', '--bogus', 'x'), code: 2, says: ['unknown argument "--bogus"', 'unexpected argument "x"'], before: 'unclear' },
  { id: 'stack-deploy-output', area: 'sandbox:deploy/state', run: stack('deploy', 'dev', '--output', 'cdktf.out'), code: 2, says: ['unknown argument "--output"'], before: 'unclear' },
  { id: 'stack-state-missing', area: 'sandbox:deploy/state', run: stack('state'), code: 2, says: ['missing stack (one of dev, staging, production, state-backend)'], before: 'clear' },
  { id: 'stack-state-typo', area: 'sandbox:deploy/state', run: stack('state', 'stagign'), code: 2, says: ['unknown stack "stagign": choose from dev, staging'], before: 'clear' },
  { id: 'stack-deploy-extra', area: 'sandbox:deploy/state', run: stack('deploy', 'staging', 'production'), code: 2, says: ['unexpected argument "production"'], before: 'unclear' },
  { id: 'stack-unknown-command', area: 'sandbox:deploy/state', run: stack('destroy', 'staging'), code: 2, says: ['unknown command "destroy": deploy or state'], before: 'clear' },
  { id: 'stack-state-not-running', area: 'sandbox:deploy/state', run: stack('state', 'staging'), code: 1, says: ['the sandbox is not running'], before: 'clear' },
  { id: 'stack-deploy-auto-approve', area: 'sandbox:deploy/state', run: stack('deploy', 'staging', '--auto-approve=false'), code: 2, says: ['unknown argument "--auto-approve=false"'], before: 'unclear' },

  // --- doctor
  { id: 'doctor-unknown-option', area: 'doctor CLI', run: doctor('--sandbx'), code: 2, says: ['unknown argument "--sandbx"', 'usage: npm run doctor'], before: 'unclear' },
  { id: 'doctor-verbose', area: 'doctor CLI', run: doctor('-v'), code: 2, says: ['unknown argument "-v"'], before: 'unclear' },
  { id: 'doctor-stack-typo', area: 'doctor CLI', run: doctor('stagign'), code: 2, says: ['unknown stack "stagign": choose from'], before: 'clear' },
  {
    id: 'doctor-ca-bundle-missing',
    area: 'doctor CLI',
    run: doctor('staging'),
    env: { AWS_CA_BUNDLE: '/nonexistent/ca.pem', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY000000', AWS_SECRET_ACCESS_KEY: 'x', AWS_ENDPOINT_URL: 'https://127.0.0.1:9' },
    code: 1,
    says: ['FAIL  caller identity: AWS_CA_BUNDLE names /nonexistent/ca.pem, which does not exist', 'fix: point AWS_CA_BUNDLE'],
    before: 'unclear',
  },
  { id: 'doctor-output', area: 'doctor CLI', run: doctor('--output', 'x'), code: 2, says: ['unknown argument "--output"'], before: 'unclear' },

  // --- workflows/dev --sandbox
  { id: 'dev-deploy-sandbox-not-first', area: 'workflows/dev --sandbox', run: dev('deploy.sh', '--auto-approve', '--sandbox'), env: { TF_VAR_app_api_token: 'x' }, code: 2, says: ['"--sandbox" is only understood as the first argument', NOTHING_DONE], before: 'silent' },
  { id: 'dev-deploy-sandbox-value', area: 'workflows/dev --sandbox', run: dev('deploy.sh', '--sandbox=1'), env: { TF_VAR_app_api_token: 'x' }, code: 2, says: ['"--sandbox=1" is only understood as the first argument'], before: 'silent' },
  { id: 'dev-deploy-sandbox-twice', area: 'workflows/dev --sandbox', run: dev('deploy.sh', '--sandbox', '--sandbox'), code: 2, says: ['"--sandbox" is only understood as the first argument'], before: 'unclear' },
  { id: 'dev-destroy-sandbox-not-first', area: 'workflows/dev --sandbox', run: dev('destroy.sh', '--auto-approve', '--sandbox'), env: { TF_VAR_app_api_token: 'x' }, code: 2, says: ['"--sandbox" is only understood as the first argument'], before: 'silent' },
  { id: 'dev-destroy-sandbox-value', area: 'workflows/dev --sandbox', run: dev('destroy.sh', '--sandbox=yes'), env: { TF_VAR_app_api_token: 'x' }, code: 2, says: ['"--sandbox=yes" is only understood'], before: 'silent' },
  { id: 'dev-deploy-sandbox-not-running', area: 'workflows/dev --sandbox', run: dev('deploy.sh', '--sandbox'), code: 1, says: ['dev: --sandbox needs the local sandbox running: npm run sandbox -- up'], before: 'clear' },

  // --- doctor/waits/safe-output (issue #28 items 1, 3, 5)
  {
    id: 'doctor-credentials-of-gone-sandbox',
    area: 'doctor CLI',
    run: doctor('staging'),
    // A shell that took a sandbox's credentials file, after that sandbox was stopped.
    env: { SANDBOX: '1', SANDBOX_INSTANCE: '0f4c6a3e-8f0e-4a53-9a55-1f5b0f2d9c11', AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY000000', AWS_SECRET_ACCESS_KEY: 'x', AWS_SESSION_TOKEN: 'x' },
    code: 2,
    says: ['SANDBOX_INSTANCE=0f4c6a3e-8f0e-4a53-9a55-1f5b0f2d9c11) belong to a sandbox that is no longer running', 'npm run sandbox -- up', 'npm run sandbox -- credentials <environment>'],
    before: 'unclear',
  },
];

/** The cases that need a running sandbox: __tests__/e2e/hostile-tooling.test.ts (or `file` there), one test each. */
export const E2E_TOOLING_CASES: readonly { readonly id: string; readonly area: ToolingArea; readonly before: Before; readonly file?: string }[] = [
  { id: 'bootstrap-sandbox-adopts-root-state', area: 'bootstrap', before: 'loss' },
  { id: 'bootstrap-twice', area: 'bootstrap', before: 'unclear' },
  { id: 'bootstrap-empty-state', area: 'bootstrap', before: 'unclear' },
  { id: 'bootstrap-migrated-maybe-running-sandbox', area: 'bootstrap', before: 'silent', file: 'bootstrap-refusals.test.ts' },
  { id: 'bootstrap-bucket-of-another-account', area: 'bootstrap', before: 'silent', file: 'bootstrap-refusals.test.ts' },
  { id: 'doctor-wrong-account', area: 'doctor CLI', before: 'silent', file: 'doctor-identity.test.ts' },
  { id: 'doctor-unknown-key-sandbox', area: 'doctor CLI', before: 'silent', file: 'doctor-identity.test.ts' },
  { id: 'doctor-unknown-key', area: 'doctor CLI', before: 'silent', file: '../integration/doctor-identity.test.ts' },
  { id: 'doctor-ca-bundle-missing-sandbox', area: 'doctor CLI', before: 'silent', file: 'doctor-identity.test.ts' },
  { id: 'doctor-tls-untrusted', area: 'doctor CLI', before: 'unclear', file: 'doctor-identity.test.ts' },
  { id: 'doctor-plain-http', area: 'doctor CLI', before: 'unclear', file: 'doctor-identity.test.ts' },
  { id: 'bootstrap-signals-replay', area: 'bootstrap', before: 'unclear', file: 'bootstrap-signals.test.ts' },
  { id: 'drift-frozen-endpoint', area: 'drift', before: 'hang', file: '../integration/drift-frozen-endpoint.test.ts' },
  { id: 'sandbox-credentials-through-npm', area: 'sandbox CLI', before: 'injection' },
  { id: 'sandbox-down-copied-home-live', area: 'sandbox CLI', before: 'loss' },
  { id: 'sandbox-status-damaged-state', area: 'sandbox CLI', before: 'loss' },

  // --- doctor/waits/safe-output (issue #28 items 1, 3, 5)
  { id: 'doctor-sandbox-every-stack-healthy', area: 'doctor CLI', before: 'unclear', file: 'readme-try-it.test.ts' },
  { id: 'sandbox-credentials-path-injection', area: 'sandbox CLI', before: 'injection', file: 'sandbox-health.test.ts' },
  { id: 'sandbox-status-moto-stopped', area: 'sandbox CLI', before: 'silent', file: 'sandbox-health.test.ts' },
  { id: 'sandbox-status-supervisor-stopped', area: 'sandbox CLI', before: 'crash', file: 'sandbox-health.test.ts' },
  { id: 'sandbox-credentials-moto-stopped', area: 'sandbox CLI', before: 'hang', file: 'sandbox-health.test.ts' },
  { id: 'stack-state-moto-stopped', area: 'sandbox:deploy/state', before: 'hang', file: 'sandbox-health.test.ts' },
  { id: 'doctor-sandbox-moto-stopped', area: 'doctor CLI', before: 'hang', file: 'sandbox-health.test.ts' },
  { id: 'stack-deploy-moto-stopped', area: 'sandbox:deploy/state', before: 'hang', file: 'sandbox-health.test.ts' },
  { id: 'synth-credentials-after-reset', area: 'sandbox CLI', before: 'silent', file: 'sandbox-health.test.ts' },
  { id: 'doctor-credentials-after-reset', area: 'doctor CLI', before: 'silent', file: 'sandbox-health.test.ts' },
  { id: 'cdktf-deploy-sandbox-without-credentials', area: 'sandbox CLI', before: 'unclear', file: 'sandbox-health.test.ts' },
];

/** The rows of docs/hostile-input.md's tooling tables: after this pass (every case refused clearly) and before it. */
export function toolingTableRows(): { after: string[]; before: string[] } {
  const all = [...TOOLING_CASES.map(({ id, area, before }) => ({ id, area, before })), ...E2E_TOOLING_CASES];
  const of = (area?: ToolingArea) => all.filter((c) => area === undefined || c.area === area);
  const label = (area?: ToolingArea) => area ?? '**all tooling**';
  const count = (area: ToolingArea | undefined, before: Before) => of(area).filter((c) => c.before === before).length;
  const rows = [...TOOLING_AREAS.map((area) => area as ToolingArea | undefined), undefined];
  return {
    after: rows.map((area) => `| ${label(area)} | ${of(area).length} | ${of(area).length} | 0 | 0 | 0 | 0 |`),
    before: rows.map(
      (area) => `| ${label(area)} | ${of(area).length} | ${count(area, 'clear')} | ${count(area, 'silent')} | ${count(area, 'crash')} | ${count(area, 'hang')} | ${count(area, 'loss')} | ${count(area, 'injection')} | ${count(area, 'unclear')} |`,
    ),
  };
}
