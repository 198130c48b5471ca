import { appDefinition } from '../../environments';
import type { AppDefinition } from '../../lib/app/build-app';
import type { Blueprint } from '../../lib/settings/blueprint';

/**
 * The hostile-input cases: every way of feeding the app something wrong that we know of, each with
 * what must happen (the field named, the fix given). The unit suite runs every case in-process
 * through the same functions the entry points use; the integration suite runs the ones marked
 * `process` as real processes (exit code, no trace, cdktf.out untouched). docs/hostile-input.md's
 * table is checked against this list.
 */
export type Area = 'definition' | 'setting' | 'yaml' | 'secrets' | 'workflow' | 'doctor';

/** Files a case needs, created in a fresh directory; returns extra environment variables. */
export type Setup = (dir: string) => Record<string, string>;

interface CaseBase {
  readonly id: string;
  readonly area: Area;
  readonly title: string;
  /** Text the message must contain: the field (as `env.field`, the setting or the file). */
  readonly field: string;
  /** What the message must say to do about it. */
  readonly fix: RegExp;
  /** Also run as a real process in the integration suite. */
  readonly process?: boolean;
  /** Its setup starts a process (mkfifo): run by the integration suite only (the unit suite spawns nothing). */
  readonly integrationOnly?: boolean;
}

/** Input to synth (definitions, settings, YAML files): refused with exit code 1, nothing written. */
export interface SynthCase extends CaseBase {
  readonly kind: 'synth';
  readonly env?: Record<string, string>;
  readonly setup?: Setup;
  readonly definition?: (base: AppDefinition) => AppDefinition;
  /** A project directory with this cdktf.json text instead of the real one. */
  readonly cdktfJson?: string;
}

/** Content of a staging secrets.env (SECRET stands for a unique secret value), or a setup making the path. */
export interface SecretsCase extends CaseBase {
  readonly kind: 'secrets';
  readonly content?: string;
  readonly setup?: (dir: string) => string;
}

/** Run only by the integration suite (workflow scripts, the doctor against local endpoints). */
export interface ProcessCase extends CaseBase {
  readonly kind: 'workflow' | 'doctor';
}

export type HostileCase = SynthCase | SecretsCase | ProcessCase;

/** Replaces the definition of environment `name` (or the state-backend) with `patch` of it. */
export function patchEnvironment(name: string, patch: (definition: Record<string, unknown>, blueprint: Blueprint) => unknown): (base: AppDefinition) => AppDefinition {
  return (base) => ({
    ...base,
    environments: base.environments.map((module) => (blueprint: Blueprint) => {
      const definition = module(blueprint) as unknown as Record<string, unknown>;
      return (definition.name === name ? patch(definition, blueprint) : definition) as ReturnType<typeof module>;
    }),
  });
}

const state = (name: string, fields: Record<string, unknown>) =>
  patchEnvironment(name, (d) => ({ ...d, state: { ...(d.state as object), ...fields } }));
const field = (name: string, fields: Record<string, unknown>) => patchEnvironment(name, (d) => ({ ...d, ...fields }));
const stagingKey = (key: string) => state('staging', { key });
const yamlFile = (content: string | Buffer): Setup => (dir) => {
  require('node:fs').writeFileSync(`${dir}/backend.yaml`, content);
  return { BACKEND_CONFIG_FILE: `${dir}/backend.yaml` };
};
const S3_YAML = 'backend: s3\nbucket: acme-platform-tfstate\nregion: eu-west-1\nuse_lockfile: true\n';
const CANONICAL = /omit "key" to use the naming rule|omit "prefix" to use the naming rule|omit "path" to use the naming rule/;
const OWN_STATE = /remove the explicit key\/prefix\/path so the naming rule gives each stack its own/;

