import type { SettingSources } from '../../lib/settings/blueprint';
import type { AppDefinition } from '../../lib/app/build-app';
import { resolveDefinitions } from '../../lib/settings/resolve-definitions';
import type { LoadedSources } from '../../lib/settings/setting-sources';
import { UserError } from '../../lib/definitions/errors';
import { definedStacks } from '../toolkit/project-definitions';
import { isRemoteState, type StateDefinition } from '../../lib/definitions/state-definition';

/** One stack whose state the doctor checks. */
export interface DoctorTarget {
  readonly name: string;
  readonly project: string;
  readonly state: StateDefinition;
  /** The accounts the stack may run in (its provider's allowed_account_ids): the caller must be one. */
  readonly allowedAccountIds: readonly string[];
  /** The app's state-backend stack: whose bucket holds remote state, and where its version stamp lives. */
  readonly stateBackend: { readonly name: string; readonly bucket: string; readonly account: string; readonly region: string };
}

/**
 * Every stack (environments, then the state-backend) with its validated state definition, resolved
 * through the same path as synth (settings, cdktf.json, BACKEND_CONFIG_FILE): the doctor checks the
 * bucket synth uses, or refuses with the same problems synth would print.
 */
export function allTargets(definition: AppDefinition, input: LoadedSources | SettingSources): DoctorTarget[] {
  const resolved = resolveDefinitions(definition, input);
  const { blueprint, stateBackend } = resolved;
  const backend = { name: stateBackend.name, bucket: stateBackend.bucket, account: stateBackend.allowedAccountIds[0], region: stateBackend.region };
  return definedStacks(resolved).map(({ name, state, allowedAccountIds }) => ({ name, project: blueprint.project, state, allowedAccountIds, stateBackend: backend }));
}

/**
 * The targets named on the command line, or every stack with remote state when none is named.
 * Throws with the list of known names for a typo.
 */
export function selectTargets(all: readonly DoctorTarget[], names: readonly string[]): DoctorTarget[] {
  if (names.length === 0) return all.filter((target) => isRemoteState(target.state));
  const unknown = names.filter((name) => !all.some((target) => target.name === name));
  if (unknown.length > 0) {
    throw new UserError(`unknown stack${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}: choose from ${all.map((t) => t.name).join(', ')}`);
  }
  return names.map((name) => all.find((target) => target.name === name)!);
}
