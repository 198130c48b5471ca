/**
 * The e2e harness's terraform check, called the way the e2e files call it: in the test process
 * (state-servers.ts, cross-account and sandbox-state-backend call ensureTerraform() in jest). The
 * harness module is loaded afresh for each case with TERRAFORM_BINARY_NAME as the case sets it (the
 * module reads it once, when loaded); what it writes to stderr is captured. No process of node is
 * started for this any more (each cost about 1.5 s of CPU, under tsx then); the real `terraform version
 * -json` still runs.
 */
type Harness = typeof import('../e2e/harness/terraform');

/** Loads the harness with `env` set, calls ensureTerraform(); its result or error and its stderr. */
function ensureTerraformWith(env: Record<string, string>): { version?: string; error?: Error; stderr: string } {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  let stderr = '';
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += chunk.toString();
    return true;
  });
  try {
    let harness: Harness | undefined;
    jest.isolateModules(() => {
      harness = require('../e2e/harness/terraform') as Harness;
    });
    try {
      return { version: harness!.ensureTerraform(), stderr };
    } catch (error) {
      return { error: error as Error, stderr };
    }
  } finally {
    write.mockRestore();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

describe('the end-to-end suite without terraform', () => {
  it('fails with instructions to install it, instead of skipping', () => {
    const { version, error } = ensureTerraformWith({ TERRAFORM_BINARY_NAME: '/nonexistent/terraform' });
    expect(version).toBeUndefined();
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain('The end-to-end tests need the "/nonexistent/terraform" binary (Terraform >= 1.10.2 or OpenTofu >= 1.10.2)');
    expect(error!.message).toContain('https://developer.hashicorp.com/terraform/install');
    expect(error!.message).toContain('TERRAFORM_BINARY_NAME=tofu');
  });

  it('reports the version when terraform is there', () => {
    const { version, error, stderr } = ensureTerraformWith({});
    expect(error).toBeUndefined();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(stderr).toMatch(/\[e2e\] terraform \d+\.\d+\.\d+; providers from /);
  });
});
