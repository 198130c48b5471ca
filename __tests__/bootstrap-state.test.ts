import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootstrapError } from '../tooling/toolkit/errors';
import { readLocalState } from '../tooling/bootstrap/inspect';
import { stateDifferences, summarizeState } from '../tooling/bootstrap/state-summary';

const state = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    version: 4,
    lineage: 'l-1',
    serial: 7,
    resources: [
      { mode: 'managed', type: 'aws_s3_bucket', name: 'state', instances: [{ attributes: { id: 'acme-tfstate' } }] },
      { mode: 'managed', type: 'aws_iam_policy', name: 'access', instances: [{ index_key: 'staging', attributes: { id: 'arn:p1' } }, { index_key: 0, attributes: { id: 'arn:p2' } }] },
      { mode: 'data', type: 'aws_caller_identity', name: 'me', instances: [{ attributes: { id: '1' } }] },
      { module: 'module.m', mode: 'managed', type: 'aws_kms_key', name: 'k', instances: [{ attributes: { id: 'key-1' } }] },
    ],
    ...overrides,
  });

describe('bootstrap state comparison', () => {
  test('summarizes lineage, serial and every managed instance with its id (data sources left out)', () => {
    expect(summarizeState(state(), 'f')).toEqual({
      lineage: 'l-1',
      serial: 7,
      instances: ['aws_iam_policy.access["staging"] = arn:p1', 'aws_iam_policy.access[0] = arn:p2', 'aws_s3_bucket.state = acme-tfstate', 'module.m.aws_kms_key.k = key-1'],
    });
  });

  test('a state and its byte-for-byte copy do not differ', () => {
    expect(stateDifferences(summarizeState(state(), 'a'), summarizeState(state(), 'b'))).toEqual([]);
  });

  test('names every difference: lineage, serial, a lost and an extra instance', () => {
    const remote = summarizeState(
      state({ lineage: 'l-2', serial: 1, resources: [{ mode: 'managed', type: 'aws_s3_bucket', name: 'other', instances: [{ attributes: { id: 'x' } }] }] }),
      'remote',
    );
    expect(stateDifferences(summarizeState(state(), 'local'), remote)).toEqual([
      'lineage: local l-1, remote l-2',
      'serial: local 7, remote 1',
      'only in the local state: aws_iam_policy.access["staging"] = arn:p1',
      'only in the local state: aws_iam_policy.access[0] = arn:p2',
      'only in the local state: aws_s3_bucket.state = acme-tfstate',
      'only in the local state: module.m.aws_kms_key.k = key-1',
      'only in the remote state: aws_s3_bucket.other = x',
    ]);
  });

  test('a file that is not a state says which file and why', () => {
    expect(() => summarizeState('{"lineage": 3}', '/tmp/x.tfstate')).toThrow('/tmp/x.tfstate is not a Terraform state file (no lineage, serial or resources)');
    expect(() => summarizeState('nope', '/tmp/x.tfstate')).toThrow(/\/tmp\/x.tfstate is not a Terraform state file \(not JSON/);
  });
});

describe('a damaged local state file', () => {
  test('stops bootstrap with what to do, changing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bootstrap-state-'));
    try {
      const file = join(dir, 'terraform.state-backend.tfstate');
      writeFileSync(file, '{"version": 4, "lineage": "l", "serial": 3, "resou');
      expect(() => readLocalState(file)).toThrow(BootstrapError);
      expect(() => readLocalState(file)).toThrow(`${file} is not a Terraform state file (not JSON`);
      expect(() => readLocalState(file)).toThrow(`Terraform keeps the previous copy in ${file}.backup`);
      expect(readFileSync(file, 'utf8')).toBe('{"version": 4, "lineage": "l", "serial": 3, "resou');
      expect(readLocalState(join(dir, 'missing.tfstate'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
