import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for moto, small enough to read: the IAM, STS, KMS, DynamoDB and S3 calls the shim makes
 * or forwards in the cache tests, answered in moto's shapes (what tooling/sandbox/iam/moto-reader.ts
 * parses), over real HTTP, so the shim (tooling/sandbox/shim/server.ts) runs unchanged in front of it.
 * Everything lives in one account, moto's default.
 */
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

interface Role {
  trust: string;
  inline: Map<string, string>;
  attached: Set<string>;
}
interface ManagedPolicy {
  versions: Map<string, string>;
  defaultVersion: string;
}
interface Key {
  id: string;
  arn: string;
  policy: string;
  tags: Map<string, string>;
}

export interface FakeMoto {
  readonly endpoint: string;
  /** The next request for `operation` is applied, then the connection is dropped (`drop`) or answered 500 (`fail`). */
  misbehaveOnce(operation: string, how: 'drop' | 'fail'): void;
  close(): Promise<void>;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function startFakeMoto(): Promise<FakeMoto> {
  const roles = new Map<string, Role>();
  const managed = new Map<string, ManagedPolicy>();
  const keys = new Map<string, Key>();
  const aliases = new Map<string, string>();
  const tables = new Map<string, { kmsKeyArn?: string }>();
  const buckets = new Map<string, { encryption?: { algorithm: string; keyId?: string } }>();
  const misbehaving = new Map<string, 'drop' | 'fail'>();
  let issued = 0;

  const keyOf = (id: string): Key | undefined => {
    const name = id.replace(/^arn:aws:kms:[^:]+:\d{12}:/, '');
    if (name.startsWith('alias/')) return aliases.has(name) ? keys.get(aliases.get(name)!) : undefined;
    return keys.get(name.replace(/^key\//, ''));
  };

  function iam(action: string, params: URLSearchParams): [number, string] {
    const role = roles.get(params.get('RoleName') ?? '');
    const noSuchRole: [number, string] = [404, '<ErrorResponse><Error><Code>NoSuchEntity</Code></Error></ErrorResponse>'];
    const ok = (inner = ''): [number, string] => [200, `<${action}Response><${action}Result>${inner}</${action}Result></${action}Response>`];
    switch (action) {
      case 'CreateRole':
        roles.set(params.get('RoleName')!, { trust: params.get('AssumeRolePolicyDocument')!, inline: new Map(), attached: new Set() });
        return ok();
      case 'DeleteRole':
        roles.delete(params.get('RoleName')!);
        return ok();
      case 'GetRole':
        return role ? ok(`<Role><AssumeRolePolicyDocument>${encodeURIComponent(role.trust)}</AssumeRolePolicyDocument></Role>`) : noSuchRole;
      case 'UpdateAssumeRolePolicy':
        if (!role) return noSuchRole;
        role.trust = params.get('PolicyDocument')!;
        return ok();
      case 'PutRolePolicy':
        if (!role) return noSuchRole;
        role.inline.set(params.get('PolicyName')!, params.get('PolicyDocument')!);
        return ok();
      case 'DeleteRolePolicy':
        role?.inline.delete(params.get('PolicyName')!);
        return ok();
      case 'ListRolePolicies':
        return role ? ok(`<PolicyNames>${[...role.inline.keys()].map((name) => `<member>${name}</member>`).join('')}</PolicyNames>`) : noSuchRole;
      case 'GetRolePolicy':
        return ok(`<PolicyDocument>${encodeURIComponent(role!.inline.get(params.get('PolicyName')!)!)}</PolicyDocument>`);
      case 'ListRoleTags':
        // The stand-in's roles carry no IAM tags.
        return role ? ok('<Tags></Tags>') : noSuchRole;
      case 'ListAttachedRolePolicies':
        return role ? ok(`<AttachedPolicies>${[...role.attached].map((arn) => `<member><PolicyArn>${arn}</PolicyArn></member>`).join('')}</AttachedPolicies>`) : noSuchRole;
      case 'AttachRolePolicy':
        role!.attached.add(params.get('PolicyArn')!);
        return ok();
      case 'DetachRolePolicy':
        role!.attached.delete(params.get('PolicyArn')!);
        return ok();
      case 'CreatePolicy': {
        const arn = `arn:aws:iam::${ACCOUNT}:policy/${params.get('PolicyName')}`;
        managed.set(arn, { versions: new Map([['v1', params.get('PolicyDocument')!]]), defaultVersion: 'v1' });
        return ok(`<Policy><Arn>${arn}</Arn></Policy>`);
      }
      case 'CreatePolicyVersion': {
        const policy = managed.get(params.get('PolicyArn')!)!;
        const version = `v${policy.versions.size + 1}`;
        policy.versions.set(version, params.get('PolicyDocument')!);
        if (params.get('SetAsDefault') === 'true') policy.defaultVersion = version;
        return ok(`<PolicyVersion><VersionId>${version}</VersionId></PolicyVersion>`);
      }
      case 'SetDefaultPolicyVersion':
        managed.get(params.get('PolicyArn')!)!.defaultVersion = params.get('VersionId')!;
        return ok();
      case 'GetPolicy':
        return ok(`<Policy><DefaultVersionId>${managed.get(params.get('PolicyArn')!)!.defaultVersion}</DefaultVersionId></Policy>`);
      case 'GetPolicyVersion':
        return ok(`<PolicyVersion><Document>${encodeURIComponent(managed.get(params.get('PolicyArn')!)!.versions.get(params.get('VersionId')!)!)}</Document></PolicyVersion>`);
      case 'AssumeRole': {
        issued += 1;
        const roleName = params.get('RoleArn')!.split('/').pop()!;
        return [
          200,
          `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAFAKE${issued}</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken></Credentials>` +
            `<AssumedRoleUser><Arn>arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${escapeXml(params.get('RoleSessionName')!)}</Arn></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>`,
        ];
      }
      default:
        return [400, `<ErrorResponse><Error><Code>NotImplemented</Code><Message>${action}</Message></Error></ErrorResponse>`];
    }
  }

  function json(target: string, body: Record<string, string & Record<string, unknown>>): [number, unknown] {
    const notFound: [number, unknown] = [400, { __type: 'NotFoundException', message: 'no such key' }];
    const key = body.KeyId ? keyOf(body.KeyId) : undefined;
    switch (target) {
      case 'TrentService.CreateKey': {
        const id = `key-${keys.size + 1}`;
        const created = { id, arn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`, policy: body.Policy, tags: new Map<string, string>() };
        keys.set(id, created);
        return [200, { KeyMetadata: { KeyId: id, Arn: created.arn } }];
      }
      case 'TrentService.CreateAlias':
        aliases.set(body.AliasName, keyOf(body.TargetKeyId)!.id);
        return [200, {}];
      case 'TrentService.DescribeKey':
        return key ? [200, { KeyMetadata: { KeyId: key.id, Arn: key.arn } }] : notFound;
      case 'TrentService.GetKeyPolicy':
        return key ? [200, { Policy: key.policy }] : notFound;
      case 'TrentService.PutKeyPolicy':
        if (!key) return notFound;
        key.policy = body.Policy;
        return [200, {}];
      case 'TrentService.ListAliases':
        return [200, { Aliases: [...aliases].filter(([, id]) => id === key?.id).map(([AliasName]) => ({ AliasName })) }];
      case 'TrentService.TagResource':
        for (const tag of body.Tags as unknown as Array<{ TagKey: string; TagValue: string }>) key!.tags.set(tag.TagKey, tag.TagValue);
        return [200, {}];
      case 'TrentService.ListGrants':
        // The stand-in's keys carry no grants.
        return [200, { Grants: [] }];
      case 'TrentService.ListResourceTags':
        return [200, { Tags: [...(key?.tags ?? [])].map(([TagKey, TagValue]) => ({ TagKey, TagValue })) }];
      case 'TrentService.Decrypt':
        return key ? [200, { KeyId: key.arn, Plaintext: 'AA==' }] : notFound;
      case 'DynamoDB_20120810.CreateTable':
        tables.set(body.TableName, {});
        return [200, {}];
      case 'DynamoDB_20120810.UpdateTable': {
        const sse = body.SSESpecification as unknown as { Enabled: boolean; KMSMasterKeyId?: string };
        tables.set(body.TableName, sse.Enabled && sse.KMSMasterKeyId ? { kmsKeyArn: keyOf(sse.KMSMasterKeyId)!.arn } : {});
        return [200, {}];
      }
      case 'DynamoDB_20120810.DescribeTable': {
        const table = tables.get(body.TableName);
        if (!table) return [400, { __type: 'ResourceNotFoundException' }];
        return [200, { Table: { KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }], ...(table.kmsKeyArn ? { SSEDescription: { SSEType: 'KMS', KMSMasterKeyArn: table.kmsKeyArn } } : {}) } }];
      }
      case 'DynamoDB_20120810.PutItem':
        return [200, {}];
      default:
        return [400, { __type: 'NotImplemented', message: target }];
    }
  }

  function s3(method: string, url: URL, body: string): [number, string] {
    const [, bucketName, ...rest] = url.pathname.split('/');
    const bucket = buckets.get(bucketName);
    if (method === 'PUT' && rest.length === 0 && url.search === '') {
      buckets.set(bucketName, {});
      return [200, ''];
    }
    if (!bucket) return [404, '<Error><Code>NoSuchBucket</Code></Error>'];
    if (url.searchParams.has('location')) return [200, '<LocationConstraint>eu-west-1</LocationConstraint>'];
    if (url.searchParams.has('encryption')) {
      if (method === 'PUT') {
        bucket.encryption = { algorithm: /<SSEAlgorithm>([^<]+)</.exec(body)![1], keyId: /<KMSMasterKeyID>([^<]+)</.exec(body)?.[1] };
        return [200, ''];
      }
      if (method === 'DELETE') {
        delete bucket.encryption;
        return [204, ''];
      }
      const encryption = bucket.encryption ?? { algorithm: 'AES256' };
      return [200, `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>${encryption.algorithm}</SSEAlgorithm>${encryption.keyId ? `<KMSMasterKeyID>${encryption.keyId}</KMSMasterKeyID>` : ''}</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`];
    }
    return [200, method === 'GET' ? 'object' : ''];
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', 'http://moto');
    const target = request.headers['x-amz-target'];
    let status: number;
    let text: string;
    let operation: string;
    if (url.pathname === '/moto-api/data.json') {
      [status, text, operation] = [200, JSON.stringify({ sts: { AssumedRole: [] } }), 'data.json'];
    } else if (typeof target === 'string') {
      operation = target.split('.')[1];
      const [code, answer] = json(target, body ? JSON.parse(body) : {});
      [status, text] = [code, JSON.stringify(answer)];
    } else if (/x-www-form-urlencoded/.test(`${request.headers['content-type'] ?? ''}`)) {
      const params = new URLSearchParams(body);
      operation = params.get('Action')!;
      [status, text] = iam(operation, params);
    } else {
      operation = `s3 ${request.method} ${url.search}`;
      [status, text] = s3(request.method ?? 'GET', url, body);
    }
    const how = misbehaving.get(operation);
    misbehaving.delete(operation);
    if (how === 'drop') return void response.socket?.destroy();
    if (how === 'fail') [status, text] = [500, '<Error><Code>InternalError</Code></Error>'];
    response.writeHead(status, { 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    misbehaveOnce(operation, how) {
      misbehaving.set(operation, how);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
