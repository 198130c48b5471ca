import { startDynamoDbServer, type LocalDynamoDb } from './dynamodb-server';
import { startS3Server, type LocalS3 } from './s3-server';
import { startStsServer, type LocalSts } from './sts-server';
import { ensureTerraform, terraformEnv } from './terraform';
import { removeWorkdirs } from './workdir';

export interface StateServers {
  readonly s3: LocalS3;
  readonly dynamo: LocalDynamoDb;
  /** Answers the backends' AssumeRole of their state role (s3rver has no STS). */
  readonly sts: LocalSts;
  /** Environment for terraform processes pointed at both servers. */
  readonly env: NodeJS.ProcessEnv;
  readonly terraformVersion: string;
  /** Stops both servers and removes the test's working directories. */
  dispose(): Promise<void>;
}

/**
 * What most end-to-end files need before their first test: terraform present, both servers up,
 * the state bucket and (optionally) the lock table created.
 */
export async function startStateServers(bucket: string, lockTable?: string): Promise<StateServers> {
  const terraformVersion = ensureTerraform();
  const [s3, dynamo, sts] = await Promise.all([startS3Server(), startDynamoDbServer(), startStsServer()]);
  await s3.createBucket(bucket);
  if (lockTable) await dynamo.createTable(lockTable);
  return {
    s3,
    dynamo,
    sts,
    env: terraformEnv({ s3: s3.endpoint, dynamodb: dynamo.endpoint, sts: sts.endpoint }),
    terraformVersion,
    async dispose() {
      removeWorkdirs();
      await Promise.all([s3.dispose(), dynamo.stop(), sts.stop()]);
    },
  };
}
