import { exec } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const projectRoot = join(__dirname, '..', '..');
/** The app command `cdktf synth` runs, read from cdktf.json so this test always runs the real one. */
const appCommand = (JSON.parse(readFileSync(join(projectRoot, 'cdktf.json'), 'utf8')) as { app: string }).app;

interface MainRun {
  readonly status: number;
  readonly stderr: string;
  readonly outdir: string;
}

/** Runs main.ts the way `cdktf synth` does (same app command, through a shell), into a temporary outdir. */
function runMain(env: Record<string, string>): Promise<MainRun> {
  const outdir = mkdtempSync(join(tmpdir(), 'synth-'));
  return new Promise((resolve) => {
    exec(appCommand, { cwd: projectRoot, env: { ...process.env, CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: '{}', ...env } }, (error, _stdout, stderr) =>
      resolve({ status: error ? (error.code ?? -1) : 0, stderr, outdir }),
    );
  });
}

describe('main.ts', () => {
  // Both runs start at once: each is a separate node process, so on a 2-core machine they overlap.
  let bad: MainRun;
  let good: MainRun;
  beforeAll(async () => {
    [bad, good] = await Promise.all([runMain({ TF_STATE_BUCKET: 'Bad_Bucket' }), runMain({})]);
  });
  afterAll(() => {
    for (const run of [bad, good]) if (run) rmSync(run.outdir, { recursive: true, force: true });
  });

  it('fails with the list of problems, exit code 1 and no stack written when a definition is bad', () => {
    const { status, stderr, outdir } = bad;
    expect(status).toBe(1);
    expect(stderr).toContain('Invalid environment definitions (3 problems); nothing was synthesized:');
    expect(stderr).toContain('- staging.state.bucket: "Bad_Bucket" is not a valid S3 bucket name');
    expect(stderr).not.toMatch(/\n\s+at /); // a list to act on, not a stack trace
    // cdktf's App creates an empty outdir/stacks on construction; no stack and no manifest may follow.
    expect(readdirSync(join(outdir, 'stacks'))).toEqual([]);
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
  });

  it('writes all four stacks when the definitions are valid', () => {
    const { status, outdir } = good;
    expect(status).toBe(0);
    expect(readdirSync(join(outdir, 'stacks')).sort()).toEqual(['ci-production', 'ci-staging', 'dev', 'production', 'staging', 'state-backend']);
  });
});
