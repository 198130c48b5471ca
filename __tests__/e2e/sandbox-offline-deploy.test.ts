import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CDKTF_BIN } from './harness/cdktf';
import { startTestSandbox, type TestSandbox } from './harness/sandbox';
import { expectExit, runStep, testBudget } from './harness/step';
import { LOCK_FILE } from '../../tooling/sandbox/provider-lock';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

/**
 * docs/sandbox.md's offline command without `--skip-provider-lock`: `npm run sandbox -- credentials <env>`
 * seeds each of that account's stacks with a provider lock file made from the mirror, so `SANDBOX=1 npx
 * cdktf deploy <env> --output .sandbox/run/cdktf.out` skips cdktf's registry-only `providers lock`.
 * dev is the stack deployed (local state, five resources, no lifecycle wait): the lock check is the same
 * for every stack (`@cdktf/cli-core` `checkNeedsLockfileUpdate`). Both deploys run with an unreachable
 * HTTPS proxy for the registry, so the test is offline on a machine with internet access too
 * (loopback, where the sandbox listens, is never proxied).
 */
const PROJECT_DIR = join(__dirname, '..', '..');
/** The public registry is unreachable through this proxy; 127.0.0.1 is excluded, so the sandbox is not. */
const OFFLINE = { HTTPS_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };

let sandbox: TestSandbox;

/** Parses `export NAME='value'` lines as printed by `sandbox credentials`. */
function exportsOf(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const match of text.matchAll(/^export ([A-Z_]+)='((?:[^']|'\\'')*)'$/gm)) vars[match[1]] = match[2].replace(/'\\''/g, "'");
  return vars;
}

beforeAll(async () => {
  sandbox = await startTestSandbox('offline-deploy');
}, testBudget('sandbox'));

afterAll(async () => {
  await sandbox?.stop();
}, testBudget('sandbox'));

describe('offline `SANDBOX=1 npx cdktf deploy` without --skip-provider-lock', () => {
  it(
    'fails at providers lock without a lock file, and deploys once `sandbox credentials` has seeded one from the mirror',
    async () => {
      const credentials = await runStep('sandbox credentials dev', process.execPath, typescriptNodeArgs('tooling/bin/sandbox.ts', 'credentials', 'dev'), {
        cwd: PROJECT_DIR,
        env: sandbox.env,
        kind: 'synth',
      });
      expectExit(credentials, 0, 'sandbox credentials dev');
      const shell: NodeJS.ProcessEnv = { ...process.env, ...exportsOf(credentials.stdout), TF_VAR_app_api_token: 'throw-away', ...OFFLINE };
      // The machine may have no mirror (a user with internet access): then nothing is seeded and this test has nothing to prove.
      expect(shell.TF_CLI_CONFIG_FILE).toBeDefined();
      expect(credentials.output).toContain('provider lock file from the mirror written for dev');
      const outDir = join(sandbox.home, 'run', 'cdktf.out');
      const seeded = join(outDir, 'stacks', 'dev', LOCK_FILE);
      const lock = readFileSync(seeded, 'utf8');
      expect(lock).toMatch(/provider "registry\.terraform\.io\/hashicorp\/aws" \{\s+version\s+= "5\.100\.0"\s+constraints = "5\.100\.0"\s+hashes = \[\s+"h1:[A-Za-z0-9+/=]+",/);

      // Control: the same command into an output directory without a lock file stops at `providers lock`.
      const controlOut = join(sandbox.home, 'run', 'control', 'cdktf.out');
      mkdirSync(join(sandbox.home, 'run', 'control'), { recursive: true });
      const control = await runStep('cdktf deploy dev (no lock file)', CDKTF_BIN, ['deploy', 'dev', '--auto-approve', '--output', controlOut], {
        cwd: PROJECT_DIR,
        env: shell,
        kind: 'deploy',
      });
      expect(control.code).not.toBe(0);
      expect(control.output).toContain('Could not retrieve providers for locking');
      expect(existsSync(join(sandbox.home, 'run', 'control', 'terraform.dev.tfstate'))).toBe(false);

      // The documented command, without --skip-provider-lock, into the seeded output directory.
      const deploy = await runStep('cdktf deploy dev (seeded lock file)', CDKTF_BIN, ['deploy', 'dev', '--auto-approve', '--output', outDir], {
        cwd: PROJECT_DIR,
        env: shell,
        kind: 'deploy',
      });
      expectExit(deploy, 0, 'cdktf deploy dev (seeded lock file)');
      expect(deploy.output).not.toContain('Could not retrieve providers for locking');
      // Terraform init verified the seeded checksums and kept them; the state is where the sandbox keeps dev's.
      expect(readFileSync(seeded, 'utf8')).toBe(lock);
      const state = JSON.parse(readFileSync(join(sandbox.home, 'run', 'terraform.dev.tfstate'), 'utf8')) as { resources: Array<{ type: string }> };
      expect(state.resources.map((r) => r.type)).toContain('aws_s3_bucket');
    },
    testBudget('synth', 'deploy', 'deploy'),
  );
});
