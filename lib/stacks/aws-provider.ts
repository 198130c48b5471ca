import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';

export interface AwsProviderSettings {
  readonly region: string;
  readonly allowedAccountIds: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  /**
   * A second provider of the stack (another region), referred to by resources as `aws.<alias>`; its
   * construct id is `aws-<alias>`. @default - the stack's default provider, construct id `aws`
   */
  readonly alias?: string;
}

/**
 * The AWS provider of a stack: its region, its account guard and its default tags. Connection
 * settings (endpoints, retries) are not the stack's business: an app extension such as the sandbox
 * sets them once for the whole app (tooling/sandbox/sandbox-extension.ts).
 */
export function addAwsProvider(scope: Construct, settings: AwsProviderSettings): AwsProvider {
  return new AwsProvider(scope, settings.alias === undefined ? 'aws' : `aws-${settings.alias}`, {
    ...(settings.alias === undefined ? {} : { alias: settings.alias }),
    region: settings.region,
    allowedAccountIds: [...settings.allowedAccountIds],
    defaultTags: [{ tags: { ...settings.tags } }],
  });
}
