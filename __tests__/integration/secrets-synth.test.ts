import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesContaining, synthMain, uniqueSecret } from '../support/workflow-sandbox';

/**
 * Synthesizes the app the way `cdktf synth` does, with secrets set in the environment as every
 * workflow sets them, then searches every file cdktf wrote for the values.
 */
describe('synthesized output holds no secret value', () => {
  const secrets = {
    TF_VAR_app_api_token: uniqueSecret('app-token'),
    AWS_SECRET_ACCESS_KEY: uniqueSecret('aws-secret'),
    AWS_SESSION_TOKEN: uniqueSecret('aws-session'),
    VAULT_TOKEN: uniqueSecret('vault'),
    OP_SERVICE_ACCOUNT_TOKEN: uniqueSecret('op'),
  };
  const outdir = mkdtempSync(join(tmpdir(), 'synth-secrets-'));
  let status: number | null = null;

  beforeAll(() => {
    ({ status } = synthMain(outdir, { ...secrets, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00' }));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('synth succeeds and declares the secret as a sensitive variable', () => {
    expect(status).toBe(0);
    // The search below is only meaningful if the secret's path through the stack was synthesized.
    for (const stack of ['dev', 'staging', 'production']) {
      const json = JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      expect(json.variable.app_api_token.sensitive).toBe(true);
      expect(Object.values(json.resource.aws_ssm_parameter)).toEqual([expect.objectContaining({ value: '${var.app_api_token}' })]);
    }
  });

  it.each(Object.keys(secrets))('no file under the outdir contains the value of %s', (name) => {
    expect(filesContaining(outdir, secrets[name as keyof typeof secrets])).toEqual([]);
  });

  it('the search finds a value that is there (control)', () => {
    expect(filesContaining(outdir, 'app_api_token').length).toBeGreaterThan(0);
  });
});
