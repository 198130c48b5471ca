import { TerraformStack, Testing } from 'cdktf';
import { applyStateBackend, type StateContext } from '../backends/backend-factory';
import type { StateDefinition } from '../definitions/state-definition';

/** A synthesized `backend "<type>"` (or `cloud`) block: what the factory puts into a stack. */
export interface BackendBlock {
  /** `s3`, `gcs`, `azurerm`, `local`, or `cloud` for the HCP Terraform block. */
  readonly type: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly requiredVersion: string;
}

/**
 * Runs the real backend factory on a throwaway stack and returns the block it synthesized, so
 * generated backend config files can never disagree with what the stacks contain.
 */
export function backendBlock(state: StateDefinition, context: StateContext): BackendBlock {
  const stack = new TerraformStack(Testing.app({ stackTraces: false }), context.stack);
  applyStateBackend(stack, state, context);
  const { terraform } = stack.toTerraform() as {
    terraform: { backend?: Record<string, Record<string, unknown>>; cloud?: Record<string, unknown>; required_version: string };
  };
  if (terraform.cloud) return { type: 'cloud', attributes: terraform.cloud, requiredVersion: terraform.required_version };
  const [type, attributes] = Object.entries(terraform.backend ?? {})[0];
  return { type, attributes, requiredVersion: terraform.required_version };
}
