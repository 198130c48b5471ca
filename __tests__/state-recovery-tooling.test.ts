import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../tooling/toolkit/cli-args';
import { holderProcess } from '../tooling/state/local-holders';
import { chooseVersion } from '../tooling/state/run-state';
import { diffStates, parseState, withSerial } from '../tooling/state/state-content';
import type { StateVersion } from '../tooling/state/state-store';

const state = (serial: number, resources: Array<{ type: string; name: string; id: string }>, lineage = 'l-1') =>
  JSON.stringify({
    version: 4,
    terraform_version: '1.11.4',
    serial,
    lineage,
    resources: resources.map(({ type, name, id }) => ({ mode: 'managed', type, name, instances: [{ attributes: { id } }] })),
  });

describe('state content', () => {
  it('reads serial, lineage, Terraform version and managed instances; refuses what is not a state', () => {
    const parsed = parseState(state(7, [{ type: 'aws_s3_bucket', name: 'b', id: 'x' }]), 'v1');
    expect({ serial: parsed.serial, lineage: parsed.lineage, tf: parsed.terraformVersion, addresses: [...parsed.instances.keys()] }).toEqual({ serial: 7, lineage: 'l-1', tf: '1.11.4', addresses: ['aws_s3_bucket.b'] });
    expect(() => parseState('{"serial": 1}', 'v2')).toThrow('v2 is not a Terraform state file (no lineage, serial or resources)');
    expect(() => parseState('', 'v3')).toThrow('v3 is not a Terraform state file (not JSON');
  });

  it('diffs current to chosen: added, removed, changed', () => {
    const current = parseState(state(3, [{ type: 't', name: 'a', id: '1' }, { type: 't', name: 'b', id: '2' }]), 'current');
    const chosen = parseState(state(2, [{ type: 't', name: 'b', id: 'changed' }, { type: 't', name: 'c', id: '3' }]), 'chosen');
    expect(diffStates(current, chosen)).toEqual({ added: ['t.c'], removed: ['t.a'], changed: ['t.b'] });
    expect(diffStates(undefined, chosen)).toEqual({ added: ['t.b', 't.c'], removed: [], changed: [] });
  });

  it('raises only the serial', () => {
    const chosen = parseState(state(2, [{ type: 't', name: 'a', id: '1' }]), 'chosen');
    const pushed = JSON.parse(withSerial(chosen, 9));
    expect(pushed).toEqual({ ...JSON.parse(chosen.text), serial: 9 });
  });
});

describe('choosing the version to restore', () => {
  const at = (iso: string) => new Date(iso);
  const versions: StateVersion[] = [
    { versionId: 'marker', lastModified: at('2026-12-06T12:00:00Z'), size: 0, isLatest: true, deleteMarker: true },
    { versionId: 'v2', lastModified: at('2026-12-06T11:00:00Z'), size: 10, isLatest: false, deleteMarker: false },
    { versionId: 'v1', lastModified: at('2026-12-06T10:00:00Z'), size: 10, isLatest: false, deleteMarker: false },
  ];
  it('by ID, never a delete marker; by time, the newest state strictly before it', () => {
    expect(chooseVersion(versions, { kind: 'version', versionId: 'v1' }, 's3://b/k').versionId).toBe('v1');
    expect(() => chooseVersion(versions, { kind: 'version', versionId: 'marker' }, 's3://b/k')).toThrow('is a delete marker, not a state');
    expect(() => chooseVersion(versions, { kind: 'version', versionId: 'nope' }, 's3://b/k')).toThrow('s3://b/k has no version nope');
    expect(chooseVersion(versions, { kind: 'before', time: at('2026-12-06T13:00:00Z') }, 's3://b/k').versionId).toBe('v2');
    expect(chooseVersion(versions, { kind: 'before', time: at('2026-12-06T11:00:00Z') }, 's3://b/k').versionId).toBe('v1');
    expect(() => chooseVersion(versions, { kind: 'before', time: at('2026-12-06T10:00:00Z') }, 's3://b/k')).toThrow('has no version written before 2026-12-06T10:00:00Z');
  });
});

describe('whether a lock holder still runs here', () => {
  let proc: string;
  let stackDir: string;
  beforeEach(() => {
    proc = mkdtempSync(join(tmpdir(), 'proc-'));
    stackDir = mkdtempSync(join(tmpdir(), 'stack-'));
  });
  afterEach(() => {
    rmSync(proc, { recursive: true, force: true });
    rmSync(stackDir, { recursive: true, force: true });
  });
  const fakeProcess = (pid: number, argv0: string, cwd: string) => {
    mkdirSync(join(proc, String(pid)));
    writeFileSync(join(proc, String(pid), 'cmdline'), `${argv0}\0apply\0`);
    symlinkSync(cwd, join(proc, String(pid), 'cwd'));
  };

  it('a terraform process in the stack directory on the holder\'s host runs; elsewhere or another host cannot be told', () => {
    fakeProcess(41, '/usr/bin/terraform', stackDir);
    fakeProcess(42, '/usr/bin/terraform', tmpdir());
    fakeProcess(43, 'bash', stackDir);
    expect(holderProcess({ Who: 'alice@box' }, stackDir, ['terraform'], proc, 'box')).toEqual({ kind: 'running', pids: [41] });
    expect(holderProcess({ Who: 'alice@ci-runner' }, stackDir, ['terraform'], proc, 'box')).toEqual({ kind: 'elsewhere', host: 'ci-runner' });
    rmSync(join(proc, '41'), { recursive: true });
    expect(holderProcess({ Who: 'alice@box' }, stackDir, ['terraform'], proc, 'box')).toEqual({ kind: 'not-running' });
  });
});

describe('value options', () => {
  const spec = { usage: 'u', options: { '--version': { kind: 'value' as const, example: '<id>' } }, positionals: { name: 'x', min: 0, max: 1 } };
  it('takes a value, inline or next; refuses a missing one, an option in its place, and a repeat', () => {
    expect(parseArgs(spec, ['--version', 'abc']).values).toEqual({ '--version': 'abc' });
    expect(parseArgs(spec, ['--version=-abc']).values).toEqual({ '--version': '-abc' });
    expect(() => parseArgs(spec, ['--version'])).toThrow('--version needs a value, e.g. --version <id>');
    expect(() => parseArgs(spec, ['--version', '--yes'])).toThrow('--version needs a value');
    expect(() => parseArgs(spec, ['--version', 'a', '--version', 'b'])).toThrow('--version is given twice');
  });
});
