import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// dynalite ships no types; it returns a node http.Server speaking the DynamoDB JSON protocol.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite');

type AttributeValue = { S?: string; N?: string };
export type Item = Record<string, AttributeValue>;

export interface LocalDynamoDb {
  readonly endpoint: string;
  /** A lock table as Terraform needs it (hash key `LockID` of type S), or with another key for failure tests. */
  createTable(name: string, hashKey?: string): Promise<void>;
  getItem(table: string, lockId: string): Promise<Item | undefined>;
  scan(table: string): Promise<Item[]>;
  deleteItem(table: string, lockId: string): Promise<void>;
  /** Writes an item as another client would (e.g. a lock left by a run that died). */
  putItem(table: string, item: Item): Promise<void>;
  stop(): Promise<void>;
}

/** dynalite (in memory) on 127.0.0.1; it accepts any credentials. */
export async function startDynamoDbServer(): Promise<LocalDynamoDb> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function call<T>(operation: string, body: unknown): Promise<T> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.0',
        'X-Amz-Target': `DynamoDB_20120810.${operation}`,
        // dynalite checks that a SigV4 header is present, not that it is valid.
        Authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        'X-Amz-Date': '20260101T000000Z',
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`DynamoDB ${operation}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  return {
    endpoint,
    async createTable(name, hashKey = 'LockID') {
      await call('CreateTable', {
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: hashKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: hashKey, KeyType: 'HASH' }],
      });
    },
    async getItem(table, lockId) {
      const result = await call<{ Item?: Item }>('GetItem', { TableName: table, Key: { LockID: { S: lockId } }, ConsistentRead: true });
      return result.Item;
    },
    async scan(table) {
      return (await call<{ Items: Item[] }>('Scan', { TableName: table })).Items;
    },
    async deleteItem(table, lockId) {
      await call('DeleteItem', { TableName: table, Key: { LockID: { S: lockId } } });
    },
    async putItem(table, item) {
      await call('PutItem', { TableName: table, Item: item });
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
