import type { TerraformBackend, TerraformStack } from 'cdktf';
import type { StateDefinition } from '../definitions/state-definition';

/** What the naming rule needs to place a stack's state. */
export interface StateContext {
  readonly project: string;
  readonly stack: string;
}

/** One backend kind: how it is put on a stack, and where its state ends up. */
export interface BackendAdapter<S extends StateDefinition> {
  /** Adds the cdktf backend construct for `state` to `stack`. */
  apply(stack: TerraformStack, state: S, context: StateContext): TerraformBackend;
  /**
   * A URI-like string that is equal for two stacks exactly when they would read and write the same
   * state object; used to reject definitions that collide.
   */
  location(state: S, context: StateContext): string;
}
