import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ClientConfig } from './aws-clients';
import { withTimeout } from './with-timeout';

/** Who a set of credentials acts as: sts:GetCallerIdentity's account and principal ARN. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

/**
 * sts:GetCallerIdentity with `config` (built by aws-clients.ts `clientConfig`): the one identity
 * request of the tooling, used by the session builder (account-session.ts, bootstrap and drift on AWS)
 * and the doctor. `timeoutMs` bounds it when given.
 */
export async function callerIdentity(config: ClientConfig, timeoutMs?: number): Promise<CallerIdentity> {
  const sts = new STSClient(config);
  try {
    const send = (abortSignal?: AbortSignal) => sts.send(new GetCallerIdentityCommand({}), { abortSignal });
    const answer = timeoutMs === undefined ? await send() : await withTimeout(timeoutMs, 'STS GetCallerIdentity', send);
    if (!answer.Account || !answer.Arn) throw new Error('STS answered GetCallerIdentity without an account or ARN');
    return { account: answer.Account, arn: answer.Arn };
  } finally {
    sts.destroy();
  }
}
