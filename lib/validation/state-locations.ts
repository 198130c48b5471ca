import { posix } from 'node:path';
import { DEFAULT_CLOUD_HOSTNAME } from '../backends/cloud-backend';
import { localStatePath, stateKey, statePrefix } from '../naming/naming-rule';
import type { StateDefinition } from '../definitions/state-definition';

/**
 * Where a stack's state lives, as what it means rather than how it was written: local paths are
 * resolved against the stack's working directory (`cdktf.out/stacks/<stack>`, where Terraform runs),
 * keys are taken as written only once `keyProblems` has accepted them as canonical. Besides the
 * state object, each location lists the objects Terraform keeps next to it (lock, digest, backup):
 * a stack whose state lands on one of those destroys the other stack's lock or state.
 */
export interface StateObjects {
  /** The store the names live in: `local`, `s3://<bucket>`, `gs://<bucket>`, ... */
  readonly store: string;
  /** The state object itself. */
  readonly state: string;
  /** Objects Terraform writes beside it, with what they are. */
  readonly companions: ReadonlyArray<{ readonly name: string; readonly what: string }>;
  /** Local file systems may ignore case (macOS, Windows): names are compared lowercased there. */
  readonly caseInsensitive: boolean;
}

/** Where cdktf runs Terraform for a stack, relative to the project root. */
export function stackWorkingDirectory(stack: string): string {
  return posix.join('cdktf.out', 'stacks', stack);
}

/** A local state path as seen from the project root (`../../../x` from a stack directory is `x`). */
export function resolvedLocalPath(path: string, stack: string): string {
  return posix.normalize(posix.join(stackWorkingDirectory(stack), path.replace(/\\/g, '/')));
}

/** The default workspace_key_prefix of the S3 backend: other workspaces live under `env:/<workspace>/<key>`. */
export const S3_WORKSPACE_PREFIX = 'env:';

export function stateObjects(state: StateDefinition, context: { project: string; stack: string }): StateObjects {
  switch (state.kind) {
    case 'local': {
      const path = resolvedLocalPath(state.path ?? localStatePath(context.stack), context.stack);
      const lockInfo = posix.join(posix.dirname(path), `.${posix.basename(path)}.lock.info`);
      return {
        store: 'local',
        state: path,
        companions: [
          { name: `${path}.backup`, what: 'state backup' },
          { name: lockInfo, what: 'lock info' },
        ],
        caseInsensitive: true,
      };
    }
    case 's3': {
      const key = state.key ?? stateKey(context.project, context.stack);
      return {
        store: `s3://${state.bucket}`,
        state: key,
        companions: [
          { name: `${key}.tflock`, what: 'S3 lockfile' },
          // The DynamoDB digest item's LockID; kept in the same name space to stay on the safe side.
          { name: `${key}-md5`, what: 'DynamoDB digest item' },
        ],
        caseInsensitive: false,
      };
    }
    case 'gcs': {
      const prefix = state.prefix ?? statePrefix(context.project, context.stack);
      return {
        store: `gs://${state.bucket}`,
        state: `${prefix}/default.tfstate`,
        companions: [{ name: `${prefix}/default.tflock`, what: 'GCS lock file' }],
        caseInsensitive: false,
      };
    }
    case 'azurerm':
      return {
        store: `azurerm://${state.storageAccountName}/${state.containerName}`,
        state: state.key ?? stateKey(context.project, context.stack),
        companions: [],
        caseInsensitive: false,
      };
    case 'cloud':
      return {
        store: `cloud://${state.hostname ?? DEFAULT_CLOUD_HOSTNAME}/${state.organization}`,
        state: state.workspaces.name ?? `tags:${[...(state.workspaces.tags ?? [])].sort().join(',')}`,
        companions: [],
        caseInsensitive: true,
      };
  }
}

/** A stack's state locations: its current one first, then any it reserves (the state-backend's other phase). */
export interface StackLocations {
  readonly stack: string;
  /** The definition sets its key/prefix/path itself (rather than the naming rule): it is the one to blame. */
  readonly explicit: boolean;
  readonly current: StateObjects;
  readonly reserved: ReadonlyArray<{ readonly objects: StateObjects; readonly why: string }>;
}

const display = (objects: StateObjects, name: string) => (objects.store === 'local' ? `${name} (local file)` : `${objects.store}/${name}`);
const norm = (objects: StateObjects, name: string) => (objects.caseInsensitive ? name.toLowerCase() : name);
const FIX = 'remove the explicit key/prefix/path so the naming rule gives each stack its own';

