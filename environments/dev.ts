import { defineEnvironment } from '../lib/definitions/environment';

/** One engineer's fast loop: local state, nothing to create first, nothing to pay for state. */
export default defineEnvironment((blueprint) => ({
  name: 'dev',
  region: blueprint.stateRegion,
  allowedAccountIds: [blueprint.accountId('dev', '111111111111')],
  tags: { environment: 'dev', project: blueprint.project, 'managed-by': 'cdktf' },
  state: { kind: 'local' },
  protection: 'ephemeral',
}));
