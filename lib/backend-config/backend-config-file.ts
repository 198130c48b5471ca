import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { EnvironmentDefinition } from '../environment';
import type { StateDefinition } from '../state-definition';
import { stateSchema } from '../validation/state-schema';

/**
 * YAML backend settings as input: the `.yaml` files in examples/backend-configs/ (Terraform's own
 * snake_case names plus `backend:` and an optional `environment:`) become a `StateDefinition`,
 * checked by the same schema as the TypeScript definitions.
 */

/** Terraform argument name -> StateDefinition field, per backend type. */
const FIELDS: Record<string, Record<string, string>> = {
  local: { path: 'path' },
  s3: { bucket: 'bucket', key: 'key', region: 'region', kms_key_id: 'kmsKeyId', dynamodb_table: 'dynamodbTable', assume_role: 'assumeRole' },
  gcs: { bucket: 'bucket', prefix: 'prefix', kms_encryption_key: 'kmsEncryptionKey' },
  azurerm: {
    resource_group_name: 'resourceGroupName',
    storage_account_name: 'storageAccountName',
    container_name: 'containerName',
    key: 'key',
    use_azuread_auth: 'useAzureadAuth',
  },
  cloud: { organization: 'organization', hostname: 'hostname', workspaces: 'workspaces' },
};
/** Nested settings (Terraform's object attributes): argument name -> StateDefinition field. */
const NESTED: Record<string, Record<string, string>> = { assume_role: { role_arn: 'roleArn' } };

/** A nested setting with its keys renamed, or the problems with it (unknown keys, not a mapping). */
function nestedSetting(name: string, value: unknown, problem: (field: string, message: string) => string): { value?: unknown; problems: string[] } {
  const fields = NESTED[name];
  if (!fields) return { value, problems: [] };
  const example = `"${name}: { ${Object.keys(fields).map((key) => `${key}: ...`).join(', ')} }"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problems: [problem(name, `must be a mapping, e.g. ${example}`)] };
  const problems: string[] = [];
  const renamed: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (fields[key]) renamed[fields[key]] = inner;
    else problems.push(problem(`${name}.${key}`, `is not a setting this project takes; use ${Object.keys(fields).join(', ')}`));
  }
  return problems.length > 0 ? { problems } : { value: renamed, problems };
}

/** Settings that exist in the file but are derived, not copied. */
const DERIVED: Record<string, readonly string[]> = { s3: ['encrypt', 'use_lockfile'] };

export interface BackendConfigFile {
  /** The environment the file applies to; undefined = every environment with remote state. */
  readonly environment?: string;
  readonly state: StateDefinition;
}

/** Parses and validates; returns the problems (each `<file>: <field>: <fix>`) or the result. */
export function parseBackendConfigFile(file: string, text: string): { problems: string[]; config?: BackendConfigFile } {
  const problem = (field: string, message: string) => `${file}: ${field ? `${field}: ` : ''}${message}`;
  const document = parseDocument(text);
  if (document.errors.length > 0) {
    return { problems: document.errors.map((error) => problem('', `is not valid YAML: ${error.message.split('\n')[0]}`)) };
  }
  const data = document.toJS() as Record<string, unknown> | null;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [problem('', 'must be a YAML mapping of backend settings, e.g. "backend: s3", "bucket: ...", "region: ..."')] };
  }
  const { backend, environment, ...settings } = data;
  const kinds = Object.keys(FIELDS);
  if (typeof backend !== 'string' || !kinds.includes(backend)) {
    return { problems: [problem('backend', `must be one of ${kinds.map((k) => `"${k}"`).join(', ')} (got ${JSON.stringify(backend)})`)] };
  }
  if (environment !== undefined && typeof environment !== 'string') {
    return { problems: [problem('environment', 'must be the name of one environment, e.g. "staging"')] };
  }

  const fields = FIELDS[backend];
  const derived = DERIVED[backend] ?? [];
  const problems: string[] = [];
  const state: Record<string, unknown> = { kind: backend };
  for (const [name, value] of Object.entries(settings)) {
    if (fields[name]) {
      const nested = nestedSetting(name, value, problem);
      problems.push(...nested.problems);
      state[fields[name]] = nested.value;
    } else if (!derived.includes(name)) {
      problems.push(problem(name, `is not a setting this project takes for the ${backend} backend; use ${[...Object.keys(fields), ...derived].join(', ')}`));
    }
  }
  if (backend === 's3') {
    if (settings.encrypt !== undefined && settings.encrypt !== true) {
      problems.push(problem('encrypt', 'must be true (or left out): this project never stores state unencrypted'));
    }
    const lockfile = settings.use_lockfile === true;
    const table = settings.dynamodb_table !== undefined;
    if (!lockfile && !table) {
      problems.push(problem('use_lockfile', 'no locking configured: set "use_lockfile: true" (Terraform/OpenTofu >= 1.10), "dynamodb_table: <table>", or both to migrate'));
    }
    state.locking = lockfile && table ? 'both' : lockfile ? 'lockfile' : 'dynamodb';
  }
  if (problems.length > 0) return { problems };

  const parsed = stateSchema.safeParse(state);
  if (!parsed.success) {
    const toFileName = Object.fromEntries(Object.entries(fields).map(([file, field]) => [field, file]));
    return {
      problems: parsed.error.issues.map((issue) => {
        const [first, ...rest] = issue.path.map(String);
        const fileName = toFileName[first] ?? (first === 'locking' ? 'use_lockfile' : first);
        const toNestedName = Object.fromEntries(Object.entries(NESTED[fileName] ?? {}).map(([file, field]) => [field, file]));
        const field = [fileName, ...rest.map((part) => toNestedName[part] ?? part)].filter(Boolean).join('.');
        return problem(field, issue.message);
      }),
    };
  }
  return { problems: [], config: { environment, state: parsed.data as StateDefinition } };
}

/** Reads `file`; problems reading it are reported like any other definition problem. */
export function loadBackendConfigFile(file: string): { problems: string[]; config?: BackendConfigFile } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { problems: [`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): check the BACKEND_CONFIG_FILE path`] };
  }
  return parseBackendConfigFile(file, text);
}

/**
 * The definitions with the file's state applied: to the environment it names, or to every
 * environment whose state is remote (dev's local state is left alone).
 */
export function applyBackendConfigFile(
  file: string,
  config: BackendConfigFile,
  environments: readonly EnvironmentDefinition[],
): { problems: string[]; environments: EnvironmentDefinition[] } {
  if (config.environment !== undefined && !environments.some((e) => e.name === config.environment)) {
    return {
      problems: [`${file}: environment: no environment is named "${config.environment}"; use one of ${environments.map((e) => `"${e.name}"`).join(', ')}, or leave it out to apply to every environment with remote state`],
      environments: [...environments],
    };
  }
  const applies = (e: EnvironmentDefinition) => (config.environment !== undefined ? e.name === config.environment : e.state.kind !== 'local');
  return { problems: [], environments: environments.map((e) => (applies(e) ? { ...e, state: config.state } : e)) };
}
