/**
 * `node --require ./tooling/toolkit/typescript-hook.cjs tooling/bin/provider-regions.ts [--write]`: the AWS regions the pinned
 * hashicorp/aws provider knows, read from the provider binary in the Terraform plugin mirror (its
 * embedded endpoint tables). `--write` regenerates lib/validation/provider-regions.ts; without it,
 * prints the list and exits 1 when the committed file differs (the e2e suite runs that check).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROVIDER_AWS_VERSION, providerBinaryPath, regionsInProviderBinary, renderRegionsModule } from '../../lib/validation/provider-regions-source';

const target = join(__dirname, '..', '..', 'lib', 'validation', 'provider-regions.ts');
const binary = providerBinaryPath(process.env);
if (!binary) {
  process.stderr.write(`provider-regions: no terraform-provider-aws ${PROVIDER_AWS_VERSION} binary found; set TF_PROVIDER_MIRROR to the mirror root (the directory holding registry.terraform.io/)\n`);
  process.exit(2);
}
const content = renderRegionsModule(regionsInProviderBinary(readFileSync(binary)), binary);
if (process.argv.includes('--write')) {
  writeFileSync(target, content);
  process.stdout.write(`wrote ${target}\n`);
} else {
  const same = readFileSync(target, 'utf8') === content;
  process.stdout.write(same ? 'provider-regions.ts matches the provider binary\n' : 'provider-regions.ts differs from the provider binary: run with --write\n');
  process.exit(same ? 0 : 1);
}
