import { stringify } from 'yaml';
import type { Blueprint } from '../../lib/settings/blueprint';
import { backendBlock, type BackendBlock } from '../../lib/backend-config/backend-block';
import { hclBody, hclComment } from '../../lib/backend-config/render-hcl';
import type { EnvironmentDefinition } from '../../lib/definitions/environment';
import type { S3State, StateDefinition } from '../../lib/definitions/state-definition';
import { minimumVersionFor } from '../../lib/backends/terraform-version';
import { versionsLine } from './version-floors';

/** One example backend configuration and the prose of its header. */
interface BackendExample {
  readonly name: string;
  readonly environment: string;
  readonly state: StateDefinition;
  readonly purpose: string;
  /** What the version table (versionsLine) does not say: experimental releases, deprecation warnings. */
  readonly versionNote: string;
  readonly prerequisites: readonly string[];
  readonly formats: ReadonlyArray<'hcl' | 'yaml'>;
}

const GUIDE = 'docs/backend-configuration.md';

function s3Examples(blueprint: Blueprint, staging: EnvironmentDefinition, production: EnvironmentDefinition): BackendExample[] {
  const bucket = `the bucket "${blueprint.stateBucket}", versioned and encrypted (the state-backend stack creates it: npx cdktf deploy state-backend)`;
  const table =
    `the DynamoDB table "${blueprint.lockTable}" with partition key LockID of type String, e.g.: aws dynamodb create-table ` +
    `--table-name ${blueprint.lockTable} --attribute-definitions AttributeName=LockID,AttributeType=S ` +
    '--key-schema AttributeName=LockID,KeyType=HASH --billing-mode PAY_PER_REQUEST';
  const productionState = production.state as S3State;
  const role = (state: StateDefinition) =>
    state.kind === 's3' && state.assumeRole
      ? [
          `the state role ${state.assumeRole.roleArn} (the state-backend stack creates it), and credentials its trust policy ` +
            'accepts: by default the environment account\'s administrators or its CI deploy role (docs/cross-account.md)',
        ]
      : [];
  return [
    {
      name: 's3-backend-lockfile',
      environment: staging.name,
      state: staging.state,
      purpose: 'S3 state with S3-native locking: a "<key>.tflock" object written with a conditional PUT. No DynamoDB.',
      versionNote: 'use_lockfile is experimental in Terraform 1.10, generally available from 1.11.',
      prerequisites: [bucket, ...role(staging.state)],
      formats: ['hcl', 'yaml'],
    },
    {
      name: 's3-backend-dynamodb',
      environment: production.name,
      state: { ...productionState, locking: 'dynamodb', dynamodbTable: blueprint.lockTable },
      purpose: 'S3 state with DynamoDB locking (and its consistency digest).',
      versionNote: 'Terraform 1.11+ deprecates dynamodb_table: it still works and prints a warning. OpenTofu keeps DynamoDB locking fully supported.',
      prerequisites: [bucket, table, ...role(productionState)],
      formats: ['hcl', 'yaml'],
    },
    {
      name: 's3-backend-both',
      environment: production.name,
      state: { ...productionState, locking: 'both', dynamodbTable: blueprint.lockTable },
      purpose:
        'Migration mode: both lock mechanisms at once. Terraform takes the lockfile and the DynamoDB lock, and both must ' +
        `succeed. Step 1 of DynamoDB -> lockfile; see ${GUIDE}.`,
      versionNote: 'Terraform 1.11+ deprecates dynamodb_table (a warning).',
      prerequisites: [bucket, table, ...role(productionState)],
      formats: ['hcl', 'yaml'],
    },
  ];
}

/** Samples for the other backends the factory supports; names are placeholders to replace. */
function otherExamples(blueprint: Blueprint): BackendExample[] {
  return [
    {
      name: 'gcs-backend',
      environment: 'staging',
      state: { kind: 'gcs', bucket: `${blueprint.project}-tfstate` },
      purpose: 'Google Cloud Storage state. GCS locks state itself (a lock file next to the state); nothing else to create.',
      versionNote: '',
      prerequisites: [
        `a GCS bucket with object versioning, e.g.: gcloud storage buckets create gs://${blueprint.project}-tfstate --uniform-bucket-level-access ` +
          `&& gcloud storage buckets update gs://${blueprint.project}-tfstate --versioning`,
      ],
      formats: ['hcl', 'yaml'],
    },
    {
      name: 'azurerm-backend',
      environment: 'staging',
      state: { kind: 'azurerm', resourceGroupName: 'rg-tfstate', storageAccountName: 'acmeplatformtfstate', containerName: 'tfstate' },
      purpose: 'Azure Blob Storage state, locked with a blob lease, authenticating with Entra ID (use_azuread_auth).',
      versionNote: '',
      prerequisites: [
        'a storage account and container, e.g.: az storage container create --name tfstate --account-name acmeplatformtfstate --auth-mode login',
        // Terraform's azurerm backend docs: with use_azuread_auth, Contributor covers the account, Owner the container.
        'for whoever runs Terraform: the "Storage Blob Data Owner" role on the container, or "Storage Blob Data Contributor" on the storage account',
      ],
      formats: ['hcl', 'yaml'],
    },
  ];
}

