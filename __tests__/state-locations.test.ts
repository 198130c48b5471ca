import { keyProblems, locationCollisions, resolvedLocalPath, stateObjects, type StackLocations } from '../lib/validation/state-locations';
import { environmentRole } from '../lib/guardrails/role';
import { parseBoolean } from '../lib/settings/blueprint';

const project = 'acme-platform';
const s3 = (key: string) => ({ kind: 's3' as const, bucket: 'b', region: 'eu-west-1', locking: 'lockfile' as const, key });
const at = (stack: string, state: Parameters<typeof stateObjects>[0], explicit = true): StackLocations => ({
  stack,
  explicit,
  current: stateObjects(state, { project, stack }),
  reserved: [],
});

describe('state locations as meant', () => {
  it('resolves local paths against cdktf.out/stacks/<stack>', () => {
    expect(resolvedLocalPath('../../../terraform.dev.tfstate', 'dev')).toBe('terraform.dev.tfstate');
    expect(resolvedLocalPath('../../.././terraform.state-backend.tfstate', 'dev')).toBe('terraform.state-backend.tfstate');
    expect(resolvedLocalPath('x/../../../../../a.tfstate', 'dev')).toBe('../a.tfstate'); // outside the project: allowed, still compared
    expect(stateObjects({ kind: 'local' }, { project, stack: 'dev' }).state).toBe('terraform.dev.tfstate');
  });

  it('lists every way a key is not canonical', () => {
    expect(keyProblems('a/./b/../c//d ', 'key')).toEqual(['contains whitespace', 'has an empty segment ("//")', 'has a ".." segment', 'has a "." segment ("./")']);
    expect(keyProblems('env:/blue/x', 'key')).toEqual(['starts with "env:/", where Terraform keeps the states of non-default workspaces']);
    expect(keyProblems('acme-platform/staging/terraform.tfstate', 'key')).toEqual([]);
    expect(keyProblems('../../../terraform.dev.tfstate', 'path')).toEqual([]);
  });

  it('finds a state on a lock object in both directions, and a shared state once', () => {
    const problems = locationCollisions([at('a', s3('k'), false), at('b', s3('k.tflock')), at('c', s3('k'))]);
    expect(problems).toEqual([
      "b.state: stores its state at s3://b/k.tflock, which is the S3 lockfile of a's state; each would destroy the other's state or lock. Fix: remove the explicit key/prefix/path so the naming rule gives each stack its own",
      "b.state: stores its state at s3://b/k.tflock, which is the S3 lockfile of c's state; each would destroy the other's state or lock. Fix: remove the explicit key/prefix/path so the naming rule gives each stack its own",
      'c.state: stores its state at s3://b/k, which a uses already; two stacks sharing one state would overwrite each other. Fix: remove the explicit key/prefix/path so the naming rule gives each stack its own',
    ]);
    expect(locationCollisions([at('a', s3('x')), at('b', s3('y'))])).toEqual([]);
  });
});

describe('environment role', () => {
  it('takes the strongest signal; declaring less never lowers it', () => {
    expect(environmentRole({ name: 'production', protection: 'ephemeral' })).toEqual({ role: 'production', because: 'name "production"' });
    expect(environmentRole({ name: 'svc', protection: 'ephemeral', role: 'personal', tags: { environment: 'prod' } }).role).toBe('production');
    expect(environmentRole({ name: 'dev', protection: 'ephemeral' }).role).toBe('personal');
    expect(environmentRole({ name: 'dev', protection: 'ephemeral', role: 'shared' })).toEqual({ role: 'shared', because: 'role "shared"' });
  });
});

describe('strict booleans', () => {
  it.each([['true', true], ['FALSE', false], ['1', true], ['no', false], ['maybe', undefined], ['', undefined], ['truthy', undefined]])('%s', (value, expected) => {
    expect(parseBoolean(value)).toBe(expected);
  });
});
