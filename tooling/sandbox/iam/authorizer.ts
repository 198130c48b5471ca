import { SANDBOX_ROLE } from '../sandbox-role';
import { deepFreeze, isDeepFrozen, type DecisionCache } from './decision-cache';
import { evaluate, type Evaluation, type EvaluationResult } from './evaluator';
import type { Guardrails } from './guardrails';
import type { KeyFacts, KeyGrant, MotoReader, PolicyDocument } from './moto-reader';
import { MOTO_DEFAULT_ACCOUNT } from './principal-registry';
import type { Check, Context, MappedRequest, Principal, ResourceRef, ViaService } from './types';

/**
 * Authorizes a mapped request as AWS would: the caller's identity policies (read from the sandbox's
 * own IAM), the resource's policy (bucket policy, key policy, trust policy), the request context, and
 * the keys S3 and DynamoDB use on the caller's behalf. The policy semantics are the evaluator's
 * (evaluator.ts), never this module's.
 */

/** What an account's administrator has: the sandbox's per-account administrator is one. */
export const ADMINISTRATOR_POLICY = deepFreeze({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/** The issuer the project's web identities come from (GitHub Actions OIDC). */
const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export type Authorization =
  | { readonly kind: 'allowed' }
  | { readonly kind: 'denied'; readonly action: string; readonly resource: string; readonly principal: string; readonly reason: string }
  /** The evaluator could not judge it (unknown action, ...): allowed, counted as unmapped. */
  | { readonly kind: 'not-evaluated'; readonly action: string; readonly reason: string };

export interface AuthorizerSources {
  readonly moto: MotoReader;
  /** The bucket policy the shim keeps for `bucket`, as put. */
  bucketPolicy(bucket: string): string | undefined;
  /** The account that created `bucket` (undefined: not seen; the caller's is assumed). */
  bucketOwner(bucket: string): string | undefined;
  /** The evaluator (evaluator.ts's `evaluate` unless given: enforcement times it, tests count its calls). */
  readonly evaluate?: (evaluation: Evaluation) => Promise<EvaluationResult>;
  /** Decisions remembered by every input of the evaluation (decision-cache.ts); none: every check is evaluated. */
  readonly decisions?: DecisionCache;
  /** Permissions boundaries, session policies, SCPs and RCPs (guardrails.ts); none: identity and resource policies only. */
  readonly guardrails?: Guardrails;
}

interface Resolved {
  readonly arn: string;
  readonly account: string;
  readonly resourcePolicy?: unknown;
  readonly context: Record<string, string | readonly string[]>;
  /** Decided without evaluation (the sandbox's own bootstrap role, a key moto will say is missing). */
  readonly decided?: 'allowed';
}

const principalName = (principal: Principal) => (principal.kind === 'anonymous' ? 'anonymous' : principal.arn);

function keyContext(key: KeyFacts, principal: Principal): Record<string, string | readonly string[]> {
  const context: Record<string, string | readonly string[]> = { 'kms:ResourceAliases': key.aliases };
  for (const [tag, value] of Object.entries(key.tags)) context[`aws:ResourceTag/${tag}`] = value;
  if (principal.kind !== 'anonymous') context['kms:CallerAccount'] = principal.account;
  return context;
}

/** Trust policies without their web identity claims, by the (frozen) trust policy they came from. */
const withoutClaims = new WeakMap<object, unknown>();

/** A trust policy without the GitHub OIDC `:sub`/`:aud` keys, which the evaluator cannot judge (docs/sandbox.md). */
function withoutWebIdentityClaims(policy: unknown): unknown {
  if (!isDeepFrozen(policy)) return stripWebIdentityClaims(policy);
  const trust = policy as object;
  if (!withoutClaims.has(trust)) withoutClaims.set(trust, deepFreeze(stripWebIdentityClaims(trust)));
  return withoutClaims.get(trust);
}

function stripWebIdentityClaims(policy: unknown): unknown {
  const document = JSON.parse(JSON.stringify(policy)) as { Statement?: Array<{ Condition?: Record<string, Record<string, unknown>> }> };
  for (const statement of [document.Statement ?? []].flat()) {
    for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
      for (const key of Object.keys(keys)) if (key.startsWith(`${GITHUB_OIDC_HOST}:`)) delete keys[key];
      if (Object.keys(keys).length === 0) delete statement.Condition![operator];
    }
  }
  return document;
}

/** Policies that name `aws:CurrentTime` or `aws:EpochTime`, by the (frozen) document. */
const timeReaders = new WeakMap<object, boolean>();

function readsTime(policy: unknown): boolean {
  if (policy === undefined || policy === null || typeof policy !== 'object') return false;
  let reads = timeReaders.get(policy);
  if (reads === undefined) {
    reads = /aws:(CurrentTime|EpochTime)/i.test(JSON.stringify(policy));
    if (isDeepFrozen(policy)) timeReaders.set(policy, reads);
  }
  return reads;
}

function timeContext(): Record<string, string> {
  const now = new Date();
  return { 'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'), 'aws:EpochTime': `${Math.floor(now.getTime() / 1000)}` };
}

