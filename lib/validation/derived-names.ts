/**
 * Names derived from the project name. A long or odd PROJECT_NAME used to yield invalid bucket names
 * and, once `resourceName` cut them at 63 characters, two environments sharing one IAM policy name.
 * These checks say which setting to change and to what, before any name is built.
 */

import { s3BucketNameProblems } from './aws-names';

/** `resourceName` caps every label at 63 characters (the S3 bucket name limit) so one label fits all. */
const NAME_LIMIT = 63;
const PROJECT_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

interface Derived {
  readonly what: string;
  readonly name: string;
  /** S3 bucket names have rules beyond their length (reserved prefixes and suffixes). */
  readonly bucket?: boolean;
}

function derivedNames(project: string, environments: readonly string[], defaults: { stateBucket: boolean; lockTable: boolean }): Derived[] {
  return [
    ...(defaults.stateBucket ? [{ what: 'state bucket', name: `${project}-tfstate`, bucket: true }] : []),
    ...(defaults.lockTable ? [{ what: 'lock table', name: `${project}-tflock` }] : []),
    ...environments.flatMap((environment) => [
      { what: `asset bucket of ${environment}`, name: `${project}-${environment}-assets`, bucket: true },
      { what: `state access IAM policy of ${environment}`, name: `${project}-${environment}-tfstate-access` },
    ]),
  ];
}

/**
 * Problems of the project name as `<setting>: ...`. `setting` names where it came from (PROJECT_NAME,
 * cdktf.json context "project"); `defaults` says which names are derived rather than set.
 */
export function projectNameProblems(
  project: string,
  setting: string,
  environments: readonly string[],
  defaults: { stateBucket: boolean; lockTable: boolean },
): string[] {
  if (!PROJECT_PATTERN.test(project)) {
    return [
      `${setting}: ${JSON.stringify(project)} cannot prefix state keys and resource names: use lowercase letters, digits and single hyphens, starting with a letter, e.g. "acme-platform"`,
    ];
  }
  const derived = derivedNames(project, environments, defaults);
  const reserved = derived
    .filter((d) => d.bucket)
    .flatMap((d) => s3BucketNameProblems(d.name).filter((problem) => problem.includes('reserved')).map((problem) => `the ${d.what} "${d.name}" ${problem}`));
  if (reserved.length > 0) return [`${setting}: "${project}" makes invalid bucket names: ${[...new Set(reserved)].join('; ')}: choose another project name`];
  const tooLong = derived.filter(({ name }) => name.length > NAME_LIMIT);
  if (tooLong.length === 0) return [];
  const worst = tooLong.reduce((a, b) => (b.name.length > a.name.length ? b : a));
  const maximum = project.length - (worst.name.length - NAME_LIMIT);
  return [
    `${setting}: "${project}" (${project.length} characters) makes the ${worst.what} "${worst.name}" ${worst.name.length} characters long` +
      `${tooLong.length > 1 ? ` (and ${tooLong.length - 1} more name${tooLong.length > 2 ? 's' : ''} too long)` : ''}; names may have at most ${NAME_LIMIT}: ` +
      `shorten ${setting} to at most ${maximum} characters, e.g. "${project.slice(0, maximum).replace(/-+$/, '')}"`,
  ];
}
