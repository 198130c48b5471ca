import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack, Testing, type App } from 'cdktf';
import { appDefinition } from '../environments';
import type { AppExtension } from '../lib/app/app-extension';
import { buildApp, type AppDefinition, type WorkloadFactory } from '../lib/app/build-app';
import { applyStateBackend } from '../lib/backends/backend-factory';
import { DefinitionError } from '../lib/definitions/errors';
import { assertGuardrails, GuardrailError, guardrailFindings } from '../lib/guardrails';
import { sources, synthApp } from './support/synth';

describe('a stack a user adds to the app', () => {
  it('is checked by the guardrails too: every rule, at least as a shared environment', () => {
    const app = Testing.app({ stackTraces: false }) as App;
    // Added before buildApp, the way a user's main.ts would compose it: local state, a plain bucket.
    const extra = new TerraformStack(app, 'reporting');
    new AwsProvider(extra, 'aws', { region: 'eu-west-1' });
    new S3Bucket(extra, 'exports', { bucket: 'acme-exports' });
    buildApp(app, appDefinition, sources());
    const findings = guardrailFindings(extra).filter((finding) => !finding.suppression);
    expect(findings.map((finding) => finding.ruleId)).toEqual(['shared-env-remote-state']);
    expect(findings[0].message).toContain('a stack that declares no guardrail scope');
    expect(() => assertGuardrails(app)).toThrow(GuardrailError);
  });

  it('named like production is held to production\'s rules', () => {
    const app = Testing.app({ stackTraces: false }) as App;
    const extra = new TerraformStack(app, 'prod');
    applyStateBackend(extra, { kind: 's3', bucket: 'acme-tfstate', region: 'eu-west-1', locking: 'lockfile' }, { project: 'acme', stack: 'prod' });
    new AwsProvider(extra, 'aws', { region: 'eu-west-1' });
    buildApp(app, appDefinition, sources());
    const ruleIds = guardrailFindings(extra).filter((finding) => !finding.suppression).map((finding) => finding.ruleId);
    expect(ruleIds).toContain('production-state-encrypted');
  });
});

describe('the workload is the app definition\'s extension point', () => {
  const metrics: WorkloadFactory = (scope, { parameterPrefix }) => {
    const parameter = new SsmParameter(scope, 'metrics-endpoint', { name: `${parameterPrefix}/metrics/endpoint`, type: 'String', value: 'https://metrics.example.com' });
    return { metrics_parameter: { value: parameter.name, description: 'Where the metrics endpoint is kept' } };
  };
  const metricsWorkload: AppDefinition = { ...appDefinition, workload: metrics };

  it('replaces the example workload in every environment, with its own outputs', () => {
    const { stacks } = synthApp(metricsWorkload);
    for (const name of ['dev', 'staging', 'production']) {
      expect(stacks[name].resource?.aws_s3_bucket).toBeUndefined();
      expect(Object.values(stacks[name].resource?.aws_ssm_parameter ?? {}).map((p) => p.name)).toEqual([`/acme-platform/${name}/metrics/endpoint`]);
      expect(Object.keys(stacks[name].output ?? {})).toEqual(expect.arrayContaining(['environment', 'state_location', 'state_locking', 'metrics_parameter']));
      expect(stacks[name].output).not.toHaveProperty('assets_bucket_name');
    }
  });

  it('leaves the state-backend and CI stacks as they are', () => {
    const replaced = synthApp(metricsWorkload).stacks;
    const original = synthApp(appDefinition).stacks;
    for (const name of ['state-backend', 'ci-staging', 'ci-production']) expect(replaced[name]).toEqual(original[name]);
  });
});

describe('app extensions', () => {
  const recorded: string[] = [];
  const extension = (kind: 'off' | 'invalid' | 'on'): AppExtension => ({
    settings: [{ context: 'probe', env: 'PROBE', kind: 'boolean' }],
    activate: () =>
      kind === 'off' ? { kind } : kind === 'invalid' ? { kind, problems: ['PROBE: no probe is running: start one'] } : { kind, apply: (app) => recorded.push(app.node.findAll().length.toString()) },
  });

  it('report their problems with every other problem', () => {
    let thrown: unknown;
    try {
      buildApp(Testing.app() as App, appDefinition, sources({ STATE_BACKEND_MIGRATED: 'maybe' }), [extension('invalid')]);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as DefinitionError).problems).toEqual(['STATE_BACKEND_MIGRATED: "maybe" is not a boolean: use true or false', 'PROBE: no probe is running: start one']);
  });

  it('have their settings checked like the engine\'s own', () => {
    expect(() => buildApp(Testing.app() as App, appDefinition, sources({ PROBE: 'perhaps' }), [extension('off')])).toThrow(
      'PROBE: "perhaps" is not a boolean: use true or false',
    );
  });

  it('are applied once, to the whole app, after every stack exists', () => {
    recorded.length = 0;
    const app = Testing.app() as App;
    buildApp(app, appDefinition, sources(), [extension('on')]);
    expect(recorded).toEqual([String(app.node.findAll().length)]);
  });
});
