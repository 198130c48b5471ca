import { appDefinition } from './environments';
import { synthesizeMain } from './lib/synthesize-app';

synthesizeMain(appDefinition);
