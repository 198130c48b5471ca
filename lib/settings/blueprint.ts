import type { Blueprint } from '../definitions/blueprint';

export type { Blueprint } from '../definitions/blueprint';

/*
 * How the project-wide settings (lib/definitions/blueprint.ts) are read: first an environment
 * variable (one run), then `cdktf.json` "context" (committed, the whole team), then the default.
 * cdktf-cli 0.21 has no `-c/--context` option and replaces `CDKTF_CONTEXT_JSON` with cdktf.json's
 * "context", so neither is a way in: lib/settings/ refuses both when it sees them.
 */

/** Where overrides come from: cdktf.json's "context" and `process.env` (lib/settings/setting-sources.ts). */
export interface SettingSources {
  readonly context: (key: string) => unknown;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface Setting {
  readonly context: string;
  readonly env: string;
  /** How the value is checked (settingProblems): free text unless said otherwise. */
  readonly kind?: 'boolean';
  /** What to do when a boolean setting holds something else. @default 'use true or false' */
  readonly booleanFix?: string;
}

/** The override table, documented in the README. One line per setting; `kind` makes the check stricter. */
export const SETTINGS = {
  project: { context: 'project', env: 'PROJECT_NAME' },
  stateBucket: { context: 'stateBucket', env: 'TF_STATE_BUCKET' },
  lockTable: { context: 'lockTable', env: 'TF_STATE_LOCK_TABLE' },
  stateRegion: { context: 'stateRegion', env: 'TF_STATE_REGION' },
  stateBackendMigrated: { context: 'stateBackendMigrated', env: 'STATE_BACKEND_MIGRATED', kind: 'boolean' },
  backendConfigFile: { context: 'backendConfigFile', env: 'BACKEND_CONFIG_FILE' },
  // GitHub Actions sets GITHUB_REPOSITORY itself; commit the context key so every synth agrees.
  githubRepository: { context: 'githubRepository', env: 'GITHUB_REPOSITORY' },
} as const satisfies Record<string, Setting>;

export const DEFAULT_PROJECT = 'acme-platform';
export const DEFAULT_STATE_REGION = 'eu-west-1';
/** Placeholder: the CI roles trust no real repository until this is set. */
export const DEFAULT_GITHUB_REPOSITORY = 'acme/platform-infrastructure';

/** Where a setting's value came from, for messages: `PROJECT_NAME` or `cdktf.json context "project"`. */
export function settingOrigin(sources: SettingSources, setting: Setting): string | undefined {
  if (present(sources.env[setting.env])) return setting.env;
  if (present(sources.context(setting.context))) return `cdktf.json context "${setting.context}"`;
  return undefined;
}

const present = (value: unknown) => value !== undefined && value !== null && value !== '';

function raw(sources: SettingSources, setting: Setting): unknown {
  const fromEnv = sources.env[setting.env];
  return present(fromEnv) ? fromEnv : sources.context(setting.context);
}

export function readSetting(sources: SettingSources, setting: Setting): string | undefined {
  const value = raw(sources, setting);
  // Objects and arrays are reported by settingProblems; they never become "[object Object]".
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? `${value}` : undefined;
}

const TRUE = ['true', '1', 'yes'];
const FALSE = ['false', '0', 'no'];

/** A strict boolean: true/1/yes or false/0/no (any case); anything else is undefined. */
export function parseBoolean(value: string | undefined): boolean | undefined {
  const lower = value?.trim().toLowerCase();
  if (lower === undefined) return undefined;
  if (TRUE.includes(lower)) return true;
  if (FALSE.includes(lower)) return false;
  return undefined;
}

/**
 * `<setting>: what is wrong and how to fix it` for every setting whose value cannot be used: the
 * engine's own and those an app extension adds (lib/app/app-extension.ts).
 */
export function settingProblems(sources: SettingSources, extraSettings: readonly Setting[] = []): string[] {
  const problems: string[] = [];
  for (const setting of [...(Object.values(SETTINGS) as Setting[]), ...extraSettings]) {
    const value = raw(sources, setting);
    if (!present(value)) continue;
    const where = settingOrigin(sources, setting)!;
    if (typeof value === 'object') {
      problems.push(`${where}: must be a single value, not ${Array.isArray(value) ? 'a list' : 'an object'}: set it to a string`);
    } else if (setting.kind === 'boolean' && parseBoolean(`${value}`) === undefined) {
      problems.push(`${where}: ${JSON.stringify(value)} is not a boolean: ${setting.booleanFix ?? 'use true or false'}`);
    } else if (typeof value === 'string' && value.trim() !== value) {
      problems.push(`${where}: ${JSON.stringify(value)} has leading or trailing whitespace: remove it`);
    }
  }
  const accountIds = sources.context('accountIds');
  if (accountIds !== undefined && (accountIds === null || typeof accountIds !== 'object' || Array.isArray(accountIds))) {
    problems.push('cdktf.json context "accountIds": must be an object of environment name to 12-digit account ID, e.g. { "staging": "222222222222" }');
  }
  return problems;
}

/** Environment names that `AWS_ACCOUNT_ID_<ENV>` variables in `env` refer to, keyed by variable. */
export function accountIdVariable(environment: string): string {
  return `AWS_ACCOUNT_ID_${environment.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function resolveBlueprint(sources: SettingSources): Blueprint {
  const project = readSetting(sources, SETTINGS.project) ?? DEFAULT_PROJECT;
  const accountIds = sources.context('accountIds');
  return {
    project,
    stateBucket: readSetting(sources, SETTINGS.stateBucket) ?? `${project}-tfstate`,
    lockTable: readSetting(sources, SETTINGS.lockTable) ?? `${project}-tflock`,
    stateRegion: readSetting(sources, SETTINGS.stateRegion) ?? DEFAULT_STATE_REGION,
    stateKmsAlias: `alias/${project}-tfstate`,
    // An unreadable value is reported by settingProblems; synth stops before it matters.
    stateBackendMigrated: parseBoolean(readSetting(sources, SETTINGS.stateBackendMigrated)) ?? false,
    backendConfigFile: readSetting(sources, SETTINGS.backendConfigFile),
    githubRepository: readSetting(sources, SETTINGS.githubRepository) ?? DEFAULT_GITHUB_REPOSITORY,
    accountId(environment, fallback) {
      const fromEnv = sources.env[accountIdVariable(environment)];
      if (present(fromEnv)) return fromEnv!;
      const fromContext =
        accountIds && typeof accountIds === 'object' ? (accountIds as Record<string, unknown>)[environment] : undefined;
      // Whatever is there goes to the schema, which names the account ID it cannot use.
      if (fromContext !== undefined && fromContext !== null) return typeof fromContext === 'object' ? JSON.stringify(fromContext) : `${fromContext}`;
      return fallback;
    },
  };
}
