import { isMap, isScalar, parseDocument } from 'yaml';
import { readRegularFile } from '../io/read-regular-file';
import type { EnvironmentDefinition } from '../definitions/environment';
import type { StateDefinition } from '../definitions/state-definition';
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
  const fields = Object.hasOwn(NESTED, name) ? NESTED[name] : undefined;
  if (!fields) return { value, problems: [] };
  const example = `"${name}: { ${Object.keys(fields).map((key) => `${key}: ...`).join(', ')} }"`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problems: [problem(name, `must be a mapping, e.g. ${example}`)] };
  const problems: string[] = [];
  const renamed: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (Object.hasOwn(fields, key)) renamed[fields[key]] = inner;
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

/** A backend settings file is a few hundred bytes; the limit leaves room for long comments. */
export const BACKEND_CONFIG_FILE_LIMIT = 64 * 1024;
/** Aliases a file may expand: enough for hand-written reuse, far too few for a "billion laughs". */
const MAX_ALIAS_COUNT = 20;
/** More unknown settings than this are summarised: a file of thousands of keys needs one message, not thousands. */
const MAX_LISTED = 10;

/** Parses and validates; returns every problem (each `<file>: <field>: <fix>`) or the result. */
export function parseBackendConfigFile(file: string, text: string): { problems: string[]; config?: BackendConfigFile } {
  const problem = (field: string, message: string) => `${file}: ${field ? `${field}: ` : ''}${message}`;
  // Duplicate keys are found below in one pass; the library's own check is quadratic in the key count.
  const document = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const yamlProblems = [...document.errors, ...document.warnings].map((error) => problem('', `is not valid YAML: ${error.message.split('\n')[0]}`));
  if (yamlProblems.length > 0) return { problems: yamlProblems };

  const problems: string[] = [];
  if (isMap(document.contents)) {
    const seen = new Set<unknown>();
    for (const pair of document.contents.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (typeof key !== 'string') problems.push(problem('', `has a key that is not a plain name (${isScalar(pair.key) ? JSON.stringify(key) : 'a list or mapping'}): use Terraform's setting names, e.g. "bucket"`));
      else if (seen.has(key)) problems.push(problem(key, 'is set twice: keep one'));
      seen.add(key);
    }
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return { problems: [...problems, problem('', `expands too many aliases (${(error as Error).message.split('\n')[0]}): write the settings out, at most ${MAX_ALIAS_COUNT} aliases`)] };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [problem('', 'must be a YAML mapping of backend settings, e.g. "backend: s3", "bucket: ...", "region: ..."')] };
  }
  const { backend, environment, ...settings } = data as Record<string, unknown>;
  const kinds = Object.keys(FIELDS);
  const kind = typeof backend === 'string' && kinds.includes(backend) ? backend : undefined;
  if (!kind) problems.push(problem('backend', `must be one of ${kinds.map((k) => `"${k}"`).join(', ')} (got ${backend === undefined ? 'nothing' : JSON.stringify(backend).slice(0, 40)})`));
  if (environment !== undefined && typeof environment !== 'string') {
    problems.push(problem('environment', 'must be the name of one environment, e.g. "staging"'));
  }
  if (!kind) return { problems };

  const fields = FIELDS[kind];
  const derived = DERIVED[kind] ?? [];
  const state: Record<string, unknown> = { kind };
  const unknown: string[] = [];
  for (const [name, value] of Object.entries(settings)) {
    if (Object.hasOwn(fields, name)) {
      const nested = nestedSetting(name, value, problem);
      problems.push(...nested.problems);
      state[fields[name]] = nested.value;
    } else if (!derived.includes(name)) unknown.push(name);
  }
  const accepted = [...Object.keys(fields), ...derived].join(', ');
  for (const name of unknown.slice(0, MAX_LISTED)) {
    problems.push(problem(name.slice(0, 60), `is not a setting this project takes for the ${kind} backend; use ${accepted}`));
  }
  if (unknown.length > MAX_LISTED) problems.push(problem('', `has ${unknown.length - MAX_LISTED} more unknown settings: a backend file holds only ${accepted}`));
  if (kind === 's3') {
    if (settings.encrypt !== undefined && settings.encrypt !== true) {
      problems.push(problem('encrypt', 'must be true (or left out): this project never stores state unencrypted'));
    }
    if (settings.use_lockfile !== undefined && typeof settings.use_lockfile !== 'boolean') {
      problems.push(problem('use_lockfile', `must be true or false (got ${JSON.stringify(settings.use_lockfile)}): write it unquoted`));
    }
    const lockfile = settings.use_lockfile === true;
    const table = settings.dynamodb_table !== undefined;
    if (!lockfile && !table && settings.use_lockfile === undefined) {
      problems.push(problem('use_lockfile', 'no locking configured: set "use_lockfile: true" (Terraform/OpenTofu >= 1.10), "dynamodb_table: <table>", or both to migrate'));
    } else if (!lockfile && !table && settings.use_lockfile === false) {
      problems.push(problem('use_lockfile', 'is false and no dynamodb_table is set, so nothing locks the state: set "use_lockfile: true" or name a lock table'));
    }
    state.locking = lockfile && table ? 'both' : lockfile ? 'lockfile' : 'dynamodb';
  }

  const parsed = stateSchema.safeParse(state);
  if (!parsed.success) {
    const toFileName = Object.fromEntries(Object.entries(fields).map(([file, field]) => [field, file]));
    problems.push(
      ...parsed.error.issues
        // Locking is derived from use_lockfile/dynamodb_table, which are reported above.
        .filter((issue) => !(kind === 's3' && (issue.path[0] === 'locking' || (issue.path[0] === 'dynamodbTable' && settings.dynamodb_table === undefined))))
        .map((issue) => {
          const [first, ...rest] = issue.path.map(String);
          const fileName = toFileName[first] ?? first;
          const toNestedName = Object.fromEntries(Object.entries(NESTED[fileName] ?? {}).map(([file, field]) => [field, file]));
          const field = [fileName, ...rest.map((part) => toNestedName[part] ?? part)].filter(Boolean).join('.');
          return problem(field, issue.message);
        }),
    );
  }
  if (problems.length > 0 || !parsed.success) return { problems: [...new Set(problems)] };
  return { problems: [], config: { environment: environment as string | undefined, state: parsed.data as StateDefinition } };
}

/**
 * Reads `file` (a regular file of at most BACKEND_CONFIG_FILE_LIMIT bytes); problems reading it are
 * reported like any other definition problem, naming `setting` (where the path came from).
 */
export function loadBackendConfigFile(file: string, setting = 'BACKEND_CONFIG_FILE'): { problems: string[]; config?: BackendConfigFile } {
  const read = readRegularFile(file, BACKEND_CONFIG_FILE_LIMIT);
  if ('problem' in read) return { problems: [`${setting}: ${file} ${read.problem}${read.problem === 'does not exist' ? ': check the path (relative paths start at the project root)' : ''}`] };
  return parseBackendConfigFile(file, read.text);
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
