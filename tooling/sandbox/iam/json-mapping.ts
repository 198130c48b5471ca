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

/** An attribute name as an expression spells it (`#n` through ExpressionAttributeNames), top level only. */
function attributeName(path: string, names: Record<string, string>): string {
  const top = path.trim().split(/[.[]/)[0].trim();
  return names[top] ?? top;
}

/** The equalities of a Query's key condition (`pk = :v`, or the legacy KeyConditions), as an item whose hash key is `dynamodb:LeadingKeys`. */
function queriedKey(body: Body): Record<string, unknown> | undefined {
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (body.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const item: Record<string, unknown> = {};
  for (const match of `${str(body.KeyConditionExpression) ?? ''}`.matchAll(/([#\w.]+)\s*=\s*(:\w+)/g)) item[attributeName(match[1], names)] = values[match[2]];
  for (const [name, condition] of Object.entries((body.KeyConditions ?? {}) as Record<string, { ComparisonOperator?: string; AttributeValueList?: unknown[] }>)) {
    if (condition.ComparisonOperator === 'EQ') item[name] = condition.AttributeValueList?.[0];
  }
  return Object.keys(item).length > 0 ? item : undefined;
}

/** DynamoDB's request condition keys (fine-grained access control page): dynamodb:Attributes, Select, ReturnValues. */
function dynamodbRequestKeys(operation: string, body: Body): Record<string, string | string[]> {
  const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const context: Record<string, string | string[]> = {};
  let attributes: string[] | undefined;
  if (str(body.ProjectionExpression)) attributes = str(body.ProjectionExpression)!.split(',').map((path) => attributeName(path, names));
  else if (Array.isArray(body.AttributesToGet)) attributes = (body.AttributesToGet as unknown[]).map(String);
  else if (operation === 'PutItem' && body.Item && typeof body.Item === 'object') attributes = Object.keys(body.Item as object);
  else if (operation === 'UpdateItem' && body.AttributeUpdates && typeof body.AttributeUpdates === 'object') attributes = [...Object.keys((body.Key ?? {}) as object), ...Object.keys(body.AttributeUpdates as object)];
  if (attributes) context['dynamodb:Attributes'] = [...new Set(attributes)];
  if (str(body.Select)) context['dynamodb:Select'] = str(body.Select)!;
  if (str(body.ReturnValues)) context['dynamodb:ReturnValues'] = str(body.ReturnValues)!;
  return context;
}

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
  const item = DYNAMODB_ITEM_OPERATIONS.has(operation) ? ((operation === 'PutItem' ? body.Item : body.Key) as Record<string, unknown> | undefined) : operation === 'Query' ? queriedKey(body) : undefined;
  const attributes = dynamodbRequestKeys(operation, body);
  if (Object.keys(attributes).length > 0) checks[0] = { ...checks[0], context: attributes };
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

/** The KMS condition keys of an encryption context (`kms:EncryptionContext:<key>`, `kms:EncryptionContextKeys`). */
function encryptionContextKeys(context: unknown): Record<string, string | string[]> {
  if (!context || typeof context !== 'object') return {};
  const entries = Object.entries(context as Record<string, unknown>).filter(([, value]) => typeof value === 'string') as Array<[string, string]>;
  if (entries.length === 0) return {};
  return { ...Object.fromEntries(entries.map(([key, value]) => [`kms:EncryptionContext:${key}`, value])), 'kms:EncryptionContextKeys': entries.map(([key]) => key) };
}

/**
 * The key a symmetric ciphertext names. moto's ciphertext blob starts with the 36-character id of
 * its key (moto/kms/utils.py, `_serialize_ciphertext_blob`), as AWS's carries its key in metadata:
 * Decrypt and ReEncrypt without a KeyId are authorized against that key.
 */
export function keyOfCiphertext(blob: unknown): string | undefined {
  if (typeof blob !== 'string') return undefined;
  const id = Buffer.from(blob, 'base64').subarray(0, 36).toString('latin1');
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id) ? id : undefined;
}

function mapKms(operation: string, body: Body, region: string, account: string): MappedRequest {
  const action = `kms:${operation}`;
  const checks: Check[] = [];
  const tags = requestTags(body.Tags, 'TagKey', 'TagValue');
  const keyRef = (keyId: string) => ({ kind: 'kms-key' as const, keyId, account: /^arn:[^:]+:kms:[^:]*:(\d{12}):/.exec(keyId)?.[1] ?? account, region });
  const unmapped = (reason: string): MappedRequest => ({ kind: 'unmapped', protocol: 'json', service: 'kms', operation, reason });
  // Request parameters that are condition keys (KMS condition keys page).
  const requestKeys: Record<string, string | string[]> = { ...encryptionContextKeys(body.EncryptionContext) };
  if (str(body.EncryptionAlgorithm)) requestKeys['kms:EncryptionAlgorithm'] = str(body.EncryptionAlgorithm)!;
  if (operation === 'CreateGrant') {
    if (Array.isArray(body.Operations)) requestKeys['kms:GrantOperations'] = (body.Operations as unknown[]).map(String);
    if (str(body.GranteePrincipal)) requestKeys['kms:GranteePrincipal'] = str(body.GranteePrincipal)!;
    if (str(body.RetiringPrincipal)) requestKeys['kms:RetiringPrincipal'] = str(body.RetiringPrincipal)!;
  }
  if (KMS_ACCOUNT_OPERATIONS.has(operation)) {
    checks.push({ action, resource: { kind: 'arn', arn: '*', account }, context: { ...tags, ...requestKeys } });
  } else if (operation === 'CreateAlias' || operation === 'UpdateAlias' || operation === 'DeleteAlias') {
    // Alias operations need the permission on the alias and on the key it names.
    const aliasName = str(body.AliasName);
    if (!aliasName) return unmapped('no AliasName');
    checks.push({ action, resource: { kind: 'arn', arn: `arn:aws:kms:${region}:${account}:${aliasName}`, account } });
    checks.push({ action, resource: { kind: 'kms-key', keyId: str(body.TargetKeyId) ?? aliasName, account, region } });
  } else if (operation === 'ReEncrypt') {
    // ReEncrypt is two permissions: kms:ReEncryptFrom on the source key, kms:ReEncryptTo on the destination.
    const source = str(body.SourceKeyId) ?? keyOfCiphertext(body.CiphertextBlob);
    const destination = str(body.DestinationKeyId);
    if (!source || !destination) return unmapped(source ? 'no DestinationKeyId' : 'the ciphertext names no key the sandbox can read');
    checks.push({ action: 'kms:ReEncryptFrom', resource: keyRef(source), context: encryptionContextKeys(body.SourceEncryptionContext) });
    checks.push({ action: 'kms:ReEncryptTo', resource: keyRef(destination), context: encryptionContextKeys(body.DestinationEncryptionContext) });
  } else {
    const keyId = str(body.KeyId) ?? (operation === 'Decrypt' ? keyOfCiphertext(body.CiphertextBlob) : undefined);
    if (!keyId) return unmapped(operation === 'Decrypt' ? 'the ciphertext names no key the sandbox can read' : 'no KeyId');
    checks.push({ action, resource: keyRef(keyId), context: { ...tags, ...requestKeys } });
  }
  // A key named by the ARN of another account is that account's: moto is asked as its owner.
  const owners = new Set(checks.map((check) => (check.resource.kind === 'kms-key' ? check.resource.account : account)));
  const owner = owners.size === 1 ? [...owners][0] : account;
  return { kind: 'mapped', protocol: 'json', service: 'kms', operation, region, checks, ...(owner !== account ? { ownerAccount: owner } : {}) };
}

/** SSM operations whose resource is `*`. */
const SSM_ACCOUNT_OPERATIONS = new Set(['DescribeParameters']);

function mapSsm(operation: string, body: Body, region: string, account: string): MappedRequest {
  const action = `ssm:${operation}`;
  const parameterArn = (name: string) => (name.startsWith('arn:') ? name : `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}`);
  // A parameter named by the ARN of another account is that account's (cross-account needs both sides).
  const resource = (arn: string) => ({ kind: 'arn' as const, arn, account: /^arn:[^:]+:ssm:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? account });
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
