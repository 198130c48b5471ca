import { GcsBackend } from 'cdktf';
import { statePrefix } from '../naming/naming-rule';
import type { GcsState } from '../definitions/state-definition';
import type { BackendAdapter, StateContext } from './backend-context';

const prefixOf = (state: GcsState, context: StateContext) => state.prefix ?? statePrefix(context.project, context.stack);

export const gcsBackend: BackendAdapter<GcsState> = {
  apply: (stack, state, context) =>
    new GcsBackend(stack, {
      bucket: state.bucket,
      prefix: prefixOf(state, context),
      ...(state.kmsEncryptionKey ? { kmsEncryptionKey: state.kmsEncryptionKey } : {}),
    }),
  location: (state, context) => `gs://${state.bucket}/${prefixOf(state, context)}`,
};
