import { applyBackendConfigFile, loadBackendConfigFile } from '../backend-config/backend-config-file';
import { accountIdVariable, resolveBlueprint, settingOrigin, settingProblems, SETTINGS, type Blueprint, type Setting, type SettingSources } from './blueprint';
import type { AppDefinition } from '../definitions/app-definition';
import type { EnvironmentDefinition } from '../definitions/environment';
import { DefinitionError } from '../definitions/errors';
import { githubRepositoryProblem } from '../identities/names';
import { withStateRoles } from '../identities/resolve';
import type { StateBackendDefinition } from '../definitions/state-backend-definition';
import { projectNameProblems } from '../validation/derived-names';
import { definitionProblems, validateDefinitions } from '../validation/validate-definitions';
import type { LoadedSources } from './setting-sources';

export interface ResolvedDefinitions {
  readonly blueprint: Blueprint;
  readonly environments: readonly EnvironmentDefinition[];
  readonly stateBackend: StateBackendDefinition;
}

/** The first line of what a definition threw, short: a message to act on, never a stack trace. */
function thrownMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0];
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

/** Runs one definition module; what goes wrong is a problem, not a crash. */
function evaluate<T>(module: unknown, blueprint: Blueprint, label: string, problems: string[]): T | undefined {
  if (typeof module !== 'function') {
    problems.push(`${label}: is ${module === undefined ? 'undefined' : typeof module}, not an environment module: export defineEnvironment((blueprint) => ({ ... })) from the file`);
    return undefined;
  }
  try {
    const definition = (module as (blueprint: Blueprint) => unknown)(blueprint);
    if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
      problems.push(`${label}: the module returned ${definition === null ? 'null' : Array.isArray(definition) ? 'a list' : typeof definition} instead of a definition: return the definition object from the function`);
      return undefined;
    }
    return definition as T;
  } catch (error) {
    problems.push(`${label}: the module threw "${thrownMessage(error)}": fix the environment file so that it returns a definition`);
    return undefined;
  }
}

/** What app extensions (lib/app/app-extension.ts) add: their settings to check, their problems to list. */
export interface ExtensionInput {
  readonly settings?: readonly Setting[];
  readonly problems?: readonly string[];
}

/**
 * The one path from settings to validated definitions, shared by synth (buildApp), the doctor and
 * the example generator: settings (environment, cdktf.json), BACKEND_CONFIG_FILE, every definition
 * and every name derived from them. Throws one DefinitionError listing every problem found.
 */
export function resolveDefinitions(definition: AppDefinition, input: LoadedSources | SettingSources, extensions: ExtensionInput = {}): ResolvedDefinitions {
  const { sources, problems: sourceProblems } = 'sources' in input ? input : { sources: input, problems: [] };
  const problems = [...sourceProblems, ...settingProblems(sources, extensions.settings), ...(extensions.problems ?? [])];
  const blueprint = resolveBlueprint(sources);

  const modules = Array.isArray(definition.environments) ? definition.environments : [];
  if (!Array.isArray(definition.environments)) problems.push('environments: must be a list of environment modules, e.g. [dev, staging, production] in environments/index.ts');
  const evaluated = modules.map((module, index) => evaluate<EnvironmentDefinition>(module, blueprint, `environments[${index}]`, problems));
  let environments = evaluated.filter((e): e is EnvironmentDefinition => e !== undefined);
  const stateBackend = evaluate<StateBackendDefinition>(definition.stateBackend, blueprint, 'stateBackend', problems);

  if (blueprint.backendConfigFile !== undefined) {
    const where = settingOrigin(sources, SETTINGS.backendConfigFile) ?? SETTINGS.backendConfigFile.env;
    const loaded = loadBackendConfigFile(blueprint.backendConfigFile, where);
    if (!loaded.config) problems.push(...loaded.problems);
    else {
      const applied = applyBackendConfigFile(blueprint.backendConfigFile, loaded.config, environments);
      problems.push(...applied.problems);
      environments = applied.environments;
    }
  }

  const names = environments.map((e) => (e as { name?: unknown }).name).filter((n): n is string => typeof n === 'string');
  const stackNames = [...names, ...(typeof stateBackend?.name === 'string' ? [stateBackend.name] : [])];
  problems.push(
    ...projectNameProblems(blueprint.project, settingOrigin(sources, SETTINGS.project) ?? 'the default project name', names, {
      stateBucket: settingOrigin(sources, SETTINGS.stateBucket) === undefined,
      lockTable: settingOrigin(sources, SETTINGS.lockTable) === undefined,
    }),
  );
  // An account ID for an environment that does not exist is a typo that would otherwise be ignored.
  for (const variable of Object.keys(sources.env).filter((key) => key.startsWith('AWS_ACCOUNT_ID_') && sources.env[key])) {
    if (!stackNames.some((name) => accountIdVariable(name) === variable)) {
      problems.push(`${variable}: no environment is named so (known: ${stackNames.map(accountIdVariable).join(', ')}): fix the name or unset it`);
    }
  }

  // Without a state-backend definition its schema problems would only repeat the one reported above.
  const definitionIssues = definitionProblems(blueprint.project, environments, stateBackend ?? {}).filter(
    (problem) => stateBackend !== undefined || !problem.startsWith(`environments[${environments.length}]`),
  );
  problems.push(...definitionIssues);
  const repositoryProblem = githubRepositoryProblem(blueprint.githubRepository);
  if (repositoryProblem) problems.push(repositoryProblem);
  if (problems.length > 0 || !stateBackend) throw new DefinitionError(problems);
  const valid = validateDefinitions(blueprint.project, environments, stateBackend);
  // The state role each S3 backend assumes, so synth, the doctor and the examples agree on it.
  const withRoles = withStateRoles(blueprint.project, valid.environments, valid.stateBackend);
  if (withRoles.problems.length > 0) throw new DefinitionError(withRoles.problems);
  return { blueprint, environments: withRoles.environments, stateBackend: valid.stateBackend };
}
