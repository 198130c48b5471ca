import type { z } from 'zod';
import { stateLocation } from '../backend-factory';
import type { EnvironmentDefinition } from '../environment';
import { DefinitionError } from '../errors';
import type { StateBackendDefinition } from '../state-backend-definition';
import { environmentSchema, stateBackendSchema } from './environment-schema';

/** `<label>.<path>: <message>` for each issue; `label` is the environment name or position. */
export function formatIssues(label: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = [label, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`;
    }
    return `${path}: ${issue.message}`;
  });
}

function labelOf(definition: unknown, index: number): string {
  const name = (definition as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? name : `environments[${index}]`;
}

/**
 * Every problem across all definitions: the shape of each, then what only shows across them
 * (duplicate names, two stacks sharing one state object). Empty means valid.
 */
export function definitionProblems(project: string, environments: readonly unknown[], stateBackend: unknown): string[] {
  const problems: string[] = [];
  const valid: Array<{ name: string; state: EnvironmentDefinition['state'] }> = [];

  environments.forEach((definition, index) => {
    const result = environmentSchema.safeParse(definition);
    if (result.success) valid.push(result.data as EnvironmentDefinition);
    else problems.push(...formatIssues(labelOf(definition, index), result.error));
  });
  const backend = stateBackendSchema.safeParse(stateBackend);
  if (backend.success) valid.push(backend.data as StateBackendDefinition);
  else problems.push(...formatIssues(labelOf(stateBackend, environments.length), backend.error));

  const firstByName = new Map<string, number>();
  const firstByLocation = new Map<string, string>();
  valid.forEach(({ name, state }, index) => {
    if (firstByName.has(name)) {
      problems.push(`${name}.name: "${name}" is defined twice: environment names are stack names and must be unique; rename one`);
      return;
    }
    firstByName.set(name, index);
    const location = stateLocation(state, { project, stack: name });
    const owner = firstByLocation.get(location);
    if (owner !== undefined) {
      problems.push(
        `${name}.state: stores its state at ${location}, which ${owner} uses already; two stacks sharing one state would overwrite each other. Remove the explicit key/prefix/path so the naming rule gives each stack its own`,
      );
    } else firstByLocation.set(location, name);
  });
  return problems;
}

/** Throws one `DefinitionError` listing every problem, or returns the definitions typed. */
export function validateDefinitions(
  project: string,
  environments: readonly unknown[],
  stateBackend: unknown,
): { environments: readonly EnvironmentDefinition[]; stateBackend: StateBackendDefinition } {
  const problems = definitionProblems(project, environments, stateBackend);
  if (problems.length > 0) throw new DefinitionError(problems);
  return { environments: environments as EnvironmentDefinition[], stateBackend: stateBackend as StateBackendDefinition };
}
