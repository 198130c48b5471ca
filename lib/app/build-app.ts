import type { App } from 'cdktf';
import type { Blueprint, SettingSources } from '../settings/blueprint';
import type { EnvironmentModule } from '../definitions/environment';
import { DefinitionError } from '../definitions/errors';
import { CiIdentityStack } from '../stacks/ci-identity-stack';
import { environmentIdentity } from '../identities/resolve';
import { resolveSandboxConnection, type SandboxConnection } from '../../tooling/sandbox/connection';
import { resolveDefinitions } from '../settings/resolve-definitions';
import type { LoadedSources } from '../settings/setting-sources';
import { EnvironmentStack } from '../stacks/environment-stack';
import { StateBackendStack } from '../stacks/state-backend-stack';
import type { StateBackendModule } from '../definitions/state-backend-definition';

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

/**
 * Validates every setting and definition first (lib/settings/resolve-definitions.ts, the path the
 * doctor and the examples share) and only then creates stacks, so invalid input stops synth before
 * anything is written (`DefinitionError` lists every problem).
 */
export function buildApp(app: App, definition: AppDefinition, input: LoadedSources | SettingSources): BuiltApp {
  const { blueprint, environments, stateBackend } = resolveDefinitions(definition, input);
  const sandbox = blueprint.sandbox ? sandboxConnectionOf('sources' in input ? input.sources : input) : undefined;
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

/** SANDBOX=1: the running sandbox's endpoint, or a DefinitionError saying how to start one. */
function sandboxConnectionOf(sources: SettingSources): SandboxConnection {
  const connection = resolveSandboxConnection(sources.env);
  if ('problem' in connection) throw new DefinitionError([connection.problem]);
  return connection;
}
