import { sandboxEnabled } from './sandbox/connection';

/**
 * Project-wide settings every definition is computed from, each overridable without editing code:
 * first cdktf context (`cdktf.json` "context" or `--context`/`CDKTF_CONTEXT_JSON`), then an
 * environment variable, then the default. Teams that copy the blueprint change these first.
 */
export interface Blueprint {
  /** Prefix of every state key and resource name. */
  readonly project: string;
  /** The S3 bucket holding staging's and production's state (created by the state-backend stack). */
  readonly stateBucket: string;
  /** The DynamoDB lock table (created by the state-backend stack). */
  readonly lockTable: string;
  /** Region of the state bucket and lock table. */
  readonly stateRegion: string;
  /** KMS alias of the key encrypting state (created by the state-backend stack). */
  readonly stateKmsAlias: string;
  /** Whether the state-backend stack's own state has moved into its bucket (bootstrap phase 2). */
  readonly stateBackendMigrated: boolean;
  /** A YAML backend settings file whose state replaces the definitions' (see lib/backend-config/). */
  readonly backendConfigFile?: string;
  /** Target the local sandbox (`npm run sandbox -- up`): connection settings only (docs/sandbox.md). */
  readonly sandbox: boolean;
  /** Account ID for an environment: context `accountIds.<env>`, env var `AWS_ACCOUNT_ID_<ENV>`, or `fallback`. */
  accountId(environment: string, fallback: string): string;
}

/** Where overrides come from; `main.ts` passes the app's context and `process.env`. */
export interface SettingSources {
  readonly context: (key: string) => unknown;
  readonly env: Readonly<Record<string, string | undefined>>;
}

interface Setting {
  readonly context: string;
  readonly env: string;
}

/** The override table, documented in the README. */
export const SETTINGS = {
  project: { context: 'project', env: 'PROJECT_NAME' },
  stateBucket: { context: 'stateBucket', env: 'TF_STATE_BUCKET' },
  lockTable: { context: 'lockTable', env: 'TF_STATE_LOCK_TABLE' },
  stateRegion: { context: 'stateRegion', env: 'TF_STATE_REGION' },
  stateBackendMigrated: { context: 'stateBackendMigrated', env: 'STATE_BACKEND_MIGRATED' },
  backendConfigFile: { context: 'backendConfigFile', env: 'BACKEND_CONFIG_FILE' },
  sandbox: { context: 'sandbox', env: 'SANDBOX' },
} as const satisfies Record<string, Setting>;

export const DEFAULT_PROJECT = 'acme-platform';
export const DEFAULT_STATE_REGION = 'eu-west-1';

function read(sources: SettingSources, setting: Setting): string | undefined {
  const fromContext = sources.context(setting.context);
  if (fromContext !== undefined && fromContext !== null && `${fromContext}` !== '') return `${fromContext}`;
  const fromEnv = sources.env[setting.env];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined;
}

export function resolveBlueprint(sources: SettingSources): Blueprint {
  const project = read(sources, SETTINGS.project) ?? DEFAULT_PROJECT;
  const accountIds = sources.context('accountIds');
  return {
    project,
    stateBucket: read(sources, SETTINGS.stateBucket) ?? `${project}-tfstate`,
    lockTable: read(sources, SETTINGS.lockTable) ?? `${project}-tflock`,
    stateRegion: read(sources, SETTINGS.stateRegion) ?? DEFAULT_STATE_REGION,
    stateKmsAlias: `alias/${project}-tfstate`,
    stateBackendMigrated: ['true', '1', 'yes'].includes((read(sources, SETTINGS.stateBackendMigrated) ?? '').toLowerCase()),
    backendConfigFile: read(sources, SETTINGS.backendConfigFile),
    sandbox: sandboxEnabled(read(sources, SETTINGS.sandbox)),
    accountId(environment, fallback) {
      const fromContext =
        accountIds && typeof accountIds === 'object' ? (accountIds as Record<string, unknown>)[environment] : undefined;
      if (fromContext !== undefined && `${fromContext}` !== '') return `${fromContext}`;
      const envVar = `AWS_ACCOUNT_ID_${environment.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
      return sources.env[envVar] || fallback;
    },
  };
}
