import type { ClientConfig } from '../toolkit/aws-clients';
import { backendResourcesExist } from './inspect';

const POLL_MS = 1000;

/**
 * Polls, while `running()` holds, until the bucket, lock table and key the environments' backends
 * need exist, then calls `onReady` once. Runs beside phase 1's deploy, whose slower sub-resources
 * (the lifecycle rule's ~55 s wait) the environments need not wait for.
 */
export async function watchBackendReady(clientConfig: ClientConfig, names: { bucket: string; lockTable: string; kmsAlias?: string; accountId: string }, running: () => boolean, onReady: () => void): Promise<void> {
  while (running()) {
    if (await backendResourcesExist(clientConfig, names).catch(() => false)) {
      onReady();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
