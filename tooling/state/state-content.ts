import { createHash } from 'node:crypto';

/** What a state file says about itself, as `state history` shows it and `state restore` compares it. */
export interface StateContent {
  readonly text: string;
  readonly md5: string;
  readonly serial: number;
  readonly lineage: string;
  readonly terraformVersion: string;
  /** Managed resource instances by address, each with its attributes (as JSON) for comparing. */
  readonly instances: ReadonlyMap<string, string>;
}

interface RawState {
  readonly version?: unknown;
  readonly serial?: unknown;
  readonly lineage?: unknown;
  readonly terraform_version?: unknown;
  readonly resources?: ReadonlyArray<{
    readonly module?: string;
    readonly mode?: string;
    readonly type?: string;
    readonly name?: string;
    readonly instances?: ReadonlyArray<{ readonly index_key?: string | number; readonly attributes?: unknown }>;
  }>;
}

export function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** Parses a Terraform state file; `where` names it in the error. */
export function parseState(text: string, where: string): StateContent {
  let raw: RawState;
  try {
    raw = JSON.parse(text) as RawState;
  } catch (error) {
    throw new Error(`${where} is not a Terraform state file (not JSON: ${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || typeof raw.lineage !== 'string' || typeof raw.serial !== 'number' || !Array.isArray(raw.resources)) {
    throw new Error(`${where} is not a Terraform state file (no lineage, serial or resources)`);
  }
  const instances = new Map<string, string>();
  for (const resource of raw.resources) {
    if (resource.mode !== 'managed') continue;
    const address = [resource.module, `${resource.type}.${resource.name}`].filter(Boolean).join('.');
    for (const instance of resource.instances ?? []) {
      const index = instance.index_key === undefined ? '' : `[${JSON.stringify(instance.index_key)}]`;
      instances.set(`${address}${index}`, JSON.stringify(instance.attributes ?? null));
    }
  }
  return { text, md5: md5Hex(text), serial: raw.serial, lineage: raw.lineage, terraformVersion: typeof raw.terraform_version === 'string' ? raw.terraform_version : '?', instances };
}

/** Resources a restore would add, remove or change (from `current` to `chosen`), sorted. */
export interface StateDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

export function diffStates(current: StateContent | undefined, chosen: StateContent): StateDiff {
  const before = current?.instances ?? new Map<string, string>();
  const added = [...chosen.instances.keys()].filter((address) => !before.has(address)).sort();
  const removed = [...before.keys()].filter((address) => !chosen.instances.has(address)).sort();
  const changed = [...chosen.instances.keys()].filter((address) => before.has(address) && before.get(address) !== chosen.instances.get(address)).sort();
  return { added, removed, changed };
}

/** `chosen`'s text with its serial set to `serial`: what `terraform state push` accepts over a state of a lower serial. */
export function withSerial(chosen: StateContent, serial: number): string {
  const raw = JSON.parse(chosen.text) as Record<string, unknown>;
  return `${JSON.stringify({ ...raw, serial }, null, 2)}\n`;
}
