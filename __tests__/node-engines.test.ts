import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const manifest = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as {
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

type Version = [number, number, number];
const parse = (v: string): Version => {
  const [major = 0, minor = 0, patch = 0] = v.split('.').map(Number);
  return [major, minor, patch];
};
const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** The lowest Node.js version an engines range admits: the smallest lower bound of its alternatives. */
function lowestAdmitted(range: string): Version {
  const bounds = range.split('||').map((alternative) => {
    const match = /(?:>=|\^|~)\s*v?(\d+(?:\.\d+){0,2})/.exec(alternative);
    return parse(match ? match[1] : '0');
  });
  return bounds.sort(compare)[0];
}

describe('package.json engines.node: the highest floor among the packages the project installs', () => {
  const project = manifest(join(root, 'package.json'));
  const packages = Object.keys({ ...project.dependencies, ...project.devDependencies });
  const floors = packages
    .map((name) => ({ name, range: manifest(join(root, 'node_modules', name, 'package.json')).engines?.node }))
    .filter((p): p is { name: string; range: string } => typeof p.range === 'string')
    .map((p) => ({ ...p, floor: lowestAdmitted(p.range) }))
    .sort((a, b) => compare(b.floor, a.floor));

  it('reads lower bounds the way npm ranges state them', () => {
    expect(lowestAdmitted('>= 20.9.0')).toEqual([20, 9, 0]);
    expect(lowestAdmitted('>=20')).toEqual([20, 0, 0]);
    expect(lowestAdmitted('^14.15.0 || ^16.10.0 || >=18.0.0')).toEqual([14, 15, 0]);
  });

  it('is ">=" the highest floor, which today is @cdktf/provider-aws\'s', () => {
    const [highest] = floors;
    expect(highest.name).toBe('@cdktf/provider-aws');
    expect(project.engines?.node).toBe(`>=${highest.floor.join('.')}`);
    expect(project.engines?.node).toBe('>=20.9.0');
  });
});
