import { ParameterNotFound, type SSMClient } from '@aws-sdk/client-ssm';
import { Testing, TerraformStack } from 'cdktf';
import { appDefinition } from '../environments';
import { BootstrapVersionStamp } from '../lib/stacks/bootstrap-version-stamp';
import { STATE_BACKEND_VERSION, stateBackendVersionParameterArn, stateBackendVersionParameterName } from '../lib/stacks/state-backend-version';
import { compareStamp, describeStamp, readDeployedStamp, stampFix, type DeployedStamp, type StampLocation } from '../tooling/bootstrap/version-stamp';
import { checkStateBackendVersion } from '../tooling/doctor/state-backend-version';
import { formatReport } from '../tooling/doctor/report';
import { onlyResource, sources, synthApp, synthStack } from './support/synth';

const where: StampLocation = { project: 'acme-platform', stack: 'state-backend', account: '333333333333', region: 'eu-west-1' };
const ARN = 'arn:aws:ssm:eu-west-1:333333333333:parameter/acme-platform/state-backend/version';

/** An SSM client whose GetParameter answers `value` or throws `error`. */
function ssmAnswering(answer: { value?: string; error?: Error }): SSMClient & { names: string[] } {
  const names: string[] = [];
  const send = async (command: { input: { Name: string } }) => {
    names.push(command.input.Name);
    if (answer.error) throw answer.error;
    return { Parameter: { Name: command.input.Name, Type: 'String', Value: answer.value } };
  };
  return { send, names } as unknown as SSMClient & { names: string[] };
}

const accessDenied = Object.assign(new Error('User: arn:aws:sts::333333333333:assumed-role/x/y is not authorized to perform: ssm:GetParameter'), {
  name: 'AccessDeniedException',
  $metadata: { httpStatusCode: 400 },
});
const notFound = new ParameterNotFound({ message: '', $metadata: { httpStatusCode: 400 } });

describe('the version stamp in the state-backend stack', () => {
  const { stacks } = synthApp(appDefinition);

  it('an SSM String parameter /<project>/state-backend/version holding STATE_BACKEND_VERSION', () => {
    expect(Number.isInteger(STATE_BACKEND_VERSION) && STATE_BACKEND_VERSION >= 1).toBe(true);
    expect(onlyResource(stacks['state-backend'], 'aws_ssm_parameter')).toMatchObject({
      name: '/acme-platform/state-backend/version',
      type: 'String',
      insecure_value: `${STATE_BACKEND_VERSION}`,
    });
  });

  it('the output bootstrap_version, under that exact name', () => {
    expect(stacks['state-backend'].output?.bootstrap_version).toMatchObject({ value: STATE_BACKEND_VERSION });
  });

  it('only the state-backend carries it', () => {
    for (const name of ['dev', 'staging', 'production']) expect(stacks[name].output?.bootstrap_version).toBeUndefined();
  });

  it('follows the project name through the naming rule, and records the version it is given', () => {
    expect(stateBackendVersionParameterName('Zeta Platform')).toBe('/zeta-platform/state-backend/version');
    const renamed = synthApp(appDefinition, sources({ PROJECT_NAME: 'zeta' }));
    expect(onlyResource(renamed.stacks['state-backend'], 'aws_ssm_parameter').name).toBe('/zeta/state-backend/version');

    const stack = new TerraformStack(Testing.app(), 'stamped');
    new BootstrapVersionStamp(stack, 'stamp', { project: 'p', version: 7 });
    const json = synthStack(stack);
    expect(onlyResource(json, 'aws_ssm_parameter')).toMatchObject({ name: '/p/state-backend/version', insecure_value: '7' });
    expect(json.output?.bootstrap_version).toMatchObject({ value: 7 });
  });

  it('names its ARN for permission messages', () => {
    expect(stateBackendVersionParameterArn('acme-platform', 'eu-west-1', '333333333333')).toBe(ARN);
    expect(stateBackendVersionParameterArn('acme', 'cn-north-1', '1')).toBe('arn:aws-cn:ssm:cn-north-1:1:parameter/acme/state-backend/version');
  });
});

describe('reading the deployed stamp', () => {
  it('reads the parameter by its name', async () => {
    const ssm = ssmAnswering({ value: '3' });
    expect(await readDeployedStamp(ssm, 'acme-platform')).toEqual({ kind: 'found', version: 3 });
    expect(ssm.names).toEqual(['/acme-platform/state-backend/version']);
  });

  it('missing parameter, denied, and a value that is not a version', async () => {
    expect(await readDeployedStamp(ssmAnswering({ error: notFound }), 'acme-platform')).toEqual({ kind: 'missing' });
    expect(await readDeployedStamp(ssmAnswering({ error: accessDenied }), 'acme-platform')).toMatchObject({ kind: 'unreadable', denied: true });
    expect(await readDeployedStamp(ssmAnswering({ value: 'v2' }), 'acme-platform')).toEqual({
      kind: 'unreadable',
      denied: false,
      reason: '/acme-platform/state-backend/version holds "v2", not a version number',
    });
  });
});

