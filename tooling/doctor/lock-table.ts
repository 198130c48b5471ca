import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describeAwsError, isBareNotFound, isNotFound, notTheService } from '../toolkit/aws-errors';
import { REQUEST_TIMEOUT_MS } from '../toolkit/aws-clients';
import { fail, pass, withTimeout, type CheckResult } from './check-result';

/** The lock table exists and its partition key is `LockID` of type string, as the S3 backend requires. */
export async function checkLockTable(dynamodb: DynamoDBClient, table: string): Promise<CheckResult> {
  const name = 'lock table';
  try {
    const { Table } = await withTimeout(REQUEST_TIMEOUT_MS + 1000, 'DynamoDB', (abortSignal) =>
      dynamodb.send(new DescribeTableCommand({ TableName: table }), { abortSignal }),
    );
    const hash = Table?.KeySchema?.find((key) => key.KeyType === 'HASH');
    const type = Table?.AttributeDefinitions?.find((attribute) => attribute.AttributeName === hash?.AttributeName)?.AttributeType;
    if (hash?.AttributeName !== 'LockID' || type !== 'S') {
      return fail(
        name,
        `${table} has hash key ${hash?.AttributeName ?? '(none)'} of type ${type ?? '?'}; the S3 backend needs LockID of type S`,
        'recreate the table with hash key "LockID" (String), as the state-backend stack defines it; a table key cannot be changed in place',
      );
    }
    return pass(name, `${table} (${Table?.TableStatus ?? 'status unknown'}) has hash key LockID (S)`);
  } catch (error) {
    if (isNotFound(error)) return fail(name, `table ${table} does not exist`, 'deploy the state-backend stack first: `npx cdktf deploy state-backend`');
    if (isBareNotFound(error)) return fail(name, `${table}: ${notTheService('DynamoDB', 'AWS_ENDPOINT_URL_DYNAMODB')}`, 'point AWS_ENDPOINT_URL_DYNAMODB (or AWS_ENDPOINT_URL) at a DynamoDB endpoint, or unset it to use AWS');
    return fail(name, `could not describe ${table}: ${describeAwsError(error)}`, 'check credentials (dynamodb:DescribeTable), region and AWS_ENDPOINT_URL_DYNAMODB');
  }
}