export const SYNTH_CASES: readonly SynthCase[] = [
  // Class 1: state locations compared as meant.
  { id: 'dev-path-onto-state-backend', kind: 'synth', area: 'definition', process: true, title: 'dev local path spelled to reach the state-backend state file', definition: state('dev', { path: '../../.././terraform.state-backend.tfstate' }), field: 'dev.state: stores its state at terraform.state-backend.tfstate (local file), which state-backend', fix: OWN_STATE },
  { id: 'dev-path-case-variant', kind: 'synth', area: 'definition', title: 'dev local path differing only in case (macOS, Windows file systems)', definition: state('dev', { path: '../../../TERRAFORM.STATE-BACKEND.TFSTATE' }), field: 'dev.state:', fix: OWN_STATE },
  { id: 'dev-path-backup-file', kind: 'synth', area: 'definition', title: "dev local path on the state-backend's backup file", definition: state('dev', { path: '../../../terraform.state-backend.tfstate.backup' }), field: "the state backup of state-backend's state", fix: OWN_STATE },
  { id: 'dev-path-backslashes', kind: 'synth', area: 'definition', title: 'dev local path with Windows separators', definition: state('dev', { path: '..\\..\\..\\terraform.state-backend.tfstate' }), field: 'dev.state.path', fix: CANONICAL },
  { id: 'dev-path-inside-outdir', kind: 'synth', area: 'definition', title: 'dev local path inside cdktf.out (rewritten by synth)', definition: state('dev', { path: 'terraform.dev.tfstate' }), field: 'dev.state.path: resolves to cdktf.out/stacks/dev/terraform.dev.tfstate', fix: /keep state outside it/ },
  { id: 'dev-path-absolute', kind: 'synth', area: 'definition', title: 'dev local path absolute', definition: state('dev', { path: '/tmp/dev.tfstate' }), field: 'dev.state.path', fix: CANONICAL },
  { id: 'dev-path-directory', kind: 'synth', area: 'definition', title: 'dev local path naming a directory', definition: state('dev', { path: '../../../' }), field: 'dev.state.path', fix: /names a directory/ },
  { id: 'staging-key-on-state-backend-lockfile', kind: 'synth', area: 'definition', process: true, title: "staging key on the state-backend's (phase 2) lockfile", definition: stagingKey('acme-platform/state-backend/terraform.tfstate.tflock'), field: "staging.state: stores its state at s3://acme-platform-tfstate/acme-platform/state-backend/terraform.tfstate.tflock, which is the S3 lockfile of state-backend's state", fix: OWN_STATE },
  { id: 'staging-key-on-state-backend-state', kind: 'synth', area: 'definition', title: "staging key equal to the state-backend's phase 2 state", definition: stagingKey('acme-platform/state-backend/terraform.tfstate'), field: 'which state-backend moves its state to in bootstrap phase 2', fix: OWN_STATE },
  { id: 'staging-key-on-production-digest', kind: 'synth', area: 'definition', title: "staging key on production's DynamoDB digest item", definition: stagingKey('acme-platform/production/terraform.tfstate-md5'), field: "which is the DynamoDB digest item of production's state", fix: OWN_STATE },
  { id: 'staging-key-on-production-lockfile', kind: 'synth', area: 'definition', title: "staging key on production's lockfile", definition: stagingKey('acme-platform/production/terraform.tfstate.tflock'), field: "which is the S3 lockfile of production's state", fix: OWN_STATE },
  { id: 'staging-key-workspace-area', kind: 'synth', area: 'definition', title: "staging key in production's workspace area (env:/)", definition: stagingKey('env:/blue/acme-platform/production/terraform.tfstate'), field: 'staging.state.key', fix: CANONICAL },
  { id: 'staging-key-dot-dot', kind: 'synth', area: 'definition', title: 'staging key with a ".." segment', definition: stagingKey('acme-platform/x/../production/terraform.tfstate'), field: 'has a ".." segment', fix: CANONICAL },
  { id: 'staging-key-dot-slash', kind: 'synth', area: 'definition', title: 'staging key with "./"', definition: stagingKey('./acme-platform/production/terraform.tfstate'), field: 'has a "." segment', fix: CANONICAL },
  { id: 'staging-key-empty-segment', kind: 'synth', area: 'definition', title: 'staging key with an empty segment', definition: stagingKey('acme-platform//staging/terraform.tfstate'), field: 'has an empty segment', fix: CANONICAL },
  { id: 'staging-key-leading-slash', kind: 'synth', area: 'definition', title: 'staging key with a leading "/"', definition: stagingKey('/acme-platform/production/terraform.tfstate'), field: 'starts with "/"', fix: CANONICAL },
  { id: 'staging-key-whitespace', kind: 'synth', area: 'definition', title: 'staging key with a trailing space', definition: stagingKey('acme-platform/production/terraform.tfstate '), field: 'contains whitespace', fix: CANONICAL },
  { id: 'staging-key-control-character', kind: 'synth', area: 'definition', title: 'staging key with a control character', definition: stagingKey('acme-platform/production/terraform.tfstate\u0000'), field: 'contains a control character', fix: CANONICAL },
  { id: 'two-stacks-one-state', kind: 'synth', area: 'definition', title: 'production key equal to staging\'s', definition: state('production', { key: 'acme-platform/staging/terraform.tfstate' }), field: 'production.state: stores its state at s3://acme-platform-tfstate/acme-platform/staging/terraform.tfstate, which staging uses already', fix: OWN_STATE },
  { id: 'gcs-prefix-dot-dot', kind: 'synth', area: 'definition', title: 'GCS prefix with ".."', definition: patchEnvironment('staging', (d) => ({ ...d, state: { kind: 'gcs', bucket: 'acme-platform-tfstate', prefix: 'a/../b' } })), field: 'staging.state.prefix', fix: CANONICAL },
  // Class 2: guardrails follow the role.
  { id: 'production-ephemeral-local', kind: 'synth', area: 'definition', process: true, title: 'production set to protection "ephemeral" with local state', definition: field('production', { protection: 'ephemeral', state: { kind: 'local' } }), field: '[protection-matches-role] production: "production" is production (name "production") but declares protection "ephemeral"', fix: /set protection: "hardened"/ },
  { id: 'production-declared-personal', kind: 'synth', area: 'definition', title: 'production declaring role "personal"', definition: field('production', { role: 'personal', protection: 'standard' }), field: '[protection-matches-role] production', fix: /set protection: "hardened"/ },
  { id: 'prod-tag-on-other-name', kind: 'synth', area: 'definition', title: 'an environment tagged environment=production but named "live2" with local state', definition: patchEnvironment('dev', (d) => ({ ...d, name: 'live2', tags: { ...(d.tags as object), environment: 'production' } })), field: '[shared-env-remote-state] live2: "live2" is production (tag environment "production")', fix: /remote, locked state/ },
  { id: 'staging-ephemeral', kind: 'synth', area: 'definition', title: 'staging set to protection "ephemeral"', definition: field('staging', { protection: 'ephemeral' }), field: '[protection-matches-role] staging: "staging" is shared (name "staging")', fix: /set protection: "standard"/ },
  { id: 'declared-shared-local', kind: 'synth', area: 'definition', title: 'dev declared shared but on local state', definition: field('dev', { role: 'shared' }), field: '[shared-env-remote-state] dev', fix: /remote, locked state/ },
  { id: 'suppression-short-reason', kind: 'synth', area: 'definition', title: 'a suppression without a real reason', definition: field('production', { protection: 'ephemeral', suppressions: [{ id: 'protection-matches-role', reason: 'ok' }] }), field: 'production.suppressions.0.reason', fix: /why the exception is safe/ },
  { id: 'suppression-unknown-rule', kind: 'synth', area: 'definition', title: 'a suppression of a rule that does not exist', definition: field('production', { suppressions: [{ id: 'all', reason: 'we know what we are doing' }] }), field: 'production.suppressions.0.id', fix: /must name a guardrail: protection-matches-role/ },
  // Class 3: AWS's own rules.
  { id: 'region-unknown', kind: 'synth', area: 'definition', title: 'a region the pinned provider does not know', definition: field('staging', { region: 'eu-west-9' }), field: 'staging.region: "eu-west-9" is not a region hashicorp/aws 5.100.0 knows', fix: /use a region hashicorp\/aws 5\.100\.0 knows/ },
  { id: 'region-uppercase', kind: 'synth', area: 'definition', title: 'a region in upper case', definition: field('staging', { region: 'EU-WEST-1' }), field: 'staging.region', fix: /use "eu-west-1"/ },
  { id: 'tag-aws-prefix', kind: 'synth', area: 'definition', title: 'a tag key with the reserved aws: prefix', definition: field('staging', { tags: { 'aws:owner': 'me' } }), field: 'staging.tags.aws:owner', fix: /reserved for AWS: rename the tag/ },
  { id: 'tag-count', kind: 'synth', area: 'definition', title: '51 tags', definition: field('staging', { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'v'])) }), field: 'staging.tags: has 51 tags', fix: /remove 1/ },
  { id: 'tag-key-length', kind: 'synth', area: 'definition', title: 'a 129-character tag key', definition: field('staging', { tags: { ['k'.repeat(129)]: 'v' } }), field: `staging.tags.${'k'.repeat(129)}`, fix: /shorten it/ },
  { id: 'tag-value-length', kind: 'synth', area: 'definition', title: 'a 257-character tag value', definition: field('staging', { tags: { owner: 'v'.repeat(257) } }), field: 'staging.tags.owner: tag value must be at most 256 characters', fix: /shorten it/ },
  { id: 'tag-value-number', kind: 'synth', area: 'definition', title: 'a tag value that is a number', definition: field('staging', { tags: { cost: 42 } }), field: 'staging.tags.cost', fix: /quote it/ },
  { id: 'account-id-short', kind: 'synth', area: 'definition', title: 'an 11-digit account ID', definition: field('staging', { allowedAccountIds: ['12345678901'] }), field: 'staging.allowedAccountIds.0', fix: /use the 12-digit ID/ },
  { id: 'account-id-number', kind: 'synth', area: 'definition', title: 'an account ID given as a number', definition: field('staging', { allowedAccountIds: [222222222222] }), field: 'staging.allowedAccountIds.0', fix: /12-digit/ },
  // Definitions that are not definitions (class 6).
  { id: 'module-throws', kind: 'synth', area: 'definition', process: true, title: 'an environment module that throws', definition: (base) => ({ ...base, environments: [...base.environments, () => { throw new Error('boom in qa.ts'); }] }), field: 'environments[3]: the module threw "boom in qa.ts"', fix: /fix the environment file/ },
  { id: 'module-returns-nothing', kind: 'synth', area: 'definition', title: 'an environment module that returns nothing', definition: (base) => ({ ...base, environments: [...base.environments, (() => undefined) as never] }), field: 'environments[3]: the module returned undefined', fix: /return the definition object/ },
  { id: 'module-not-a-function', kind: 'synth', area: 'definition', title: 'an environment entry that is not a module', definition: (base) => ({ ...base, environments: [...base.environments, { name: 'qa' } as never] }), field: 'environments[3]: is object, not an environment module', fix: /export defineEnvironment/ },
  { id: 'duplicate-name', kind: 'synth', area: 'definition', title: 'two environments with one name', definition: (base) => ({ ...base, environments: [...base.environments, base.environments[1]] }), field: 'staging.name: "staging" is defined twice', fix: /rename one/ },
  { id: 'unknown-field', kind: 'synth', area: 'definition', title: 'a misspelt field', definition: field('staging', { protecton: 'standard' }), field: 'staging: unknown field "protecton"', fix: /check the spelling/ },
  { id: 'state-null', kind: 'synth', area: 'definition', title: 'state: null', definition: field('staging', { state: null }), field: 'staging.state: must be a state definition object (got null)', fix: /e\.g\. \{ kind: "local" \}/ },
  { id: 'role-unknown', kind: 'synth', area: 'definition', title: 'a role that does not exist', definition: field('staging', { role: 'admin' }), field: 'staging.role', fix: /must be "personal", "shared" or "production"/ },
  { id: 'unknown-backend-kind', kind: 'synth', area: 'definition', title: 'a backend kind the factory does not have', definition: field('staging', { state: { kind: 'consul' } }), field: 'staging.state.kind', fix: /must be one of "local", "s3"/ },
  // Settings (classes 3 and 4).
  { id: 'project-name-long', kind: 'synth', area: 'setting', process: true, title: 'an 80-character PROJECT_NAME', env: { PROJECT_NAME: `acme-${'x'.repeat(75)}` }, field: 'PROJECT_NAME: "acme-', fix: /shorten PROJECT_NAME to at most 37 characters/ },
  { id: 'project-name-spaces', kind: 'synth', area: 'setting', title: 'a PROJECT_NAME with capitals and a space', env: { PROJECT_NAME: 'Acme Platform' }, field: 'PROJECT_NAME: "Acme Platform" cannot prefix state keys', fix: /use lowercase letters, digits and single hyphens/ },
  { id: 'project-name-whitespace', kind: 'synth', area: 'setting', title: 'a PROJECT_NAME with a leading space', env: { PROJECT_NAME: ' acme' }, field: 'PROJECT_NAME: " acme" has leading or trailing whitespace', fix: /remove it/ },
  { id: 'project-name-reserved-prefix', kind: 'synth', area: 'setting', title: 'a PROJECT_NAME that makes reserved bucket names (sthree-)', env: { PROJECT_NAME: 'sthree-acme' }, field: 'PROJECT_NAME: "sthree-acme" makes invalid bucket names: the state bucket "sthree-acme-tfstate" must not start with the reserved prefix "sthree-"', fix: /choose another project name/ },
  { id: 'migrated-maybe', kind: 'synth', area: 'setting', process: true, title: 'STATE_BACKEND_MIGRATED=maybe', env: { STATE_BACKEND_MIGRATED: 'maybe' }, field: 'STATE_BACKEND_MIGRATED: "maybe" is not a boolean', fix: /use true or false/ },
  { id: 'state-region-unknown', kind: 'synth', area: 'setting', title: 'TF_STATE_REGION the provider does not know', env: { TF_STATE_REGION: 'eu-west-9' }, field: 'staging.state.region: "eu-west-9"', fix: /use a region hashicorp\/aws/ },
  { id: 'state-bucket-invalid', kind: 'synth', area: 'setting', title: 'TF_STATE_BUCKET with capitals and "_"', env: { TF_STATE_BUCKET: 'Bad_Bucket' }, field: 'staging.state.bucket: "Bad_Bucket" is not a valid S3 bucket name', fix: /override with TF_STATE_BUCKET/ },
  { id: 'lock-table-short', kind: 'synth', area: 'setting', title: 'TF_STATE_LOCK_TABLE of one character', env: { TF_STATE_LOCK_TABLE: 'x' }, field: 'production.state.dynamodbTable', fix: /override with TF_STATE_LOCK_TABLE/ },
  { id: 'account-variable-typo', kind: 'synth', area: 'setting', title: 'AWS_ACCOUNT_ID_ for a misspelt environment', env: { AWS_ACCOUNT_ID_PRODUCTON: '333333333333' }, field: 'AWS_ACCOUNT_ID_PRODUCTON: no environment is named so', fix: /fix the name or unset it/ },
  { id: 'account-variable-letters', kind: 'synth', area: 'setting', title: 'AWS_ACCOUNT_ID_STAGING that is not digits', env: { AWS_ACCOUNT_ID_STAGING: 'staging-acct' }, field: 'staging.allowedAccountIds.0: "staging-acct" is not an AWS account ID', fix: /override with AWS_ACCOUNT_ID_<ENV>/ },
  { id: 'context-json-setting', kind: 'synth', area: 'setting', process: true, title: 'a setting in CDKTF_CONTEXT_JSON (cdktf-cli 0.21 drops it)', env: { CDKTF_CONTEXT_JSON: '{"project":"other"}' }, field: 'CDKTF_CONTEXT_JSON: "project" is not read from here', fix: /set PROJECT_NAME instead/ },
  { id: 'context-json-invalid', kind: 'synth', area: 'setting', process: true, title: 'CDKTF_CONTEXT_JSON that is not JSON', env: { CDKTF_CONTEXT_JSON: '{project:' }, field: 'CDKTF_CONTEXT_JSON: is not a JSON object', fix: /unset it/ },
  { id: 'cdktf-json-invalid', kind: 'synth', area: 'setting', title: 'cdktf.json that is not JSON', cdktfJson: '{"app": ', field: 'cdktf.json: is not valid JSON', fix: /fix the file/ },
  { id: 'cdktf-json-context-list', kind: 'synth', area: 'setting', title: 'cdktf.json "context" that is a list', cdktfJson: '{"context": ["project"]}', field: 'cdktf.json: "context" must be an object', fix: /e\.g\. \{ "project"/ },
  { id: 'cdktf-json-config-file-object', kind: 'synth', area: 'setting', title: 'cdktf.json backendConfigFile of the wrong type', cdktfJson: '{"context": {"backendConfigFile": {"path": "x.yaml"}}}', field: 'cdktf.json context "backendConfigFile": must be a single value, not an object', fix: /set it to a string/ },
  { id: 'cdktf-json-migrated-maybe', kind: 'synth', area: 'setting', title: 'cdktf.json stateBackendMigrated "maybe"', cdktfJson: '{"context": {"stateBackendMigrated": "maybe"}}', field: 'cdktf.json context "stateBackendMigrated": "maybe" is not a boolean', fix: /use true or false/ },
  { id: 'cdktf-json-migrated-list', kind: 'synth', area: 'setting', title: 'cdktf.json stateBackendMigrated that is a list', cdktfJson: '{"context": {"stateBackendMigrated": [true]}}', field: 'cdktf.json context "stateBackendMigrated": must be a single value, not a list', fix: /set it to a string/ },
  { id: 'cdktf-json-account-ids', kind: 'synth', area: 'setting', title: 'cdktf.json accountIds that is a string', cdktfJson: '{"context": {"accountIds": "111111111111"}}', field: 'cdktf.json context "accountIds": must be an object', fix: /"staging": "222222222222"/ },
  // Class 5: YAML backend files.
  { id: 'yaml-missing', kind: 'synth', area: 'yaml', process: true, title: 'BACKEND_CONFIG_FILE that does not exist', env: { BACKEND_CONFIG_FILE: '/nonexistent/backend.yaml' }, field: 'BACKEND_CONFIG_FILE: /nonexistent/backend.yaml does not exist', fix: /check the path/ },
  { id: 'yaml-billion-laughs', kind: 'synth', area: 'yaml', process: true, title: 'a billion-laughs alias bomb', setup: yamlFile(`backend: s3\na: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`).join('\n')}\n`), field: 'backend.yaml: expands too many aliases', fix: /at most 20 aliases/ },
  { id: 'yaml-fifo', kind: 'synth', area: 'yaml', process: true, integrationOnly: true, title: 'a named pipe (open would block)', setup: (dir) => { require('node:child_process').execFileSync('mkfifo', [`${dir}/backend.yaml`]); return { BACKEND_CONFIG_FILE: `${dir}/backend.yaml` }; }, field: 'is a named pipe (FIFO), not a regular file', fix: /give the path of a file/ },
  { id: 'yaml-dev-zero', kind: 'synth', area: 'yaml', process: true, title: '/dev/zero (endless)', env: { BACKEND_CONFIG_FILE: '/dev/zero' }, field: 'BACKEND_CONFIG_FILE: /dev/zero is a character device', fix: /give the path of a file/ },
  { id: 'yaml-directory', kind: 'synth', area: 'yaml', title: 'a directory', setup: (dir) => ({ BACKEND_CONFIG_FILE: dir }), field: 'is a directory, not a regular file', fix: /give the path of a file/ },
  { id: 'yaml-too-large', kind: 'synth', area: 'yaml', title: 'a 1 MiB file', setup: yamlFile(`${S3_YAML}${'# padding\n'.repeat(104858)}`), field: 'bytes; the limit is 65536', fix: /give the small settings file itself/ },
  { id: 'yaml-many-keys', kind: 'synth', area: 'yaml', title: 'thousands of keys within the size limit (parsed in linear time)', setup: yamlFile(`${S3_YAML}${Array.from({ length: 7000 }, (_, i) => `k${i}: v`).join('\n')}\n`), field: 'backend.yaml: has 6990 more unknown settings', fix: /a backend file holds only bucket, key, region/ },
  { id: 'yaml-duplicate-key', kind: 'synth', area: 'yaml', title: 'a key set twice', setup: yamlFile(`${S3_YAML}bucket: other-bucket\n`), field: 'backend.yaml: bucket: is set twice', fix: /keep one/ },
  { id: 'yaml-syntax', kind: 'synth', area: 'yaml', title: 'invalid YAML', setup: yamlFile('backend: [s3\nbucket: {\n'), field: 'backend.yaml: is not valid YAML', fix: /./ },
  { id: 'yaml-every-problem', kind: 'synth', area: 'yaml', title: 'several problems at once (all listed)', setup: yamlFile('backend: s3\nbucket: Bad_Bucket\nregion: mars-1\nacl: private\nencrypt: false\n'), field: 'backend.yaml: acl: is not a setting', fix: /encrypt: must be true/ },
  { id: 'yaml-lockfile-string', kind: 'synth', area: 'yaml', title: 'use_lockfile: "true" quoted', setup: yamlFile('backend: s3\nbucket: acme-platform-tfstate\nregion: eu-west-1\nuse_lockfile: "true"\n'), field: 'backend.yaml: use_lockfile: must be true or false', fix: /write it unquoted/ },
  { id: 'yaml-proto-key', kind: 'synth', area: 'yaml', title: 'a __proto__ key', setup: yamlFile(`${S3_YAML}__proto__: x\nconstructor: y\n`), field: 'backend.yaml: constructor: is not a setting', fix: /use bucket, key, region/ },
  { id: 'yaml-not-utf8', kind: 'synth', area: 'yaml', title: 'bytes that are not UTF-8', setup: yamlFile(Buffer.from([0x62, 0x61, 0x63, 0x6b, 0x65, 0x6e, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0x0a])), field: 'is not UTF-8 text', fix: /save it as UTF-8/ },
  { id: 'yaml-unknown-environment', kind: 'synth', area: 'yaml', title: 'environment: qa (no such environment)', setup: yamlFile(`${S3_YAML}environment: qa\n`), field: 'backend.yaml: environment: no environment is named "qa"', fix: /use one of "dev", "staging", "production"/ },
  { id: 'yaml-key-dot-dot', kind: 'synth', area: 'yaml', title: 'a key with ".." in the YAML file', setup: yamlFile(`${S3_YAML}key: a/../b/terraform.tfstate\n`), field: 'backend.yaml: key: "a/../b/terraform.tfstate" is not a canonical key', fix: CANONICAL },
  { id: 'yaml-key-collision', kind: 'synth', area: 'yaml', title: "a YAML key on the state-backend's lockfile", setup: yamlFile(`${S3_YAML}environment: staging\nkey: acme-platform/state-backend/terraform.tfstate.tflock\n`), field: "which is the S3 lockfile of state-backend's state", fix: OWN_STATE },
];

/** SECRET in content is replaced by a unique secret value; no output may contain it. */
export const SECRETS_CASES: readonly SecretsCase[] = [
  { id: 'secrets-malformed-line', kind: 'secrets', area: 'secrets', process: true, title: 'a pasted token on a line of its own', content: 'TF_VAR_app_api_token=x\nSECRET\n', field: 'line 2: is not a KEY=value line', fix: /write TF_VAR_<name>=<value>/ },
  { id: 'secrets-space-instead-of-equals', kind: 'secrets', area: 'secrets', title: 'KEY SECRET (a space for "=")', content: 'TF_VAR_app_api_token SECRET\n', field: 'line 1: is not a KEY=value line', fix: /write TF_VAR_<name>=<value>/ },
  { id: 'secrets-node-options', kind: 'secrets', area: 'secrets', process: true, title: 'NODE_OPTIONS (would run code in every node process)', content: 'TF_VAR_app_api_token=SECRET\nNODE_OPTIONS=--require ./evil.js\n', field: 'line 2: "NODE_OPTIONS" is not a Terraform variable', fix: /remove the line/ },
  { id: 'secrets-ld-preload', kind: 'secrets', area: 'secrets', title: 'LD_PRELOAD', content: 'LD_PRELOAD=/tmp/evil.so\nTF_VAR_app_api_token=SECRET\n', field: 'line 1: "LD_PRELOAD" is not a Terraform variable', fix: /remove the line/ },
  { id: 'secrets-bash-env', kind: 'secrets', area: 'secrets', title: 'BASH_ENV', content: 'export BASH_ENV=/tmp/evil.sh\nTF_VAR_app_api_token=SECRET\n', field: 'line 1: "BASH_ENV" is not a Terraform variable', fix: /remove the line/ },
  { id: 'secrets-token-as-key', kind: 'secrets', area: 'secrets', title: 'a base64 token left of "=" (never named)', content: 'SECRET=\nTF_VAR_app_api_token=x\n', field: 'line 1: its key is not a Terraform variable', fix: /remove the line/ },
  { id: 'secrets-unclosed-quote', kind: 'secrets', area: 'secrets', title: 'a quoted value never closed', content: 'TF_VAR_app_api_token="SECRET\n', field: 'line 1: the quoted value is never closed', fix: /end it with " on the same line/ },
  { id: 'secrets-text-after-quote', kind: 'secrets', area: 'secrets', title: 'text after the closing quote', content: "TF_VAR_app_api_token='SECRET' trailing\n", field: "line 1: has text after the closing '", fix: /quote the whole value/ },
  { id: 'secrets-duplicate', kind: 'secrets', area: 'secrets', title: 'a variable set twice', content: 'TF_VAR_app_api_token=SECRET\nTF_VAR_app_api_token=other\n', field: 'line 2: TF_VAR_app_api_token is set again', fix: /keep one line/ },
  { id: 'secrets-empty-name', kind: 'secrets', area: 'secrets', title: 'TF_VAR_ with no name', content: 'TF_VAR_=SECRET\n', field: 'line 1: its key is not a Terraform variable', fix: /remove the line/ },
  { id: 'secrets-fifo', kind: 'secrets', area: 'secrets', process: true, integrationOnly: true, title: 'secrets.env that is a named pipe', setup: (dir) => { require('node:child_process').execFileSync('mkfifo', [`${dir}/secrets.env`]); return `${dir}/secrets.env`; }, field: 'is a named pipe (FIFO), not a regular file', fix: /give the path of a file/ },
  { id: 'secrets-directory', kind: 'secrets', area: 'secrets', title: 'secrets.env that is a directory', setup: (dir) => { require('node:fs').mkdirSync(`${dir}/secrets.env`); return `${dir}/secrets.env`; }, field: 'is a directory, not a regular file', fix: /give the path of a file/ },
  { id: 'secrets-too-large', kind: 'secrets', area: 'secrets', title: 'a 1 MiB secrets.env', content: `TF_VAR_app_api_token=SECRET\n${'#'.repeat(1024 * 1024)}\n`, field: 'bytes; the limit is 65536', fix: /give the small settings file itself/ },
];

/** Cases that need the workflow scripts or the doctor against local endpoints (integration suite). */
export const PROCESS_CASES: readonly ProcessCase[] = [
  { id: 'workflow-sigkill-leftover', kind: 'workflow', area: 'workflow', title: 'a run killed with SIGKILL: the next run removes and reports its saved plan', field: 'a saved plan directory left by a killed run', fix: /held secret values/ },
  { id: 'workflow-private-plan-dir', kind: 'workflow', area: 'workflow', title: 'the saved plan is written to a 0700 directory outside cdktf.out', field: 'removed the saved plan', fix: /holds the secret values/ },
  { id: 'workflow-stale-plan-file', kind: 'workflow', area: 'workflow', title: 'a plan file left in the stack directory by an older run', field: 'a saved plan left in the stack directory', fix: /held secret values/ },
  { id: 'workflow-concurrent-run', kind: 'workflow', area: 'workflow', title: 'a second run on the same stack while the first is live', field: 'is using', fix: /wait for it to finish/ },
  { id: 'workflow-no-stack-dir', kind: 'workflow', area: 'workflow', title: 'with-secrets before synth (no stack directory)', field: 'does not exist', fix: /synthesize first/ },
  { id: 'cdktf-cli-context-flag', kind: 'workflow', area: 'setting', title: 'npx cdktf synth -c project=x (cdktf-cli 0.21 ignores -c)', field: 'cdktf -c: cdktf-cli 0.21 has no -c/--context option and ignores it', fix: /set the setting's environment variable/ },
  { id: 'outdir-is-a-file', kind: 'workflow', area: 'workflow', title: 'cdktf synth --output naming a file', field: 'is a file, not a directory', fix: /move it away or pass another --output/ },
  { id: 'workflow-vals-fifo', kind: 'workflow', area: 'workflow', title: 'a vals file that is a named pipe', field: 'is not a regular file', fix: /give the path of the vals secrets file/ },
  { id: 'doctor-404-s3', kind: 'doctor', area: 'doctor', title: 'an S3 endpoint that answers 404 to everything', field: 'state bucket exists: s3://acme-platform-tfstate: the endpoint answered HTTP 404 without a S3 error code', fix: /point AWS_ENDPOINT_URL_S3/ },
  { id: 'doctor-404-dynamodb', kind: 'doctor', area: 'doctor', title: 'a DynamoDB endpoint that answers 404 to everything', field: 'lock table: acme-platform-tflock: the endpoint answered HTTP 404 without a DynamoDB error code', fix: /point AWS_ENDPOINT_URL_DYNAMODB/ },
  { id: 'doctor-missing-bucket', kind: 'doctor', area: 'doctor', title: 'a real missing bucket (NoSuchBucket) is still told apart', field: 's3://acme-platform-tfstate does not exist (NoSuchBucket)', fix: /deploy the state-backend stack first/ },
  { id: 'doctor-backend-config-missing', kind: 'doctor', area: 'doctor', title: 'the doctor with a missing BACKEND_CONFIG_FILE', field: 'BACKEND_CONFIG_FILE: /nonexistent/backend.yaml does not exist', fix: /check the path/ },
  { id: 'doctor-migrated-maybe', kind: 'doctor', area: 'doctor', title: 'the doctor with STATE_BACKEND_MIGRATED=maybe', field: 'STATE_BACKEND_MIGRATED: "maybe" is not a boolean', fix: /use true or false/ },
  { id: 'doctor-context-json', kind: 'doctor', area: 'doctor', title: 'the doctor with a setting in CDKTF_CONTEXT_JSON (synth would not see it)', field: 'CDKTF_CONTEXT_JSON: "stateBucket" is not read from here', fix: /set TF_STATE_BUCKET instead/ },
];

export const ALL_CASES: readonly HostileCase[] = [...SYNTH_CASES, ...SECRETS_CASES, ...PROCESS_CASES];

export const realAppDefinition = appDefinition;
