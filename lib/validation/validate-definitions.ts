import type { z } from 'zod';
import type { EnvironmentDefinition } from '../definitions/environment';
import { DefinitionError } from '../definitions/errors';
import type { StateBackendDefinition } from '../definitions/state-backend-definition';
import { environmentSchema, stateBackendSchema } from './environment-schema';
import { locationCollisions, stateObjects, type StackLocations } from './state-locations';
import { ciStackName } from '../identities/names';

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
  const parsedBackend = stateBackendSchema.safeParse(stateBackend);
  if (parsedBackend.success) valid.push(parsedBackend.data as StateBackendDefinition);
  else problems.push(...formatIssues(labelOf(stateBackend, environments.length), parsedBackend.error));

  const firstByName = new Set<string>();
  const unique = valid.filter(({ name }) => {
    if (!firstByName.has(name)) {
      firstByName.add(name);
      return true;
    }
    problems.push(`${name}.name: "${name}" is defined twice: environment names are stack names and must be unique; rename one`);
    return false;
  });
  const locations = unique.map(({ name, state }) => {
    const current = stateObjects(state, { project, stack: name });
    if (current.store === 'local' && (current.state === 'cdktf.out' || current.state.startsWith('cdktf.out/'))) {
      problems.push(`${name}.state.path: resolves to ${current.state}, inside cdktf.out/, which synth rewrites: keep state outside it (omit "path" for terraform.${name}.tfstate in the project root)`);
    }
    const explicit = ['path', 'key', 'prefix'].some((field) => (state as unknown as Record<string, unknown>)[field] !== undefined);
    return { stack: name, explicit, current, reserved: reservedLocations(project, name, stateBackend, parsedBackend.success) };
  });
  problems.push(...ciStackProblems(project, unique, parsedBackend.success ? (parsedBackend.data as StateBackendDefinition) : undefined, locations));
  problems.push(...locationCollisions(locations));
  return problems;
}

/**
 * The `ci-<env>` stacks the app adds for every environment whose state is in the state bucket are
 * stacks too: their names must be free, and their state (`<project>/ci-<env>/terraform.tfstate` in the
 * state bucket, and the local file they kept before) must be nobody else's. Adds their locations.
 */
function ciStackProblems(
  project: string,
  definitions: ReadonlyArray<{ name: string; state: EnvironmentDefinition['state'] }>,
  stateBackend: StateBackendDefinition | undefined,
  locations: StackLocations[],
): string[] {
  if (!stateBackend) return [];
  const problems: string[] = [];
  const names = new Set(definitions.map(({ name }) => name));
  for (const { name, state } of definitions) {
    if (name === stateBackend.name || state.kind !== 's3' || state.bucket !== stateBackend.bucket) continue;
    const stack = ciStackName(name);
    if (names.has(stack)) {
      problems.push(`${stack}.name: "${stack}" is the name of ${name}'s CI stack (ci-<environment>, docs/cross-account.md): rename the environment`);
      continue;
    }
    const context = { project, stack };
    locations.push({
      stack,
      explicit: false,
      current: stateObjects({ kind: 's3', bucket: stateBackend.bucket, region: stateBackend.region, locking: 'lockfile' }, context),
      reserved: [{ objects: stateObjects({ kind: 'local' }, context), why: 'kept its state in before it moved into the state bucket' }],
    });
  }
  return problems;
}

/**
 * The state-backend stack keeps its state locally in bootstrap phase 1 and in its own bucket in
 * phase 2; both places stay its own whichever phase the settings say it is in.
 */
function reservedLocations(project: string, stack: string, stateBackend: unknown, valid: boolean): StackLocations['reserved'] {
  if (!valid || (stateBackend as StateBackendDefinition).name !== stack) return [];
  const { bucket, region } = stateBackend as StateBackendDefinition;
  const context = { project, stack };
  return [
    { objects: stateObjects({ kind: 'local' }, context), why: 'keeps its state in during bootstrap phase 1' },
    { objects: stateObjects({ kind: 's3', bucket, region, locking: 'lockfile' }, context), why: 'moves its state to in bootstrap phase 2' },
  ].filter(({ objects }) => objects.state !== stateObjects((stateBackend as StateBackendDefinition).state, context).state);
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
