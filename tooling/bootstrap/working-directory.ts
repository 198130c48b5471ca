import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The backend the working directory was last initialised with (`.terraform/terraform.tfstate`), if any. */
export function initialisedBackend(stackDir: string): string | undefined {
  const file = join(stackDir, '.terraform', 'terraform.tfstate');
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { backend?: { type?: string } }).backend?.type;
  } catch {
    return undefined;
  }
}

/**
 * Forgets a remote backend recorded by an interrupted phase 2 `init`: the state is still the local
 * file, and phase 1's deploy must not be asked to migrate away from S3.
 */
export function forgetRemoteInit(stackDir: string): void {
  const backend = initialisedBackend(stackDir);
  if (backend && backend !== 'local') rmSync(join(stackDir, '.terraform', 'terraform.tfstate'));
}

/** The backend kind in the synthesized stack (`cdk.tf.json`), if it is synthesized. */
export function synthesizedBackend(stackDir: string): string | undefined {
  const file = join(stackDir, 'cdk.tf.json');
  if (!existsSync(file)) return undefined;
  const backend = (JSON.parse(readFileSync(file, 'utf8')) as { terraform?: { backend?: Record<string, unknown> } }).terraform?.backend;
  return backend ? Object.keys(backend)[0] : undefined;
}
