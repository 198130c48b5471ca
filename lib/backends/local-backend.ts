import { LocalBackend } from 'cdktf';
import { localStatePath } from '../naming/naming-rule';
import type { LocalState } from '../definitions/state-definition';
import type { BackendAdapter } from './backend-context';

export const localBackend: BackendAdapter<LocalState> = {
  apply: (stack, state, { stack: name }) =>
    // Always explicit: cdktf's implicit default writes an absolute, machine-specific path.
    new LocalBackend(stack, { path: state.path ?? localStatePath(name) }),
  location: (state, { stack }) => `local://${state.path ?? localStatePath(stack)}`,
};
