import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const projectRoot = join(__dirname, '..');
/** The app command `cdktf synth` runs, read from cdktf.json so this test always runs the real one. */
const appCommand = (JSON.parse(readFileSync(join(projectRoot, 'cdktf.json'), 'utf8')) as { app: string }).app;

/** Runs main.ts the way `cdktf synth` does (same app command, through a shell), into a temporary outdir. */
function runMain(env: Record<string, string>) {
  const outdir = mkdtempSync(join(tmpdir(), 'synth-'));
  const result = spawnSync(appCommand, {
    shell: true,
    cwd: projectRoot,
    env: { ...process.env, CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: '{}', ...env },
    encoding: 'utf8',
  });
  return { ...result, outdir };
}

describe('main.ts', () => {
  it('fails with the list of problems, exit code 1 and no stack written when a definition is bad', () => {
    const { status, stderr, outdir } = runMain({ TF_STATE_BUCKET: 'Bad_Bucket' });
    try {
      expect(status).toBe(1);
      expect(stderr).toContain('Invalid environment definitions (3 problems); nothing was synthesized:');
      expect(stderr).toContain('- staging.state.bucket: "Bad_Bucket" is not a valid S3 bucket name');
      expect(stderr).not.toMatch(/\n\s+at /); // a list to act on, not a stack trace
      // cdktf's App creates an empty outdir/stacks on construction; no stack and no manifest may follow.
      expect(readdirSync(join(outdir, 'stacks'))).toEqual([]);
      expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('writes all four stacks when the definitions are valid', () => {
    const { status, outdir } = runMain({});
    try {
      expect(status).toBe(0);
      expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['dev', 'production', 'staging', 'state-backend']);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

