import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Backend, TerraformStack, Testing, type App } from 'cdktf';
import { appDefinition } from '../../environments';
import { parseBackendConfigFile } from '../../lib/backend-config/backend-config-file';
import { hclBody } from '../../lib/backend-config/render-hcl';
import type { EnvironmentDefinition } from '../../lib/definitions/environment';
import { applyGuardrails, assertGuardrails, guardrailFindings, GuardrailError, suppress } from '../../lib/guardrails';
import { synthApp, sources } from '../support/synth';

const STATE = { environmentAccountIds: ['222222222222'], stateAccountId: '333333333333', stateBucket: 'acme-tfstate' };

function stack(backend: Record<string, unknown> | undefined, accounts = STATE) {
  const result = new TerraformStack(Testing.app({ stackTraces: false }) as App, 'staging');
  if (backend) new S3Backend(result, { bucket: 'acme-tfstate', key: 'k', region: 'eu-west-1', useLockfile: true, ...backend } as never);
  new AwsProvider(result, 'aws', { region: 'eu-west-1' });
  applyGuardrails(result, { environment: 'staging', protection: 'standard', stateAccount: accounts });
  return result;
}
const findings = (s: TerraformStack) => guardrailFindings(s).filter((f) => f.ruleId === 'cross-account-state-access' && !f.suppression);

describe('cross-account-state-access guardrail', () => {
  it('fires for an environment in another account whose backend assumes no role, naming the field and the fix', () => {
    const [finding] = findings(stack({}));
    expect(finding.message).toBe(
      '[cross-account-state-access] staging: staging.stateAccess: the environment runs in account 222222222222 but its state is in ' +
        's3://acme-tfstate in account 333333333333, and its backend assumes no role, so it cannot reach its state or lock. ' +
        'Fix: remove stateAccess from the environment definition (environments in another account assume their state role by default), ' +
        'or set stateAccess: { via: "role" }  (suppress with { id: \'cross-account-state-access\', reason: \'...\' } if intended)',
    );
  });

  it('fires when the assumed role is not in the state account', () => {
    const [finding] = findings(stack({ assumeRole: { roleArn: 'arn:aws:iam::222222222222:role/mine' } }));
    expect(finding.message).toContain('its backend assumes "arn:aws:iam::222222222222:role/mine", which is not a role of the state account');
  });

  it('fires for the top-level role_arn that Terraform 1.10 removed', () => {
    const [finding] = findings(stack({ roleArn: 'arn:aws:iam::333333333333:role/x' }));
    expect(finding.message).toContain('sets the top-level role_arn, which Terraform 1.10 removed');
    expect(finding.message).toContain('use the assume_role block');
  });

  it('passes with a role of the state account, in a single-account layout, and for other buckets', () => {
    expect(findings(stack({ assumeRole: { roleArn: 'arn:aws:iam::333333333333:role/acme-staging-tfstate' } }))).toEqual([]);
    expect(findings(stack({}, { ...STATE, environmentAccountIds: ['333333333333'] }))).toEqual([]);
    expect(findings(stack({ bucket: 'someone-elses' }))).toEqual([]);
    expect(findings(stack(undefined))).toEqual([]);
  });

  it('can be suppressed only with a reason', () => {
    const s = stack({});
    suppress(s, { id: 'cross-account-state-access', reason: 'the bucket policy of the state account grants this account directly' });
    expect(findings(s)).toEqual([]);
  });

  it('stops synth of the app when a cross-account environment opts out of its role', () => {
    const definition = {
      ...appDefinition,
      environments: appDefinition.environments.map((module) => (blueprint: Parameters<typeof module>[0]) => {
        const environment = module(blueprint);
        return (environment.name === 'staging' ? { ...environment, stateAccess: { via: 'credentials' } } : environment) as EnvironmentDefinition;
      }),
    };
    const { built } = synthApp(definition);
    expect(() => assertGuardrails(built.stateBackendStack.node.scope!)).toThrow(GuardrailError);
    expect(() => assertGuardrails(built.stateBackendStack.node.scope!)).toThrow(/staging\.stateAccess: the environment runs in account 222222222222/);
  });

  it('the default app passes', () => {
    const { built } = synthApp(appDefinition);
    expect(guardrailFindings(built.stateBackendStack.node.scope!).filter((f) => f.ruleId === 'cross-account-state-access')).toEqual([]);
  });
});

describe('assume_role in YAML backend files and HCL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assume-role-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses assume_role.role_arn into the state definition', () => {
    const parsed = parseBackendConfigFile(
      'f.yaml',
      'backend: s3\nbucket: b-1\nregion: eu-west-1\nuse_lockfile: true\nassume_role:\n  role_arn: arn:aws:iam::333333333333:role/r\n',
    );
    expect(parsed).toEqual({
      problems: [],
      config: { environment: undefined, state: { kind: 's3', bucket: 'b-1', region: 'eu-west-1', locking: 'lockfile', assumeRole: { roleArn: 'arn:aws:iam::333333333333:role/r' } } },
    });
  });

  it('names the field and the fix for every problem in assume_role', () => {
    const problems = (text: string) => parseBackendConfigFile('f.yaml', `backend: s3\nbucket: b-1\nregion: eu-west-1\nuse_lockfile: true\n${text}`).problems;
    expect(problems('assume_role: arn:aws:iam::333333333333:role/r\n')).toEqual([
      'f.yaml: assume_role: must be a mapping, e.g. "assume_role: { role_arn: ... }"',
    ]);
    expect(problems('assume_role:\n  role_arn: arn:aws:iam::333333333333:role/r\n  session_nam: x\n')).toEqual([
      'f.yaml: assume_role.session_nam: is not a setting this project takes; use role_arn',
    ]);
    expect(problems('assume_role:\n  role_arn: arn:aws:iam::333:role/r\n')).toEqual([
      'f.yaml: assume_role.role_arn: "arn:aws:iam::333:role/r" is not an IAM role ARN: use "arn:aws:iam::<12-digit account>:role/<name>"',
    ]);
    expect(problems('role_arn: arn:aws:iam::333333333333:role/r\n')[0]).toContain('f.yaml: role_arn: is not a setting this project takes');
  });

  it('a file naming another role than staging\'s state role is rejected at synth', () => {
    const path = join(dir, 'other.yaml');
    writeFileSync(path, 'backend: s3\nenvironment: staging\nbucket: acme-platform-tfstate\nregion: eu-west-1\nuse_lockfile: true\nassume_role:\n  role_arn: arn:aws:iam::333333333333:role/other\n');
    expect(() => synthApp(appDefinition, sources({ BACKEND_CONFIG_FILE: path }))).toThrow(/staging\.state\.assumeRole\.roleArn: "arn:aws:iam::333333333333:role\/other" is not staging's state role/);
  });

  it('renders assume_role as an object attribute (`assume_role = {`), the cloud block\'s workspaces as a block', () => {
    expect(hclBody({ bucket: 'b', assume_role: { role_arn: 'arn:aws:iam::333333333333:role/r' } })).toEqual([
      'bucket = "b"',
      '',
      'assume_role = {',
      '  role_arn = "arn:aws:iam::333333333333:role/r"',
      '}',
    ]);
    expect(hclBody({ workspaces: { name: 'w' } })).toEqual(['', 'workspaces {', '  name = "w"', '}']);
  });
});
