import { appDefinition } from './environments';
import { synthesizeMain } from './lib/app/synthesize-app';

synthesizeMain(appDefinition);
