import { resolve } from 'node:path';
import { appDefinition } from '../../environments';
import { resolveDefinitions, type ResolvedDefinitions } from '../../lib/settings/resolve-definitions';
import { loadSettingSources } from '../../lib/settings/setting-sources';

const PROJECT_DIR = resolve(__dirname, '..', '..');

/**
 * This project's definitions exactly as `cdktf synth` resolves them (settings from `env` and
 * cdktf.json, BACKEND_CONFIG_FILE, state roles), for the commands that act on deployed stacks:
 * bootstrap, drift and the sandbox CLI. Throws the same DefinitionError synth would print.
 */
export function projectDefinitions(env: NodeJS.ProcessEnv, projectDir = PROJECT_DIR): ResolvedDefinitions {
  return resolveDefinitions(appDefinition, loadSettingSources(projectDir, env));
}
