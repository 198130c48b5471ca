import type { AppDefinition } from '../lib/definitions/app-definition';
import { exampleWorkload } from '../workloads/example-workload';
import dev from './dev';
import production from './production';
import staging from './staging';
import stateBackend from './state-backend';

/**
 * Every environment of the app, in promotion order, and what each deploys. A new environment is one
 * file plus one line here; another workload is one factory (workloads/).
 */
export const appDefinition: AppDefinition = {
  environments: [dev, staging, production],
  stateBackend,
  workload: exampleWorkload,
};
