import {
  BACKEND_FEATURES,
  constraintFloorOf,
  featuresUsedBy,
  requiredVersionFor,
  toolMinimumVersionFor,
  type BackendFeature,
  type ToolFloor,
} from '../../lib/backends/terraform-version';
import type { StateDefinition } from '../../lib/definitions/state-definition';

/** Markers around the generated table in the guide; the docs test compares what is between them. */
export const FLOORS_TABLE_START = '<!-- version-floors:start (generated from lib/backends/terraform-version.ts; a unit test keeps it equal) -->';
export const FLOORS_TABLE_END = '<!-- version-floors:end -->';
export const FLOORS_TABLE_DOCUMENT = 'docs/backend-configuration.md';

/** `[#33993](…/pull/33993)` or `[changelog](…/CHANGELOG.md)`: the link text a reader can tell apart. */
function link(url: string): string {
  const numbered = /\/(?:pull|issues)\/(\d+)$/.exec(url);
  if (numbered) return `[#${numbered[1]}](${url})`;
  if (/CHANGELOG\.md$/.test(url)) return `[changelog](${url})`;
  return `[docs](${url})`;
}

function toolCell(tool: 'Terraform' | 'OpenTofu', floor: ToolFloor): string {
  const excluded = floor.excluded?.length ? `, not ${floor.excluded.join(' or ')}${floor.fixedIn ? ` (fixed in ${floor.fixedIn})` : ''}` : '';
  return `${tool} >= ${floor.floor}${excluded} (${floor.sources.map(link).join(', ')})`;
}

function row(feature: BackendFeature): string {
  const constraint = [`>= ${constraintFloorOf(feature)}`, ...(feature.terraform.excluded ?? []).map((v) => `!= ${v}`)].join(', ');
  return `| ${feature.feature} | ${toolCell('Terraform', feature.terraform)} | ${toolCell('OpenTofu', feature.openTofu)} | \`${constraint}\` | ${feature.why} |`;
}

/** The guide's version table: one row per backend feature, with both tools' floors and their sources. */
export function versionFloorsTable(): string {
  return [
    '| a stack that uses | Terraform | OpenTofu | puts into `required_version` | why |',
    '|---|---|---|---|---|',
    ...BACKEND_FEATURES.map(row),
  ].join('\n');
}

/** The guide with its generated table replaced by the current one (unchanged when the markers are missing). */
export function withVersionFloorsTable(document: string): string {
  const start = document.indexOf(FLOORS_TABLE_START);
  const end = document.indexOf(FLOORS_TABLE_END);
  if (start < 0 || end < start) return document;
  return `${document.slice(0, start + FLOORS_TABLE_START.length)}\n${versionFloorsTable()}\n${document.slice(end)}`;
}

/**
 * One line for a generated example: each tool's own floor, the features that set it, and the exclusions,
 * e.g. "Terraform >= 1.7.2, OpenTofu >= 1.7.0 (kms alias, assume_role …); required_version ">= 1.7.2, …"".
 */
export function versionsLine(state: StateDefinition): string {
  const used = featuresUsedBy(state).filter((f) => f.id !== 'baseline');
  const excluded = used.flatMap((f) => (f.terraform.excluded?.length ? [`Terraform ${f.terraform.excluded.join(' and ')} (${f.excludedBecause?.replace(/`/g, '')}; fixed in ${f.terraform.fixedIn})`] : []));
  const uses = used.length ? ` for ${used.map((f) => f.id).join(', ')}` : ' (this project\'s floor)';
  return (
    `Terraform >= ${toolMinimumVersionFor(state, 'Terraform')}, OpenTofu >= ${toolMinimumVersionFor(state, 'OpenTofu')}${uses}` +
    `${excluded.length ? `; not ${excluded.join('; ')}` : ''}. Both check the one constraint "${requiredVersionFor(state)}" ` +
    '(the higher floor of the two tools; table in docs/backend-configuration.md).'
  );
}
