import { appDefinition } from '../../environments';
import { synthApp } from '../support/synth';
import { startStateServers, type StateServers } from './harness/state-servers';
import { LOCAL_S3_BACKEND_CONFIG, runTerraformOk } from './harness/terraform';
import { makeWorkdir } from './harness/workdir';

/**
 * Every stack exactly as the app synthesizes it — backend, provider, resources — must initialise with
 * the AWS provider version the bindings pin and pass `terraform validate`. Stacks with S3 state
 * initialise their real backend against the local servers; local-state stacks need no server.
 */
const { stacks, built } = synthApp(appDefinition);

let env: NodeJS.ProcessEnv;

let servers: StateServers;

beforeAll(async () => {
  servers = await startStateServers(built.blueprint.stateBucket, built.blueprint.lockTable);
  ({ env } = servers);
});
afterAll(() => servers?.dispose());

it('synthesizes the four stacks', () => {
  expect(Object.keys(stacks).sort()).toEqual(['ci-production', 'ci-staging', 'dev', 'production', 'staging', 'state-backend']);
});

it.each(Object.keys(stacks))('%s: terraform init and validate pass with the pinned AWS provider', async (name) => {
  const stack = stacks[name];
  const dir = makeWorkdir(name, stack);
  const backendFlags = stack.terraform.backend?.s3 ? LOCAL_S3_BACKEND_CONFIG : [];
  // Provider installation can take a while the first time (the provider is ~700 MB).
  const init = await runTerraformOk(['init', '-input=false', ...backendFlags], { cwd: dir, env, label: name, timeoutMs: 180_000 });
  expect(init.stdout).toMatch(/Installing hashicorp\/aws v5\.100\.0|Using hashicorp\/aws v5\.100\.0|- Reusing previous version of hashicorp\/aws/);
  expect(init.stdout).toContain(`Successfully configured the backend "${Object.keys(stack.terraform.backend ?? {})[0]}"`);
  const validate = await runTerraformOk(['validate', '-json'], { cwd: dir, env, label: name });
  const result = JSON.parse(validate.stdout) as { valid: boolean; error_count: number; diagnostics: unknown[] };
  expect(result).toMatchObject({ valid: true, error_count: 0 });
});
