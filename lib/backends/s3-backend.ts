import { S3Backend, type S3BackendConfig } from 'cdktf';
import { stateKey } from '../naming/naming-rule';
import type { S3State } from '../definitions/state-definition';
import type { BackendAdapter, StateContext } from './backend-context';

/**
 * cdktf 0.21's `S3Backend` has no `useLockfile` (the project was archived before it was added), so
 * this subclass appends Terraform's `use_lockfile = true`. It is the only place that emits it.
 */
export class S3BackendWithLockfile extends S3Backend {
  protected synthesizeAttributes(): { [name: string]: unknown } {
    return { ...super.synthesizeAttributes(), use_lockfile: true };
  }

  protected synthesizeHclAttributes(): { [name: string]: unknown } {
    return { ...super.synthesizeHclAttributes(), use_lockfile: true };
  }
}

/** The object key of a stack's S3 state: the definition's `key`, else the naming rule. */
export function s3StateKey(state: S3State, context: StateContext): string {
  return state.key ?? stateKey(context.project, context.stack);
}

/** The cdktf S3 backend props of a definition; `encrypt` is never optional for remote state. */
export function s3BackendConfig(state: S3State, context: StateContext): S3BackendConfig {
  return {
    bucket: state.bucket,
    key: s3StateKey(state, context),
    region: state.region,
    encrypt: true,
    ...(state.kmsKeyId ? { kmsKeyId: state.kmsKeyId } : {}),
    ...(state.locking !== 'lockfile' ? { dynamodbTable: state.dynamodbTable } : {}),
    // The nested block, never the top-level role_arn that Terraform 1.10 removed.
    ...(state.assumeRole
      ? { assumeRole: { roleArn: state.assumeRole.roleArn, ...(state.assumeRole.externalId ? { externalId: state.assumeRole.externalId } : {}) } }
      : {}),
  };
}

export const s3Backend: BackendAdapter<S3State> = {
  apply: (stack, state, context) => {
    const config = s3BackendConfig(state, context);
    return state.locking === 'dynamodb' ? new S3Backend(stack, config) : new S3BackendWithLockfile(stack, config);
  },
  location: (state, context) => `s3://${state.bucket}/${s3StateKey(state, context)}`,
};