/** A grant's encryption context constraints against the request's `kms:EncryptionContext:*` keys. */
function constraintsHold(grant: KeyGrant, context: Context): boolean {
  const prefix = 'kms:EncryptionContext:';
  const requested = Object.fromEntries(Object.entries(context).filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), `${value}`]));
  const subset = grant.Constraints?.EncryptionContextSubset;
  if (subset && !Object.entries(subset).every(([key, value]) => requested[key] === value)) return false;
  const equals = grant.Constraints?.EncryptionContextEquals;
  if (equals && (Object.keys(equals).length !== Object.keys(requested).length || !Object.entries(equals).every(([key, value]) => requested[key] === value))) return false;
  return true;
}

/** Bucket policy texts parsed (and frozen) once; a few dozen buckets at most, so a small bound. */
const PARSED_BUCKET_POLICIES = 256;

export class Authorizer {
  private readonly bucketPolicies = new Map<string, unknown>();

  constructor(private readonly sources: AuthorizerSources) {}

  /** The bucket policy text as a document, parsed once per distinct text (the text is the key: never stale). */
  private parsedBucketPolicy(text: string): unknown {
    let parsed = this.bucketPolicies.get(text);
    if (parsed === undefined) {
      parsed = deepFreeze(JSON.parse(text));
      if (this.bucketPolicies.size >= PARSED_BUCKET_POLICIES) this.bucketPolicies.clear();
      this.bucketPolicies.set(text, parsed);
    }
    return parsed;
  }

  private async identityPolicies(principal: Principal): Promise<readonly PolicyDocument[]> {
    if (principal.kind === 'root') return [{ name: 'root', policy: ADMINISTRATOR_POLICY }];
    if (principal.kind === 'anonymous') return [];
    if (principal.kind === 'user') return (await this.sources.moto.userPolicies(principal.account, principal.userName)) ?? [];
    if (principal.roleName === SANDBOX_ROLE) return [{ name: 'sandbox-administrator', policy: ADMINISTRATOR_POLICY }];
    return (await this.sources.moto.rolePolicies(principal.account, principal.roleName)) ?? [];
  }

  /** `aws:PrincipalTag/*`: the role's or user's IAM tags; a session's tags over its role's of the same key. */
  private async principalTags(principal: Principal): Promise<Readonly<Record<string, string>>> {
    if (principal.kind === 'user') return this.sources.moto.principalTags(principal.account, 'User', principal.userName);
    if (principal.kind !== 'role-session' || principal.roleName === SANDBOX_ROLE) return {};
    const roleTags = await this.sources.moto.principalTags(principal.account, 'Role', principal.roleName);
    return principal.sessionTags ? { ...roleTags, ...principal.sessionTags } : roleTags;
  }

