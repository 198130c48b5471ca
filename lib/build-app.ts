import type { App } from 'cdktf';
import { applyBackendConfigFile, loadBackendConfigFile } from './backend-config/backend-config-file';
import { resolveBlueprint, type Blueprint, type SettingSources } from './blueprint';
import type { EnvironmentDefinition, EnvironmentModule } from './environment';
import { DefinitionError } from './errors';
import { CiIdentityStack } from './identities/ci-identity-stack';
import { githubRepositoryProblem } from './identities/names';
import { environmentIdentity, withStateRoles } from './identities/resolve';
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
  /** `ci-<env>` for every environment whose state is in the state bucket (docs/cross-account.md). */
  readonly ciStacks: readonly CiIdentityStack[];
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
  const settingProblems = [githubRepositoryProblem(blueprint.githubRepository)].filter((problem): problem is string => problem !== undefined);
  const { environments: validated, stateBackend } = withSettingProblems(settingProblems, () =>
    validateDefinitions(
      blueprint.project,
      withBackendConfigFile(blueprint.backendConfigFile, definition.environments.map((module) => module(blueprint))),
      definition.stateBackend(blueprint),
    ),
  );
  const { environments, problems } = withStateRoles(blueprint.project, validated, stateBackend);
  problems.push(...settingProblems);
  if (problems.length > 0) throw new DefinitionError(problems);

  const sandbox = blueprint.sandbox ? sandboxConnectionOf(sources) : undefined;
  // The lock table lives in the state-backend stack's account (the first its account guard allows).
  const stateAccountId = stateBackend.allowedAccountIds[0];
  const identities = environments.map((environment) => environmentIdentity(blueprint.project, environment, stateBackend));
  const accountsWithProvider = new Set<string>();
  return {
    blueprint,
    environmentStacks: environments.map(
      (environment) => new EnvironmentStack(app, environment, blueprint.project, stateAccountId, sandbox, stateBackend.bucket),
    ),
    stateBackendStack: new StateBackendStack(app, stateBackend, blueprint.project, environments, sandbox),
    ciStacks: identities
      .filter((identity) => identity.access.via !== 'none')
      .map((identity) => {
        const createOidcProvider = !accountsWithProvider.has(identity.account);
        accountsWithProvider.add(identity.account);
        return new CiIdentityStack(app, {
          project: blueprint.project,
          identity,
          repository: blueprint.githubRepository,
          createOidcProvider,
          sandbox,
        });
      }),
  };
}

/** Runs `body`, adding the settings' problems to a `DefinitionError` it throws, so one run shows them all. */
function withSettingProblems<T>(settingProblems: readonly string[], body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof DefinitionError && settingProblems.length > 0) throw new DefinitionError([...error.problems, ...settingProblems]);
    throw error;
  }
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
