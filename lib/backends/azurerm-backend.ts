import { AzurermBackend } from 'cdktf';
import { stateKey } from '../naming/naming-rule';
import type { AzurermState } from '../definitions/state-definition';
import type { BackendAdapter, StateContext } from './backend-context';

const keyOf = (state: AzurermState, context: StateContext) => state.key ?? stateKey(context.project, context.stack);

export const azurermBackend: BackendAdapter<AzurermState> = {
  apply: (stack, state, context) =>
    new AzurermBackend(stack, {
      resourceGroupName: state.resourceGroupName,
      storageAccountName: state.storageAccountName,
      containerName: state.containerName,
      key: keyOf(state, context),
      // Entra ID auth avoids long-lived storage account keys in CI.
      useAzureadAuth: state.useAzureadAuth ?? true,
    }),
  location: (state, context) =>
    `azurerm://${state.storageAccountName}/${state.containerName}/${keyOf(state, context)}`,
};
