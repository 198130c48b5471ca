import { resolve } from 'node:path';
import type { AppDefinition } from '../../lib/app/build-app';
import { DefinitionError, UserError } from '../../lib/definitions/errors';
import { resolveDefinitions, type ResolvedDefinitions } from '../../lib/settings/resolve-definitions';
import { loadSettingSources } from '../../lib/settings/setting-sources';

const PROJECT_DIR = resolve(__dirname, '..', '..');

/**
 * The app's definitions exactly as `cdktf synth` resolves them (settings from `env` and cdktf.json,
 * BACKEND_CONFIG_FILE, state roles), for the commands that act on one environment's account. The
 * definition comes from the entry point (tooling/bin), the only tooling that imports environments/.
 * Definition problems are reported as synth prints them, under one line saying to fix them first.
 */
export function projectDefinitions(definition: AppDefinition, env: NodeJS.ProcessEnv, projectDir = PROJECT_DIR): ResolvedDefinitions {
  try {
    return resolveDefinitions(definition, loadSettingSources(projectDir, env));
  } catch (error) {
    if (error instanceof DefinitionError) throw new UserError(`the app's definitions do not resolve; fix them first:\n${error.message}`);
    throw error;
  }
}

/** The stacks that carry a definition of their own (environments, then the state-backend); the synthesized manifest also has the `ci-*` stacks. */
export function definedStacks(resolved: ResolvedDefinitions): ReadonlyArray<ResolvedDefinitions['environments'][number] | ResolvedDefinitions['stateBackend']> {
  return [...resolved.environments, resolved.stateBackend];
}
