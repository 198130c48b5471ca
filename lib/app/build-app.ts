import type { App } from 'cdktf';
import type { AppDefinition } from '../definitions/app-definition';
import { ciStackName } from '../identities/names';
import { ciStackState, environmentIdentity } from '../identities/resolve';
import { attachGuardrails } from '../guardrails';
import type { Blueprint, SettingSources } from '../settings/blueprint';
import { resolveDefinitions } from '../settings/resolve-definitions';
import type { LoadedSources } from '../settings/setting-sources';
import { CiIdentityStack } from '../stacks/ci-identity-stack';
import { EnvironmentStack } from '../stacks/environment-stack';
import { StateBackendStack } from '../stacks/state-backend-stack';
import type { AppExtension } from './app-extension';

export type { AppDefinition, WorkloadContext, WorkloadFactory, WorkloadOutput } from '../definitions/app-definition';

export interface BuiltApp {
  readonly blueprint: Blueprint;
  readonly environmentStacks: readonly EnvironmentStack[];
  readonly stateBackendStack: StateBackendStack;
  /** `ci-<env>` for every environment whose state is in the state bucket (docs/cross-account.md). */
  readonly ciStacks: readonly CiIdentityStack[];
}

/**
 * Validates every setting and definition first (lib/settings/resolve-definitions.ts, the path the
 * doctor and the examples share) and only then creates stacks, so invalid input stops synth before
 * anything is written (`DefinitionError` lists every problem, the extensions' among them). Then, in
 * one place for every stack: the guardrails, and after them the extensions (`main.ts` picks them).
 */
export function buildApp(app: App, definition: AppDefinition, input: LoadedSources | SettingSources, extensions: readonly AppExtension[] = []): BuiltApp {
  const sources = 'sources' in input ? input.sources : input;
  const activations = extensions.map((extension) => extension.activate(sources));
  const { blueprint, environments, stateBackend } = resolveDefinitions(definition, input, {
    settings: extensions.flatMap((extension) => extension.settings),
    problems: activations.flatMap((activation) => (activation.kind === 'invalid' ? activation.problems : [])),
  });
  const project = blueprint.project;
  // The lock table lives in the state-backend stack's account (the first its account guard allows).
  const stateAccountId = stateBackend.allowedAccountIds[0];
  const environmentStacks = environments.map(
    (environment) =>
      new EnvironmentStack(app, environment.name, {
        definition: environment,
        project,
        stateAccountId,
        stateBucket: stateBackend.bucket,
        stateLockTable: stateBackend.lockTable,
        workload: definition.workload,
      }),
  );
  const stateBackendStack = new StateBackendStack(app, stateBackend.name, { definition: stateBackend, project, environments });
  const accountsWithProvider = new Set<string>();
  const ciStacks = environments
    .map((environment) => environmentIdentity(project, environment, stateBackend))
    .filter((identity) => identity.access.via !== 'none')
    .map((identity) => {
      const createOidcProvider = !accountsWithProvider.has(identity.account);
      accountsWithProvider.add(identity.account);
      return new CiIdentityStack(app, ciStackName(identity.environment.name), {
        project,
        identity,
        repository: blueprint.githubRepository,
        createOidcProvider,
        stateLockTable: stateBackend.lockTable,
        state: ciStackState(identity, project, stateBackend),
        stateBucket: stateBackend.bucket,
      });
    });
  attachGuardrails(app);
  for (const activation of activations) if (activation.kind === 'on') activation.apply(app);
  return { blueprint, environmentStacks, stateBackendStack, ciStacks };
}
