/**
 * What bootstrap compares between the local and the remote copy of the state-backend's state:
 * Terraform's own identity of a state (lineage, serial) and what it holds (every resource instance).
 */
export interface StateSummary {
  readonly lineage: string;
  readonly serial: number;
  /** `type.name[index] = id` for every managed instance, sorted. */
  readonly instances: readonly string[];
}

interface RawState {
  readonly lineage?: unknown;
  readonly serial?: unknown;
  readonly resources?: ReadonlyArray<{
    readonly module?: string;
    readonly mode?: string;
    readonly type?: string;
    readonly name?: string;
    readonly instances?: ReadonlyArray<{ readonly index_key?: string | number; readonly attributes?: { readonly id?: unknown } }>;
  }>;
}

/** Parses a Terraform state file's JSON; `where` names it in the error. */
export function summarizeState(text: string, where: string): StateSummary {
  let raw: RawState;
  try {
    raw = JSON.parse(text) as RawState;
  } catch (error) {
    throw new Error(`${where} is not a Terraform state file (not JSON: ${(error as Error).message})`);
  }
  if (typeof raw.lineage !== 'string' || typeof raw.serial !== 'number' || !Array.isArray(raw.resources)) {
    throw new Error(`${where} is not a Terraform state file (no lineage, serial or resources)`);
  }
  const instances: string[] = [];
  for (const resource of raw.resources) {
    if (resource.mode !== 'managed') continue;
    const address = [resource.module, `${resource.type}.${resource.name}`].filter(Boolean).join('.');
    for (const instance of resource.instances ?? []) {
      const index = instance.index_key === undefined ? '' : `[${JSON.stringify(instance.index_key)}]`;
      instances.push(`${address}${index} = ${String(instance.attributes?.id ?? '')}`);
    }
  }
  return { lineage: raw.lineage, serial: raw.serial, instances: instances.sort() };
}

/** Every way `remote` differs from `local`, as readable lines; empty when they are the same state. */
export function stateDifferences(local: StateSummary, remote: StateSummary): string[] {
  const differences: string[] = [];
  if (local.lineage !== remote.lineage) differences.push(`lineage: local ${local.lineage}, remote ${remote.lineage}`);
  if (local.serial !== remote.serial) differences.push(`serial: local ${local.serial}, remote ${remote.serial}`);
  const remoteSet = new Set(remote.instances);
  const localSet = new Set(local.instances);
  for (const instance of local.instances) if (!remoteSet.has(instance)) differences.push(`only in the local state: ${instance}`);
  for (const instance of remote.instances) if (!localSet.has(instance)) differences.push(`only in the remote state: ${instance}`);
  return differences;
}
