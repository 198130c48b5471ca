import { deepFreeze } from './decision-cache';
import type { MotoReader, OrganizationModel, PolicyDocument } from './moto-reader';
import type { Principal } from './types';

/**
 * The policies that limit what identity and resource policies grant (docs/sandbox.md, "Guardrails:
 * boundaries, session policies, SCPs and RCPs"), read from the sandbox's own IAM, STS and
 * Organizations (moto's) and handed to the evaluator, which applies them as IAM does:
 *
 * - a role's **permissions boundary** (its `PermissionsBoundary`, a managed policy);
 * - a role session's **session policies** (AssumeRole's `Policy` and `PolicyArns`, remembered with
 *   the session's credentials by principal-registry.ts);
 * - **service control policies** for every principal of a member account (its administrator too),
 *   never the management account's, never a service-linked role's: each level from the root through
 *   the OUs to the account must allow (AWS attaches FullAWSAccess to each; detaching it denies);
 * - **resource control policies** for resources of member accounts, for the services that support them.
 *
 * Membership: accounts moto created (CreateAccount) are where moto puts them. moto cannot invite an
 * existing account (no InviteAccountToOrganization), so the blueprint's accounts join through a tag on
 * the organization's root, `sandbox:joined-accounts` = space-separated account IDs (what
 * `npm run sandbox -- scp load` writes): members directly under the root, FullAWSAccess on their own level.
 */

export const JOINED_ACCOUNTS_TAG = 'sandbox:joined-accounts';

/**
 * Services whose resources RCPs govern (AWS Organizations User Guide, "Resource control policies
 * (RCPs)", list of supported services), by IAM service prefix.
 */
export const RCP_SERVICES: ReadonlySet<string> = new Set(['s3', 'sts', 'kms', 'sqs', 'secretsmanager', 'cognito-identity', 'logs', 'dynamodb', 'ecr', 'aoss']);

/** FullAWSAccess, as AWS attaches it to every root, OU and account (a joined account's own level). */
const FULL_AWS_ACCESS: PolicyDocument = deepFreeze({
  name: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
});

/** One level of an organization (root, OU, account) and the control policies attached to it. */
export interface OrgLevel {
  readonly orgIdentifier: string;
  readonly policies: readonly PolicyDocument[];
}

/** What the evaluator gets besides identity and resource policies. */
export interface GuardrailInputs {
  readonly sessionPolicy?: unknown;
  readonly permissionBoundaries?: readonly PolicyDocument[];
  readonly serviceControlPolicies: readonly OrgLevel[];
  readonly resourceControlPolicies: readonly OrgLevel[];
}

type ControlType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

/** Where `account` sits: its organization's management account and the levels root-first, or undefined (not a member). */
export function memberPath(model: OrganizationModel, account: string): { managementAccount: string; levels: string[]; joined: boolean } | undefined {
  if (model.organizations.some((org) => org.managementAccount === account)) return undefined;
  const created = model.accounts.find((candidate) => candidate.id === account);
  if (created) {
    const org = model.organizations.find((candidate) => candidate.id === created.organizationId);
    if (!org) return undefined;
    const levels = [account];
    let parent: string | undefined = created.parentId;
    for (let depth = 0; parent && depth < 10; depth += 1) {
      levels.unshift(parent);
      if (parent === org.rootId) break;
      parent = model.units.find((unit) => unit.id === parent)?.parentId;
    }
    return { managementAccount: org.managementAccount, levels, joined: false };
  }
  const joinedOrg = model.organizations.find((org) => (org.rootTags[JOINED_ACCOUNTS_TAG] ?? '').split(/[\s,]+/).includes(account));
  return joinedOrg ? { managementAccount: joinedOrg.managementAccount, levels: [joinedOrg.rootId, account], joined: true } : undefined;
}

const isServiceLinkedRole = (principal: Principal) => principal.kind === 'role-session' && /:role\/aws-service-role\//.test(principal.roleArn);

export class Guardrails {
  constructor(private readonly moto: MotoReader) {}

  /** The control policies of `type` at every level above and at `account`; [] when it is no member. */
  private async controls(account: string, type: ControlType): Promise<OrgLevel[]> {
    const path = memberPath(await this.moto.organizationModel(), account);
    if (!path) return [];
    const levels: OrgLevel[] = [];
    for (const level of path.levels) {
      let policies: PolicyDocument[];
      if (path.joined && level === account) policies = type === 'SERVICE_CONTROL_POLICY' ? [FULL_AWS_ACCESS] : [];
      else policies = await this.moto.attachedPolicies(path.managementAccount, level, type);
      // RCPFullAWSAccess is added to every level by the evaluator itself.
      if (type === 'RESOURCE_CONTROL_POLICY') policies = policies.filter((policy) => !policy.name.endsWith('/p-RCPFullAWSAccess'));
      levels.push({ orgIdentifier: level, policies });
    }
    return levels;
  }

  /** The session policies of a role session as one document (inline and managed ones together), or undefined. */
  private async sessionPolicy(principal: Principal): Promise<unknown> {
    if (principal.kind !== 'role-session' || !principal.sessionPolicies) return undefined;
    const { inline, arns } = principal.sessionPolicies;
    const statements: unknown[] = [];
    if (inline !== undefined) {
      try {
        statements.push(...[(JSON.parse(inline) as { Statement?: unknown }).Statement ?? []].flat());
      } catch {
        // STS refuses a malformed session policy; a session holding one grants nothing.
      }
    }
    for (const arn of arns) {
      const managed = await this.moto.managedPolicy(principal.account, arn);
      if (managed) statements.push(...[(managed.policy as { Statement?: unknown }).Statement ?? []].flat());
    }
    return { Version: '2012-10-17', Statement: statements };
  }

  /**
   * What limits `principal` doing `action` on a resource of `resourceAccount`. `administrator`: the
   * sandbox's own per-account administrator role (no boundary; SCPs still apply, as to any principal
   * of a member account); `webIdentity`: the caller is a federated identity (no SCPs of its own).
   */
  async forRequest(principal: Principal, action: string, resourceAccount: string, options: { administrator: boolean; webIdentity: boolean }): Promise<GuardrailInputs> {
    if (principal.kind === 'anonymous') return { serviceControlPolicies: [], resourceControlPolicies: [] };
    const serviceLinked = isServiceLinkedRole(principal);
    const serviceControlPolicies = options.webIdentity || serviceLinked ? [] : await this.controls(principal.account, 'SERVICE_CONTROL_POLICY');
    const service = action.split(':')[0].toLowerCase();
    const resourceControlPolicies = !serviceLinked && RCP_SERVICES.has(service) ? await this.controls(resourceAccount, 'RESOURCE_CONTROL_POLICY') : [];
    if (options.webIdentity || principal.kind !== 'role-session') return { serviceControlPolicies, resourceControlPolicies };
    const boundary = options.administrator ? undefined : await this.moto.roleBoundary(principal.account, principal.roleName);
    const sessionPolicy = await this.sessionPolicy(principal);
    return {
      serviceControlPolicies,
      resourceControlPolicies,
      ...(boundary ? { permissionBoundaries: [boundary] } : {}),
      ...(sessionPolicy ? { sessionPolicy } : {}),
    };
  }
}
