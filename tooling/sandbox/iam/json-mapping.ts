import type { Check, MappedRequest } from './types';

/**
 * JSON-protocol requests (`X-Amz-Target: <Service_Version>.<Operation>`, body JSON) -> IAM actions:
 * DynamoDB, KMS and SSM, the services the project's stacks and backends call.
 */

type Body = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** DynamoDB operations on items: `dynamodb:LeadingKeys` applies. */
const DYNAMODB_ITEM_OPERATIONS = new Set(['GetItem', 'PutItem', 'DeleteItem', 'UpdateItem']);
/** DynamoDB operations whose resource is `*`. */
const DYNAMODB_ACCOUNT_OPERATIONS = new Set(['ListTables', 'DescribeEndpoints', 'DescribeLimits', 'ListBackups', 'ListGlobalTables']);

function mapDynamoDb(operation: string, body: Body, region: string, account: string): MappedRequest {
  const action = `dynamodb:${operation}`;
  const unmapped = (reason: string): MappedRequest => ({ kind: 'unmapped', protocol: 'json', service: 'dynamodb', operation, reason });
  if (DYNAMODB_ACCOUNT_OPERATIONS.has(operation)) {
    return { kind: 'mapped', protocol: 'json', service: 'dynamodb', operation, region, checks: [{ action, resource: { kind: 'arn', arn: '*', account } }] };
  }
  const resourceArn = str(body.ResourceArn);
  const table = str(body.TableName) ?? (resourceArn ? /:table\/([^/]+)/.exec(resourceArn)?.[1] : undefined);
  if (!table) return unmapped('no TableName or ResourceArn');
  const arn = resourceArn ?? `arn:aws:dynamodb:${region}:${account}:table/${table}`;
  const tableAccount = /^arn:[^:]+:dynamodb:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? account;
  const checks: Check[] = [{ action, resource: { kind: 'arn', arn, account: tableAccount } }];
  const item = DYNAMODB_ITEM_OPERATIONS.has(operation) ? ((operation === 'PutItem' ? body.Item : body.Key) as Record<string, unknown> | undefined) : undefined;
  // Reading or writing items uses the table's key as the caller; so does putting a key on a table
  // (DynamoDB describes it and creates its grant as the caller).
  const newKey = str((body.SSESpecification as Body | undefined)?.KMSMasterKeyId);
  const via =
    item !== undefined
      ? { kind: 'dynamodb-table' as const, account: tableAccount, region, table, actions: ['kms:Decrypt'] }
      : newKey !== undefined
        ? { kind: 'dynamodb-key' as const, keyId: newKey, account: tableAccount, region, actions: ['kms:DescribeKey', 'kms:CreateGrant'] }
        : undefined;
  return {
    kind: 'mapped',
    protocol: 'json',
    service: 'dynamodb',
    operation,
    region,
    checks,
    ...(item ? { dynamodbItems: { table, account: tableAccount, items: [item] } } : {}),
    ...(via ? { via } : {}),
  };
}

/** KMS operations whose resource is `*` (no key exists or is named yet). */
const KMS_ACCOUNT_OPERATIONS = new Set(['CreateKey', 'ListKeys', 'ListAliases', 'GenerateRandom', 'ConnectCustomKeyStore', 'DescribeCustomKeyStores', 'ListRetirableGrants']);

/** The request's tags as `aws:RequestTag/<key>` and `aws:TagKeys`. */
function requestTags(tags: unknown, keyName: string, valueName: string): Record<string, string | string[]> {
  if (!Array.isArray(tags) || tags.length === 0) return {};
  const context: Record<string, string | string[]> = { 'aws:TagKeys': [] };
  for (const tag of tags as Array<Record<string, unknown>>) {
    const key = str(tag[keyName]);
    if (key === undefined) continue;
    context[`aws:RequestTag/${key}`] = str(tag[valueName]) ?? '';
    (context['aws:TagKeys'] as string[]).push(key);
  }
  return context;
}

