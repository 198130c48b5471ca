import type { Forward } from './proxy';

/** moto's account for credentials it did not issue through STS (its default account). */
const MOTO_DEFAULT_ACCOUNT = process.env.MOTO_ACCOUNT_ID || '123456789012';

export interface PrincipalAccounts {
  /**
   * `aws:PrincipalAccount` of a request, as moto decides it: the account of the STS session the
   * access key belongs to (moto's /moto-api/data.json lists them), else moto's default account.
   */
  of(accessKey: string | undefined): Promise<string | undefined>;
  clear(): void;
}

export function principalAccounts(forward: Forward): PrincipalAccounts {
  /** Account of each access key moto issued through STS (AssumeRole, AssumeRoleWithWebIdentity). */
  const accounts = new Map<string, string>();
  return {
    async of(accessKey) {
      if (accessKey === undefined) return undefined;
      if (!accounts.has(accessKey)) {
        const data = await forward('/moto-api/data.json', 'GET', undefined, {});
        const sessions = (JSON.parse(data.body.toString('utf8')) as { sts?: { AssumedRole?: Array<{ access_key_id: string; account_id: string }> } }).sts?.AssumedRole ?? [];
        for (const session of sessions) accounts.set(session.access_key_id, session.account_id);
      }
      return accounts.get(accessKey) ?? MOTO_DEFAULT_ACCOUNT;
    },
    clear() {
      accounts.clear();
    },
  };
}
