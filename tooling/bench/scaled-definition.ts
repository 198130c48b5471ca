/** The bench's scale run (tooling/bin/bench-app.ts): an app's definitions repeated under other names and regions. */
import type { AppDefinition } from '../../lib/app/build-app';
import { defineEnvironment, type EnvironmentModule } from '../../lib/definitions/environment';

const REGIONS = ['eu-west-1', 'eu-central-1', 'eu-north-1', 'us-east-1', 'us-east-2', 'us-west-2', 'ap-southeast-2', 'ap-northeast-1', 'ca-central-1', 'sa-east-1'];

/** `count` environments: the real ones first, then copies named `<name>-<i>` in rotating regions. */
export function scaledDefinition(definition: AppDefinition, count: number): AppDefinition {
  const originals = definition.environments;
  const environments: EnvironmentModule[] = Array.from({ length: count }, (_, i) => {
    const original = originals[i % originals.length];
    if (i < originals.length) return original;
    return defineEnvironment((blueprint) => {
      const base = original(blueprint);
      return { ...base, name: `${base.name}-${i}`, region: REGIONS[i % REGIONS.length] };
    });
  });
  return { ...definition, environments };
}
