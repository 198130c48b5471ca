import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { processStartTime } from '../../tooling/toolkit/process-lock';
import { join } from 'node:path';

/**
 * Hostile input for the tooling's commands (issue #19), run as real processes by
 * __tests__/integration/hostile-tooling.test.ts (no sandbox needed) and
 * __tests__/e2e/hostile-tooling.test.ts (the few that need one). Each case names the exit code, what
 * the message must say, and what it was before this pass (`before`): the kind of failure a case
 * showed on commit ce854d1, or 'clear' when it was already refused clearly.
 */
export type ToolingArea = 'sandbox CLI' | 'bootstrap' | 'drift' | 'sandbox:deploy/state' | 'doctor CLI' | 'workflows/dev --sandbox' | 'examples' | 'workflows';
export const TOOLING_AREAS: readonly ToolingArea[] = ['sandbox CLI', 'bootstrap', 'drift', 'sandbox:deploy/state', 'doctor CLI', 'workflows/dev --sandbox', 'examples', 'workflows'];

/** How a case went before the fix: refused clearly, or the class of failure. */
export type Before = 'clear' | 'silent' | 'crash' | 'hang' | 'loss' | 'unclear' | 'injection';

export interface ToolingCase {
  readonly id: string;
  readonly area: ToolingArea;
  /** `node --require ./tooling/toolkit/typescript-hook.cjs tooling/bin/<script>` or `bash workflows/dev/<script>`. */
  readonly run: { readonly node: string; readonly args: readonly string[] } | { readonly bash: string; readonly args: readonly string[] };
  /** Prepares the case's own directory (`dir`, SANDBOX_HOME is `dir/home` unless the env says otherwise); returns env additions. */
  readonly setup?: (dir: string) => Record<string, string> | void;
  readonly env?: Record<string, string>;
  /** Run in a copy of the project whose cdktf.json is this text (run-tooling-case.ts projectCopy). */
  readonly cdktfJson?: string;
  /** Run in a copy of the project with these files (path relative to the project: text) replaced. */
  readonly projectFiles?: Readonly<Record<string, string>>;
  readonly code: number;
  /** Text (or pattern) the output must contain: the problem and the fix. */
  readonly says: readonly (string | RegExp)[];
  /** Paths under `dir` the command may change (everything else under `dir` and the project root must not). */
  readonly mayChange?: readonly string[];
  /** Extra checks after the run, on `dir`; returns problems. */
  readonly after?: (dir: string) => string[];
  readonly before: Before;
  /** The issue whose pass added the case: #19's are counted in the area tables, #28's listed one by one. */
  readonly issue?: 28;
  /** The kind of hostile input, for issue #28's table (grouped by it). */
  readonly kind?: string;
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

// --- issue #28: what a user can cause, one case each (docs/hostile-input.md "The tooling, second pass").
const REAL_CDKTF_JSON = readFileSync(join(__dirname, '..', '..', 'cdktf.json'), 'utf8');
const withContext = (context: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(REAL_CDKTF_JSON), context });
const examples = (...args: string[]) => ({ node: 'generate-examples.ts', args });
/** A line that esbuild refuses, put into an environment file of the project copy. */
const brokenEnvironment = (name: string, breakage: (text: string) => string) => ({
  [`environments/${name}.ts`]: breakage(readFileSync(join(__dirname, '..', '..', 'environments', `${name}.ts`), 'utf8')),
});
const STRAY_COMMA = brokenEnvironment('staging', (text) => text.replace('export default defineEnvironment(', 'export default defineEnvironment(,'));
const COMPILE = ['a TypeScript file the command loads does not compile', /environments\/staging\.ts:\d+:\d+: /, 'npm run typecheck'];
const NOT_PARSED = 'the app\'s definitions do not resolve';
/** PATH without terraform (it lives in /usr/local/bin here and in CI's images): node and bash stay. */
const NO_TERRAFORM_PATH = { PATH: '/usr/bin:/bin' };
const TOFU_MISSING = { TERRAFORM_BINARY_NAME: 'tofu' };
const TOFU_SAYS = ['TERRAFORM_BINARY_NAME="tofu" names no executable on the PATH', 'unset TERRAFORM_BINARY_NAME to use terraform', NOTHING_DONE];
const TERRAFORM_SAYS = ['terraform is not on the PATH', 'TERRAFORM_BINARY_NAME=tofu', NOTHING_DONE];

