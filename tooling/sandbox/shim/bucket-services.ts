import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IamEnforcement } from '../iam/enforcement';
import type { Authorization } from '../iam/authorizer';
import { MOTO_DEFAULT_ACCOUNT } from '../iam/principal-registry';
import type { Check, Principal } from '../iam/types';
import { payloadOf } from './chunked-body';
import { clientHeaders, send, xmlError, type Forward, type Upstream } from './proxy';
import type { S3Request } from './s3-request';

/**
 * What S3 does by itself after a request, which moto never does (getmoto/moto#4421): server access
 * log delivery and replication (docs/sandbox.md, "Access logs and replication"). Each is carried out
 * as AWS carries it out, and authorized as AWS authorizes it:
 * - a log record is written as the service principal `logging.s3.amazonaws.com`, judged by the log
 *   bucket's policy with `aws:SourceAccount` and `aws:SourceArn` of the logged bucket;
 * - a new object version (or delete marker, when the rule says so) is copied as the replication
 *   role: S3 must be trusted to assume it, and the role must be allowed every read, replicate and key use.
 * A refusal is logged and counted (`sandbox status`), and nothing is delivered or replicated: a wrong
 * policy shows in the sandbox as it would in AWS, where logs and replicas silently stay away.
 *
 * Differences from S3, on purpose: each request's record is delivered at once, as its own object
 * (S3 batches within minutes); replication runs before the write is answered (S3: asynchronously,
 * usually within seconds); the replica's version ids are moto's own (S3 keeps the source's).
 * DeleteObjects (the batch delete) is neither logged per key nor replicated.
 *
 * Logging configurations are kept here, not in moto: moto judges a target by a bucket policy it never
 * sees (the shim keeps policies, bucket-policy-keeper.ts) and would refuse every one.
 */

export const LOGGING_SERVICE = 'logging.s3.amazonaws.com';
export const REPLICATION_SERVICE = 's3.amazonaws.com';

interface LoggingTarget {
  readonly bucket: string;
  readonly prefix: string;
}

interface ReplicationRule {
  readonly prefix: string;
  readonly priority: number;
  readonly deleteMarkers: boolean;
  readonly sseKmsObjects: boolean;
  readonly destinationBucket: string;
  readonly replicaKmsKeyId?: string;
}

interface ReplicationConfiguration {
  readonly role: string;
  readonly rules: readonly ReplicationRule[];
}

export interface BucketServices {
  /** `answered`: a Put/GetBucketLogging the shim answered itself. */
  handleLogging(request: IncomingMessage, response: ServerResponse, s3: S3Request, body: Buffer): Promise<'answered' | 'to-moto'>;
  /**
   * moto's answer as the client should get it: a GetBucketReplication is answered with the
   * configuration as put (moto answers every rule with DeleteMarkerReplication Disabled and without
   * SourceSelectionCriteria, which Terraform would show as drift on every plan).
   */
  answer(request: IncomingMessage, s3: S3Request, upstream: Upstream, body: Buffer): Upstream;
  /** After moto answered `s3`: replicate what it wrote, then deliver its access log record. */
  after(request: IncomingMessage, s3: S3Request, upstream: Upstream, requester: Principal | undefined, path: string): Promise<void>;
  forget(bucket: string): void;
  clear(): void;
}

