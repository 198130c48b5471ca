import type { App } from 'cdktf';
import { resolveBlueprint, type Blueprint, type SettingSources } from './blueprint';
import type { EnvironmentModule } from './environment';
import { EnvironmentStack } from './stacks/environment-stack';
import { StateBackendStack } from './stacks/state-backend-stack';
import type { StateBackendModule } from './state-backend-definition';
import { validateDefinitions } from './validation/validate-definitions';

export interface AppDefinition {
  readonly environments: readonly EnvironmentModule[];
  readonly stateBackend: StateBackendModule;
}

export interface BuiltApp {
  readonly blueprint: Blueprint;
  readonly environmentStacks: readonly EnvironmentStack[];
  readonly stateBackendStack: StateBackendStack;
}

/** Settings from the app's context and the process environment. */
export function settingSourcesOf(app: App, env: NodeJS.ProcessEnv = process.env): SettingSources {
  return { context: (key) => app.node.tryGetContext(key), env };
}

/**
 * Validates every definition first and only then creates stacks, so invalid input stops synth
 * before anything is written (`DefinitionError` lists every problem).
 */
export function buildApp(app: App, definition: AppDefinition, sources: SettingSources = settingSourcesOf(app)): BuiltApp {
  const blueprint = resolveBlueprint(sources);
  const { environments, stateBackend } = validateDefinitions(
    blueprint.project,
    definition.environments.map((module) => module(blueprint)),
    definition.stateBackend(blueprint),
  );
  // The lock table lives in the state-backend stack's account (the first its account guard allows).
  const stateAccountId = stateBackend.allowedAccountIds[0];
  return {
    blueprint,
    environmentStacks: environments.map((environment) => new EnvironmentStack(app, environment, blueprint.project, stateAccountId)),
    stateBackendStack: new StateBackendStack(app, stateBackend, blueprint.project, environments),
  };
}