  /** The global keys of the caller (global condition context keys page: aws:Principal*, aws:username, aws:SecureTransport). */
  private async globalContext(principal: Principal, secure: boolean): Promise<Record<string, string>> {
    const context: Record<string, string> = { 'aws:SecureTransport': `${secure}` };
    if (principal.kind === 'anonymous') return context;
    const type = { root: 'Account', 'role-session': 'AssumedRole', user: 'User' }[principal.kind];
    const arn = principal.kind === 'role-session' ? principal.roleArn : principal.arn;
    Object.assign(context, { 'aws:PrincipalAccount': principal.account, 'aws:PrincipalArn': arn, 'aws:PrincipalType': type });
    if (principal.kind === 'user') context['aws:username'] = principal.userName;
    for (const [key, value] of Object.entries(await this.principalTags(principal))) context[`aws:PrincipalTag/${key}`] = value;
    return context;
  }

  private callerAccount(principal: Principal, fallback: string): string {
    return principal.kind === 'anonymous' ? fallback : principal.account;
  }

  private async resolve(resource: ResourceRef, principal: Principal): Promise<Resolved | undefined> {
    switch (resource.kind) {
      case 'arn':
        return { arn: resource.arn, account: resource.account || this.callerAccount(principal, resource.account), context: {} };
      case 's3': {
        const policy = this.sources.bucketPolicy(resource.bucket);
        return {
          arn: resource.key === undefined ? `arn:aws:s3:::${resource.bucket}` : `arn:aws:s3:::${resource.bucket}/${resource.key}`,
          account: this.sources.bucketOwner(resource.bucket) ?? this.callerAccount(principal, MOTO_DEFAULT_ACCOUNT),
          ...(policy ? { resourcePolicy: this.parsedBucketPolicy(policy) } : {}),
          context: {},
        };
      }
      case 'kms-key': {
        const key = await this.sources.moto.key(resource.account, resource.region, resource.keyId);
        // No such key: KMS answers NotFoundException itself.
        if (!key) return { arn: resource.keyId, account: resource.account, context: {}, decided: 'allowed' };
        return { arn: key.arn, account: key.account, resourcePolicy: key.policy, context: keyContext(key, principal) };
      }
      case 'role': {
        const match = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(resource.roleArn);
        if (!match) return undefined;
        const [, account, roleName] = match;
        const trust = await this.sources.moto.trustPolicy(account, roleName);
        // The sandbox's own per-account administrator role exists nowhere: assuming it is the sandbox's bootstrap.
        if (trust === undefined && roleName === SANDBOX_ROLE) return { arn: resource.roleArn, account, context: {}, decided: 'allowed' };
        return { arn: resource.roleArn, account, resourcePolicy: trust ?? { Version: '2012-10-17', Statement: [] }, context: {} };
      }
    }
  }