/**
 * `<stack>.state: ...` for every stack whose state object equals, or lands on a companion of, another
 * stack's state object (current or reserved), and for state on a lock object as well as a lock on a state.
 */
export function locationCollisions(stacks: readonly StackLocations[]): string[] {
  const problems: string[] = [];
  stacks.forEach((mine, index) => {
    const current = mine.current;
    const state = norm(current, current.state);
    const where = display(current, current.state);
    stacks.forEach((other, otherIndex) => {
      if (otherIndex === index) return;
      const theirs = [{ objects: other.current, why: 'uses already' }, ...other.reserved];
      for (const { objects, why } of theirs) {
        if (objects.store !== current.store) continue;
        const isCurrent = objects === other.current;
        // A state object shared by two current locations is reported once: on the stack that chose it
        // explicitly (the other follows the naming rule), else on the later one.
        const blameMe = mine.explicit !== other.explicit ? mine.explicit : otherIndex < index;
        if (norm(objects, objects.state) === state && (!isCurrent || blameMe)) {
          problems.push(`${mine.stack}.state: stores its state at ${where}, which ${other.stack} ${why}; two stacks sharing one state would overwrite each other. Fix: ${FIX}`);
        }
        const companion = objects.companions.find((c) => norm(objects, c.name) === state);
        if (companion) {
          problems.push(`${mine.stack}.state: stores its state at ${where}, which is the ${companion.what} of ${other.stack}'s state; each would destroy the other's state or lock. Fix: ${FIX}`);
        }
        // My lock on their state: when theirs is current, their own pass reports it as "state on a lock".
        const mineOnTheirs = isCurrent ? undefined : current.companions.find((c) => norm(current, c.name) === norm(objects, objects.state));
        if (mineOnTheirs) {
          problems.push(`${mine.stack}.state: its ${mineOnTheirs.what} ${display(current, mineOnTheirs.name)} is the state ${other.stack} ${why}; each would destroy the other's state or lock. Fix: ${FIX}`);
        }
        if (current.store.startsWith('s3://') && current.state.startsWith(`${S3_WORKSPACE_PREFIX}/`)) {
          const [, workspace, ...rest] = current.state.split('/');
          const shadowed = rest.join('/');
          if (shadowed === objects.state || objects.companions.some((c) => c.name === shadowed)) {
            problems.push(`${mine.stack}.state: ${where} is where ${other.stack} keeps the state of its workspace "${workspace}" (workspace_key_prefix "${S3_WORKSPACE_PREFIX}"). Fix: ${FIX}`);
          }
        }
      }
    });
  });
  return [...new Set(problems)];
}

/**
 * What makes an object key or prefix non-canonical: forms that name the same object in several ways,
 * or that HTTP clients rewrite (`a/../b` is sent as `b`). Empty = canonical.
 */
export function keyProblems(key: string, kind: 'key' | 'prefix' | 'path'): string[] {
  const problems: string[] = [];
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) problems.push('contains a control character');
  if (/\s/.test(key)) problems.push('contains whitespace');
  if (key.includes('\\')) problems.push('contains "\\" (use "/" between segments)');
  if (kind === 'path') {
    // Local paths may climb out of cdktf.out/stacks/<stack> (the default does); they are resolved, not compared as written.
    if (key.startsWith('/') || /^[A-Za-z]:/.test(key)) problems.push('is absolute: give a path relative to cdktf.out/stacks/<stack>');
    if (key.endsWith('/') || posix.basename(key) === '..' || posix.basename(key) === '.') problems.push('names a directory, not a file');
    return problems;
  }
  if (key.startsWith('/')) problems.push('starts with "/"');
  if (key.endsWith('/')) problems.push(`ends with "/" (it names an object${kind === 'prefix' ? ' prefix' : ''}, not a folder)`);
  const segments = key.replace(/^\/+|\/+$/g, '').split('/');
  if (key.includes('//')) problems.push('has an empty segment ("//")');
  if (segments.includes('..')) problems.push('has a ".." segment');
  if (segments.includes('.')) problems.push('has a "." segment ("./")');
  if (kind === 'key' && segments[0] === S3_WORKSPACE_PREFIX) {
    problems.push(`starts with "${S3_WORKSPACE_PREFIX}/", where Terraform keeps the states of non-default workspaces`);
  }
  return problems;
}
