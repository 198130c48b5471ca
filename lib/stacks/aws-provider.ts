import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import { PROVIDER_SERVICES, SANDBOX_MAX_RETRIES, type SandboxConnection } from '../../tooling/sandbox/connection';

export interface AwsProviderSettings {
  readonly region: string;
  readonly allowedAccountIds: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The AWS provider of a stack: its region, its account guard and its default tags. With a sandbox
 * connection (SANDBOX=1), the only place the provider's connection settings change: every service
 * at the sandbox endpoint, path-style S3, bounded retries. Nothing else may differ (the integration
 * test sandbox-synth-diff checks).
 */
export function addAwsProvider(scope: Construct, settings: AwsProviderSettings, sandbox?: SandboxConnection): AwsProvider {
  return new AwsProvider(scope, 'aws', {
    region: settings.region,
    allowedAccountIds: [...settings.allowedAccountIds],
    defaultTags: [{ tags: { ...settings.tags } }],
    ...(sandbox
      ? {
          endpoints: [Object.fromEntries(PROVIDER_SERVICES.map((service) => [service, sandbox.endpoint]))],
          s3UsePathStyle: true,
          maxRetries: SANDBOX_MAX_RETRIES,
        }
      : {}),
  });
}
