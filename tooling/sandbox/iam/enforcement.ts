import type { ServerResponse } from 'node:http';
import { xmlError, type Forward, type Upstream } from '../shim/proxy';
import { isPublicPolicy, publicAccessGuard } from './s3-public-access';
import { Authorizer, type Authorization } from './authorizer';
import { sendDenial, sendRefusal } from './denial-response';
import { ALLOW_UNMAPPED_SETTING, MODELLED_SERVICES } from './modelled-services';
import { DecisionCache } from './decision-cache';
import { evaluate } from './evaluator';
import { Guardrails } from './guardrails';
import { readsChangedBy } from './invalidation';
import { MotoReader } from './moto-reader';
import { accessKeyInIamAnswer, credentialsInStsAnswer, PrincipalRegistry, MOTO_DEFAULT_ACCOUNT } from './principal-registry';
import { mapRequest, signatureScope, type AwsRequest } from './request-mapping';
import { simulatePrincipalPolicy } from './simulate-principal-policy';
import { Timings, type TimingReport } from './timings';
import type { Check, Context, MappedRequest, Principal, Protocol } from './types';
import { roleSession } from './principal-registry';

/**
 * The sandbox's IAM enforcement, as the shim calls it (docs/sandbox.md, "IAM enforcement"): every
 * request is mapped to what it asks of IAM and authorized before moto sees it; moto's answers teach it
 * who holds which credentials and when its cached policies are stale.
 */

export interface UnmappedRequest {
  readonly request: string;
  readonly reason: string;
  readonly count: number;
  /** Refused (a modelled service's gap) or allowed unjudged (a service the sandbox does not model, or SANDBOX_IAM_UNMAPPED=allow). */
  readonly outcome: 'refused' | 'allowed';
}

export { ALLOW_UNMAPPED_SETTING, MODELLED_SERVICES } from './modelled-services';

export interface IamStatus {
  readonly enforcement: 'on' | 'off';
  readonly allowed: number;
  readonly denied: number;
  readonly unmapped: readonly UnmappedRequest[];
  /** Time spent authorizing (mapping, reading policies, evaluating), summed over all requests. */
  readonly authorizingMs: number;
  /** Per-request percentiles and where the time went (absent when enforcement is off). */
  readonly timing?: TimingReport;
}

/** What `before` learned, for `after`. */
export interface Ticket {
  readonly method: string;
  readonly principal: Principal;
  readonly mapped: MappedRequest;
  readonly secure: boolean;
  readonly params?: URLSearchParams;
  /** Time `before` spent on this request; `after` adds its own and records the total. */
  readonly authorizingMs: number;
}

export interface IamEnforcement {
  /** `answered`: refused (the denial was sent); else the request goes on to moto. */
  before(request: AwsRequest, response: ServerResponse, secure: boolean): Promise<Ticket | 'answered'>;
  /** Learns from moto's answer; may still refuse a read whose object's key the caller may not use. */
  after(ticket: Ticket, upstream: Upstream, response: ServerResponse): Promise<'answered' | 'send'>;
  /** moto never answered (the connection failed): a write may still have been applied. */
  abandoned(ticket: Ticket): void;
  status(): IamStatus;
  reset(): void;
  /** The account that created `bucket` through the shim (for S3's `x-amz-expected-bucket-owner`), when known. */
  bucketOwner(bucket: string): string | undefined;
  /** What a service does as its service principal (server access log delivery), judged by the resource's policy. */
  authorizeService(service: string, check: Check, context: Context): Promise<Authorization>;
  /** What a service does as a role it assumed (replication): `checks` as that role, over TLS. */
  authorizeAsRole(roleArn: string, sessionName: string, checks: readonly Check[], context?: Context): Promise<Authorization>;
  /** Counts and logs a service's own request (allowed or refused) beside the clients'. */
  recordService(line: string, verdict: Authorization): void;
}

export interface EnforcementOptions {
  readonly forward: Forward;
  /** Let a modelled service's unmapped requests through (SANDBOX_IAM_UNMAPPED=allow). @default false: refused */
  readonly allowUnmapped?: boolean;
  readonly bucketPolicy: (bucket: string) => string | undefined;
  readonly log: (line: string) => void;
}

