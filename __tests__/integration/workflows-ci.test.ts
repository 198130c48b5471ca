import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DIR, synthesizedForFile, uniqueSecret, WorkflowSandbox } from '../support/workflow-sandbox';

const synthesized = synthesizedForFile('workflow-ci-synth-');
let sandbox: WorkflowSandbox;

beforeEach(() => {
  sandbox = new WorkflowSandbox();
  sandbox.installCdktf(synthesized);
});
afterEach(() => sandbox.cleanup());

/** terraform stand-in: `version -json`, `init`, and `plan` exiting FAKE_PLAN_EXIT; logs its calls. */
function installTerraform(): string {
  const log = join(sandbox.root, 'terraform.log');
  sandbox.write(
    join(sandbox.bin, 'terraform'),
    `#!/usr/bin/env bash
echo "$(basename "$PWD"): $*" >> ${JSON.stringify(log)}
case "$1" in
  version) printf '{"terraform_version":"1.11.4","platform":"linux_amd64"}\\n' ;;
  init) echo "Terraform has been successfully initialized!" ;;
  plan) echo "Plan: 0 to add, 1 to change, 0 to destroy."; exit "\${FAKE_PLAN_EXIT:-0}" ;;
  *) echo "stand-in terraform: unexpected $*" >&2; exit 64 ;;
esac
`,
  );
  return log;
}

describe('make drift (the scheduled CI drift check)', () => {
  const drift = (planExit: string) => {
    const secrets = join(sandbox.root, 'secrets.env');
    writeFileSync(secrets, `TF_VAR_app_api_token=${uniqueSecret('t')}\n`, { mode: 0o600 });
    const exitFile = join(sandbox.root, 'drift-exit');
    const result = sandbox.run(
      'make',
      ['--no-print-directory', '-C', 'workflows/staging', 'drift', `OUTDIR=${sandbox.outdir}`, `SECRETS_FILE=${secrets}`, `DRIFT_EXIT_FILE=${exitFile}`],
      sandbox.baseEnv({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00', AWS_SECRET_ACCESS_KEY: 'not-a-real-key', FAKE_PLAN_EXIT: planExit }),
    );
    return { status: result.status, out: `${result.stdout}${result.stderr}`, code: readFileSync(exitFile, 'utf8').trim() };
  };

  it('runs plan -detailed-exitcode in the stack directory, without a saved plan, and passes when nothing drifted', () => {
    const log = installTerraform();
    const { status, out, code } = drift('0');
    expect({ status, code }).toEqual({ status: 0, code: '0' });
    expect(out).toContain('drift: none');
    expect(readFileSync(log, 'utf8')).toContain('staging: plan -detailed-exitcode -input=false -lock-timeout=5m');
    expect(readFileSync(log, 'utf8')).not.toContain('-out');
  });

  it('fails on drift, and records 2 so CI can tell drift from an error', () => {
    installTerraform();
    const { status, out, code } = drift('2');
    expect(status).not.toBe(0);
    expect(code).toBe('2');
    expect(out).toContain('drift: DETECTED in staging');
  });

  it('fails on an error, recording its exit code', () => {
    installTerraform();
    const { status, out, code } = drift('1');
    expect(status).not.toBe(0);
    expect(code).toBe('1');
    expect(out).toContain('drift: ERROR');
  });
});

describe('workflows/ci/secrets-env.sh', () => {
  const run = (token: string | undefined) => {
    const githubEnv = join(sandbox.root, 'github-env');
    writeFileSync(githubEnv, '');
    const result = sandbox.run(
      join(PROJECT_DIR, 'workflows', 'ci', 'secrets-env.sh'),
      [],
      sandbox.baseEnv({ RUNNER_TEMP: sandbox.tmp, GITHUB_ENV: githubEnv, ...(token === undefined ? {} : { APP_API_TOKEN: token }) }),
    );
    return { status: result.status, out: `${result.stdout}${result.stderr}`, githubEnv: readFileSync(githubEnv, 'utf8') };
  };

  it('writes the staging secrets file (mode 600) and points SECRETS_FILE at it, never printing the value', () => {
    const token = uniqueSecret('api');
    const { status, out, githubEnv } = run(token);
    const file = join(sandbox.tmp, 'secrets.env');
    expect(status).toBe(0);
    expect(githubEnv).toBe(`SECRETS_FILE=${file}\n`);
    expect(readFileSync(file, 'utf8')).toBe(`TF_VAR_app_api_token='${token}'\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(out).not.toContain(token);
  });

  it('stops with the fix when the secret is missing or cannot be written safely', () => {
    expect(run(undefined)).toMatchObject({ status: 1, githubEnv: '' });
    expect(run(undefined).out).toContain('APP_API_TOKEN is empty or missing');
    const quoted = run("it's");
    expect(quoted.status).toBe(1);
    expect(quoted.out).toContain('single quote or a line break');
    expect(quoted.out).not.toContain("it's");
  });
});
