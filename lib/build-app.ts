import type { App } from 'cdktf';
import type { Blueprint, SettingSources } from './blueprint';
import type { EnvironmentModule } from './environment';
import { resolveDefinitions } from './settings/resolve-definitions';
import type { LoadedSources } from './settings/setting-sources';
import { EnvironmentStack } from './stacks/environment-stack';
import { StateBackendStack } from './stacks/state-backend-stack';
import type { StateBackendModule } from './state-backend-definition';

export interface AppDefinition {
  readonly environments: readonly EnvironmentModule[];
  readonly stateBackend: StateBackendModule;
}

export interface BuiltApp {
  readonly blueprint: Blueprint;
  readonly environmentStacks: readonly EnvironmentStack[];
  readonly stateBackendStack: StateBackendStack;
}

/**
 * Validates every setting and definition first (lib/settings/resolve-definitions.ts, the path the
 * doctor and the examples share) and only then creates stacks, so invalid input stops synth before
 * anything is written (`DefinitionError` lists every problem).
 */
export function buildApp(app: App, definition: AppDefinition, input: LoadedSources | SettingSources): BuiltApp {
  const { blueprint, environments, stateBackend } = resolveDefinitions(definition, input);
  // The lock table lives in the state-backend stack's account (the first its account guard allows).
  const stateAccountId = stateBackend.allowedAccountIds[0];
  return {
    blueprint,
    environmentStacks: environments.map((environment) => new EnvironmentStack(app, environment, blueprint.project, stateAccountId)),
    stateBackendStack: new StateBackendStack(app, stateBackend, blueprint.project, environments),
  };
}
