import type { Forward } from '../shim/proxy';
import { deepFreeze } from './decision-cache';
import type { BucketGuards } from './s3-public-access';

/**
 * What enforcement needs to know, read from moto itself as the owning account (moto's
 * `x-moto-account-id` header): identity policies, trust and key policies, key aliases and tags, table
 * key schemas and keys, bucket default encryption. Cached until a write through the shim may have
 * changed them (`invalidate`, called by enforcement.ts as invalidation.ts says).
 */

/** What is read, by the service whose writes can change it: IAM (role policies, trust, tags), KMS (keys, grants), DynamoDB tables, S3 bucket settings (default encryption, Block Public Access, Object Ownership), Organizations (SCPs, RCPs). */
export type ReadKind = 'iam' | 'kms' | 'table' | 'encryption' | 'org';

/** moto's organizations, as its /moto-api/data.json lists them (organizations.ts builds the policy chains). */
export interface OrganizationModel {
  readonly organizations: ReadonlyArray<{ readonly id: string; readonly managementAccount: string; readonly rootId: string; readonly rootTags: Readonly<Record<string, string>> }>;
  /** Every account of every organization (the management accounts too), with its parent (root or OU). */
  readonly accounts: ReadonlyArray<{ readonly id: string; readonly organizationId: string; readonly parentId: string }>;
  readonly units: ReadonlyArray<{ readonly id: string; readonly organizationId: string; readonly parentId: string }>;
}

export interface PolicyDocument {
  readonly name: string;
  readonly policy: unknown;
}

export interface KeyFacts {
  readonly arn: string;
  readonly account: string;
  readonly policy: unknown;
  /** `alias/<name>` of every alias of the key (`kms:ResourceAliases`). */
  readonly aliases: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/** A KMS grant as ListGrants answers it. */
export interface KeyGrant {
  readonly GranteePrincipal: string;
  readonly Operations: readonly string[];
  readonly Constraints?: { readonly EncryptionContextSubset?: Readonly<Record<string, string>>; readonly EncryptionContextEquals?: Readonly<Record<string, string>> };
}

export interface TableFacts {
  readonly hashKey: string;
  /** The customer managed key ARN, when the table uses one. */
  readonly kmsKeyArn?: string;
}

export type BucketEncryption = { readonly kind: 'sse-kms'; readonly keyId: string } | { readonly kind: 'sse-s3' };

const unescapeXml = (text: string) => text.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** A policy document as IAM's XML carries it (URL-encoded JSON, or plain in moto's case). */
function documentOf(text: string): unknown {
  const raw = unescapeXml(text.trim());
  try {
    return JSON.parse(raw);
  } catch {
    return JSON.parse(decodeURIComponent(raw));
  }
}

/**
 * An answer the reader relies on: anything but 200 fails the read (it is not remembered, and the
 * request it was for fails), never a silently shorter list of policies remembered until the next write.
 */
function ok<T extends { status: number }>(answer: T, what: string): T {
  if (answer.status !== 200) throw new Error(`moto answered ${what} with ${answer.status}`);
  return answer;
}

/** moto's JSON error type (`__type`, with or without a namespace). */
const errorType = (body: Record<string, unknown>) => `${body.__type ?? ''}`.split('#').pop();

/** The X-Amz-Target prefix of AWS Organizations. */
const ORGANIZATIONS = 'AWSOrganizationsV20161128';