  private async check(principal: Principal, check: Check, secure: boolean, extra: Context = {}, webIdentity = false): Promise<Authorization> {
    const resolved = await this.resolve(check.resource, principal);
    if (!resolved) return { kind: 'not-evaluated', action: check.action, reason: 'resource not understood' };
    if (resolved.decided === 'allowed') return { kind: 'allowed' };
    let caller = principalName(principal);
    let identityPolicies = await this.identityPolicies(principal);
    let resourcePolicy = resolved.resourcePolicy;
    const context: Record<string, string | readonly string[]> = { ...(await this.globalContext(principal, secure)), ...resolved.context, ...(check.context ?? {}), ...extra };
    // The time keys only where a policy reads them: a clock in every context would defeat the decision cache.
    if ([...identityPolicies.map((document) => document.policy), resolved.resourcePolicy].some(readsTime)) Object.assign(context, timeContext());
    if (webIdentity) {
      // The federated principal is the account's GitHub OIDC provider; its token's claims are not judged here.
      caller = `arn:aws:iam::${resolved.account}:oidc-provider/${GITHUB_OIDC_HOST}`;
      identityPolicies = [];
      resourcePolicy = withoutWebIdentityClaims(resourcePolicy);
    }
    const administrator = principal.kind === 'role-session' && principal.roleName === SANDBOX_ROLE;
    const guardrails = this.sources.guardrails ? await this.sources.guardrails.forRequest(principal, check.action, resolved.account, { administrator, webIdentity }) : undefined;
    const evaluation: Evaluation = {
      principal: caller,
      action: check.action,
      resource: resolved.arn,
      resourceAccount: resolved.account,
      context,
      identityPolicies,
      resourcePolicy,
      ...guardrails,
    };
    const evaluator = this.sources.evaluate ?? evaluate;
    const result: EvaluationResult = this.sources.decisions ? await this.sources.decisions.decide(evaluation, evaluator) : await evaluator(evaluation);
    if (result.result === 'Allowed') return { kind: 'allowed' };
    // A grant allows what no policy does (it never overrides an explicit deny).
    if (result.result === 'ImplicitlyDenied' && check.resource.kind === 'kms-key' && (await this.grantAllows(principal, resolved, check.resource.region, check.action, context))) return { kind: 'allowed' };
    if (result.result === 'NotEvaluated') return { kind: 'not-evaluated', action: check.action, reason: result.reason };
    return { kind: 'denied', action: check.action, resource: resolved.arn, principal: caller, reason: result.reason };
  }

  /** Whether a grant on the key lets `principal` perform `action` with the request's encryption context (KMS "Grants in AWS KMS"). */
  private async grantAllows(principal: Principal, key: Resolved, region: string, action: string, context: Context): Promise<boolean> {
    if (principal.kind === 'anonymous' || !action.startsWith('kms:')) return false;
    const grantees = new Set([principal.arn, ...(principal.kind === 'role-session' ? [principal.roleArn] : [])]);
    const grants = await this.sources.moto.grants(key.account, region, key.arn);
    return grants.some((grant) => grantees.has(grant.GranteePrincipal) && grant.Operations.includes(action.slice(4)) && constraintsHold(grant, context));
  }

  /** `dynamodb:LeadingKeys` of the request's items: their hash key values. */
  private async leadingKeys(request: Extract<MappedRequest, { kind: 'mapped' }>): Promise<Context> {
    const items = request.dynamodbItems;
    if (!items) return {};
    const table = await this.sources.moto.table(items.account, request.region, items.table);
    if (!table) return {};
    const values = items.items.map((item) => Object.values((item[table.hashKey] ?? {}) as Record<string, string>)[0]).filter((value) => value !== undefined);
    return { 'dynamodb:LeadingKeys': values.map(String) };
  }

  /** The key a service uses on the caller's behalf, and the actions it performs with it. */
  private async viaServiceKey(via: ViaService, principal: Principal): Promise<{ keyId: string; account: string; region: string; actions: readonly string[]; service: string } | undefined> {
    switch (via.kind) {
      case 's3-put': {
        let keyId: string | undefined;
        if (via.encryption.kind === 'sse-kms') keyId = via.encryption.keyId;
        if (via.encryption.kind === 'bucket-default') {
          const owner = this.sources.bucketOwner(via.bucket) ?? this.callerAccount(principal, MOTO_DEFAULT_ACCOUNT);
          const encryption = await this.sources.moto.bucketEncryption(owner, via.bucket);
          if (encryption.kind === 'sse-kms') keyId = encryption.keyId;
        }
        // No key id: the AWS managed aws/s3 key, which every principal of the account may use through S3.
        if (!keyId) return undefined;
        const arn = /^arn:[^:]+:kms:([^:]+):(\d{12}):/.exec(keyId);
        return { keyId, account: arn?.[2] ?? this.callerAccount(principal, ''), region: arn?.[1] ?? via.region, actions: ['kms:GenerateDataKey'], service: 's3' };
      }
      case 's3-get': {
        const arn = /^arn:[^:]+:kms:([^:]+):(\d{12}):/.exec(via.keyId);
        return { keyId: via.keyId, account: arn?.[2] ?? this.callerAccount(principal, ''), region: arn?.[1] ?? via.region, actions: ['kms:Decrypt'], service: 's3' };
      }
      case 'dynamodb-table': {
        const table = await this.sources.moto.table(via.account, via.region, via.table);
        if (!table?.kmsKeyArn) return undefined;
        return { keyId: table.kmsKeyArn, account: /:(\d{12}):/.exec(table.kmsKeyArn)?.[1] ?? via.account, region: via.region, actions: via.actions, service: 'dynamodb' };
      }
      case 'dynamodb-key': {
        const arn = /^arn:[^:]+:kms:([^:]+):(\d{12}):/.exec(via.keyId);
        return { keyId: via.keyId, account: arn?.[2] ?? via.account, region: arn?.[1] ?? via.region, actions: via.actions, service: 'dynamodb' };
      }
    }
  }

