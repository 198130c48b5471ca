import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { STATE_BACKEND_VERSION, stateBackendVersionParameterArn, stateBackendVersionParameterName } from '../../lib/stacks/state-backend-version';
import { describeAwsError, isAccessDenied } from '../toolkit/aws-errors';

/**
 * The state-backend's version stamp (lib/stacks/state-backend-version.ts) as deployed, compared with
 * the version this code expects. Read by `npm run doctor` and `npm run bootstrap`.
 */

/** The deployed state-backend stack whose stamp is read. */
export interface StampLocation {
  readonly project: string;
  /** The state-backend stack's name (for the fix: `npx cdktf deploy <stack>`). */
  readonly stack: string;
  /** The state account and the state-backend's region: where the parameter lives. */
  readonly account: string;
  readonly region: string;
}

/** What GetParameter found. */
export type DeployedStamp =
  | { readonly kind: 'found'; readonly version: number }
  /** No parameter: the stack was deployed before version stamps (or not at all). */
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreadable'; readonly denied: boolean; readonly reason: string };

export type StampComparison =
  | { readonly kind: 'current' | 'older' | 'newer'; readonly deployed: number; readonly expected: number }
  | { readonly kind: 'missing'; readonly expected: number }
  | { readonly kind: 'unreadable'; readonly expected: number; readonly denied: boolean; readonly reason: string };

/** Reads the stamp with `ssm` (a client for the state account and region); never throws for AWS errors. */
export async function readDeployedStamp(ssm: SSMClient, project: string, abortSignal?: AbortSignal): Promise<DeployedStamp> {
  const name = stateBackendVersionParameterName(project);
  try {
    const { Parameter } = await ssm.send(new GetParameterCommand({ Name: name }), { abortSignal });
    const value = Parameter?.Value ?? '';
    if (!/^\d+$/.test(value)) return { kind: 'unreadable', denied: false, reason: `${name} holds "${value}", not a version number` };
    return { kind: 'found', version: Number(value) };
  } catch (error) {
    if ((error as { name?: string }).name === 'ParameterNotFound') return { kind: 'missing' };
    return { kind: 'unreadable', denied: isAccessDenied(error), reason: describeAwsError(error) };
  }
}

export function compareStamp(deployed: DeployedStamp, expected: number = STATE_BACKEND_VERSION): StampComparison {
  switch (deployed.kind) {
    case 'found':
      return { kind: deployed.version < expected ? 'older' : deployed.version > expected ? 'newer' : 'current', deployed: deployed.version, expected };
    case 'missing':
      return { kind: 'missing', expected };
    case 'unreadable':
      return { kind: 'unreadable', expected, denied: deployed.denied, reason: deployed.reason };
  }
}

/** One line: what is deployed against what the code expects. */
export function describeStamp(comparison: StampComparison, where: StampLocation): string {
  const backend = `the ${where.stack} in account ${where.account}`;
  switch (comparison.kind) {
    case 'current':
      return `${backend} is version ${comparison.deployed}, as the code expects`;
    case 'older':
      return `${backend} is version ${comparison.deployed}, the code expects ${comparison.expected}`;
    case 'newer':
      return `${backend} is version ${comparison.deployed}, newer than this code's ${comparison.expected}`;
    case 'missing':
      return `${backend} has no version stamp (${stateBackendVersionParameterName(where.project)}): deployed before version stamps; the code expects ${comparison.expected}`;
    case 'unreadable':
      return comparison.denied
        ? `cannot read the stamp with these credentials (needs ssm:GetParameter on ${stateBackendVersionParameterArn(where.project, where.region, where.account)})`
        : `could not read the stamp ${stateBackendVersionParameterName(where.project)}: ${comparison.reason}`;
  }
}

/** What to do about it; undefined when the deployed version is the expected one. */
export function stampFix(comparison: StampComparison, where: StampLocation): string | undefined {
  switch (comparison.kind) {
    case 'current':
      return undefined;
    case 'older':
    case 'missing':
      // A finished bootstrap does not deploy again; the stack is then updated like any other.
      return `update it first: \`npx cdktf deploy ${where.stack}\` with credentials for account ${where.account} (or \`npm run bootstrap\` while its bootstrap has not finished); docs/bootstrap.md "Version stamp"`;
    case 'newer':
      return 'this checkout is older than what was deployed: update it (git pull) before deploying with it';
    case 'unreadable':
      return comparison.denied
        ? `read it with credentials of account ${where.account} allowed ssm:GetParameter on ${stateBackendVersionParameterArn(where.project, where.region, where.account)} (the state roles are not), e.g. an administrator's`
        : 'check network access to SSM and AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL';
  }
}
