import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Aspects, S3Backend, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { AppExtension } from '../../lib/app/app-extension';
import { parseBoolean, readSetting, type SettingSources } from '../../lib/settings/blueprint';
import { SANDBOX_SETTING } from './sandbox-setting';
import { BACKEND_SERVICES, PROVIDER_SERVICES, resolveSandboxConnection, SANDBOX_MAX_RETRIES, type SandboxConnection } from './connection';

export { SANDBOX_SETTING } from './sandbox-setting';

/** The one reading of `SANDBOX` (synth and tooling): true only for a value the settings table calls true. */
export function sandboxEnabled(sources: SettingSources): boolean {
  return parseBoolean(readSetting(sources, SANDBOX_SETTING)) === true;
}

/**
 * Points every AWS provider and S3 backend of a stack at the sandbox: path-style S3, bounded
 * retries, and no EC2 instance metadata lookup (the sandbox's credentials are the only source; a
 * shell without them must fail, not ask a metadata service outside the sandbox). Connection settings
 * only; the integration test sandbox-synth-diff fails on any other difference from the real
 * configuration. Credentials are still validated and the account still requested: the sandbox
 * answers STS for real.
 *
 * The provider's endpoint: when the sandbox's CA is known, the provider trusts that CA alone
 * (`custom_ca_bundle`) and takes the endpoint from the session's `AWS_ENDPOINT_URL` variables
 * (sandboxSessionVariables), its documented environment variables. An `endpoints` block, even an
 * empty one, costs every provider process about 2.5 s of CPU (measured: docs/performance.md), and
 * Terraform starts several per command. The pinned CA keeps the guard the block gave: run without
 * the session's variables, the provider's requests go to AWS's own endpoints and fail TLS
 * verification before any is sent. Only the running sandbox's own endpoint is pinned that way; any
 * other (`SANDBOX_ENDPOINT` of an emulator of your own, the sandbox's plain-HTTP port) keeps the
 * `endpoints` block. The S3 backend always names its endpoints: Terraform reads that block itself,
 * at no such cost.
 */
export class SandboxConnectionAspect implements IAspect {
  constructor(readonly connection: SandboxConnection) {}

  visit(construct: IConstruct): void {
    const { endpoint, caFile } = this.connection;
    if (construct instanceof AwsProvider) {
      if (caFile === undefined) construct.endpoints = [Object.fromEntries(PROVIDER_SERVICES.map((service) => [service, endpoint]))];
      else construct.customCaBundle = caFile;
      construct.s3UsePathStyle = true;
      construct.maxRetries = SANDBOX_MAX_RETRIES;
      construct.skipMetadataApiCheck = 'true';
    } else if (construct instanceof S3Backend) {
      construct.addOverride('endpoints', Object.fromEntries(BACKEND_SERVICES.map((service) => [service, endpoint])));
      construct.addOverride('use_path_style', true);
      construct.addOverride('max_retries', SANDBOX_MAX_RETRIES);
      construct.addOverride('skip_metadata_api_check', true);
    }
  }
}

/**
 * `SANDBOX=1`: the running sandbox's connection on every stack of the app, applied once from
 * main.ts after the guardrails have judged the real configuration (docs/sandbox.md). No stack,
 * backend or provider module knows the sandbox exists.
 */
export const sandboxExtension: AppExtension = {
  settings: [SANDBOX_SETTING],
  activate(sources) {
    if (!sandboxEnabled(sources)) return { kind: 'off' };
    const connection = resolveSandboxConnection(sources.env);
    if ('problem' in connection) return { kind: 'invalid', problems: [connection.problem] };
    return {
      kind: 'on',
      apply: (app) => {
        for (const stack of app.node.findAll().filter(TerraformStack.isStack)) Aspects.of(stack).add(new SandboxConnectionAspect(connection));
      },
    };
  },
};
