import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { typescriptNodeArgs } from '../../tooling/toolkit/typescript-entry';

describe('a guardrail violation at synth (same entry code as main.ts)', () => {
  it('exits 1, names rule and construct path, and writes no stack', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'synth-guardrails-'));
    try {
      const { status, stderr } = spawnSync(
        process.execPath,
        typescriptNodeArgs(join('__tests__', 'fixtures', 'guardrail-violation-main.ts')),
        {
          cwd: join(__dirname, '..', '..'),
          // The cdktf CLI sets CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS; the check must not depend on it.
          env: { ...process.env, CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: '{}', CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true' },
          encoding: 'utf8',
        },
      );
      expect(status).toBe(1);
      expect(stderr).toContain('Guardrails violated (1); nothing was synthesized:');
      expect(stderr).toContain('- [shared-env-remote-state] staging: "staging" is shared (protection "standard") but keeps its state in a local file');
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(readdirSync(join(outdir, 'stacks'))).toEqual([]);
      expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
