/**
 * The one naming rule of the project. Every state location and every resource name is derived
 * here, so two stacks cannot end up sharing a state object or a bucket name by accident.
 */

/** Directory of a synthesized stack relative to the project root, as cdktf writes it. */
const STACK_DIR_DEPTH = ['cdktf.out', 'stacks', '<stack>'].length;

/** `<project>/<stack>/terraform.tfstate`: the S3 and Azure state key of a stack. */
export function stateKey(project: string, stack: string): string {
  return `${project}/${stack}/terraform.tfstate`;
}

/** `<project>/<stack>`: the GCS state prefix of a stack (GCS appends `/<workspace>.tfstate`). */
export function statePrefix(project: string, stack: string): string {
  return `${project}/${stack}`;
}

/** Name of the HCP Terraform workspace of a stack. */
export function workspaceName(project: string, stack: string): string {
  return `${project}-${stack}`;
}

/**
 * Local state file of a stack, relative to its synthesized directory. It points at the project
 * root so that the state survives `cdktf synth`, which rewrites `cdktf.out/`.
 */
export function localStatePath(stack: string): string {
  return `${'../'.repeat(STACK_DIR_DEPTH)}terraform.${stack}.tfstate`;
}

/** S3 allows 63 characters in a bucket name; DynamoDB 255 in a table name. */
const MAX_NAME_LENGTH = 63;

/**
 * `<project>-<environment>-<name>`, lowercase, hyphen-separated, capped at 63 characters (the S3
 * bucket name limit) so one label fits every resource type we create.
 */
export function resourceName(project: string, environment: string, name: string): string {
  const label = [project, environment, name]
    .filter((part) => part.length > 0)
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  return label.slice(0, MAX_NAME_LENGTH).replace(/-+$/, '');
}

/**
 * `/<project>/<environment>/<name>`: the SSM Parameter Store path of an environment's parameter.
 * Hierarchical (not hyphenated) so that IAM policies can grant `/<project>/<environment>/*`.
 * Each segment is normalised like `resourceName`; `name` may contain `/` for deeper levels.
 */
export function parameterName(project: string, environment: string, name: string): string {
  const segment = (part: string) => resourceName(part, '', '');
  const segments = [project, environment, ...name.split('/')].map(segment).filter((part) => part.length > 0);
  return `/${segments.join('/')}`;
}
