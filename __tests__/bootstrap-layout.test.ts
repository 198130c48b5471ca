import { join } from 'node:path';
import { appDefinition } from '../environments';
import { bootstrapLayout } from '../tooling/bootstrap/plan';

const sources = (context: Record<string, unknown> = {}, env: Record<string, string> = {}) => ({ context: (key: string) => context[key], env });

describe('bootstrap layout', () => {
  test('phase 1 state next to the output directory, phase 2 state at the naming rule\'s key in the state bucket', () => {
    expect(bootstrapLayout(appDefinition, sources(), '/p/cdktf.out')).toEqual({
      project: 'acme-platform',
      stack: 'state-backend',
      accountId: '333333333333',
      region: 'eu-west-1',
      bucket: 'acme-platform-tfstate',
      key: 'acme-platform/state-backend/terraform.tfstate',
      lockTable: 'acme-platform-tflock',
      kmsAlias: 'alias/acme-platform-tfstate',
      stackDir: join('/p/cdktf.out', 'stacks', 'state-backend'),
      localStateFile: '/p/terraform.state-backend.tfstate',
    });
  });

  test('follows the blueprint settings and ignores a stateBackendMigrated override (bootstrap pins it per phase)', () => {
    const layout = bootstrapLayout(appDefinition, sources({ project: 'shop', stateBackendMigrated: true }, { TF_STATE_BUCKET: 'shop-state', AWS_ACCOUNT_ID_STATE_BACKEND: '444455556666' }), '/x/out');
    expect(layout).toMatchObject({ project: 'shop', bucket: 'shop-state', key: 'shop/state-backend/terraform.tfstate', lockTable: 'shop-tflock', accountId: '444455556666', localStateFile: '/x/terraform.state-backend.tfstate' });
  });
});