function header(example: BackendExample, usage: readonly string[]): string[] {
  return [
    `${example.name}: generated by \`npm run examples\` from the backend factory; do not edit.`,
    '',
    `What it is for: ${example.purpose}`,
    `Versions: ${versionsLine(example.state)}${example.versionNote ? ` ${example.versionNote}` : ''}`,
    'What must exist first:',
    ...example.prerequisites.map((p) => `  - ${p}`),
    'How to use it:',
    ...usage.map((u) => `  ${u}`),
    `Guide: ${GUIDE}`,
  ];
}

function renderHclExample(example: BackendExample, block: BackendBlock): string {
  const usage = [
    `1. In your configuration: terraform { backend "${block.type}" {} }`,
    `2. terraform init -backend-config=${example.name}.hcl   (OpenTofu: tofu init -backend-config=...)`,
    'Credentials never go in this file: use the provider\'s environment variables or profiles.',
  ];
  return [...hclComment(header(example, usage)), '', ...hclBody(block.attributes), ''].join('\n');
}

function renderYamlExample(example: BackendExample, block: BackendBlock): string {
  const usage = [
    `Input for this app: BACKEND_CONFIG_FILE=examples/backend-configs/${example.name}.yaml npx cdktf synth`,
    `(replaces the state of environment "${example.environment}"; remove "environment" to apply it to every environment with remote state).`,
    `This YAML is this app's input only: terraform init -backend-config reads HCL or JSON files (use ${example.name}.hcl).`,
  ];
  const document = { backend: block.type, environment: example.environment, ...block.attributes };
  return [...hclComment(header(example, usage)), stringify(document)].join('\n');
}

function cloudExample(blueprint: Blueprint): { name: string; content: string } {
  const block = backendBlock(
    { kind: 'cloud', organization: 'acme', workspaces: { name: `${blueprint.project}-production` }, project: 'platform' },
    { project: blueprint.project, stack: 'production' },
  );
  const lines = [
    ...hclComment([
      'hcp-terraform-cloud-block: generated by `npm run examples` from the backend factory; do not edit.',
      '',
      'What it is for: HCP Terraform / Terraform Enterprise keeps state, locks it and runs plans and applies.',
      'This is a configuration file, not a -backend-config file: the cloud block is not a backend. Put it in',
      'your configuration as is; the organization and workspace can instead come from the TF_CLOUD_ORGANIZATION',
      'and TF_WORKSPACE environment variables.',
      `Versions: Terraform with the cloud block (1.1+); the factory declares required_version "${block.requiredVersion}".`,
      'This example targets Terraform; with OpenTofu, check your service\'s documentation for cloud block support.',
      'What must exist first: the organization, and a login: terraform login (or TF_TOKEN_app_terraform_io).',
      'How to use it: copy it into your configuration, then terraform init.',
      `Guide: ${GUIDE}`,
    ]),
    'terraform {',
    '  cloud {',
    ...hclBody(block.attributes, '    '),
    '  }',
    '}',
    '',
  ];
  return { name: 'hcp-terraform-cloud-block.hcl', content: lines.join('\n') };
}

/** Every file of examples/backend-configs/ except its README, by file name. */
export function backendConfigExamples(
  blueprint: Blueprint,
  staging: EnvironmentDefinition,
  production: EnvironmentDefinition,
): Map<string, string> {
  const files = new Map<string, string>();
  for (const example of [...s3Examples(blueprint, staging, production), ...otherExamples(blueprint)]) {
    const block = backendBlock(example.state, { project: blueprint.project, stack: example.environment });
    if (example.formats.includes('hcl')) files.set(`${example.name}.hcl`, renderHclExample(example, block));
    if (example.formats.includes('yaml')) files.set(`${example.name}.yaml`, renderYamlExample(example, block));
  }
  const cloud = cloudExample(blueprint);
  files.set(cloud.name, cloud.content);
  return files;
}

/** The lowest Terraform version the lockfile example needs, for prose that must match the code. */
export const LOCKFILE_MINIMUM = minimumVersionFor({ kind: 's3', bucket: 'b', region: 'r', locking: 'lockfile' });
