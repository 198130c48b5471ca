/**
 * Reads `terraform plan -refresh-only -json` output: Terraform reports every remote object that no
 * longer matches the state as a `resource_drift` message, and errors as `diagnostic` messages.
 */
export interface DriftedResource {
  readonly address: string;
  /** What the refresh would record: `update` (changed out of band) or `delete` (gone). */
  readonly action: string;
}

export interface PlanEvents {
  readonly drifted: readonly DriftedResource[];
  readonly errors: readonly string[];
}

interface JsonMessage {
  readonly type?: string;
  readonly '@level'?: string;
  readonly change?: { readonly resource?: { readonly addr?: string }; readonly action?: string };
  readonly diagnostic?: { readonly severity?: string; readonly summary?: string; readonly detail?: string };
}

export function parsePlanEvents(jsonLines: string): PlanEvents {
  const drifted: DriftedResource[] = [];
  const errors: string[] = [];
  for (const line of jsonLines.split('\n')) {
    if (!line.startsWith('{')) continue;
    let message: JsonMessage;
    try {
      message = JSON.parse(line) as JsonMessage;
    } catch {
      continue;
    }
    if (message.type === 'resource_drift' && message.change?.resource?.addr) {
      drifted.push({ address: message.change.resource.addr, action: message.change.action ?? 'update' });
    } else if (message.type === 'diagnostic' && message.diagnostic?.severity === 'error') {
      errors.push([message.diagnostic.summary, message.diagnostic.detail].filter(Boolean).join(': '));
    }
  }
  return { drifted, errors };
}
