import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveBlueprint, type SettingSources } from '../blueprint';
import type { AppDefinition } from '../build-app';
import { isRemoteState, type StateDefinition } from '../state-definition';
import { DefinitionError } from '../errors';
import { withStateRoles } from '../identities/resolve';
import { validateDefinitions } from '../validation/validate-definitions';

/** One stack whose state the doctor checks. */
export interface DoctorTarget {
  readonly name: string;
  readonly project: string;
  readonly state: StateDefinition;
}

/**
 * cdktf context the way `cdktf synth` sees it: `cdktf.json` "context", overridden by
 * `CDKTF_CONTEXT_JSON` (the doctor runs outside the cdktf CLI, which normally merges these).
 */
export function cdktfContextSources(projectDir: string, env: NodeJS.ProcessEnv): SettingSources {
  let fileContext: Record<string, unknown> = {};
  try {
    fileContext = (JSON.parse(readFileSync(join(projectDir, 'cdktf.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  } catch {
    // no cdktf.json: settings come from the environment and defaults
  }
  const envContext = env.CDKTF_CONTEXT_JSON ? (JSON.parse(env.CDKTF_CONTEXT_JSON) as Record<string, unknown>) : {};
  const context = { ...fileContext, ...envContext };
  return { context: (key) => context[key], env };
}

/** Every stack (environments, then the state-backend) with its validated state definition. */
export function allTargets(definition: AppDefinition, sources: SettingSources): DoctorTarget[] {
  const blueprint = resolveBlueprint(sources);
  const { environments: validated, stateBackend } = validateDefinitions(
    blueprint.project,
    definition.environments.map((module) => module(blueprint)),
    definition.stateBackend(blueprint),
  );
  // The state role each backend assumes, so the checks run as Terraform will.
  const { environments, problems } = withStateRoles(blueprint.project, validated, stateBackend);
  if (problems.length > 0) throw new DefinitionError(problems);
  return [...environments, stateBackend].map(({ name, state }) => ({ name, project: blueprint.project, state }));
}

/**
 * The targets named on the command line, or every stack with remote state when none is named.
 * Throws with the list of known names for a typo.
 */
export function selectTargets(all: readonly DoctorTarget[], names: readonly string[]): DoctorTarget[] {
  if (names.length === 0) return all.filter((target) => isRemoteState(target.state));
  const unknown = names.filter((name) => !all.some((target) => target.name === name));
  if (unknown.length > 0) {
    throw new Error(`unknown stack${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}: choose from ${all.map((t) => t.name).join(', ')}`);
  }
  return names.map((name) => all.find((target) => target.name === name)!);
}
