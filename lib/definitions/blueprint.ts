/**
 * Project-wide settings every definition is computed from, each overridable without editing code
 * (lib/settings/blueprint.ts reads them: environment variable, then cdktf.json "context", then the
 * default). Teams that copy the blueprint change these first.
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
  /** `<owner>/<repo>` of the GitHub repository whose Actions jobs may deploy (the CI roles' OIDC trust). */
  readonly githubRepository: string;
  /** Account ID for an environment: env var `AWS_ACCOUNT_ID_<ENV>`, context `accountIds.<env>`, or `fallback`. */
  accountId(environment: string, fallback: string): string;
}