describe('comparing the deployed stamp with the code', () => {
  const cases: Array<[string, DeployedStamp, string, string | undefined]> = [
    ['older', { kind: 'found', version: 1 }, 'the state-backend in account 333333333333 is version 1, the code expects 2', 'update it first: `npx cdktf deploy state-backend` with credentials for account 333333333333'],
    ['current', { kind: 'found', version: 2 }, 'the state-backend in account 333333333333 is version 2, as the code expects', undefined],
    ['newer', { kind: 'found', version: 3 }, "the state-backend in account 333333333333 is version 3, newer than this code's 2", 'this checkout is older than what was deployed'],
    ['missing', { kind: 'missing' }, 'the state-backend in account 333333333333 has no version stamp (/acme-platform/state-backend/version): deployed before version stamps; the code expects 2', 'update it first'],
    ['unreadable', { kind: 'unreadable', denied: true, reason: 'AccessDeniedException' }, `cannot read the stamp with these credentials (needs ssm:GetParameter on ${ARN})`, `allowed ssm:GetParameter on ${ARN}`],
  ];

  it.each(cases)('%s', (kind, deployed, detail, fix) => {
    const comparison = compareStamp(deployed, 2);
    expect(comparison.kind).toBe(kind);
    expect(describeStamp(comparison, where)).toBe(detail);
    if (fix === undefined) expect(stampFix(comparison, where)).toBeUndefined();
    else expect(stampFix(comparison, where)).toContain(fix);
  });

  it('an unreadable stamp for another reason names the endpoint settings', () => {
    const comparison = compareStamp({ kind: 'unreadable', denied: false, reason: 'getaddrinfo ENOTFOUND ssm.eu-west-1.amazonaws.com' }, 2);
    expect(describeStamp(comparison, where)).toBe('could not read the stamp /acme-platform/state-backend/version: getaddrinfo ENOTFOUND ssm.eu-west-1.amazonaws.com');
    expect(stampFix(comparison, where)).toContain('AWS_ENDPOINT_URL_SSM');
  });
});

describe('the doctor check "state-backend version"', () => {
  const version = (value: string) => checkStateBackendVersion(ssmAnswering({ value }), where);

  it('passes for the version the code expects', async () => {
    expect(await version(`${STATE_BACKEND_VERSION}`)).toEqual({ name: 'state-backend version', ok: true, detail: expect.stringContaining('as the code expects') });
  });

  it('fails for an older or missing stamp, naming the fix', async () => {
    const older = await version(`${STATE_BACKEND_VERSION - 1}`);
    expect(older).toMatchObject({ ok: false, detail: `the state-backend in account 333333333333 is version ${STATE_BACKEND_VERSION - 1}, the code expects ${STATE_BACKEND_VERSION}` });
    expect(older.fix).toContain('npx cdktf deploy state-backend');
    const missing = await checkStateBackendVersion(ssmAnswering({ error: notFound }), where);
    expect(missing).toMatchObject({ ok: false, detail: expect.stringContaining('deployed before version stamps') });
  });

  it('warns, without failing, for a newer stamp or one these credentials cannot read', async () => {
    expect(await version(`${STATE_BACKEND_VERSION + 1}`)).toMatchObject({ ok: true, warning: true, detail: expect.stringContaining('newer than this code') });
    const denied = await checkStateBackendVersion(ssmAnswering({ error: accessDenied }), where);
    expect(denied).toMatchObject({ ok: true, warning: true, detail: `cannot read the stamp with these credentials (needs ssm:GetParameter on ${ARN})` });
  });

  it('the report prints WARN with its fix and counts warnings without failing', async () => {
    const denied = await checkStateBackendVersion(ssmAnswering({ error: accessDenied }), where);
    const text = formatReport({ binary: { problem: 'none' } as never, sections: [{ title: 'staging', results: [denied] }], ok: true }, {});
    expect(text).toContain(`  WARN  state-backend version: cannot read the stamp with these credentials (needs ssm:GetParameter on ${ARN})\n        fix: read it with credentials of account 333333333333`);
    expect(text).toContain('All checks passed. 1 warning (WARN above).');
  });
});
