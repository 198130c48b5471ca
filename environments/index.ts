import type { AppDefinition } from '../lib/app/build-app';
import dev from './dev';
import production from './production';
import staging from './staging';
import stateBackend from './state-backend';

/** Every environment of the app, in promotion order. A new environment is one file plus one line here. */
export const appDefinition: AppDefinition = {
  environments: [dev, staging, production],
  stateBackend,
};
