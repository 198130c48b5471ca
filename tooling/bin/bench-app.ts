/**
 * Bench-only synth entry: the app's own definitions, repeated to BENCH_ENVIRONMENTS environments
 * (default: as many as the app has) with different names and regions. Production code (main.ts)
 * knows nothing about it; `npm run bench` uses it for the 3-vs-50 scale run.
 */
import { App } from 'cdktf';
import { appDefinition } from '../../environments';
import { buildApp } from '../../lib/app/build-app';
import { loadSettingSources } from '../../lib/settings/setting-sources';
import { scaledDefinition } from '../bench/scaled-definition';

const requested = Number(process.env.BENCH_ENVIRONMENTS ?? appDefinition.environments.length);
if (!Number.isInteger(requested) || requested < 1) {
  process.stderr.write(`BENCH_ENVIRONMENTS must be a positive whole number, got "${process.env.BENCH_ENVIRONMENTS}"\n`);
  process.exit(1);
}
const app = new App();
buildApp(app, scaledDefinition(appDefinition, requested), loadSettingSources(process.cwd(), process.env));
app.synth();
