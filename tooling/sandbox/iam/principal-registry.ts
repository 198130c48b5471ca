import type { Principal, SessionPolicies } from './types';

/** moto's account for credentials it did not issue through STS (its default account). */
export const MOTO_DEFAULT_ACCOUNT = process.env.MOTO_ACCOUNT_ID || '123456789012';

/** moto's STS sessions as its /moto-api/data.json lists them. */
export type MotoSessions = () => Promise<ReadonlyArray<{ readonly access_key_id: string; readonly account_id: string; readonly role_arn: string; readonly session_name: string }>>;

/** The session principal of credentials issued for `roleArn` (`arn:aws:iam::<account>:role/<path/>name`). */
/** What an AssumeRole request gave its session: session policies limit it; session tags are its principal tags. */
export interface SessionExtras {
  readonly sessionPolicies?: SessionPolicies;
  readonly sessionTags?: Readonly<Record<string, string>>;
}

export function roleSession(roleArn: string, sessionName: string, extras: SessionExtras = {}): Principal {
  const match = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!match) return { kind: 'anonymous' };
  const [, account, roleName] = match;
  const { sessionPolicies, sessionTags } = extras;
  const tags = sessionTags && Object.keys(sessionTags).length > 0 ? { sessionTags } : {};
  return { kind: 'role-session', account, roleName, roleArn, arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`, ...(sessionPolicies ? { sessionPolicies } : {}), ...tags };
}

/** The IAM user `userName` of `account`. */
export function iamUser(account: string, userName: string): Principal {
  return { kind: 'user', account, userName, arn: `arn:aws:iam::${account}:user/${userName}` };
}

/** The root user of moto's default account: what moto makes of keys it never issued. */
export function motoRoot(account = MOTO_DEFAULT_ACCOUNT): Principal {
  return { kind: 'root', account, arn: `arn:aws:iam::${account}:root` };
}

/**
 * Access key -> principal. Learned from the AssumeRole / AssumeRoleWithWebIdentity answers the shim
 * proxies; a key it has not seen is looked up in moto's own session list once (a shim restarted
 * under a running moto), else it is moto's root.
 */
export class PrincipalRegistry {
  private readonly byKey = new Map<string, Principal>();

  constructor(private readonly motoSessions: MotoSessions) {}

  /** Records the credentials in an STS answer for `roleArn`, with the session policies and tags the request gave. */
  learn(accessKeyId: string, roleArn: string, sessionName: string, extras: SessionExtras = {}): void {
    this.byKey.set(accessKeyId, roleSession(roleArn, sessionName, extras));
  }

  /** Records an access key of an IAM user (a CreateAccessKey answer). */
  learnUser(accessKeyId: string, account: string, userName: string): void {
    this.byKey.set(accessKeyId, iamUser(account, userName));
  }

  async principalOf(accessKeyId: string | undefined): Promise<Principal> {
    if (accessKeyId === undefined) return { kind: 'anonymous' };
    const known = this.byKey.get(accessKeyId);
    if (known) return known;
    const session = (await this.motoSessions()).find((candidate) => candidate.access_key_id === accessKeyId);
    const principal = session ? roleSession(session.role_arn, session.session_name) : motoRoot();
    this.byKey.set(accessKeyId, principal);
    return principal;
  }

  clear(): void {
    this.byKey.clear();
  }
}

/** The credentials in an STS AssumeRole/AssumeRoleWithWebIdentity XML answer. */
export function credentialsInStsAnswer(xml: string): { accessKeyId: string; sessionArn: string } | undefined {
  const accessKeyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(xml)?.[1];
  const sessionArn = /<AssumedRoleUser>[\s\S]*?<Arn>([^<]+)<\/Arn>/.exec(xml)?.[1];
  return accessKeyId && sessionArn ? { accessKeyId, sessionArn } : undefined;
}

/** The key and user in an IAM CreateAccessKey XML answer. */
export function accessKeyInIamAnswer(xml: string): { accessKeyId: string; userName: string } | undefined {
  const accessKeyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(xml)?.[1];
  const userName = /<UserName>([^<]+)<\/UserName>/.exec(xml)?.[1];
  return accessKeyId && userName ? { accessKeyId, userName } : undefined;
}