function mapKms(operation: string, body: Body, region: string, account: string): MappedRequest {
  const action = `kms:${operation}`;
  const checks: Check[] = [];
  const tags = requestTags(body.Tags, 'TagKey', 'TagValue');
  if (KMS_ACCOUNT_OPERATIONS.has(operation)) {
    checks.push({ action, resource: { kind: 'arn', arn: '*', account }, context: tags });
  } else if (operation === 'CreateAlias' || operation === 'UpdateAlias' || operation === 'DeleteAlias') {
    // Alias operations need the permission on the alias and on the key it names.
    const aliasName = str(body.AliasName);
    if (!aliasName) return { kind: 'unmapped', protocol: 'json', service: 'kms', operation, reason: 'no AliasName' };
    checks.push({ action, resource: { kind: 'arn', arn: `arn:aws:kms:${region}:${account}:${aliasName}`, account } });
    checks.push({ action, resource: { kind: 'kms-key', keyId: str(body.TargetKeyId) ?? aliasName, account, region } });
  } else {
    const keyId = str(body.KeyId) ?? str(body.DestinationKeyId);
    if (!keyId) return { kind: 'unmapped', protocol: 'json', service: 'kms', operation, reason: 'no KeyId' };
    const keyAccount = /^arn:[^:]+:kms:[^:]*:(\d{12}):/.exec(keyId)?.[1] ?? account;
    checks.push({ action, resource: { kind: 'kms-key', keyId, account: keyAccount, region }, context: tags });
  }
  return { kind: 'mapped', protocol: 'json', service: 'kms', operation, region, checks };
}

/** SSM operations whose resource is `*`. */
const SSM_ACCOUNT_OPERATIONS = new Set(['DescribeParameters']);

function mapSsm(operation: string, body: Body, region: string, account: string): MappedRequest {
  const action = `ssm:${operation}`;
  const parameterArn = (name: string) => (name.startsWith('arn:') ? name : `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}`);
  const resource = (arn: string) => ({ kind: 'arn' as const, arn, account });
  let names: string[];
  if (SSM_ACCOUNT_OPERATIONS.has(operation)) names = ['*'];
  else if (Array.isArray(body.Names)) names = (body.Names as string[]).map(parameterArn);
  else if (str(body.Name)) names = [parameterArn(str(body.Name)!)];
  else if (str(body.Path)) names = [parameterArn(str(body.Path)!)];
  else if (str(body.ResourceType) === 'Parameter' && str(body.ResourceId)) names = [parameterArn(str(body.ResourceId)!)];
  else return { kind: 'unmapped', protocol: 'json', service: 'ssm', operation, reason: 'no parameter named' };
  const context = requestTags(body.Tags, 'Key', 'Value');
  return { kind: 'mapped', protocol: 'json', service: 'ssm', operation, region, checks: names.map((arn) => ({ action, resource: resource(arn), context })) };
}

/** Maps one JSON-protocol request; `account` is the caller's (DynamoDB tables, SSM parameters are per account). */
export function mapJson(target: string, bodyText: string, region: string, account: string): MappedRequest {
  const [prefix, operation] = target.split('.');
  let body: Body;
  try {
    body = bodyText.length > 0 ? (JSON.parse(bodyText) as Body) : {};
  } catch {
    return { kind: 'unmapped', protocol: 'json', service: prefix, operation: operation ?? target, reason: 'body is not JSON' };
  }
  if (prefix.startsWith('DynamoDB_')) return mapDynamoDb(operation, body, region, account);
  if (prefix === 'TrentService') return mapKms(operation, body, region, account);
  if (prefix === 'AmazonSSM') return mapSsm(operation, body, region, account);
  return { kind: 'unmapped', protocol: 'json', service: prefix, operation: operation ?? target, reason: 'service not mapped' };
}
