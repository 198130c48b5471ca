import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveWithheldState, StateDumpFilter } from '../tooling/toolkit/state-dump-filter';
import { printsStateByDesign, runCommand } from '../tooling/toolkit/run-command';

/**
 * Terraform 1.11.4's own stderr when it could write neither terraform.tfstate nor errored.tfstate
 * (a tmpfs filled up between the lock and the state write): the whole state, secret included, then
 * "Failed to persist state to backend". Captured from a real run (docs/hostile-input.md, issue #28).
 */
const DUMP = readFileSync(join(__dirname, 'fixtures', 'terraform-1.11.4-state-dump.stderr'), 'utf8');
const SECRET = 'SUPERSECRET-42';

function filtered(text: string, chunkSize = text.length): { out: string; states: string[] } {
  const states: string[] = [];
  const filter = new StateDumpFilter((json) => {
    states.push(json);
    return '[withheld]';
  });
  let out = '';
  for (let at = 0; at < text.length; at += chunkSize) out += filter.write(text.slice(at, at + chunkSize));
  return { out: out + filter.end(), states };
}

describe('StateDumpFilter', () => {
  it('withholds the state Terraform prints and keeps every other line', () => {
    expect(DUMP).toContain(SECRET);
    const { out, states } = filtered(DUMP);
    expect(out).not.toContain(SECRET);
    expect(out).toContain('[withheld]');
    expect(out).toContain('Failed to persist state to backend');
    expect(states).toHaveLength(1);
    expect(JSON.parse(states[0])).toMatchObject({ version: 4, serial: 1 });
    expect(states[0]).toContain(SECRET);
  });

  it('withholds it however the output is cut into chunks (1, 7 and 64 bytes)', () => {
    for (const size of [1, 7, 64]) {
      const { out, states } = filtered(DUMP, size);
      expect({ size, leaked: out.includes(SECRET), states: states.length }).toEqual({ size, leaked: false, states: 1 });
    }
  });

  it("withholds it behind cdktf's stack prefix", () => {
    const prefixed = DUMP.split('\n')
      .map((line) => (line === '' ? line : `dev  ${line}`))
      .join('\n');
    const { out, states } = filtered(prefixed, 13);
    expect(out).not.toContain(SECRET);
    expect(out).toContain('dev  [withheld]');
    expect(states).toHaveLength(1);
    expect(JSON.parse(states[0]).lineage).toBe('7b249a41-29f8-da41-b848-a2a5750d6a4c');
  });

  it('passes JSON that is not a state, and a prompt without a newline at once', () => {
    const other = '{\n  "format_version": "1.0",\n  "secret": false\n}\n';
    expect(filtered(other, 3).out).toBe(other);
    const filter = new StateDumpFilter(() => 'never');
    expect(filter.write('  Enter a value: ')).toBe('  Enter a value: ');
    expect(filter.write('yes\n{')).toBe('yes\n');
    expect(filter.end()).toBe('{');
  });

  it('keeps a state cut short withheld (the process died mid-dump)', () => {
    const cut = DUMP.slice(0, DUMP.indexOf(SECRET) + SECRET.length + 5);
    const { out, states } = filtered(cut, 50);
    expect(out).not.toContain(SECRET);
    expect(states).toHaveLength(1);
  });
});

describe('saveWithheldState', () => {
  it('saves the state in a new 0600 file and says where and what to run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'withheld-'));
    try {
      const line = saveWithheldState(dir, () => new Date('2026-12-06T20:00:00Z'))('{"version": 4}');
      const [file] = readdirSync(dir);
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
      expect(line).toContain(`saved to ${join(dir, file)} (mode 0600)`);
      expect(line).toContain(`terraform state push ${join(dir, file)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('falls back to a private directory in the second place when the first cannot take it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'withheld-fallback-'));
    try {
      const line = saveWithheldState(['/proc/no-such-dir', dir])('{"version": 4}');
      const [privateDir] = readdirSync(dir);
      expect(statSync(join(dir, privateDir)).mode & 0o777).toBe(0o700);
      const [file] = readdirSync(join(dir, privateDir));
      expect(statSync(join(dir, privateDir, file)).mode & 0o777).toBe(0o600);
      expect(line).toContain(`saved to ${join(dir, privateDir, file)} (mode 0600)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says the state could not be saved, never printing it, when the directory cannot take it', () => {
    const line = saveWithheldState('/proc/no-such-dir')('{"version": 4, "secret": "x"}');
    expect(line).toMatch(/could not be saved either \(ENOENT/);
    expect(line).not.toContain('"secret"');
  });
});

describe('the process runner withholds state dumps, but not the state a command prints by design', () => {
  const state = `${JSON.stringify({ version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'l', outputs: { token: { value: 'hunter2', sensitive: true } }, resources: [] }, null, 2)}\n`;
  let dir: string;
  let fakeTerraform: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'prints-state-'));
    fakeTerraform = join(dir, 'terraform');
    // Prints a state as `state pull` does, whatever it is asked: the runner alone decides what is withheld.
    writeFileSync(join(dir, 'state.json'), state);
    writeFileSync(fakeTerraform, `#!/bin/sh\ncat '${join(dir, 'state.json')}'\n`, { mode: 0o755 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('knows which commands print a state on success', () => {
    expect(printsStateByDesign(['state', 'pull'])).toBe(true);
    expect(printsStateByDesign(['show', '-json'])).toBe(true);
    expect(printsStateByDesign(['apply', '-auto-approve'])).toBe(false);
    expect(printsStateByDesign(['show'])).toBe(false);
    expect(printsStateByDesign(['deploy', 'staging'])).toBe(false);
  });

  it('`terraform state pull` reaches its caller whole (bootstrap reads it), and nothing is saved aside', async () => {
    const result = await runCommand(fakeTerraform, ['state', 'pull'], { cwd: dir, env: process.env, timeoutMs: 30_000, forwardSignals: false });
    expect(result.stdout).toBe(state);
    expect(readdirSync(dir).sort()).toEqual(['state.json', 'terraform']);
  });

  it('the same text from `terraform apply` is withheld and saved with mode 0600', async () => {
    const result = await runCommand(fakeTerraform, ['apply', '-auto-approve'], { cwd: dir, env: process.env, timeoutMs: 30_000, forwardSignals: false });
    expect(result.stdout).not.toContain('hunter2');
    const saved = readdirSync(dir).filter((name) => !['state.json', 'terraform'].includes(name));
    expect(saved).toHaveLength(1);
    expect(statSync(join(dir, saved[0])).mode & 0o777).toBe(0o600);
  });
});
