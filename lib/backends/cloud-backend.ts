import { CloudBackend, NamedCloudWorkspace, TaggedCloudWorkspaces } from 'cdktf';
import type { CloudState } from '../definitions/state-definition';
import type { BackendAdapter } from './backend-context';

export const DEFAULT_CLOUD_HOSTNAME = 'app.terraform.io';

export const cloudBackend: BackendAdapter<CloudState> = {
  apply: (stack, state) =>
    new CloudBackend(stack, {
      organization: state.organization,
      ...(state.hostname ? { hostname: state.hostname } : {}),
      workspaces:
        state.workspaces.name !== undefined
          ? new NamedCloudWorkspace(state.workspaces.name, state.project)
          : new TaggedCloudWorkspaces([...(state.workspaces.tags ?? [])], state.project),
    }),
  location: (state) =>
    `cloud://${state.hostname ?? DEFAULT_CLOUD_HOSTNAME}/${state.organization}/` +
    (state.workspaces.name ?? `tags:${[...(state.workspaces.tags ?? [])].sort().join(',')}`),
};