const tagsOf = (xml: string, element: string) => [...xml.matchAll(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g'))].map((match) => unescapeXml(match[1]));

export class MotoReader {
  private readonly caches = new Map<ReadKind, Map<string, Promise<unknown>>>();

  constructor(private readonly forward: Forward) {}

  /** Forgets every read of `kinds` (all of them when none are named). */
  invalidate(kinds?: readonly ReadKind[]): void {
    for (const kind of kinds ?? ([...this.caches.keys()] as ReadKind[])) this.caches.delete(kind);
  }

  /**
   * `load`'s answer, remembered until the next `invalidate`, frozen deeply: the decision cache
   * (decision-cache.ts) fingerprints each document once, so nothing may change it afterwards.
   */
  private cached<T>(kind: ReadKind, key: string, load: () => Promise<T>): Promise<T> {
    if (!this.caches.has(kind)) this.caches.set(kind, new Map());
    const cache = this.caches.get(kind)!;
    if (!cache.has(key)) {
      const loading = load().then(deepFreeze);
      // A failed read is not remembered (and an entry read since is left alone).
      loading.catch(() => {
        if (cache.get(key) === loading) cache.delete(key);
      });
      cache.set(key, loading);
    }
    return cache.get(key) as Promise<T>;
  }

  private headers(account: string, region: string, service: string): Record<string, string> {
    return {
      'x-moto-account-id': account,
      authorization: `AWS4-HMAC-SHA256 Credential=sandbox-shim/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    };
  }

  private async iam(account: string, params: Record<string, string>): Promise<{ status: number; xml: string }> {
    const body = Buffer.from(new URLSearchParams({ Version: '2010-05-08', ...params }).toString());
    const answer = await this.forward('/', 'POST', body, { ...this.headers(account, 'us-east-1', 'iam'), 'content-type': 'application/x-www-form-urlencoded' });
    return { status: answer.status, xml: answer.body.toString('utf8') };
  }

  private async json(account: string, region: string, service: string, target: string, payload: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
    const contentType = service === 'dynamodb' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
    const answer = await this.forward('/', 'POST', Buffer.from(JSON.stringify(payload)), { ...this.headers(account, region, service), 'x-amz-target': target, 'content-type': contentType });
    const text = answer.body.toString('utf8');
    return { status: answer.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** The role's attached and inline policies; undefined when the role does not exist. */
  rolePolicies(account: string, roleName: string): Promise<PolicyDocument[] | undefined> {
    return this.cached('iam', `policies ${account} ${roleName}`, () => this.entityPolicies(account, 'Role', roleName, roleName));
  }

  /** Attached and inline policies of a principal kind (`Role`, `User`, `Group`) named `name`; undefined when it does not exist. */
  private async entityPolicies(account: string, kind: 'Role' | 'User' | 'Group', name: string, label: string): Promise<PolicyDocument[] | undefined> {
    const nameParameter = { [`${kind}Name`]: name };
    const attached = await this.iam(account, { Action: `ListAttached${kind}Policies`, ...nameParameter });
    if (attached.status === 404) return undefined;
    if (attached.status !== 200) throw new Error(`ListAttached${kind}Policies ${name}: ${attached.status}`);
    const documents: PolicyDocument[] = [];
    for (const arn of tagsOf(attached.xml, 'PolicyArn')) {
      const policy = ok(await this.iam(account, { Action: 'GetPolicy', PolicyArn: arn }), `GetPolicy ${arn}`);
      const version = tagsOf(policy.xml, 'DefaultVersionId')[0];
      const document = ok(await this.iam(account, { Action: 'GetPolicyVersion', PolicyArn: arn, VersionId: version }), `GetPolicyVersion ${arn}`);
      documents.push({ name: arn, policy: documentOf(tagsOf(document.xml, 'Document')[0]) });
    }
    const inline = ok(await this.iam(account, { Action: `List${kind}Policies`, ...nameParameter }), `List${kind}Policies ${name}`);
    for (const policyName of tagsOf(tagsOf(inline.xml, 'PolicyNames')[0] ?? '', 'member')) {
      const document = ok(await this.iam(account, { Action: `Get${kind}Policy`, ...nameParameter, PolicyName: policyName }), `Get${kind}Policy ${name} ${policyName}`);
      documents.push({ name: `${label}/${policyName}`, policy: documentOf(tagsOf(document.xml, 'PolicyDocument')[0]) });
    }
    return documents;
  }

  /** An IAM user's own policies and those of every group it is in; undefined when the user does not exist. */
  userPolicies(account: string, userName: string): Promise<PolicyDocument[] | undefined> {
    return this.cached('iam', `user policies ${account} ${userName}`, async () => {
      const own = await this.entityPolicies(account, 'User', userName, `user/${userName}`);
      if (own === undefined) return undefined;
      const groups = ok(await this.iam(account, { Action: 'ListGroupsForUser', UserName: userName }), `ListGroupsForUser ${userName}`);
      const documents = [...own];
      for (const group of tagsOf(groups.xml, 'GroupName')) documents.push(...((await this.entityPolicies(account, 'Group', group, `group/${group}`)) ?? []));
      return documents;
    });
  }

  /** The IAM tags of a role or user (its sessions' `aws:PrincipalTag/*`); none when it does not exist. */
  principalTags(account: string, kind: 'Role' | 'User', name: string): Promise<Readonly<Record<string, string>>> {
    return this.cached('iam', `tags ${account} ${kind} ${name}`, async () => {
      const answer = await this.iam(account, { Action: `List${kind}Tags`, [`${kind}Name`]: name });
      if (answer.status === 404) return {};
      const members = tagsOf(ok(answer, `List${kind}Tags ${name}`).xml, 'member');
      return Object.fromEntries(members.map((member) => [tagsOf(member, 'Key')[0] ?? '', tagsOf(member, 'Value')[0] ?? '']));
    });
  }

  /** The role's trust policy; undefined when the role does not exist. */
  trustPolicy(account: string, roleName: string): Promise<unknown | undefined> {
    return this.cached('iam', `trust ${account} ${roleName}`, async () => {
      const role = await this.iam(account, { Action: 'GetRole', RoleName: roleName });
      if (role.status === 404) return undefined;
      if (role.status !== 200) throw new Error(`GetRole ${roleName}: ${role.status}`);
      return documentOf(tagsOf(role.xml, 'AssumeRolePolicyDocument')[0]);
    });
  }

  /** A key named by id, ARN, alias name or alias ARN; undefined when there is no such key. */
  key(account: string, region: string, keyId: string): Promise<KeyFacts | undefined> {
    return this.cached('kms', `key ${account} ${region} ${keyId}`, async () => {
      const described = await this.json(account, region, 'kms', 'TrentService.DescribeKey', { KeyId: keyId });
      if (described.status === 400 && errorType(described.body) === 'NotFoundException') return undefined;
      const metadata = ok(described, `DescribeKey ${keyId}`).body.KeyMetadata as { Arn: string; KeyId: string };
      const policy = ok(await this.json(account, region, 'kms', 'TrentService.GetKeyPolicy', { KeyId: metadata.KeyId, PolicyName: 'default' }), `GetKeyPolicy ${keyId}`);
      const aliases = ok(await this.json(account, region, 'kms', 'TrentService.ListAliases', { KeyId: metadata.KeyId }), `ListAliases ${keyId}`);
      const tags = ok(await this.json(account, region, 'kms', 'TrentService.ListResourceTags', { KeyId: metadata.KeyId }), `ListResourceTags ${keyId}`);
      return {
        arn: metadata.Arn,
        account,
        policy: JSON.parse(`${policy.body.Policy}`),
        aliases: ((aliases.body.Aliases as Array<{ AliasName: string }> | undefined) ?? []).map((alias) => alias.AliasName),
        tags: Object.fromEntries(((tags.body.Tags as Array<{ TagKey: string; TagValue: string }> | undefined) ?? []).map((tag) => [tag.TagKey, tag.TagValue])),
      };
    });
  }

  /** The grants of a key (KMS ListGrants), as the key's owner. */
  grants(account: string, region: string, keyId: string): Promise<readonly KeyGrant[]> {
    return this.cached('kms', `grants ${account} ${region} ${keyId}`, async () => {
      const answer = ok(await this.json(account, region, 'kms', 'TrentService.ListGrants', { KeyId: keyId }), `ListGrants ${keyId}`);
      return ((answer.body.Grants as KeyGrant[] | undefined) ?? []).map((grant) => ({ GranteePrincipal: grant.GranteePrincipal, Operations: grant.Operations ?? [], ...(grant.Constraints ? { Constraints: grant.Constraints } : {}) }));
    });
  }

  /** A table's hash key and customer managed key; undefined when there is no such table. */
  table(account: string, region: string, table: string): Promise<TableFacts | undefined> {
    return this.cached('table', `table ${account} ${region} ${table}`, async () => {
      const described = await this.json(account, region, 'dynamodb', 'DynamoDB_20120810.DescribeTable', { TableName: table });
      if (described.status === 400 && errorType(described.body) === 'ResourceNotFoundException') return undefined;
      const description = ok(described, `DescribeTable ${table}`).body.Table as { KeySchema: Array<{ AttributeName: string; KeyType: string }>; SSEDescription?: { SSEType?: string; KMSMasterKeyArn?: string } };
      const sse = description.SSEDescription;
      return {
        hashKey: description.KeySchema.find((element) => element.KeyType === 'HASH')?.AttributeName ?? '',
        ...(sse?.SSEType === 'KMS' && sse.KMSMasterKeyArn ? { kmsKeyArn: sse.KMSMasterKeyArn } : {}),
      };
    });
  }

  /** The bucket's Block Public Access settings and Object Ownership (s3-public-access.ts), as its owner. */
  bucketGuards(account: string, bucket: string): Promise<BucketGuards> {
    return this.cached('encryption', `guards ${bucket}`, async () => {
      const headers = this.headers(account, 'us-east-1', 's3');
      const block = await this.forward(`/${encodeURIComponent(bucket)}?publicAccessBlock`, 'GET', undefined, headers);
      const ownership = await this.forward(`/${encodeURIComponent(bucket)}?ownershipControls`, 'GET', undefined, headers);
      const flag = (xml: string, name: string) => tagsOf(xml, name)[0]?.trim().toLowerCase() === 'true';
      const blockXml = block.status === 200 ? block.body.toString('utf8') : '';
      const ownershipXml = ownership.status === 200 ? ownership.body.toString('utf8') : '';
      return {
        ...(blockXml
          ? { publicAccessBlock: { BlockPublicAcls: flag(blockXml, 'BlockPublicAcls'), IgnorePublicAcls: flag(blockXml, 'IgnorePublicAcls'), BlockPublicPolicy: flag(blockXml, 'BlockPublicPolicy'), RestrictPublicBuckets: flag(blockXml, 'RestrictPublicBuckets') } }
          : {}),
        ...(tagsOf(ownershipXml, 'ObjectOwnership')[0] ? { ownership: tagsOf(ownershipXml, 'ObjectOwnership')[0] } : {}),
      };
    });
  }

  /** The bucket's default encryption (S3's default, SSE-S3, when none is set). */
  bucketEncryption(account: string, bucket: string): Promise<BucketEncryption> {
    return this.cached('encryption', `encryption ${bucket}`, async () => {
      const answer = await this.forward(`/${encodeURIComponent(bucket)}?encryption`, 'GET', undefined, this.headers(account, 'us-east-1', 's3'));
      const xml = answer.body.toString('utf8');
      // 404: no configuration (or no bucket): S3's default.
      if (answer.status === 404) return { kind: 'sse-s3' };
      if (ok(answer, `GetBucketEncryption ${bucket}`) && tagsOf(xml, 'SSEAlgorithm')[0] === 'aws:kms') return { kind: 'sse-kms', keyId: tagsOf(xml, 'KMSMasterKeyID')[0] ?? '' };
      return { kind: 'sse-s3' };
    });
  }

  /** The role's permissions boundary (a managed policy), undefined when it has none or does not exist. */
  roleBoundary(account: string, roleName: string): Promise<PolicyDocument | undefined> {
    return this.cached('iam', `boundary ${account} ${roleName}`, async () => {
      const role = await this.iam(account, { Action: 'GetRole', RoleName: roleName });
      if (role.status === 404) return undefined;
      const arn = tagsOf(ok(role, `GetRole ${roleName}`).xml, 'PermissionsBoundaryArn')[0];
      return arn ? this.managedPolicy(account, arn) : undefined;
    });
  }

  /** A managed policy's default version, read in `account` (AWS managed ones too); undefined when there is none. */
  managedPolicy(account: string, arn: string): Promise<PolicyDocument | undefined> {
    return this.cached('iam', `managed ${account} ${arn}`, async () => {
      const policy = await this.iam(account, { Action: 'GetPolicy', PolicyArn: arn });
      if (policy.status === 404) return undefined;
      const version = tagsOf(ok(policy, `GetPolicy ${arn}`).xml, 'DefaultVersionId')[0];
      const document = ok(await this.iam(account, { Action: 'GetPolicyVersion', PolicyArn: arn, VersionId: version }), `GetPolicyVersion ${arn}`);
      return { name: arn, policy: documentOf(tagsOf(document.xml, 'Document')[0]) };
    });
  }

  /** moto's organizations, accounts and OUs (data.json: moto has no call listing every organization). */
  organizationModel(): Promise<OrganizationModel> {
    return this.cached('org', 'model', async () => {
      const data = ok(await this.forward('/moto-api/data.json', 'GET', undefined, {}), 'data.json');
      type Row = Record<string, unknown>;
      const models = ((JSON.parse(data.body.toString('utf8')) as { organizations?: Record<string, Row[]> }).organizations ?? {}) as Record<string, Row[]>;
      const roots = models.FakeRoot ?? [];
      return {
        organizations: (models.FakeOrganization ?? []).map((org) => ({
          id: `${org.id}`,
          managementAccount: `${org.master_account_id}`,
          rootId: `${org.root_id}`,
          rootTags: (roots.find((root) => root.id === org.root_id)?.tags ?? {}) as Record<string, string>,
        })),
        accounts: (models.FakeAccount ?? []).map((row) => ({ id: `${row.id}`, organizationId: `${row.organization_id}`, parentId: `${row.parent_id}` })),
        units: (models.FakeOrganizationalUnit ?? []).map((row) => ({ id: `${row.id}`, organizationId: `${row.organization_id}`, parentId: `${row.parent_id}` })),
      };
    });
  }

  /** The policies of `type` attached to `target` (root, OU or account), read as the management account. */
  attachedPolicies(managementAccount: string, target: string, type: 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY'): Promise<PolicyDocument[]> {
    return this.cached('org', `attached ${target} ${type}`, async () => {
      const listed = ok(await this.json(managementAccount, 'us-east-1', 'organizations', `${ORGANIZATIONS}.ListPoliciesForTarget`, { TargetId: target, Filter: type }), `ListPoliciesForTarget ${target}`);
      const documents: PolicyDocument[] = [];
      for (const summary of (listed.body.Policies as Array<{ Id: string; Arn: string }> | undefined) ?? []) {
        const described = ok(await this.json(managementAccount, 'us-east-1', 'organizations', `${ORGANIZATIONS}.DescribePolicy`, { PolicyId: summary.Id }), `DescribePolicy ${summary.Id}`);
        documents.push({ name: summary.Arn, policy: JSON.parse(`${(described.body.Policy as { Content: string }).Content}`) });
      }
      return documents;
    });
  }

  /** moto's STS sessions (for keys issued before the shim started). */
  async sessions(): Promise<Array<{ access_key_id: string; account_id: string; role_arn: string; session_name: string }>> {
    const data = await this.forward('/moto-api/data.json', 'GET', undefined, {});
    return (JSON.parse(data.body.toString('utf8')) as { sts?: { AssumedRole?: Array<{ access_key_id: string; account_id: string; role_arn: string; session_name: string }> } }).sts?.AssumedRole ?? [];
  }
}
