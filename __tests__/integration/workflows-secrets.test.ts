import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TERRAFORM_BIN } from '../e2e/harness/terraform';
import { filesContaining, PROJECT_DIR, synthesizedForFile, uniqueSecret, WorkflowSandbox } from '../support/workflow-sandbox';

const WITH_SECRETS = join(PROJECT_DIR, 'workflows', 'lib', 'with-secrets.sh');
const PRODUCTION_REF = 'ref+op://platform-production/app-api-token/credential';
const synthesized = synthesizedForFile('workflow-synth-');
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
let sandbox: WorkflowSandbox;
let token: string;

beforeEach(() => {
  sandbox = new WorkflowSandbox();
  sandbox.installTerraform('1.11.4');
  sandbox.installVals();
  sandbox.installCdktf(synthesized);
  token = uniqueSecret('api-token');
});
afterEach(() => sandbox.cleanup());

/** Credentials present, the production reference resolvable to `token`. */
function env(extra: Record<string, string> = {}) {
  return sandbox.baseEnv({
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
    AWS_SECRET_ACCESS_KEY: 'not-a-real-key',
    FAKE_VALS_SECRETS: JSON.stringify({ [PRODUCTION_REF]: token }),
    ...extra,
  });
}

function make(environment: string, target: string, extraEnv: Record<string, string> = {}, vars: string[] = []) {
  // No terminal here: deploy and destroy need --auto-approve (workflows/lib/require-approval.sh), as in CI.
  const approve = ['DEPLOY_FLAGS=--auto-approve', 'DESTROY_FLAGS=--auto-approve'];
  const result = sandbox.run('make', ['--no-print-directory', '-C', `workflows/${environment}`, target, `OUTDIR=${sandbox.outdir}`, ...approve, ...vars], env(extraEnv));
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/** The secret must be nowhere on disk that the run could have written to, nor in its output. */
function expectNoSecretLeft(output: string) {
  expect(output).not.toContain(token);
  expect(filesContaining(sandbox.root, token)).toEqual([]);
  expect(filesContaining(join(PROJECT_DIR, 'workflows'), token)).toEqual([]);
}

describe('production workflow: vals references resolved at deploy time, nothing secret left behind', () => {
  const plan = () => join(sandbox.outdir, 'stacks', 'production', 'plan');

  it('deploy: checks, synthesizes, hands the resolved token to cdktf and removes the saved plan', () => {
    const { status, out } = make('production', 'deploy');
    expect(status).toBe(0);
    expect(out).toContain('preflight: vals:');
    expect(out).toContain('preflight: terraform 1.11.4 satisfies >= 1.7.2, != 1.15.0, != 1.15.1');
    expect(out).toContain(`token-sha256=${sha256(token)}`);
    expect(sandbox.cdktfCalls()).toEqual(['synth', 'deploy production']);
    expect(out).toContain('removed');
    expect(existsSync(plan())).toBe(false);
    expectNoSecretLeft(out);
  });

  it('a failing deploy still removes the saved plan, and the failure propagates', () => {
    const { status, out } = make('production', 'deploy', { FAKE_CDKTF_EXIT: '3' });
    expect(status).not.toBe(0);
    expect(out).toContain('exit status 3'); // vals reports the command's status, then exits 1
    expect(out).toContain(`token-sha256=${sha256(token)}`); // the command did run and write its plan
    expect(existsSync(plan())).toBe(false);
    expectNoSecretLeft(out);
  });

  it('plan: the saved plan cdktf diff leaves is removed', () => {
    const { status, out } = make('production', 'plan');
    expect(status).toBe(0);
    expect(sandbox.cdktfCalls()).toEqual(['synth', 'diff production']);
    expect(existsSync(plan())).toBe(false);
    expectNoSecretLeft(out);
  });

  it('an unresolvable reference stops before cdktf deploys anything', () => {
    const { status, out } = make('production', 'deploy', { FAKE_VALS_SECRETS: '{}' });
    expect(status).not.toBe(0);
    expect(out).toContain('expand op://platform-production/app-api-token/credential');
    expect(sandbox.cdktfCalls()).toEqual(['synth']);
  });

  it('stops before synthesizing when vals is missing', () => {
    rmSync(join(sandbox.bin, 'vals'));
    const { status, out } = make('production', 'deploy');
    expect(status).not.toBe(0);
    expect(out).toContain('preflight: FAILED: vals not found on PATH');
    expect(sandbox.cdktfCalls()).toEqual([]);
  });

  it('make check takes the version floor from each stack: terraform 1.9 passes production, stops staging', () => {
    sandbox.installTerraform('1.9.0');
    expect(make('production', 'check').status).toBe(0);
    const staging = make('staging', 'check');
    expect(staging.status).not.toBe(0);
    expect(staging.out).toContain('terraform 1.9.0 is too old for staging: its backend needs >= 1.10.2');
  });

  it('secrets-check reports each reference as resolved without printing its value', () => {
    const { status, out } = make('production', 'secrets-check');
    expect(status).toBe(0);
    expect(out).toContain('TF_VAR_app_api_token: resolved');
    expectNoSecretLeft(out);
    expect(make('production', 'secrets-check', { FAKE_VALS_SECRETS: JSON.stringify({ [PRODUCTION_REF]: '' }) }).status).not.toBe(0);
  });

  it('destroy needs CONFIRM=production before anything runs', () => {
    const refused = make('production', 'destroy');
    expect(refused.status).not.toBe(0);
    expect(refused.out).toContain('make destroy CONFIRM=production');
    expect(sandbox.cdktfCalls()).toEqual([]);
    expect(make('production', 'destroy', {}, ['CONFIRM=production']).status).toBe(0);
    expect(sandbox.cdktfCalls()).toEqual(['synth', 'destroy production']);
  });

  it('unlock needs a LOCK_ID', () => {
    const { status, out } = make('production', 'unlock');
    expect(status).not.toBe(0);
    expect(out).toContain('make unlock LOCK_ID=<id>');
  });
});

describe('staging workflow: a git-ignored secrets.env', () => {
  const secretsFile = () => join(sandbox.root, 'secrets.env');

  it('passes the values to cdktf and removes the saved plan', () => {
    writeFileSync(secretsFile(), `# comment\nTF_VAR_app_api_token="${token}"\n`, { mode: 0o600 });
    const { status, out } = make('staging', 'plan', {}, [`SECRETS_FILE=${secretsFile()}`]);
    expect(status).toBe(0);
    expect(out).toContain('loaded 1 variable(s)');
    expect(out).toContain(`token-sha256=${sha256(token)}`);
    expect(existsSync(join(sandbox.outdir, 'stacks', 'staging', 'plan'))).toBe(false);
    expect(out).not.toContain(token);
  });

  it('keeps the exact exit code of a failing deploy', () => {
    sandbox.run(join(sandbox.bin, 'cdktf'), ['synth', '--output', sandbox.outdir], env());
    writeFileSync(secretsFile(), `TF_VAR_app_api_token=${token}\n`, { mode: 0o600 });
    const result = sandbox.run(
      WITH_SECRETS,
      ['--stack-dir', join(sandbox.outdir, 'stacks', 'staging'), '--env-file', secretsFile(), '--', join(sandbox.bin, 'cdktf'), 'deploy', 'staging', '--output', sandbox.outdir],
      env({ FAKE_CDKTF_EXIT: '3' }),
    );
    expect(result.status).toBe(3);
    expect(existsSync(join(sandbox.outdir, 'stacks', 'staging', 'plan'))).toBe(false);
  });

  it('removes the saved plan when interrupted (TERM)', () => {
    sandbox.run(join(sandbox.bin, 'cdktf'), ['synth', '--output', sandbox.outdir], env());
    writeFileSync(secretsFile(), `TF_VAR_app_api_token=${token}\n`, { mode: 0o600 });
    const stackDir = join(sandbox.outdir, 'stacks', 'staging');
    const result = sandbox.run(
      WITH_SECRETS,
      ['--stack-dir', stackDir, '--env-file', secretsFile(), '--', join(sandbox.bin, 'cdktf'), 'diff', 'staging', '--output', sandbox.outdir],
      env({ FAKE_CDKTF_SIGNAL_PARENT: 'TERM' }),
    );
    expect(result.status).toBe(143);
    expect(existsSync(join(stackDir, 'plan'))).toBe(false);
    expect(filesContaining(sandbox.root, token)).toEqual([secretsFile()]);
  });

  it('with real Terraform: the saved plan does hold the secret, and it is removed', () => {
    const stackDir = join(sandbox.root, 'stack');
    mkdirSync(stackDir);
    writeFileSync(
      join(stackDir, 'main.tf'),
      'variable "app_api_token" {\n  type      = string\n  sensitive = true\n}\nresource "terraform_data" "token" {\n  input = var.app_api_token\n}\n',
    );
    writeFileSync(secretsFile(), `TF_VAR_app_api_token=${token}\n`, { mode: 0o600 });
    const tfEnv = env({ PATH: process.env.PATH ?? '', TF_CLI_CONFIG_FILE: join(sandbox.root, 'terraformrc'), TF_IN_AUTOMATION: '1' });
    writeFileSync(tfEnv.TF_CLI_CONFIG_FILE, '');
    expect(sandbox.run('terraform', ['init', '-input=false'], tfEnv, stackDir).status).toBe(0);
    const result = sandbox.run(
      WITH_SECRETS,
      ['--stack-dir', stackDir, '--env-file', secretsFile(), '--', 'bash', '-c', 'terraform plan -input=false -out plan >/dev/null && terraform show -json plan'],
      tfEnv,
      stackDir,
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.split('\n').find((line) => line.startsWith('{')) ?? '{}').variables).toEqual({
      app_api_token: { value: token }, // what Terraform wrote into the saved plan
    });
    expect(existsSync(join(stackDir, 'plan'))).toBe(false);
    expect(filesContaining(sandbox.root, token)).toEqual([secretsFile()]);
  });

  it('names the keys of secrets.env.example that have no value', () => {
    writeFileSync(secretsFile(), 'TF_VAR_app_api_token=\n', { mode: 0o600 });
    const { status, out } = make('staging', 'deploy', {}, [`SECRETS_FILE=${secretsFile()}`]);
    expect(status).not.toBe(0);
    expect(out).toMatch(/secrets\.env has no value for: TF_VAR_app_api_token \(listed in .*secrets\.env\.example\)/);
    expect(sandbox.cdktfCalls()).toEqual(['synth']);
  });

  it('rejects a key that is not a variable name, before running anything', () => {
    writeFileSync(secretsFile(), `TF_VAR_app_api_token=${token}\nBAD-KEY=x\n`, { mode: 0o600 });
    const { status, out } = make('staging', 'deploy', {}, [`SECRETS_FILE=${secretsFile()}`]);
    expect(status).not.toBe(0);
    expect(out).toContain('secrets.env line 2: is not a KEY=value line (its content is not shown: it may be a secret)');
    expect(sandbox.cdktfCalls()).toEqual(['synth']);
  });

  it('says how to create secrets.env when it is missing', () => {
    const { status, out } = make('staging', 'deploy', {}, [`SECRETS_FILE=${secretsFile()}`]);
    expect(status).not.toBe(0);
    expect(out).toMatch(/secrets\.env does not exist\. Copy .*secrets\.env\.example to /);
  });

  it('warns when secrets.env is readable by others', () => {
    writeFileSync(secretsFile(), `TF_VAR_app_api_token=${token}\n`, { mode: 0o644 });
    const { out } = make('staging', 'plan', {}, [`SECRETS_FILE=${secretsFile()}`]);
    expect(statSync(secretsFile()).mode & 0o077).not.toBe(0);
    expect(out).toContain('is readable by other users; run: chmod 600');
  });

  it('the example file is committed, the real one is git-ignored', () => {
    expect(readFileSync(join(PROJECT_DIR, 'workflows', 'staging', 'secrets.env.example'), 'utf8')).toMatch(/^TF_VAR_app_api_token=$/m);
    const ignored = sandbox.run('git', ['check-ignore', '-q', 'workflows/staging/secrets.env'], { PATH: '/usr/bin:/bin' });
    expect(ignored.status).toBe(0);
  });
});

