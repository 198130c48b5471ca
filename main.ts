// The composition root: the blueprint (environments/, workloads/) built by the engine (lib/), with
// the one extension the tooling contributes to synth: SANDBOX=1 points every stack at the local sandbox.
import { appDefinition } from './environments';
import { synthesizeMain } from './lib/app/synthesize-app';
import { sandboxExtension } from './tooling/sandbox/sandbox-extension';

synthesizeMain(appDefinition, [sandboxExtension]);
