/**
 * Bench-only synth entry: the app's own definitions, repeated to BENCH_ENVIRONMENTS environments
 * (default: as many as the app has) with different names and regions. Production code (main.ts)
 * knows nothing about it; `npm run bench` uses it for the 3-vs-50 scale run.
 */
import { App } from 'cdktf';
import { appDefinition } from '../../environments';
import { buildApp, type AppDefinition } from '../../lib/app/build-app';
import { loadSettingSources } from '../../lib/settings/setting-sources';
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

const requested = Number(process.env.BENCH_ENVIRONMENTS ?? appDefinition.environments.length);
if (!Number.isInteger(requested) || requested < 1) {
  process.stderr.write(`BENCH_ENVIRONMENTS must be a positive whole number, got "${process.env.BENCH_ENVIRONMENTS}"\n`);
  process.exit(1);
}
const app = new App();
buildApp(app, scaledDefinition(appDefinition, requested), loadSettingSources(process.cwd(), process.env));
app.synth();