describe('dev scripts: plain environment variables', () => {
  const script = (name: string) => join(PROJECT_DIR, 'workflows', 'dev', name);
  const devEnv = (extra: Record<string, string> = {}) => env({ OUTDIR: sandbox.outdir, ...extra });

  it('deploy.sh stops with a warning and instructions when TF_VAR_app_api_token is unset', () => {
    const result = sandbox.run(script('deploy.sh'), [], devEnv());
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('WARNING: dev reads its secrets from plain environment variables');
    expect(result.stderr).toContain('dev: TF_VAR_app_api_token is not set.');
    expect(sandbox.cdktfCalls()).toEqual([]);
  });

  it('deploy.sh and destroy.sh pass the token and extra arguments to cdktf', () => {
    const deploy = sandbox.run(script('deploy.sh'), ['--auto-approve'], devEnv({ TF_VAR_app_api_token: token }));
    expect(deploy.status).toBe(0);
    expect(deploy.stdout).toContain(`token-sha256=${sha256(token)}`);
    expect(sandbox.run(script('destroy.sh'), ['--auto-approve'], devEnv({ TF_VAR_app_api_token: token })).status).toBe(0);
    expect(sandbox.cdktfCalls()).toEqual(['synth', 'deploy dev', 'synth', 'destroy dev']);
    // The saved plan held the token: it went to a private directory that is gone now.
    expect(existsSync(join(sandbox.outdir, 'stacks', 'dev', 'plan'))).toBe(false);
    expect(filesContaining(sandbox.root, token)).toEqual([]);
  });

  it('deploy.sh stops when there are no AWS credentials', () => {
    const result = sandbox.run(script('deploy.sh'), [], sandbox.baseEnv({ OUTDIR: sandbox.outdir, TF_VAR_app_api_token: token }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('preflight: FAILED: no AWS credentials found.');
  });
});

describe('interrupted workflows (issue #28, item 4): SIGTERM is passed once as SIGINT to cdktf and waited for', () => {
  /** Bounds, each named in its failure: the stand-in starting, and the workflow ending after the signal. */
  const START_BOUND_MS = 60_000;
  const END_BOUND_MS = 60_000;
  let marks = '';
  beforeEach(() => (marks = mkdtempSync(join(tmpdir(), 'workflow-interrupt-'))));
  afterEach(() => rmSync(marks, { recursive: true, force: true }));

  /**
   * The stand-in cdktf, like cdktf running terraform apply: answers SIGINT by finishing its write (1 s)
   * and exiting; counts every SIGINT/SIGTERM it gets; starts a `terraform` grandchild (a sleep that
   * ignores SIGINT, as bash starts it) that must not outlive the run.
   */
  const standIn = [
    `trap 'echo INT >> "$MARKS/signals"; sleep 1; echo "stand-in: state written" > "$MARKS/state"; exit 1' INT`,
    `trap 'echo TERM >> "$MARKS/signals"' TERM`,
    'sleep 300 & echo $! > "$MARKS/terraform.pid"',
    ': > "$MARKS/started"',
    'while :; do sleep 0.1; done',
  ].join('\n');

  const alive = (pid: number) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };

  /** Starts `command`, waits for the stand-in to run, sends SIGTERM to the workflow's process only, waits for its end. */
  async function terminateMidRun(command: string, args: string[], extraEnv: Record<string, string>) {
    const child = spawn(command, args, { cwd: PROJECT_DIR, env: env({ MARKS: marks, FAKE_CDKTF_AFTER: standIn, ...extraEnv }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    const startDeadline = Date.now() + START_BOUND_MS;
    while (!existsSync(join(marks, 'started'))) {
      if (Date.now() > startDeadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`the stand-in cdktf did not start within ${START_BOUND_MS / 1000} s; output:\n${out}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGTERM');
    let bound: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      ended,
      new Promise<never>((_, reject) => {
        bound = setTimeout(() => reject(new Error(`the workflow did not end within ${END_BOUND_MS / 1000} s of SIGTERM; output:\n${out}`)), END_BOUND_MS);
      }),
    ]).finally(() => clearTimeout(bound));
    return { ...result, out };
  }

  function expectStoppedCleanly(out: string) {
    expect(readFileSync(join(marks, 'signals'), 'utf8')).toBe('INT\n'); // once, as SIGINT, never SIGTERM
    expect(readFileSync(join(marks, 'state'), 'utf8')).toContain('state written'); // waited for the write
    expect(out).toContain('with-secrets: SIGTERM: asked the command to stop');
    expect(out).toContain('with-secrets: stopped after SIGTERM (the command exited 1)');
    const terraformPid = Number(readFileSync(join(marks, 'terraform.pid'), 'utf8'));
    expect(alive(terraformPid)).toBe(false);
  }

  it('dev deploy.sh: exit 143, the saved plan removed, and the command to run next', async () => {
    const run = await terminateMidRun(join(PROJECT_DIR, 'workflows', 'dev', 'deploy.sh'), ['--auto-approve'], { OUTDIR: sandbox.outdir, TF_VAR_app_api_token: token });
    expect(run.code).toBe(143);
    expectStoppedCleanly(run.out);
    expect(run.out).toContain('with-secrets: next: run `workflows/dev/deploy.sh --auto-approve` again');
    expect(existsSync(join(sandbox.outdir, 'stacks', 'dev', 'plan'))).toBe(false);
    expect(run.out).not.toContain(token);
  }, START_BOUND_MS + END_BOUND_MS);

  it('make -C workflows/staging deploy: make passes SIGTERM on, with-secrets.sh (exec from the recipe) waits for cdktf', async () => {
    const secretsFile = join(sandbox.root, 'secrets.env');
    writeFileSync(secretsFile, `TF_VAR_app_api_token=${token}\n`, { mode: 0o600 });
    const run = await terminateMidRun(
      'make',
      ['--no-print-directory', '-C', 'workflows/staging', 'deploy', `OUTDIR=${sandbox.outdir}`, 'DEPLOY_FLAGS=--auto-approve', `SECRETS_FILE=${secretsFile}`],
      {},
    );
    expect(run.code === null ? run.signal : run.code).not.toBe(0);
    expectStoppedCleanly(run.out);
    expect(run.out).toContain('with-secrets: next: run `make -C workflows/staging deploy` again');
    expect(existsSync(join(sandbox.outdir, 'stacks', 'staging', 'plan'))).toBe(false);
  }, START_BOUND_MS + END_BOUND_MS);
});

describe('interrupted workflow with real Terraform (issue #28, item 4)', () => {
  const STEP_MS = 120_000;
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'workflow-interrupt-tf-'))));
  afterEach(async () => {
    // Releases a held apply a failed run may have left behind (its loop polls for the file every 50 ms).
    writeFileSync(join(dir, 'release'), '');
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `command(apply)` through with-secrets.sh, SIGTERMs the script once the apply holds its lock mid-run, and checks what Terraform left. */
  async function interruptMidApply(command: (apply: string[]) => string[]): Promise<string> {
    const stackDir = join(dir, 'stack');
    mkdirSync(stackDir);
    const holding = join(dir, 'holding');
    // One resource applied, then one held by its local-exec (the lock-holder pattern); $PPID is terraform.
    const config = {
      terraform: { backend: { local: { path: 'terraform.dev.tfstate' } } },
      resource: {
        terraform_data: {
          first: { input: 'applied' },
          held: {
            depends_on: ['terraform_data.first'],
            provisioner: [{ 'local-exec': { command: `echo $PPID > '${dir}/terraform.pid'; touch '${holding}'; while [ ! -e '${dir}/release' ]; do sleep 0.05; done` } }],
          },
        },
      },
    };
    writeFileSync(join(stackDir, 'cdk.tf.json'), JSON.stringify(config));
    const tfEnv = { PATH: process.env.PATH ?? '', HOME: dir, TMPDIR: dir, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    const init = spawnSync(TERRAFORM_BIN, ['init', '-input=false', '-no-color'], { cwd: stackDir, env: tfEnv, encoding: 'utf8', timeout: STEP_MS });
    if (init.status !== 0) throw new Error(`terraform init failed or timed out (${STEP_MS / 1000} s):\n${init.stdout}${init.stderr}`);
    const child = spawn(WITH_SECRETS, ['--stack-dir', stackDir, '--rerun', 'workflows/dev/deploy.sh --auto-approve', '--from-environment', '--', ...command([TERRAFORM_BIN, 'apply', '-auto-approve', '-input=false', '-no-color'])], {
      cwd: stackDir,
      env: tfEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const ended = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const holdDeadline = Date.now() + STEP_MS;
    while (!existsSync(holding)) {
      if (Date.now() > holdDeadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`terraform apply did not reach the held resource within ${STEP_MS / 1000} s; output:\n${out}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const terraformPid = Number(readFileSync(join(dir, 'terraform.pid'), 'utf8'));
    expect(existsSync(join(stackDir, '.terraform.dev.tfstate.lock.info'))).toBe(true); // held mid-apply
    child.kill('SIGTERM');
    let bound: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      ended,
      new Promise<never>((_, reject) => {
        bound = setTimeout(() => reject(new Error(`with-secrets.sh did not end within ${STEP_MS / 1000} s of SIGTERM; output:\n${out}`)), STEP_MS);
      }),
    ]).finally(() => clearTimeout(bound));
    expect(code).toBe(143);
    expect(out).toContain('Interrupt received'); // terraform got the SIGINT
    expect(out).not.toContain('Two interrupts received'); // once
    const state = JSON.parse(readFileSync(join(stackDir, 'terraform.dev.tfstate'), 'utf8'));
    expect(state.serial).toBeGreaterThanOrEqual(1);
    expect(state.resources.map((resource: { name: string }) => resource.name)).toContain('first');
    expect(existsSync(join(stackDir, '.terraform.dev.tfstate.lock.info'))).toBe(false);
    expect(existsSync(`/proc/${terraformPid}`)).toBe(false);
    expect(out).toContain(`with-secrets: Terraform released its state lock; the state is in ${stackDir}/terraform.dev.tfstate`);
    expect(out).toContain('with-secrets: next: run `workflows/dev/deploy.sh --auto-approve` again');
    return out;
  }

  it('SIGTERM to with-secrets.sh mid-apply: terraform gets SIGINT, writes its state, releases its lock, nothing left running, exit 143', async () => {
    const out = await interruptMidApply((apply) => apply);
    expect(out).toMatch(/with-secrets: SIGTERM: asked the command to stop \(SIGINT, once, to its terraform, pid \d+,/);
  }, 4 * 120_000);

  it('the same under cdktf\'s shape: Terraform in a session of its own under a parent that, given SIGINT, hangs it up and exits at once; Terraform itself gets the SIGINT and writes its state (before: the group\'s SIGINT reached only the parent, and the hangup killed Terraform mid-apply)', async () => {
    // cdktf deploy runs terraform in a pty (node-pty: a new session) and, on SIGINT, types Ctrl-C into it and exits, hanging it up.
    const out = await interruptMidApply((apply) => ['bash', '-c', `setsid "$@" & child=$!; trap 'kill -HUP $child; exit 1' INT; wait $child`, 'cdktf-shape', ...apply]);
    expect(out).toMatch(/with-secrets: SIGTERM: asked the command to stop \(SIGINT, once, to its terraform, pid \d+,/);
  }, 4 * 120_000);
});
