import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseCliConfig, cliConfigVariables, describeCliConfig, providerMirror } from '../tooling/toolkit/terraform-cli-config';
import { forgetSandboxDeployments, readBootstrapRecord, recordBootstrap, sandboxLocalStateFile, sandboxProject, sandboxProjectVariables } from '../tooling/sandbox/sandbox-project';
import { sandboxPaths } from '../tooling/sandbox/paths';

let dir: string;
let home: string;
let mirror: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-project-'));
  home = join(dir, 'home');
  mirror = join(dir, 'mirror');
  mkdirSync(home);
  mkdirSync(join(mirror, 'registry.terraform.io'), { recursive: true });
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the Terraform CLI configuration of the sandbox commands', () => {
  test('TF_CLI_CONFIG_FILE naming a missing file and a mirror: a generated config in the run dir, named in one line', () => {
    const env = { HOME: home, TF_CLI_CONFIG_FILE: join(dir, 'missing.tfrc'), TF_PROVIDER_MIRROR: mirror };
    const choice = chooseCliConfig(env, join(dir, 'run'), join(dir, 'cache'));
    expect(choice).toEqual({ kind: 'generated', file: join(dir, 'run', 'terraformrc'), mirror });
    const text = readFileSync(join(dir, 'run', 'terraformrc'), 'utf8');
    expect(text).toContain(`path    = ${JSON.stringify(mirror)}`);
    expect(text).toContain('exclude = ["registry.terraform.io/*/*"]');
    expect(cliConfigVariables(choice)).toEqual({ TF_CLI_CONFIG_FILE: join(dir, 'run', 'terraformrc') });
    expect(describeCliConfig(choice, env)).toMatch(/^terraform: providers from the mirror .*TF_CLI_CONFIG_FILE names a missing file/);
    expect(existsSync(join(home, '.terraformrc'))).toBe(false);
  });

  test("the user's own configuration (TF_CLI_CONFIG_FILE or ~/.terraformrc) is left alone", () => {
    const own = join(dir, 'own.tfrc');
    writeFileSync(own, '');
    expect(chooseCliConfig({ HOME: home, TF_CLI_CONFIG_FILE: own, TF_PROVIDER_MIRROR: mirror }, join(dir, 'run'), join(dir, 'cache'))).toEqual({ kind: 'users', file: own });
    writeFileSync(join(home, '.terraformrc'), '');
    const choice = chooseCliConfig({ HOME: home, TF_PROVIDER_MIRROR: mirror }, join(dir, 'run'), join(dir, 'cache'));
    expect(choice.kind).toBe('users');
    expect(cliConfigVariables(choice)).toEqual({});
    expect(existsSync(join(dir, 'run', 'terraformrc'))).toBe(false);
  });

  test('no configuration and no mirror (TF_PROVIDER_MIRROR set empty): Terraform defaults, nothing written', () => {
    expect(providerMirror({ TF_PROVIDER_MIRROR: '' })).toBeUndefined();
    expect(chooseCliConfig({ HOME: home, TF_PROVIDER_MIRROR: '' }, join(dir, 'run'), join(dir, 'cache'))).toEqual({ kind: 'default' });
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });
});

describe('the sandbox project', () => {
  test('bootstrap is recorded in the run dir and becomes STATE_BACKEND_MIGRATED; reset forgets it and the local state', () => {
    const paths = sandboxPaths({ SANDBOX_HOME: join(dir, 'sandbox') });
    mkdirSync(paths.runDir, { recursive: true });
    const env = { HOME: home, TF_PROVIDER_MIRROR: '' };
    expect(sandboxProjectVariables(sandboxProject(paths, env))).toEqual({ STATE_BACKEND_MIGRATED: 'false', CHECKPOINT_DISABLE: '1' });
    recordBootstrap(paths, { stack: 'state-backend', stateUri: 's3://b/k' });
    expect(readBootstrapRecord(paths)).toMatchObject({ stateBackendMigrated: true, stack: 'state-backend', stateUri: 's3://b/k' });
    const project = sandboxProject(paths, env);
    expect(project.outDir).toBe(join(paths.runDir, 'cdktf.out'));
    expect(sandboxProjectVariables(project).STATE_BACKEND_MIGRATED).toBe('true');
    // dev's state from cdktf.out/stacks/dev with its ../../../terraform.dev.tfstate: the run dir.
    expect(sandboxLocalStateFile(paths, 'dev')).toBe(join(project.outDir, 'stacks', 'dev', '..', '..', '..', 'terraform.dev.tfstate'));
    writeFileSync(sandboxLocalStateFile(paths, 'dev'), '{}');
    writeFileSync(join(paths.runDir, 'sandbox.json'), '{}');
    forgetSandboxDeployments(paths);
    expect(readBootstrapRecord(paths)).toBeUndefined();
    expect(existsSync(sandboxLocalStateFile(paths, 'dev'))).toBe(false);
    expect(existsSync(join(paths.runDir, 'sandbox.json'))).toBe(true);
  });
});

describe("the sandbox's bootstrap record (issue #28)", () => {
  const file = () => join(sandboxPaths({ SANDBOX_HOME: home }).runDir, 'bootstrap.json');
  const write = (text: string) => {
    mkdirSync(join(home, 'run'), { recursive: true });
    writeFileSync(file(), text);
  };

  test('one cut short (a full disk) is refused naming the file and the fix, never read as "not bootstrapped"', () => {
    write('{"stateBackendMigrated": tr');
    expect(() => readBootstrapRecord(sandboxPaths({ SANDBOX_HOME: home }))).toThrow(`${file()}, the sandbox's record of bootstrap, is not JSON`);
    expect(() => readBootstrapRecord(sandboxPaths({ SANDBOX_HOME: home }))).toThrow('run `npm run bootstrap -- --sandbox` again');
  });

  test('"stateBackendMigrated": "maybe" names that field and what bootstrap writes', () => {
    write(JSON.stringify({ stateBackendMigrated: 'maybe', stack: 'state-backend', stateUri: 's3://b/k', at: 'now' }));
    expect(() => readBootstrapRecord(sandboxPaths({ SANDBOX_HOME: home }))).toThrow('"stateBackendMigrated" is "maybe", but bootstrap writes only true');
  });

  test('a record bootstrap wrote reads back; none means not bootstrapped; writing leaves no temporary file', () => {
    const paths = sandboxPaths({ SANDBOX_HOME: home });
    expect(readBootstrapRecord(paths)).toBeUndefined();
    mkdirSync(paths.runDir, { recursive: true });
    const written = recordBootstrap(paths, { stack: 'state-backend', stateUri: 's3://b/acme/state-backend/terraform.tfstate' });
    expect(readBootstrapRecord(paths)).toEqual(written);
    expect(require('node:fs').readdirSync(paths.runDir)).toEqual(['bootstrap.json']);
  });
});
