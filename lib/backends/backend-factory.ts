import type { TerraformBackend, TerraformStack } from 'cdktf';
import { azurermBackend } from './azurerm-backend';
import type { BackendAdapter, StateContext } from './backend-context';
import { cloudBackend } from './cloud-backend';
import { gcsBackend } from './gcs-backend';
import { localBackend } from './local-backend';
import { s3Backend } from './s3-backend';
import type { StateDefinition, StateKind } from '../definitions/state-definition';
import { requiredVersionFor } from './terraform-version';

export type { StateContext } from './backend-context';

/** One adapter per kind; the mapped type makes a missing kind a compile error. */
const adapters: { readonly [K in StateKind]: BackendAdapter<Extract<StateDefinition, { kind: K }>> } = {
  local: localBackend,
  s3: s3Backend,
  gcs: gcsBackend,
  azurerm: azurermBackend,
  cloud: cloudBackend,
};

function adapterFor<S extends StateDefinition>(state: S): BackendAdapter<S> {
  // TypeScript cannot correlate `state.kind` with the map entry; the mapped type above guarantees it.
  return adapters[state.kind] as unknown as BackendAdapter<S>;
}

/**
 * The one place every stack gets its state backend from: adds the backend for `state` and the
 * `required_version` that backend needs.
 */
export function applyStateBackend(stack: TerraformStack, state: StateDefinition, context: StateContext): TerraformBackend {
  stack.addOverride('terraform.required_version', requiredVersionFor(state));
  return adapterFor(state).apply(stack, state, context);
}

/** Where a definition's state lands; equal strings mean two stacks would share one state. */
export function stateLocation(state: StateDefinition, context: StateContext): string {
  return adapterFor(state).location(state, context);
}
