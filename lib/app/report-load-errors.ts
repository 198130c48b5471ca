// Side-effect module, imported first by main.ts: see reportLoadErrors.
import { reportLoadErrors } from './load-errors';

reportLoadErrors(() => 'synth');
