// The composition root: the blueprint (environments/, workloads/) built by the engine (lib/), with
// the one extension the tooling contributes to synth: SANDBOX=1 points every stack at the local sandbox.
// First: a file that does not compile (an environment file) is reported as file:line: message, not as a bundler trace.
import './lib/app/report-load-errors';
import { appDefinition } from './environments';
import { synthesizeMain } from './lib/app/synthesize-app';
import { sandboxExtension } from './tooling/sandbox/sandbox-extension';

synthesizeMain(appDefinition, [sandboxExtension]);
