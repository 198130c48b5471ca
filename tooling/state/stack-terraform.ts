import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outputTail, runCommand, type CommandResult } from '../toolkit/run-command';
import { terraformBinary } from '../toolkit/terraform-binary';
import { BootstrapError } from '../toolkit/errors';
import { withHeartbeat } from '../toolkit/wait-progress';
import { secretVariables } from '../toolkit/synthesized-stacks';
import type { StateStore } from './state-store';

/**
 * Terraform in the stack's own working directory, with the stack's account session: the backend
 * takes the lock, assumes the state role and writes the digest exactly as on every other run.
 */
export class StackTerraform {
  private initialised = false;

  constructor(
    private readonly store: StateStore,
    private readonly env: NodeJS.ProcessEnv,
    private readonly say: (line: string) => void,
    private readonly timeoutMs = 300_000,
  ) {}

  get binary(): string {
    return terraformBinary(this.env);
  }

  /** Sensitive variables the caller has not set (a plan then uses a placeholder for them). */
  get unsetSecrets(): string[] {
    return this.store.location.stack.sensitiveVariables.filter((name) => !this.env[`TF_VAR_${name}`]);
  }

  async run(args: string[]): Promise<CommandResult> {
    const { stack } = this.store.location;
    const runEnv = { ...this.store.session.env, TF_INPUT: '0', ...secretVariables(stack, this.env, 'not-set-for-npm-run-state') };
    const result = await withHeartbeat(
      runCommand(this.binary, args, { cwd: stack.directory, env: runEnv, timeoutMs: this.timeoutMs }),
      () => `state: ${stack.name}: ${this.binary} ${args[0]}${args[1] && !args[1].startsWith('-') ? ` ${args[1]}` : ''}`,
      this.say,
    );
    if (result.timedOut) throw new BootstrapError(`${this.binary} ${args.join(' ')} did not finish within ${this.timeoutMs / 1000} s in ${stack.directory} (killed); check the endpoints and re-run`);
    return result;
  }

  /** `terraform init` once (no migration: the backend is the one synthesized). */
  async init(): Promise<void> {
    if (this.initialised) return;
    const started = Date.now();
    const init = await this.run(['init', '-input=false', '-reconfigure', '-no-color']);
    if (init.code !== 0) throw new BootstrapError(`${this.binary} init failed in ${this.store.location.stack.directory} (exit ${init.code}); nothing was changed:\n${outputTail(init.output, 15)}`);
    this.say(`state: ${this.store.location.stack.name}: ${this.binary} init (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    this.initialised = true;
  }

  /** `terraform state push` of `text` (kept in a private temporary file, removed whatever happens). */
  async push(text: string, force: boolean): Promise<CommandResult> {
    await this.init();
    const dir = mkdtempSync(join(tmpdir(), 'state-restore-'));
    try {
      const file = join(dir, 'restore.tfstate');
      writeFileSync(file, text, { mode: 0o600 });
      return await this.run(['state', 'push', ...(force ? ['-force'] : []), file]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** `terraform plan -detailed-exitcode`: clean (0), changes (2, with Terraform's summary line) or an error. */
  async plan(): Promise<{ kind: 'clean' } | { kind: 'changes'; summary: string; output: string } | { kind: 'error'; output: string }> {
    await this.init();
    const plan = await this.run(['plan', '-input=false', '-no-color', '-detailed-exitcode']);
    if (plan.code === 0) return { kind: 'clean' };
    if (plan.code === 2) return { kind: 'changes', summary: /Plan: .*/.exec(plan.output)?.[0] ?? 'changes', output: plan.output };
    return { kind: 'error', output: plan.output };
  }

  async forceUnlock(id: string): Promise<CommandResult> {
    await this.init();
    return this.run(['force-unlock', '-force', id]);
  }
}
