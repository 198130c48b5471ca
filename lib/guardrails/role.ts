import type { EnvironmentRole, ProtectionLevel } from '../definitions/environment';

export type { EnvironmentRole } from '../definitions/environment';

const RANK: Record<EnvironmentRole, number> = { personal: 0, shared: 1, production: 2 };

/** Names (and `environment` tag values) that mean production or a shared environment, whatever else is declared. */
const PRODUCTION_NAMES = new Set(['production', 'prod', 'prd', 'live']);
const SHARED_NAMES = new Set(['staging', 'stage', 'stg', 'qa', 'uat', 'preprod', 'pre-production', 'shared']);

/** The protection level each role needs at least. */
export const MINIMUM_PROTECTION: Record<EnvironmentRole, ProtectionLevel> = { personal: 'ephemeral', shared: 'standard', production: 'hardened' };

/** The role a protection level implies on its own (the inverse of MINIMUM_PROTECTION). */
export const ROLE_OF_PROTECTION: Record<ProtectionLevel, EnvironmentRole> = { ephemeral: 'personal', standard: 'shared', hardened: 'production' };

export interface RoleSignals {
  readonly name: string;
  readonly protection: ProtectionLevel;
  readonly role?: EnvironmentRole;
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The strongest role any signal gives: the declared `role`, the name, the `environment` tag and the
 * protection level. A definition can raise its role but never lower it, so production set to
 * `protection: 'ephemeral'` is still production; the only way out of a rule is a suppression with a reason.
 */
export function environmentRole(signals: RoleSignals): { role: EnvironmentRole; because: string } {
  const candidates: Array<{ role: EnvironmentRole; because: string }> = [{ role: ROLE_OF_PROTECTION[signals.protection], because: `protection "${signals.protection}"` }];
  if (signals.role) candidates.push({ role: signals.role, because: `role "${signals.role}"` });
  const byName = (value: string | undefined, what: string) => {
    const lower = value?.toLowerCase();
    if (lower === undefined) return;
    if (PRODUCTION_NAMES.has(lower)) candidates.push({ role: 'production', because: `${what} "${value}"` });
    else if (SHARED_NAMES.has(lower)) candidates.push({ role: 'shared', because: `${what} "${value}"` });
  };
  byName(signals.name, 'name');
  byName(signals.tags?.environment, 'tag environment');
  return candidates.reduce((a, b) => (RANK[b.role] > RANK[a.role] ? b : a));
}

export function protectionRank(protection: ProtectionLevel): number {
  return RANK[ROLE_OF_PROTECTION[protection]];
}

export function roleRank(role: EnvironmentRole): number {
  return RANK[role];
}