  /** Uses of a key on the caller's behalf: authorized as the caller, with `kms:ViaService` and `kms:CallerAccount`. */
  async authorizeVia(principal: Principal, via: ViaService, secure: boolean): Promise<Authorization> {
    const key = await this.viaServiceKey(via, principal);
    if (!key) return { kind: 'allowed' };
    for (const action of key.actions) {
      const resource: ResourceRef = { kind: 'kms-key', keyId: key.keyId, account: key.account, region: key.region };
      const verdict = await this.check(principal, { action, resource }, secure, { 'kms:ViaService': `${key.service}.${key.region}.amazonaws.com` });
      if (verdict.kind !== 'allowed') return verdict;
    }
    return { kind: 'allowed' };
  }

  /**
   * What an AWS service does as its service principal (S3 server access logging's delivery, S3
   * assuming a replication role): no identity policies, only the resource's policy decides, with the
   * service's own context (`aws:SourceAccount`, `aws:SourceArn`).
   */
  async authorizeService(service: string, check: Check, context: Context): Promise<Authorization> {
    const anonymous: Principal = { kind: 'anonymous' };
    const resolved = await this.resolve(check.resource, anonymous);
    if (!resolved) return { kind: 'not-evaluated', action: check.action, reason: 'resource not understood' };
    const evaluation: Evaluation = {
      principal: service,
      action: check.action,
      resource: resolved.arn,
      resourceAccount: resolved.account,
      context: { 'aws:SecureTransport': 'true', 'aws:PrincipalIsAWSService': 'true', 'aws:PrincipalServiceName': service, ...resolved.context, ...context },
      identityPolicies: [],
      resourcePolicy: resolved.resourcePolicy ?? { Version: '2012-10-17', Statement: [] },
    };
    const result = await (this.sources.evaluate ?? evaluate)(evaluation);
    if (result.result === 'Allowed') return { kind: 'allowed' };
    if (result.result === 'NotEvaluated') return { kind: 'not-evaluated', action: check.action, reason: result.reason };
    return { kind: 'denied', action: check.action, resource: resolved.arn, principal: service, reason: result.reason };
  }

  /** `checks` as `principal` (a role session a service acts as), over TLS, with `extra` context; the first refusal wins. */
  async authorizeChecks(principal: Principal, checks: readonly Check[], extra: Context = {}): Promise<Authorization> {
    for (const check of checks) {
      const verdict = await this.check(principal, check, true, extra);
      if (verdict.kind !== 'allowed') return verdict;
    }
    return { kind: 'allowed' };
  }

  /** Every check of the request, then the keys used on the caller's behalf; the first refusal wins. */
  async authorize(principal: Principal, request: Extract<MappedRequest, { kind: 'mapped' }>, secure: boolean): Promise<Authorization> {
    const leadingKeys = await this.leadingKeys(request);
    for (const check of request.checks) {
      const verdict = await this.check(principal, check, secure, leadingKeys, request.webIdentity === true);
      if (verdict.kind !== 'allowed') return verdict;
    }
    if (request.via) return this.authorizeVia(principal, request.via, secure);
    return { kind: 'allowed' };
  }
}
