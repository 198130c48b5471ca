/**
 * Test-only configurations around a synthesized `terraform` block. The backend block and
 * `required_version` are kept exactly as the app synthesized them; the AWS resources are swapped for
 * `terraform_data`, which needs no provider and no cloud, so state and locking are what is tested.
 */

export interface SynthesizedStack {
  terraform: { backend?: Record<string, Record<string, unknown>>; required_version?: string } & Record<string, unknown>;
}

/**
 * Seconds a lock holder waits for its release file at most, so a test process that died never leaves
 * it hanging (a test releases it itself, also when it fails). The deploy step's bound: a busy machine
 * may take minutes for what a contender does while the lock is held.
 */
const HOLD_LIMIT_SECONDS = 600;

/**
 * `payload` gives the state content to check; `holder` is re-created whenever `-var run=<new>` is
 * passed and, when `-var hold=<file>` is set, keeps the run (and so the state lock) until that file
 * exists: a deterministic lock holder, no sleeps. While it holds, `<file>.holding` exists: the run
 * has read its state and is applying.
 */
export function withTestResources(stack: SynthesizedStack): Record<string, unknown> {
  const { backend, required_version } = stack.terraform;
  return {
    terraform: { backend, required_version },
    variable: {
      run: { type: 'string', default: 'initial' },
      hold: { type: 'string', default: '' },
    },
    resource: {
      terraform_data: {
        payload: { input: 'state written by the e2e suite' },
        holder: {
          triggers_replace: '${var.run}',
          provisioner: [
            {
              'local-exec': {
                command: `if [ -n "$HOLD" ]; then : > "$HOLD.holding"; fi; i=0; while [ -n "$HOLD" ] && [ ! -f "$HOLD" ] && [ $i -lt ${HOLD_LIMIT_SECONDS * 20} ]; do sleep 0.05; i=$((i+1)); done`,
                environment: { HOLD: '${var.hold}' },
              },
            },
          ],
        },
      },
    },
  };
}

/** The S3 backend block of a stack (fails if it has none). */
export function s3BackendOf(stack: { terraform: { backend?: Record<string, Record<string, unknown>> } }): {
  bucket: string;
  key: string;
  dynamodb_table?: string;
  use_lockfile?: boolean;
} {
  const s3 = stack.terraform.backend?.s3;
  if (!s3) throw new Error(`expected an S3 backend, got ${JSON.stringify(stack.terraform.backend)}`);
  return s3 as { bucket: string; key: string; dynamodb_table?: string; use_lockfile?: boolean };
}
