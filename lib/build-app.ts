import type { App } from 'cdktf';
import { applyBackendConfigFile, loadBackendConfigFile } from './backend-config/backend-config-file';
import { resolveBlueprint, type Blueprint, type SettingSources } from './blueprint';
import type { EnvironmentDefinition, EnvironmentModule } from './environment';
import { DefinitionError } from './errors';
import { resolveSandboxConnection, type SandboxConnection } from './sandbox/connection';
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
    withBackendConfigFile(blueprint.backendConfigFile, definition.environments.map((module) => module(blueprint))),
    definition.stateBackend(blueprint),
  );
  const sandbox = blueprint.sandbox ? sandboxConnectionOf(sources) : undefined;
  // The lock table lives in the state-backend stack's account (the first its account guard allows).
  const stateAccountId = stateBackend.allowedAccountIds[0];
  return {
    blueprint,
    environmentStacks: environments.map((environment) => new EnvironmentStack(app, environment, blueprint.project, stateAccountId, sandbox)),
    stateBackendStack: new StateBackendStack(app, stateBackend, blueprint.project, environments, sandbox),
  };
}

/** SANDBOX=1: the running sandbox's endpoint, or a DefinitionError saying how to start one. */
function sandboxConnectionOf(sources: SettingSources): SandboxConnection {
  const connection = resolveSandboxConnection(sources.env);
  if ('problem' in connection) throw new DefinitionError([connection.problem]);
  return connection;
}

/** The definitions with BACKEND_CONFIG_FILE's state applied, when one is given. */
function withBackendConfigFile(file: string | undefined, environments: EnvironmentDefinition[]): EnvironmentDefinition[] {
  if (file === undefined) return environments;
  const loaded = loadBackendConfigFile(file);
  if (!loaded.config) throw new DefinitionError(loaded.problems);
  const applied = applyBackendConfigFile(file, loaded.config, environments);
  if (applied.problems.length > 0) throw new DefinitionError(applied.problems);
  return applied.environments;
}
