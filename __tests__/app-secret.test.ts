import { appDefinition } from '../environments';
import { parameterName } from '../lib/naming/naming-rule';
import { onlyResource, sources, synthApp, type StackJson } from './support/synth';

const { stacks } = synthApp(appDefinition);
const variables = (stack: StackJson) => (stack as StackJson & { variable?: Record<string, Record<string, unknown>> }).variable ?? {};
const kmsKeyRef = (stack: StackJson) => `\${aws_kms_key.${Object.keys(stack.resource?.aws_kms_key ?? {})[0]}.arn}`;

describe('the application API token', () => {
  it.each(['dev', 'staging', 'production'])('%s: a sensitive, non-nullable string variable named app_api_token', (name) => {
    expect(variables(stacks[name])).toEqual({
      app_api_token: {
        type: 'string',
        sensitive: true,
        nullable: false,
        description: expect.stringContaining('API token'),
      },
    });
  });

  it.each(['dev', 'staging', 'production'])('%s: stored as a SecureString that references the variable, never a literal', (name) => {
    const parameter = onlyResource(stacks[name], 'aws_ssm_parameter');
    expect(parameter).toMatchObject({
      name: `/acme-platform/${name}/app/api-token`,
      type: 'SecureString',
      value: '${var.app_api_token}',
    });
  });

  it('production encrypts it with the environment key; dev and staging use the AWS managed key', () => {
    expect(onlyResource(stacks.production, 'aws_ssm_parameter').key_id).toBe(kmsKeyRef(stacks.production));
    expect(onlyResource(stacks.production, 'aws_kms_key')).toMatchObject({ enable_key_rotation: true });
    for (const name of ['dev', 'staging']) expect(onlyResource(stacks[name], 'aws_ssm_parameter')).not.toHaveProperty('key_id');
  });

  it('the state-backend stack has no application secret', () => {
    expect(variables(stacks['state-backend'])).toEqual({});
    // Its one parameter is the version stamp (lib/stacks/bootstrap-version-stamp.ts): a plain String, no secret.
    expect(onlyResource(stacks['state-backend'], 'aws_ssm_parameter')).toMatchObject({ name: '/acme-platform/state-backend/version', type: 'String' });
    expect(onlyResource(stacks['state-backend'], 'aws_ssm_parameter')).not.toHaveProperty('value');
  });

  it('follows the project override through the naming rule', () => {
    const renamed = synthApp(appDefinition, sources({ PROJECT_NAME: 'zeta' }));
    expect(onlyResource(renamed.stacks.staging, 'aws_ssm_parameter').name).toBe('/zeta/staging/app/api-token');
  });
});

describe('parameterName', () => {
  it('builds /<project>/<environment>/<name> with each segment normalised', () => {
    expect(parameterName('Acme Platform', 'prod', 'app/api-token')).toBe('/acme-platform/prod/app/api-token');
    expect(parameterName('acme', 'dev', '/app//API_token/')).toBe('/acme/dev/app/api-token');
    expect(parameterName('acme', 'dev', '')).toBe('/acme/dev');
  });
});