/** Mounts a tmpfs at `dir/home` (root only: these cases need it, as the full-disk test does); `after` unmounts it. */
function tmpfsHome(dir: string, options: string): void {
  mkdirSync(join(dir, 'home'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', join(dir, 'home')]);
}
const unmount = (relative: string) => (dir: string): string[] => {
  execFileSync('umount', [join(dir, relative)]);
  return [];
};
/** TMPDIR inside the case's directory: with-secrets.sh clears dead runs' saved plans in TMPDIR, which must never be the shared one. */
function privateTmp(dir: string): string {
  mkdirSync(join(dir, 'tmp'));
  return join(dir, 'tmp');
}
/** A run directory this sandbox owns (its identity and home), as `sandbox up` leaves it. */
function ownedRunDir(dir: string): string {
  const home = join(dir, 'home');
  mkdirSync(join(home, 'run'), { recursive: true });
  writeFileSync(join(home, 'run', '.sandbox-owner'), JSON.stringify({ id: '6a1c0a4e-2f5b-4c6d-8e7f-0a1b2c3d4e5f', home: realpathSync(home), createdAt: '2026-12-06T00:00:00Z' }));
  return home;
}
/** A live command using the sandbox: this test process itself (alive, with its real start time). */
function liveUser(home: string): void {
  mkdirSync(join(home, 'run', 'users'), { recursive: true });
  const use = { pid: process.pid, startTime: processStartTime(process.pid) ?? '', command: 'npm run sandbox:deploy -- staging', stackDir: join(home, 'run', 'cdktf.out', 'stacks', 'staging'), since: '2026-12-06T20:00:00Z' };
  writeFileSync(join(home, 'run', 'users', `${process.pid}.json`), JSON.stringify(use));
}

const ISSUE_28_CASES: readonly ToolingCase[] = (
  [
    // cdktf.json as the cdktf CLI reads it next (JSON.parse of the file's text)
    { kind: 'cdktf.json the cdktf CLI cannot parse', id: 'cdktf-json-bom', area: 'sandbox:deploy/state', run: stack('deploy', 'staging'), cdktfJson: `\uFEFF${REAL_CDKTF_JSON}`, code: 1, says: [NOT_PARSED, 'cdktf.json: starts with a byte order mark (BOM), which the cdktf CLI cannot parse: save it as UTF-8 without BOM'], before: 'unclear' },
    { kind: 'cdktf.json the cdktf CLI cannot parse', id: 'cdktf-json-bom-doctor', area: 'doctor CLI', run: doctor('staging'), cdktfJson: `\uFEFF${REAL_CDKTF_JSON}`, code: 2, says: ['cdktf.json: starts with a byte order mark (BOM)'], before: 'silent' },
    { kind: 'cdktf.json the cdktf CLI cannot parse', id: 'cdktf-json-comment', area: 'bootstrap', run: bootstrap('--sandbox'), cdktfJson: `// our settings\n${REAL_CDKTF_JSON}`, code: 1, says: ['cdktf.json: is not valid JSON (comments are not allowed in it: JSON has none)', 'fix the file'], before: 'clear' },
    { kind: 'cdktf.json the cdktf CLI cannot parse', id: 'cdktf-json-trailing-comma', area: 'drift', run: drift('--sandbox'), cdktfJson: REAL_CDKTF_JSON.replace(/\n\}\s*$/, ',\n}\n'), code: 1, says: ['cdktf.json: is not valid JSON', 'the cdktf CLI reads it with JSON.parse'], before: 'unclear' },
    { kind: 'cdktf.json the cdktf CLI cannot parse', id: 'cdktf-json-root-array', area: 'sandbox:deploy/state', run: stack('state', 'staging'), cdktfJson: '[]', code: 1, says: [NOT_PARSED, 'cdktf.json: must be a JSON object such as'], before: 'unclear' },
    { kind: 'cdktf.json the cdktf CLI cannot parse', id: 'cdktf-json-language', area: 'sandbox:deploy/state', run: stack('deploy', 'staging'), cdktfJson: REAL_CDKTF_JSON.replace('"typescript"', '"python"'), code: 1, says: ['cdktf.json: "language" is "python"; this app is TypeScript'], before: 'unclear' },
    // a sandbox context value synth refuses, which SANDBOX=1 in the sandbox commands used to hide
    ...(
      [
        ['stack-deploy-sandbox-context-maybe', 'sandbox:deploy/state', stack('deploy', 'staging'), 1, 'maybe'],
        ['stack-state-sandbox-context-list', 'sandbox:deploy/state', stack('state', 'staging'), 1, ['yes']],
        ['bootstrap-sandbox-context-maybe', 'bootstrap', bootstrap('--sandbox'), 1, 'maybe'],
        ['drift-sandbox-context-number', 'drift', drift('--sandbox'), 1, 2],
        ['doctor-sandbox-context-maybe', 'doctor CLI', doctor('--sandbox', 'staging'), 2, 'maybe'],
      ] as const
    ).map(([id, area, run, code, value]) => ({
      kind: 'sandbox context value synth refuses',
      id,
      area,
      run,
      cdktfJson: withContext({ sandbox: value }),
      code,
      says: [`cdktf.json context "sandbox": ${JSON.stringify(value)} is not a boolean, and \`cdktf synth\` refuses it`, 'use true or false'],
      before: 'unclear' as Before,
    })),
    // an environment file that does not compile: file, line, message; no bundler frames
    { kind: 'environment file that does not compile', id: 'env-syntax-sandbox-credentials', area: 'sandbox CLI', run: sandbox('credentials', 'staging'), projectFiles: STRAY_COMMA, code: 1, says: COMPILE, before: 'crash' },
    { kind: 'environment file that does not compile', id: 'env-syntax-stack-state', area: 'sandbox:deploy/state', run: stack('state', 'staging'), projectFiles: STRAY_COMMA, code: 1, says: COMPILE, before: 'crash' },
    { kind: 'environment file that does not compile', id: 'env-syntax-bootstrap', area: 'bootstrap', run: bootstrap('--sandbox'), projectFiles: STRAY_COMMA, code: 1, says: COMPILE, before: 'crash' },
    { kind: 'environment file that does not compile', id: 'env-syntax-drift', area: 'drift', run: drift('--sandbox'), projectFiles: STRAY_COMMA, code: 1, says: COMPILE, before: 'unclear' },
    { kind: 'environment file that does not compile', id: 'env-syntax-examples', area: 'examples', run: examples(), projectFiles: STRAY_COMMA, code: 1, says: COMPILE, before: 'crash' },
    {
      kind: 'environment file that does not compile',
      id: 'env-syntax-unterminated-string',
      area: 'sandbox:deploy/state',
      run: stack('deploy', 'dev'),
      projectFiles: brokenEnvironment('dev', (text) => text.replace("name: 'dev',", "name: 'dev,")),
      code: 1,
      says: ['a TypeScript file the command loads does not compile', /environments\/dev\.ts:\d+:\d+: Unterminated string literal/],
      before: 'crash',
    },
    // the Terraform binary: missing, or TERRAFORM_BINARY_NAME naming one that is not there
    { kind: 'terraform or tofu missing', id: 'stack-state-tofu-missing', area: 'sandbox:deploy/state', run: stack('state', 'staging'), env: TOFU_MISSING, code: 1, says: TOFU_SAYS, before: 'unclear' },
    { kind: 'terraform or tofu missing', id: 'stack-deploy-terraform-missing', area: 'sandbox:deploy/state', run: stack('deploy', 'staging'), env: NO_TERRAFORM_PATH, code: 1, says: TERRAFORM_SAYS, before: 'unclear' },
    { kind: 'terraform or tofu missing', id: 'bootstrap-tofu-missing', area: 'bootstrap', run: bootstrap('--sandbox'), env: TOFU_MISSING, code: 1, says: TOFU_SAYS, before: 'unclear' },
    { kind: 'terraform or tofu missing', id: 'drift-tofu-missing', area: 'drift', run: drift('--sandbox'), env: TOFU_MISSING, code: 1, says: TOFU_SAYS, before: 'unclear' },
    { kind: 'terraform or tofu missing', id: 'drift-binary-path-missing', area: 'drift', run: drift(), env: { TERRAFORM_BINARY_NAME: '/nonexistent/terraform' }, code: 1, says: ['TERRAFORM_BINARY_NAME="/nonexistent/terraform" names no executable'], before: 'unclear' },
    { kind: 'terraform or tofu missing', id: 'examples-tofu-missing', area: 'examples', run: examples(), env: TOFU_MISSING, code: 1, says: TOFU_SAYS, before: 'crash' },
    { kind: 'terraform or tofu missing', id: 'examples-terraform-missing', area: 'examples', run: examples(), env: NO_TERRAFORM_PATH, code: 1, says: TERRAFORM_SAYS, before: 'crash' },
    // read-only checkout, full disk
    { kind: 'read-only checkout, full disk', id: 'examples-extra-argument', area: 'examples', run: examples('now'), code: 2, says: ['unexpected argument "now": this command takes none', NOTHING_DONE], before: 'silent' },
    {
      kind: 'read-only checkout, full disk',
      id: 'examples-read-only-checkout',
      area: 'examples',
      run: examples(),
      projectFiles: {},
      setup: (dir) => {
        // examples/ as committed, then the whole copy read-only (a bind mount remounted ro).
        cpSync(join(__dirname, '..', '..', 'examples'), join(dir, 'project', 'examples'), { recursive: true });
        execFileSync('mount', ['--bind', join(dir, 'project'), join(dir, 'project')]);
        execFileSync('mount', ['-o', 'remount,ro,bind', join(dir, 'project')]);
      },
      code: 1,
      says: ['is on a read-only file system', 'run from a writable checkout'],
      after: unmount('project'),
      before: 'crash',
    },
    {
      kind: 'read-only checkout, full disk',
      id: 'sandbox-up-read-only-home',
      area: 'sandbox CLI',
      run: sandbox('up'),
      setup: (dir) => tmpfsHome(dir, 'size=64k,ro'),
      code: 2,
      says: ['SANDBOX_HOME: ', 'is on a read-only file system: pick a directory on a writable disk', NOTHING_DONE],
      after: unmount('home'),
      before: 'unclear',
    },
    {
      kind: 'read-only checkout, full disk',
      id: 'sandbox-up-full-disk',
      area: 'sandbox CLI',
      run: sandbox('up'),
      setup: (dir) => {
        tmpfsHome(dir, 'size=64k');
        spawnSync('dd', ['if=/dev/zero', `of=${join(dir, 'home', 'fill')}`, 'bs=4k'], { stdio: 'ignore' });
      },
      code: 1,
      says: ['no space left on the disk', 'free space there', 'SANDBOX_HOME moves'],
      mayChange: ['home/up.lock'],
      after: unmount('home'),
      before: 'crash',
    },
    // sandbox down/reset while a command uses the sandbox; --force
    {
      kind: 'down or reset while a command uses the sandbox',
      id: 'sandbox-down-while-deploying',
      area: 'sandbox CLI',
      run: sandbox('down'),
      setup: (dir) => liveUser(ownedRunDir(dir)),
      code: 1,
      says: [`\`npm run sandbox:deploy -- staging\` (pid ${process.pid}`, 'is using the sandbox', 'npm run sandbox -- down --force', NOTHING_DONE],
      before: 'loss',
    },
    {
      kind: 'down or reset while a command uses the sandbox',
      id: 'sandbox-down-force-keeps-errored-state',
      area: 'sandbox CLI',
      run: sandbox('down', '--force'),
      setup: (dir) => {
        const home = ownedRunDir(dir);
        liveUser(home);
        mkdirSync(join(home, 'run', 'cdktf.out', 'stacks', 'dev'), { recursive: true });
        writeFileSync(join(home, 'run', 'cdktf.out', 'stacks', 'dev', 'errored.tfstate'), '{"version": 4}\n');
      },
      code: 0,
      says: ['--force: `npm run sandbox:deploy -- staging`', 'sandbox: kept ', '/kept/', 'dev/errored.tfstate'],
      mayChange: ['home/run', 'home/kept'],
      after: (dir) => {
        const kept = join(dir, 'home', 'kept');
        const found = existsSync(kept) && readdirSync(kept).some((at) => existsSync(join(kept, at, 'dev', 'errored.tfstate')));
        return found ? [] : ['errored.tfstate was not kept under home/kept/'];
      },
      before: 'unclear',
    },
    { kind: 'down or reset while a command uses the sandbox', id: 'sandbox-down-force-twice', area: 'sandbox CLI', run: sandbox('down', '--force', '--force'), code: 2, says: ['--force is given twice'], before: 'clear' },
    { kind: 'down or reset while a command uses the sandbox', id: 'sandbox-reset-force-not-running', area: 'sandbox CLI', run: sandbox('reset', '--force'), code: 1, says: ['the sandbox is not running'], before: 'unclear' },
    { kind: 'down or reset while a command uses the sandbox', id: 'sandbox-status-force', area: 'sandbox CLI', run: sandbox('status', '--force'), code: 2, says: ['unknown argument "--force"'], before: 'clear' },
    { kind: 'down or reset while a command uses the sandbox', id: 'sandbox-up-force', area: 'sandbox CLI', run: sandbox('up', '--force'), code: 2, says: ['unknown argument "--force"', NOTHING_DONE], before: 'clear' },
    // non-interactive runs: no terminal to approve on
    {
      kind: 'no terminal (CI, a pipe)',
      id: 'dev-deploy-no-tty',
      area: 'workflows',
      run: dev('deploy.sh'),
      setup: (dir) => ({ OUTDIR: join(dir, 'out'), TMPDIR: privateTmp(dir), TF_VAR_app_api_token: 'x', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY000000', AWS_SECRET_ACCESS_KEY: 'x' }),
      code: 2,
      says: ['dev: no terminal to approve the plan on (stdin is not a TTY', 'add --auto-approve: workflows/dev/deploy.sh --auto-approve', NOTHING_DONE],
      // Terraform's preflight (`terraform version`) makes its plugin cache under HOME; TMPDIR is the case's own.
      mayChange: ['out', '.terraform.d', 'tmp'],
      before: 'hang',
    },
    {
      kind: 'no terminal (CI, a pipe)',
      id: 'make-staging-destroy-no-tty',
      area: 'workflows',
      run: { bash: '-c', args: ['make --no-print-directory -C workflows/staging destroy OUTDIR="$OUTDIR"'] },
      setup: (dir) => ({ OUTDIR: join(dir, 'out'), TMPDIR: privateTmp(dir), AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY000000', AWS_SECRET_ACCESS_KEY: 'x' }),
      code: 2,
      says: ['staging: no terminal to approve the plan on', 'make -C workflows/staging destroy DESTROY_FLAGS=--auto-approve', NOTHING_DONE],
      // Terraform's preflight (`terraform version`) makes its plugin cache under HOME; TMPDIR is the case's own.
      mayChange: ['out', '.terraform.d', 'tmp'],
      before: 'unclear',
    },
    // secrets on Terraform's failure path: the filter the workflows pipe cdktf through
    { kind: 'state printed on a failed write', id: 'withhold-state-no-directory', area: 'workflows', run: { node: 'withhold-state.ts', args: [] }, code: 2, says: ['usage: COMMAND 2>&1 | node --require ./tooling/toolkit/typescript-hook.cjs tooling/bin/withhold-state.ts DIR'], before: 'crash' },
  ] satisfies (Omit<ToolingCase, 'issue'> & { kind: string })[]
).map((c) => ({ ...c, issue: 28 as const }));

export const TOOLING_CASES: readonly ToolingCase[] = [
  // --- sandbox CLI: commands and arguments
  { id: 'sandbox-unknown-command', area: 'sandbox CLI', run: sandbox('upp'), code: 2, says: ['unknown command "upp": choose from up, down, status', 'usage: npm run sandbox'], before: 'unclear' },
  { id: 'sandbox-up-extra', area: 'sandbox CLI', run: sandbox('up', 'now'), code: 2, says: ['unexpected argument "now": this command takes none', NOTHING_DONE], before: 'silent' },
  // Issue #28 gave down (and reset) a --force: with nothing running there is nothing to force.
  { id: 'sandbox-down-force', area: 'sandbox CLI', run: sandbox('down', '--force'), code: 0, says: ['sandbox: not running'], before: 'silent' },
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
  { id: 'bootstrap-positional', area: 'bootstrap', run: bootstrap('staging'), code: 2, says: ['"staging" is not a CI stack of this app (known: ci-staging, ci-production); nothing was done'], before: 'unclear' },
  { id: 'bootstrap-sandbox-not-boolean', area: 'bootstrap', run: bootstrap(), env: { SANDBOX: 'ture' }, code: 1, says: ['SANDBOX: "ture" is not a boolean'], before: 'clear' },
  { id: 'bootstrap-sandbox-not-running', area: 'bootstrap', run: bootstrap('--sandbox'), code: 1, says: ['the sandbox is not running: start it with `npm run sandbox -- up`'], before: 'clear' },
  {
    id: 'bootstrap-migrated-maybe',
    area: 'bootstrap',
    run: bootstrap('--sandbox'),
    cdktfJson: JSON.stringify({ language: 'typescript', app: 'node --require ./tooling/toolkit/typescript-hook.cjs main.ts', context: { stateBackendMigrated: 'maybe' } }),
    code: 1,
    says: ['cdktf.json context "stateBackendMigrated": "maybe" is not a boolean: use true or false', 'nothing was done'],
    before: 'unclear',
  },
  {
    id: 'bootstrap-migrated-maybe-shadowed',
    area: 'bootstrap',
    run: bootstrap('--sandbox'),
    cdktfJson: JSON.stringify({ language: 'typescript', app: 'node --require ./tooling/toolkit/typescript-hook.cjs main.ts', context: { stateBackendMigrated: 'maybe' } }),
    env: { STATE_BACKEND_MIGRATED: 'false' },
    code: 1,
    says: ['cdktf.json context "stateBackendMigrated": "maybe" is not a boolean: use true or false', 'nothing was done'],
    before: 'unclear',
  },
  {
    id: 'bootstrap-migrated-number',
    area: 'bootstrap',
    run: bootstrap('--sandbox'),
    cdktfJson: JSON.stringify({ language: 'typescript', app: 'node --require ./tooling/toolkit/typescript-hook.cjs main.ts', context: { stateBackendMigrated: 2 } }),
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
  // --- issue #28 (no stack traces, signals, secrets, non-interactive runs): one row each in docs/hostile-input.md
  ...ISSUE_28_CASES,

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
export const E2E_TOOLING_CASES: readonly { readonly id: string; readonly area: ToolingArea; readonly before: Before; readonly file?: string; readonly issue?: 28; readonly kind?: string }[] = [
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
  // Issue #19's pass: issue #28's cases have a table of their own (issue28TableRows).
  const all = [...TOOLING_CASES.filter((c) => c.issue === undefined).map(({ id, area, before }) => ({ id, area, before })), ...E2E_TOOLING_CASES.filter((c) => c.issue === undefined)];
  const of = (area?: ToolingArea) => all.filter((c) => area === undefined || c.area === area);
  const label = (area?: ToolingArea) => area ?? '**all tooling**';
  const count = (area: ToolingArea | undefined, before: Before) => of(area).filter((c) => c.before === before).length;
  const rows = [...TOOLING_AREAS.filter((area) => of(area).length > 0).map((area) => area as ToolingArea | undefined), undefined];
  return {
    after: rows.map((area) => `| ${label(area)} | ${of(area).length} | ${of(area).length} | 0 | 0 | 0 | 0 |`),
    before: rows.map(
      (area) => `| ${label(area)} | ${of(area).length} | ${count(area, 'clear')} | ${count(area, 'silent')} | ${count(area, 'crash')} | ${count(area, 'hang')} | ${count(area, 'loss')} | ${count(area, 'injection')} | ${count(area, 'unclear')} |`,
    ),
  };
}

/** Issue #28's rows of docs/hostile-input.md, grouped by kind: `| case | area | before | after |` (after: refused clearly, measured by the suites). */
export function issue28TableRows(): string[] {
  const cases = [...TOOLING_CASES, ...E2E_TOOLING_CASES].filter((c) => c.issue === 28);
  const kinds = [...new Set(cases.map((c) => c.kind ?? ''))];
  return kinds.flatMap((kind) => cases.filter((c) => (c.kind ?? '') === kind).map((c) => `| ${kind} | \`${c.id}\` | ${c.area} | ${c.before} | clear |`));
}
