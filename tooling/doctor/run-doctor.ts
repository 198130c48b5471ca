import { s3StateKey } from '../../lib/backends/s3-backend';
import { stateLocation } from '../../lib/backends/backend-factory';
import { lockMechanisms, type S3State } from '../../lib/definitions/state-definition';
import { awsClients, endpointFor, type AwsClients } from '../toolkit/aws-clients';
import { pass, type CheckResult } from './check-result';
import { checkCredentials } from './credentials';
import { checkCallerAccount, checkIdentity, type IdentityResult } from './identity';
import { checkLockTable } from './lock-table';
import { checkDynamoDbLock, checkLockfileLock } from './stale-lock';
import { assumeStateRole } from './state-role';
import { checkStatePermissions, statePermissionClients } from './state-permissions';
import { checkStateBackendVersion } from './state-backend-version';
import { checkBucketEncryption, checkBucketExists, checkBucketVersioning, checkStateObject } from './state-bucket';
import type { DoctorTarget } from './targets';
import { checkTerraformVersion, findTerraformBinary, type BinaryLookup } from './terraform-binary';

export interface SectionReport {
  readonly title: string;
  readonly results: readonly CheckResult[];
}

export interface DoctorReport {
  readonly binary: BinaryLookup;
  readonly sections: readonly SectionReport[];
  readonly ok: boolean;
}

async function checkTarget(
  target: DoctorTarget,
  binary: BinaryLookup,
  clients: (region: string) => AwsClients,
  env: NodeJS.ProcessEnv,
  identity: IdentityResult | undefined,
): Promise<SectionReport> {
  const { state } = target;
  const title = `${target.name}: ${stateLocation(state, { project: target.project, stack: target.name })} (locking: ${lockMechanisms(state).join('+')})`;
  const results: CheckResult[] = [checkTerraformVersion(binary, state)];
  if (state.kind !== 's3') {
    results.push(pass('backend checks', `the doctor checks S3 state only; ${state.kind} state is checked by ${state.kind === 'local' ? 'nothing (local file)' : 'its own service'}`));
    return { title, results };
  }
  results.push(checkCallerAccount(identity?.identity, target.name, target.allowedAccountIds));
  let roleClients: AwsClients | undefined;
  if (state.assumeRole) {
    const role = await assumeStateRole(state.region, state.assumeRole.roleArn, target.name, env, state.assumeRole.externalId);
    results.push(role.check);
    if (!role.credentials) return { title, results };
    roleClients = awsClients(state.region, env, role.credentials);
  }
  const { s3, dynamodb, ssm } = roleClients ?? clients(state.region);
  try {
    await checkState(target, binary, s3, dynamodb, results, env, Boolean(roleClients));
    // State in the state-backend's bucket (hence its region): read its version stamp with the same credentials.
    if (state.bucket === target.stateBackend.bucket) {
      const { name, account, region } = target.stateBackend;
      results.push(await checkStateBackendVersion(ssm, { project: target.project, stack: name, account, region }));
    }
    if (state.assumeRole && iamReachable(env)) {
      const caller = clients(state.region);
      const permissionClients = statePermissionClients(state.region, env, caller.s3, caller.dynamodb);
      try {
        const key = s3StateKey(state, { project: target.project, stack: target.name });
        results.push(await checkStatePermissions(permissionClients, state, key, state.assumeRole.roleArn, target.stateBackend.account));
      } finally {
        permissionClients.iam.destroy();
        permissionClients.kms.destroy();
        permissionClients.sts.destroy();
      }
    }
  } finally {
    roleClients?.s3.destroy();
    roleClients?.dynamodb.destroy();
    roleClients?.ssm.destroy();
  }
  return { title, results };
}

/**
 * IAM's simulator is there on AWS and in the sandbox (AWS_ENDPOINT_URL); local S3/DynamoDB servers
 * named by per-service endpoints have none, so the permissions check is skipped there.
 */
function iamReachable(env: NodeJS.ProcessEnv): boolean {
  const perService = endpointFor('S3', env) || endpointFor('DYNAMODB', env);
  return !perService || Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_IAM);
}

/**
 * The backend's own requests, with the backend's credentials. `viaRole`: those are a state role's,
 * which may not read the bucket's settings (versioning, encryption) by design: a refusal of those
 * reads is then no failure; the state-backend's section, run as the state account, checks them.
 */
async function checkState(
  target: DoctorTarget,
  binary: BinaryLookup,
  s3: AwsClients['s3'],
  dynamodb: AwsClients['dynamodb'],
  results: CheckResult[],
  env: NodeJS.ProcessEnv,
  viaRole: boolean,
): Promise<void> {
  const state = target.state as S3State;
  const key = s3StateKey(state, { project: target.project, stack: target.name });
  const command = 'found' in binary ? binary.found.command : 'terraform';
  const lockContext = { stack: target.name, command };

  const bucket = await checkBucketExists(s3, state.bucket, key, endpointFor('S3', env));
  results.push(bucket);
  if (bucket.ok) {
    results.push(await checkStateObject(s3, state.bucket, key));
    const settingsElsewhere = viaRole ? target.stateBackend.name : undefined;
    results.push(await checkBucketVersioning(s3, state.bucket, settingsElsewhere), await checkBucketEncryption(s3, state.bucket, settingsElsewhere));
  }
  let tableOk = false;
  if (state.locking !== 'lockfile') {
    const table = await checkLockTable(dynamodb, state.dynamodbTable);
    tableOk = table.ok;
    results.push(table);
  }
  if (state.locking !== 'dynamodb' && bucket.ok) results.push(await checkLockfileLock(s3, state.bucket, key, lockContext));
  if (state.locking !== 'lockfile' && tableOk) results.push(await checkDynamoDbLock(dynamodb, state.dynamodbTable, state.bucket, key, lockContext));
}

/**
 * Runs every check for `targets` without changing anything: reads only (ListObjectsV2 with the state
 * key as prefix, Get*, DescribeTable, GetItem, GetObject, ssm:GetParameter) and `terraform version`.
 */
export async function runDoctor(targets: readonly DoctorTarget[], env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  const binary = findTerraformBinary(env);
  const byRegion = new Map<string, AwsClients>();
  const clients = (region: string) => {
    if (!byRegion.has(region)) byRegion.set(region, awsClients(region, env));
    return byRegion.get(region)!;
  };
  const sections: SectionReport[] = [];
  const s3Targets = targets.filter((target) => target.state.kind === 's3');
  let identity: IdentityResult | undefined;
  if (s3Targets.length > 0) {
    const region = (s3Targets[0].state as { region: string }).region;
    const credentials = await checkCredentials(clients(region).s3, env);
    // Who the run acts as, verified with STS as the backend will be: the account each stack then needs.
    identity = credentials.ok ? await checkIdentity(region, env) : undefined;
    sections.push({ title: 'AWS access', results: [credentials, ...(identity ? [identity.check] : [])] });
  }
  for (const target of targets) sections.push(await checkTarget(target, binary, clients, env, identity));
  for (const client of byRegion.values()) {
    client.s3.destroy();
    client.dynamodb.destroy();
    client.ssm.destroy();
  }
  return { binary, sections, ok: sections.every((section) => section.results.every((result) => result.ok)) };
}
