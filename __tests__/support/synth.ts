import { App, Testing, type TerraformStack } from 'cdktf';
import type { SettingSources } from '../../lib/settings/blueprint';
import type { AppExtension } from '../../lib/app/app-extension';
import { buildApp, type AppDefinition, type BuiltApp } from '../../lib/app/build-app';
import { DefinitionError } from '../../lib/definitions/errors';
import type { EnvironmentDefinition } from '../../lib/definitions/environment';
import { appDefinition } from '../../environments';

/** Synthesized Terraform JSON of one stack, parsed. */
export type StackJson = {
  terraform: {
    backend?: Record<string, Record<string, unknown>>;
    cloud?: Record<string, unknown>;
    required_version?: string;
    required_providers?: Record<string, unknown>;
  };
  provider?: Record<string, Array<Record<string, unknown>>>;
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
};

/** Sources with nothing set: tests must not depend on the developer's shell. */
export function sources(env: Record<string, string> = {}, context: Record<string, unknown> = {}): SettingSources {
  return { context: (key) => context[key], env };
}

export function synthStack(stack: TerraformStack): StackJson {
  return JSON.parse(Testing.synth(stack)) as StackJson;
}

/** Builds the app from `definition` and returns every stack's JSON by stack name. */
export function synthApp(definition: AppDefinition, settings: SettingSources = sources(), extensions: readonly AppExtension[] = []): {
  built: BuiltApp;
  stacks: Record<string, StackJson>;
} {
  // Construct stack traces are only for cdktf's error metadata and cost a lot under source maps.
  const app: App = Testing.app({ stackTraces: false });
  const built = buildApp(app, definition, settings, extensions);
  // Each stack is synthesized when a test first reads it: most tests look at one or two stacks.
  const stacks: Record<string, StackJson> = {};
  for (const stack of [...built.environmentStacks, built.stateBackendStack, ...built.ciStacks]) {
    let json: StackJson | undefined;
    Object.defineProperty(stacks, stack.node.id, { enumerable: true, get: () => (json ??= synthStack(stack)) });
  }
  return { built, stacks };
}

/** The single resource of `type` in a stack (fails when there are none or several). */
export function onlyResource(stack: StackJson, type: string): Record<string, unknown> {
  const resources = Object.values(stack.resource?.[type] ?? {});
  if (resources.length !== 1) throw new Error(`expected exactly one ${type}, found ${resources.length}`);
  return resources[0];
}

export function resourcesOf(stack: StackJson, type: string): Array<Record<string, unknown>> {
  return Object.values(stack.resource?.[type] ?? {});
}

/** The app's own definition with some environments' fields replaced (`{ staging: { stateAccess: … } }`), synthesized. */
export function synthWithOverrides(overrides: Record<string, Partial<EnvironmentDefinition>>, settings: SettingSources = sources()): ReturnType<typeof synthApp> {
  return synthApp(
    {
      ...appDefinition,
      environments: appDefinition.environments.map((module) => (blueprint) => {
        const environment = module(blueprint);
        return { ...environment, ...(overrides[environment.name] ?? {}) } as EnvironmentDefinition;
      }),
    },
    settings,
  );
}

/** The problems of the DefinitionError `run` throws (fails when it throws none, rethrows any other error). */
export function definitionProblems(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof DefinitionError) return error.problems;
    throw error;
  }
  throw new Error('expected a DefinitionError');
}
