import type { SSMClient } from '@aws-sdk/client-ssm';
import { REQUEST_TIMEOUT_MS } from '../toolkit/aws-clients';
import { compareStamp, describeStamp, readDeployedStamp, stampFix, type StampLocation } from '../bootstrap/version-stamp';
import { fail, pass, warn, withTimeout, type CheckResult } from './check-result';

/**
 * The deployed state-backend is not older than this code (its version stamp, docs/bootstrap.md).
 * Older or unstamped fails; newer, or a stamp these credentials cannot read, warns.
 */
export async function checkStateBackendVersion(ssm: SSMClient, where: StampLocation): Promise<CheckResult> {
  const name = 'state-backend version';
  const deployed = await withTimeout(REQUEST_TIMEOUT_MS + 1000, 'SSM', (abortSignal) => readDeployedStamp(ssm, where.project, abortSignal)).catch(
    (error: Error) => ({ kind: 'unreadable', denied: false, reason: error.message }) as const,
  );
  const comparison = compareStamp(deployed);
  const detail = describeStamp(comparison, where);
  const fix = stampFix(comparison, where);
  switch (comparison.kind) {
    case 'current':
      return pass(name, detail);
    case 'older':
    case 'missing':
      return fail(name, detail, fix!);
    case 'newer':
    case 'unreadable':
      return warn(name, detail, fix!);
  }
}
