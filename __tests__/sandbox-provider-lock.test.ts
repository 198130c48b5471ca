import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE, pinnedProviders, seedLockFiles, terraformPlatform } from '../tooling/sandbox/provider-lock';

describe('sandbox provider lock files (tooling/sandbox/provider-lock.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'provider-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('locks the provider the bindings were built for, in the form required_providers takes', () => {
    expect(pinnedProviders()).toEqual([{ source: 'hashicorp/aws', version: '5.100.0' }]);
  });

  it("names Terraform's platform for this machine", () => {
    expect(terraformPlatform('linux', 'x64')).toBe('linux_amd64');
    expect(terraformPlatform('darwin', 'arm64')).toBe('darwin_arm64');
    expect(terraformPlatform('win32', 'x64')).toBe('windows_amd64');
  });

  it("writes each stack's lock file, and leaves one Terraform already wrote alone", () => {
    mkdirSync(join(dir, 'stacks', 'staging'), { recursive: true });
    writeFileSync(join(dir, 'stacks', 'staging', LOCK_FILE), 'terraform wrote this');
    const written = seedLockFiles(dir, ['staging', 'production'], 'seeded');
    expect(written).toEqual([join(dir, 'stacks', 'production', LOCK_FILE)]);
    expect(readFileSync(join(dir, 'stacks', 'production', LOCK_FILE), 'utf8')).toBe('seeded');
    expect(readFileSync(join(dir, 'stacks', 'staging', LOCK_FILE), 'utf8')).toBe('terraform wrote this');
  });
});