export function iamEnforcement(options: EnforcementOptions): IamEnforcement {
  const timings = new Timings();
  const decisions = new DecisionCache();
  const moto = new MotoReader((...read) => timings.motoRead(() => options.forward(...read)));
  const principals = new PrincipalRegistry(() => moto.sessions());
  const owners = new Map<string, string>();
  const authorizer = new Authorizer({
    moto,
    bucketPolicy: options.bucketPolicy,
    bucketOwner: (bucket) => owners.get(bucket),
    evaluate: (evaluation) => timings.evaluation(() => evaluate(evaluation)),
    decisions,
    guardrails: new Guardrails(moto),
  });
  const unmapped = new Map<string, { reason: string; count: number; outcome: 'refused' | 'allowed' }>();
  let allowed = 0;
  let denied = 0;
  let authorizingMs = 0;

  /** Counts an unmapped request; `refused` when it is a modelled service's and unmapped requests are not let through. */
  function countUnmapped(service: string, request: string, reason: string): 'refused' | 'allowed' {
    const outcome = (MODELLED_SERVICES as readonly string[]).includes(service) && !options.allowUnmapped ? 'refused' : 'allowed';
    const entry = unmapped.get(request);
    if (entry) entry.count += 1;
    else {
      unmapped.set(request, { reason, count: 1, outcome });
      options.log(
        outcome === 'refused'
          ? `iam: unmapped request ${request} (${reason}): refused (${ALLOW_UNMAPPED_SETTING} on \`sandbox up\` lets it through unjudged)`
          : `iam: unmapped request ${request} (${reason}): allowed without evaluation`,
      );
    }
    return outcome;
  }

  function refuseUnmapped(response: ServerResponse, protocol: Protocol, service: string, request: string, reason: string): 'answered' {
    denied += 1;
    sendRefusal(response, {
      protocol,
      service,
      message: `sandbox: ${request} is not mapped to IAM (${reason}): the sandbox cannot say what AWS would decide, so it refuses it rather than allow it unjudged. Let such requests through deliberately with ${ALLOW_UNMAPPED_SETTING} on \`npm run sandbox -- up\`; \`npm run sandbox -- status\` lists them.`,
    });
    return 'answered';
  }

  function refuse(response: ServerResponse, mapped: Extract<MappedRequest, { kind: 'mapped' }>, verdict: Extract<Authorization, { kind: 'denied' }>): 'answered' {
    denied += 1;
    options.log(`iam: denied ${verdict.principal} ${verdict.action} on ${verdict.resource} (${mapped.service} ${mapped.operation}) ${verdict.reason}`);
    sendDenial(response, { protocol: mapped.protocol, service: mapped.service, principal: verdict.principal, action: verdict.action, resource: verdict.resource, reason: verdict.reason });
    return 'answered';
  }

  return {
    async before(request, response, secure) {
      const started = performance.now();
      let outcome: Ticket | 'answered' | undefined;
      try {
        outcome = await authorize(request, response, secure, started);
        return outcome;
      } finally {
        const ms = performance.now() - started;
        authorizingMs += ms;
        // A request that goes on to moto is recorded by `after`, with that part's time added.
        if (outcome === undefined || outcome === 'answered') timings.record(ms);
      }
    },

    async after(ticket, upstream, response) {
      const started = performance.now();
      try {
        return await learn(ticket, upstream, response);
      } finally {
        const ms = performance.now() - started;
        authorizingMs += ms;
        if (ticket.mapped.kind !== 'sandbox-control') timings.record(ticket.authorizingMs + ms);
      }
    },

    abandoned(ticket) {
      forgetReadsChangedBy(ticket);
    },

    status() {
      return {
        enforcement: 'on',
        allowed,
        denied,
        unmapped: [...unmapped.entries()].map(([request, { reason, count, outcome }]) => ({ request, reason, count, outcome })),
        authorizingMs: Math.round(authorizingMs),
        timing: timings.report(decisions.hits),
      };
    },

    bucketOwner(bucket) {
      return owners.get(bucket);
    },

    authorizeService(service, check, context) {
      return authorizer.authorizeService(service, check, context);
    },

    authorizeAsRole(roleArn, sessionName, checks, context = {}) {
      return authorizer.authorizeChecks(roleSession(roleArn, sessionName), checks, context);
    },

    recordService(line, verdict) {
      if (verdict.kind === 'denied') {
        denied += 1;
        options.log(`iam: denied ${verdict.principal} ${verdict.action} on ${verdict.resource} (${line}) ${verdict.reason}`);
      } else if (verdict.kind === 'not-evaluated') countUnmapped(verdict.action.split(':')[0], line, `${verdict.action}: ${verdict.reason}`);
      else allowed += 1;
    },

    reset() {
      principals.clear();
      owners.clear();
      moto.invalidate();
      decisions.clear();
    },
  };

  async function authorize(request: AwsRequest, response: ServerResponse, secure: boolean, started: number): Promise<Ticket | 'answered'> {
    const scope = signatureScope(request);
    const principal = await principals.principalOf(scope?.accessKeyId);
    const account = principal.kind === 'anonymous' ? MOTO_DEFAULT_ACCOUNT : principal.account;
    const mapped = mapRequest(request, scope, account);
    const ticketOf = (): Ticket => ({ method: request.method, principal, mapped, secure, authorizingMs: performance.now() - started });
    if (mapped.kind === 'sandbox-control') return ticketOf();
    if (mapped.kind === 'unmapped') {
      const name = `${mapped.service} ${mapped.operation}`;
      if (countUnmapped(mapped.service, name, mapped.reason) === 'refused') return refuseUnmapped(response, mapped.protocol, mapped.service, name, mapped.reason);
      return ticketOf();
    }
    const verdict = await authorizer.authorize(principal, mapped, secure);
    if (verdict.kind === 'denied') return refuse(response, mapped, verdict);
    if (mapped.service === 's3' && (await s3Guard(request, response, principal, mapped)) === 'answered') return 'answered';
    if (verdict.kind === 'not-evaluated') {
      const name = `${mapped.service} ${mapped.operation}`;
      const reason = `${verdict.action}: ${verdict.reason}`;
      if (countUnmapped(mapped.service, name, reason) === 'refused') return refuseUnmapped(response, mapped.protocol, mapped.service, name, reason);
    } else allowed += 1;
    if (mapped.service === 'iam' && mapped.operation === 'SimulatePrincipalPolicy') {
      // moto has no simulator: the sandbox answers with its own evaluator.
      const params = new URLSearchParams(request.body.toString('utf8'));
      for (const [name, value] of request.url.searchParams) params.set(name, value);
      const answer = await simulatePrincipalPolicy(params, moto);
      response.writeHead(answer.status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(answer.body) });
      response.end(answer.body);
      return 'answered';
    }
    return ticketOf();
  }

  /** S3's public-access guards (s3-public-access.ts), after IAM allowed the request. */
  async function s3Guard(request: AwsRequest, response: ServerResponse, principal: Principal, mapped: Extract<MappedRequest, { kind: 'mapped' }>): Promise<'answered' | 'go'> {
    const resource = mapped.checks[0]?.resource;
    if (resource?.kind !== 's3') return 'go';
    const { operation } = mapped;
    const policy = options.bucketPolicy(resource.bucket);
    const relevant = ['PutBucketAcl', 'PutObjectAcl', 'PutObject', 'CopyObject', 'MultipartUpload', 'PutBucketPolicy'].includes(operation) || isPublicPolicy(policy);
    if (!relevant) return 'go';
    const owner = owners.get(resource.bucket) ?? (principal.kind === 'anonymous' ? MOTO_DEFAULT_ACCOUNT : principal.account);
    const guards = await moto.bucketGuards(owner, resource.bucket);
    const guard = publicAccessGuard({ operation, headers: request.headers, body: request.body, guards, policy, ownerAccountCaller: principal.kind !== 'anonymous' && principal.account === owner });
    if (!guard) return 'go';
    denied += 1;
    options.log(`s3: ${operation} on ${resource.bucket} refused by ${guard.code === 'AccessDenied' ? 'Block Public Access' : 'Object Ownership (ACLs disabled)'}: ${guard.status} ${guard.code}`);
    xmlError(response, guard.status, guard.code, guard.message);
    return 'answered';
  }

  function forgetReadsChangedBy(ticket: Ticket): void {
    const changed = readsChangedBy(ticket.mapped, ticket.method);
    if (changed === 'all') moto.invalidate();
    else if (changed.length > 0) moto.invalidate(changed);
  }

  async function learn(ticket: Ticket, upstream: Upstream, response: ServerResponse): Promise<'answered' | 'send'> {
    const { mapped, principal } = ticket;
    // Before anything else, and whatever moto answered: the client must not hear of a write while a
    // read it may have changed is still remembered (invalidation.ts).
    forgetReadsChangedBy(ticket);
    if (mapped.kind !== 'mapped' || upstream.status >= 300) return 'send';
    const { service, operation } = mapped;
    if (service === 'sts' && (operation === 'AssumeRole' || operation === 'AssumeRoleWithWebIdentity')) {
      const issued = credentialsInStsAnswer(upstream.body.toString('utf8'));
      const role = mapped.checks[0].resource;
      if (issued && role.kind === 'role') principals.learn(issued.accessKeyId, role.roleArn, issued.sessionArn.split('/').pop()!, { sessionPolicies: mapped.sessionPolicies, sessionTags: mapped.sessionTags });
    }
    // An IAM user's access key acts as that user (in the account it was created in).
    if (service === 'iam' && operation === 'CreateAccessKey' && principal.kind !== 'anonymous') {
      const created = accessKeyInIamAnswer(upstream.body.toString('utf8'));
      if (created) principals.learnUser(created.accessKeyId, principal.account, created.userName);
    }
    if (service === 's3' && operation === 'CreateBucket' && principal.kind !== 'anonymous') {
      const bucket = mapped.checks[0].resource;
      if (bucket.kind === 's3') owners.set(bucket.bucket, principal.account);
    }
    if (service === 's3' && operation === 'DeleteBucket') {
      const bucket = mapped.checks[0].resource;
      if (bucket.kind === 's3') owners.delete(bucket.bucket);
    }
    // S3 decrypts an SSE-KMS object's data key as the caller; only its answer says which key.
    if (service === 's3' && operation === 'GetObject' && upstream.headers['x-amz-server-side-encryption'] === 'aws:kms') {
      const keyId = `${upstream.headers['x-amz-server-side-encryption-aws-kms-key-id'] ?? ''}`;
      if (keyId) {
        const verdict = await authorizer.authorizeVia(principal, { kind: 's3-get', keyId, region: mapped.region }, ticket.secure);
        if (verdict.kind === 'denied') {
          allowed -= 1;
          return refuse(response, mapped, verdict);
        }
      }
    }
    return 'send';
  }
}