const unescape = (text: string) => text.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const first = (xml: string, element: string) => {
  const match = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(xml);
  return match ? unescape(match[1].trim()) : undefined;
};
const all = (xml: string, element: string) => [...xml.matchAll(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g'))].map((match) => match[1]);
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The replication configuration as S3's XML carries it (the V2 schema: Filter, DeleteMarkerReplication). */
export function parseReplication(xml: string): ReplicationConfiguration | undefined {
  const role = first(xml, 'Role');
  if (!role) return undefined;
  const rules = all(xml, 'Rule')
    // The rule's own Status, not one of its parts' (DeleteMarkerReplication, SourceSelectionCriteria, ...).
    .filter((rule) => first(rule.replace(/<(DeleteMarkerReplication|SourceSelectionCriteria|Destination|ExistingObjectReplication|Filter)>[\s\S]*?<\/\1>/g, ''), 'Status') === 'Enabled')
    .map((rule) => {
      const destination = first(rule, 'Destination') ?? '';
      const sse = first(rule, 'SourceSelectionCriteria') ?? '';
      const filter = first(rule, 'Filter') ?? '';
      return {
        prefix: first(filter, 'Prefix') ?? (filter ? '' : (first(rule.replace(/<Destination>[\s\S]*<\/Destination>/, ''), 'Prefix') ?? '')),
        priority: Number(first(rule, 'Priority') ?? 0),
        deleteMarkers: first(first(rule, 'DeleteMarkerReplication') ?? '', 'Status') === 'Enabled',
        sseKmsObjects: first(first(sse, 'SseKmsEncryptedObjects') ?? '', 'Status') === 'Enabled',
        destinationBucket: (first(destination, 'Bucket') ?? '').replace(/^arn:[^:]+:s3:::/, ''),
        replicaKmsKeyId: first(first(destination, 'EncryptionConfiguration') ?? '', 'ReplicaKmsKeyID'),
      };
    });
  return { role, rules };
}

/** S3's REST operation name in an access log record (`REST.GET.OBJECT`, ...). */
function operationOf(s3: S3Request): string {
  const method = s3.method === 'HEAD' ? 'HEAD' : s3.method;
  if (s3.key !== undefined) return `REST.${method}.OBJECT`;
  if (s3.subresource) return `REST.${method}.${s3.subresource.toUpperCase()}`;
  return `REST.${method}.BUCKET`;
}

const logTime = (date: Date) => {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => `${n}`.padStart(2, '0');
  return `[${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000]`;
};

/** One record in S3's server access log format (fields as S3's "Amazon S3 server access log format" lists them). */
export function accessLogRecord(fields: { owner: string; s3: S3Request; requester: string; status: number; upstream: Upstream; path: string; userAgent: string; requestId: string; time: Date }): string {
  const { s3, upstream } = fields;
  const quote = (text: string) => `"${text.replace(/"/g, '\\"')}"`;
  const error = upstream.status >= 300 ? (/<Code>([^<]+)<\/Code>/.exec(upstream.body.toString('utf8'))?.[1] ?? '-') : '-';
  return [
    fields.owner,
    s3.bucket,
    logTime(fields.time),
    '127.0.0.1',
    fields.requester,
    fields.requestId,
    operationOf(s3),
    s3.key === undefined ? '-' : encodeURIComponent(s3.key).replace(/%2F/g, '/'),
    quote(`${s3.method} ${fields.path} HTTP/1.1`),
    `${fields.status}`,
    error,
    upstream.body.length > 0 ? `${upstream.body.length}` : '-',
    '-',
    '0',
    '0',
    '"-"',
    quote(fields.userAgent),
    `${upstream.headers['x-amz-version-id'] ?? '-'}`,
    '-',
    'SigV4',
    s3.secure ? 'TLS_AES_128_GCM_SHA256' : '-',
    'AuthHeader',
    '-',
    s3.secure ? 'TLSv1.3' : '-',
    '-',
    '-',
  ].join(' ');
}

export function bucketServices(forward: Forward, iam: IamEnforcement | undefined, log: (line: string) => void): BucketServices {
  const logging = new Map<string, LoggingTarget>();
  /** Replication configurations exactly as put (moto's own answer loses parts of them). */
  const replicationXml = new Map<string, string>();
  const replication = new Map<string, Promise<ReplicationConfiguration | undefined>>();
  const ownerOf = (bucket: string) => iam?.bucketOwner(bucket) ?? MOTO_DEFAULT_ACCOUNT;
  /** moto, as the bucket owner's account (how the shim itself reads and writes). */
  const asOwner = (account: string, region = 'us-east-1') => ({
    'x-moto-account-id': account,
    authorization: `AWS4-HMAC-SHA256 Credential=sandbox-shim/20260101/${region}/s3/aws4_request, SignedHeaders=host, Signature=0`,
  });
  const objectPath = (bucket: string, key: string) => `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;

  function replicationOf(bucket: string): Promise<ReplicationConfiguration | undefined> {
    if (!replication.has(bucket)) {
      const kept = replicationXml.get(bucket);
      if (kept !== undefined) {
        replication.set(bucket, Promise.resolve(parseReplication(kept)));
        return replication.get(bucket)!;
      }
      const loading = forward(`/${encodeURIComponent(bucket)}?replication`, 'GET', undefined, asOwner(ownerOf(bucket))).then((answer) =>
        answer.status === 200 ? parseReplication(answer.body.toString('utf8')) : undefined,
      );
      loading.catch(() => replication.delete(bucket));
      replication.set(bucket, loading);
    }
    return replication.get(bucket)!;
  }

  async function judged(line: string, verdicts: Array<() => Promise<Authorization>>): Promise<Authorization> {
    if (!iam) return { kind: 'allowed' };
    for (const next of verdicts) {
      const verdict = await next();
      iam.recordService(line, verdict);
      if (verdict.kind === 'denied') return verdict;
    }
    return { kind: 'allowed' };
  }

  const regionOfKey = (keyId: string | undefined, fallback: string) => /^arn:[^:]+:kms:([^:]+):/.exec(keyId ?? '')?.[1] ?? fallback;
  const accountOfKey = (keyId: string | undefined, fallback: string) => /^arn:[^:]+:kms:[^:]+:(\d{12}):/.exec(keyId ?? '')?.[1] ?? fallback;

  async function replicate(s3: S3Request & { key: string }, upstream: Upstream, region: string): Promise<void> {
    const deleteMarker = s3.method === 'DELETE';
    const configuration = await replicationOf(s3.bucket);
    if (!configuration) return;
    const rule = [...configuration.rules].sort((a, b) => b.priority - a.priority).find((candidate) => s3.key.startsWith(candidate.prefix));
    if (!rule || (deleteMarker && !rule.deleteMarkers)) return;
    const owner = ownerOf(s3.bucket);
    const versionId = `${upstream.headers['x-amz-version-id'] ?? ''}`;
    const what = `${s3.bucket}/${s3.key}${versionId ? ` version ${versionId}` : ''}${deleteMarker ? ' (delete marker)' : ''} -> ${rule.destinationBucket}`;
    let source: Upstream | undefined;
    if (!deleteMarker) {
      source = await forward(`${objectPath(s3.bucket, s3.key)}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`, 'GET', undefined, asOwner(owner, region));
      if (source.status !== 200) return log(`replication: ${what} not replicated: the source version could not be read (${source.status})`);
    }
    const sourceKey = source?.headers['x-amz-server-side-encryption'] === 'aws:kms' ? `${source.headers['x-amz-server-side-encryption-aws-kms-key-id'] ?? ''}` : undefined;
    if (sourceKey !== undefined && !rule.sseKmsObjects) return log(`replication: ${what} not replicated: SSE-KMS objects are not selected by the rule (SourceSelectionCriteria)`);
    const role = configuration.role;
    const bucketCheck = (action: string): Check => ({ action, resource: { kind: 's3', bucket: s3.bucket } });
    const checks: Check[] = [
      bucketCheck('s3:GetReplicationConfiguration'),
      ...(deleteMarker ? [] : [{ action: 's3:GetObjectVersionForReplication', resource: { kind: 's3' as const, bucket: s3.bucket, key: s3.key } }]),
      { action: deleteMarker ? 's3:ReplicateDelete' : 's3:ReplicateObject', resource: { kind: 's3', bucket: rule.destinationBucket, key: s3.key } },
    ];
    const line = `s3 replication ${what}`;
    const keyUse = (keyId: string, action: string, keyRegion: string) => () =>
      iam!.authorizeAsRole(role, 's3-replication', [{ action, resource: { kind: 'kms-key', keyId, account: accountOfKey(keyId, owner), region: keyRegion } }], { 'kms:ViaService': `s3.${keyRegion}.amazonaws.com` });
    const verdict = await judged(line, [
      () => iam!.authorizeService(REPLICATION_SERVICE, { action: 'sts:AssumeRole', resource: { kind: 'role', roleArn: role } }, { 'aws:SourceAccount': owner, 'aws:SourceArn': `arn:aws:s3:::${s3.bucket}` }),
      () => iam!.authorizeAsRole(role, 's3-replication', checks),
      ...(sourceKey ? [keyUse(sourceKey, 'kms:Decrypt', regionOfKey(sourceKey, region))] : []),
      ...(sourceKey && rule.replicaKmsKeyId ? [keyUse(rule.replicaKmsKeyId, 'kms:Encrypt', regionOfKey(rule.replicaKmsKeyId, region))] : []),
    ]);
    if (verdict.kind === 'denied') return log(`replication: ${what} FAILED: ${verdict.principal} may not ${verdict.action} on ${verdict.resource} ${verdict.reason}`);
    const destinationOwner = ownerOf(rule.destinationBucket);
    const destinationRegion = regionOfKey(rule.replicaKmsKeyId, region);
    const written = deleteMarker
      ? await forward(objectPath(rule.destinationBucket, s3.key), 'DELETE', undefined, asOwner(destinationOwner, destinationRegion))
      : await forward(objectPath(rule.destinationBucket, s3.key), 'PUT', source!.body, {
          ...asOwner(destinationOwner, destinationRegion),
          'content-type': `${source!.headers['content-type'] ?? 'application/octet-stream'}`,
          ...(sourceKey && rule.replicaKmsKeyId
            ? { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': rule.replicaKmsKeyId }
            : { 'x-amz-server-side-encryption': 'AES256' }),
        });
    log(written.status < 300 ? `replication: ${what} replicated as ${role}` : `replication: ${what} FAILED: the replica answered ${written.status}`);
  }

  async function deliver(request: IncomingMessage, s3: S3Request, upstream: Upstream, requester: Principal | undefined, path: string): Promise<void> {
    const target = logging.get(s3.bucket);
    if (!target) return;
    const now = new Date();
    const owner = ownerOf(s3.bucket);
    const pad = (n: number) => `${n}`.padStart(2, '0');
    const stamp = `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}-${pad(now.getUTCDate())}-${pad(now.getUTCHours())}-${pad(now.getUTCMinutes())}-${pad(now.getUTCSeconds())}`;
    // S3's simple key format: <prefix>YYYY-mm-DD-HH-MM-SS-<unique string>.
    const key = `${target.prefix}${stamp}-${randomBytes(8).toString('hex').toUpperCase()}`;
    const verdict = await judged(`s3 access log of ${s3.bucket} into ${target.bucket}`, [
      () => iam!.authorizeService(LOGGING_SERVICE, { action: 's3:PutObject', resource: { kind: 's3', bucket: target.bucket, key } }, { 'aws:SourceAccount': owner, 'aws:SourceArn': `arn:aws:s3:::${s3.bucket}` }),
    ]);
    if (verdict.kind === 'denied') return log(`access log: record of ${operationOf(s3)} on ${s3.bucket} not delivered to ${target.bucket}: ${verdict.principal} may not ${verdict.action} on ${verdict.resource} ${verdict.reason}`);
    const record = accessLogRecord({
      owner,
      s3,
      requester: requester === undefined || requester.kind === 'anonymous' ? '-' : requester.arn,
      status: upstream.status,
      upstream,
      path,
      userAgent: `${request.headers['user-agent'] ?? '-'}`,
      requestId: `${upstream.headers['x-amz-request-id'] ?? randomBytes(8).toString('hex').toUpperCase()}`,
      time: now,
    });
    const written = await forward(objectPath(target.bucket, key), 'PUT', Buffer.from(`${record}\n`), { ...asOwner(ownerOf(target.bucket)), 'content-type': 'text/plain', 'x-amz-server-side-encryption': 'AES256' });
    if (written.status >= 300) log(`access log: record for ${s3.bucket} not delivered to ${target.bucket}: moto answered ${written.status}`);
  }

  return {
    async handleLogging(request, response, s3, body) {
      if (s3.subresource !== 'logging' || s3.key !== undefined) return 'to-moto';
      const location = (bucket: string) => forward(`/${encodeURIComponent(bucket)}?location`, 'GET', undefined, clientHeaders(request));
      const exists = await location(s3.bucket);
      if (exists.status >= 300) {
        send(response, exists);
        return 'answered';
      }
      if (s3.method === 'GET') {
        const target = logging.get(s3.bucket);
        const inner = target ? `<LoggingEnabled><TargetBucket>${escapeXml(target.bucket)}</TargetBucket><TargetPrefix>${escapeXml(target.prefix)}</TargetPrefix></LoggingEnabled>` : '';
        const text = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</BucketLoggingStatus>`);
        response.writeHead(200, { 'content-type': 'application/xml', 'content-length': text.length });
        response.end(text);
        return 'answered';
      }
      if (s3.method !== 'PUT') return 'to-moto';
      const xml = payloadOf(request, body).toString('utf8');
      const targetBucket = first(xml, 'TargetBucket');
      if (!targetBucket) {
        logging.delete(s3.bucket);
      } else {
        const target = { bucket: targetBucket, prefix: first(xml, 'TargetPrefix') ?? '' };
        const targetLocation = await location(target.bucket);
        if (targetLocation.status >= 300) {
          xmlError(response, 400, 'InvalidTargetBucketForLogging', 'The target bucket for logging does not exist');
          return 'answered';
        }
        const regionOf = (answer: Upstream) => /<LocationConstraint[^>]*>([^<]*)</.exec(answer.body.toString('utf8'))?.[1] || 'us-east-1';
        if (regionOf(targetLocation) !== regionOf(exists)) {
          xmlError(response, 400, 'CrossLocationLoggingProhibited', 'Cross S3 location logging not allowed');
          return 'answered';
        }
        logging.set(s3.bucket, target);
      }
      send(response, { status: 200, headers: {}, body: Buffer.alloc(0) });
      return 'answered';
    },

    answer(request, s3, upstream, body) {
      if (s3.subresource !== 'replication' || s3.key !== undefined) return upstream;
      if (s3.method === 'PUT' && upstream.status < 300) replicationXml.set(s3.bucket, payloadOf(request, body).toString('utf8'));
      if (s3.method === 'DELETE' && upstream.status < 300) replicationXml.delete(s3.bucket);
      const kept = replicationXml.get(s3.bucket);
      if (s3.method === 'GET' && upstream.status === 200 && kept !== undefined) {
        return { status: 200, headers: { ...upstream.headers, 'content-type': 'application/xml' }, body: Buffer.from(kept) };
      }
      return upstream;
    },

    async after(request, s3, upstream, requester, path) {
      if (s3.subresource === 'replication' && s3.key === undefined) replication.delete(s3.bucket);
      if (upstream.status >= 300) {
        await deliver(request, s3, upstream, requester, path).catch((error: Error) => log(`access log: ${error.message}`));
        return;
      }
      const url = new URL(path, 'http://sandbox');
      const writesObject = s3.key !== undefined && s3.subresource === undefined && ![...url.searchParams.keys()].some((name) => ['uploadId', 'uploads', 'tagging', 'acl', 'retention', 'legal-hold'].includes(name));
      const newVersion = writesObject && (s3.method === 'PUT' || (s3.method === 'DELETE' && !url.searchParams.has('versionId') && upstream.headers['x-amz-delete-marker'] === 'true'));
      if (newVersion) {
        const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(`${request.headers.authorization ?? ''}`)?.[1] ?? 'us-east-1';
        await replicate(s3 as S3Request & { key: string }, upstream, region).catch((error: Error) => log(`replication: ${s3.bucket}/${s3.key}: ${error.message}`));
      }
      await deliver(request, s3, upstream, requester, path).catch((error: Error) => log(`access log: ${error.message}`));
    },

    forget(bucket) {
      logging.delete(bucket);
      replication.delete(bucket);
      replicationXml.delete(bucket);
    },

    clear() {
      logging.clear();
      replication.clear();
      replicationXml.clear();
    },
  };
}
